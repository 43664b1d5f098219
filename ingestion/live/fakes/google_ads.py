"""Fake Google OAuth + Google Ads API v16 REST: ``googleAds:searchStream`` answering a GAQL query
with a JSON array of batches in the proto3 JSON mapping (lowerCamelCase keys, int64 as
strings), ``developer-token`` and ``login-customer-id`` headers, GoogleAdsFailure error
details: https://developers.google.com/google-ads/api/rest/reference/rest/v16/customers.googleAds/searchStream"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ingestion.live.fakes.ga4 import GoogleOAuth

VERSION = "v16"


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def to_proto_json(value: object) -> object:
    """A mock record as the REST API sends it: camelCase keys, int64 (every int here) as strings."""
    if isinstance(value, dict):
        return {_camel(k): to_proto_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_proto_json(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _ads_error(code: int, status: str, message: str, error_code: dict, headers: dict | None = None) -> Response:
    return JSONResponse({"error": {"code": code, "message": message, "status": status, "details": [{
        "@type": f"type.googleapis.com/google.ads.googleads.{VERSION}.errors.GoogleAdsFailure",
        "errors": [{"errorCode": error_code, "message": message}], "requestId": "fake-request-id"}]}},
        status_code=code, headers=headers)


class FakeGoogleAds(GoogleOAuth):
    name = "google_ads"
    access_token, developer_token, manager = "ya29.fake-ads-token", "fake-developer-token", "1112223333"

    def customer(self) -> str:
        return self.records("google_ads")["customers"][0]["customer"]["id"]

    def settings_for(self, connector: str) -> dict[str, object]:
        return {"customer_id": self.customer(), "login_customer_id": self.manager}

    def secrets_for(self, connector: str) -> dict[str, str]:
        return {"developer_token": self.developer_token, "client_id": self.client_id,
                "client_secret": self.client_secret, "refresh_token": self.refresh_token}

    def auth_error(self, why: str) -> Response:
        return _ads_error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 "
                          "access token, login cookie or other valid authentication credential.",
                          {"authenticationError": "OAUTH_TOKEN_REVOKED" if why == "revoked" else "OAUTH_TOKEN_INVALID"})

    def throttled(self) -> Response:
        return _ads_error(429, "RESOURCE_EXHAUSTED", "Too many requests. Retry in 1 seconds.",
                          {"quotaError": "RESOURCE_TEMPORARILY_EXHAUSTED"},
                          headers={"Retry-After": str(self.faults.retry_after)})

    def server_error(self) -> Response:
        return _ads_error(500, "INTERNAL", "Internal error encountered.", {"internalError": "INTERNAL_ERROR"})

    def routes(self) -> list:
        return [Route("/token", self.token, methods=["POST"]),
                Route(f"/{VERSION}/customers/{{customer}}/googleAds:searchStream", self.search_stream,
                      methods=["POST"])]

    async def search_stream(self, request: Request) -> Response:
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            return self.auth_error("bad")
        if request.headers.get("developer-token") != self.developer_token:
            return _ads_error(401, "UNAUTHENTICATED", "The developer token is not valid.",
                              {"authenticationError": "DEVELOPER_TOKEN_INVALID"})
        bad = self.fault(request)
        if bad is not None:
            return bad
        customer = request.path_params["customer"]
        if customer != self.customer() or request.headers.get("login-customer-id") != self.manager:
            return _ads_error(403, "PERMISSION_DENIED", "The caller does not have permission",
                              {"authorizationError": "USER_PERMISSION_DENIED"})
        query = (await request.json())["query"]
        found = re.search(r"\bFROM\s+(\w+)", query, re.IGNORECASE)
        source = found.group(1) if found else ""
        dates = re.search(r"segments\.date BETWEEN '([\d-]+)' AND '([\d-]+)'", query)
        obj = {"customer": "customers", "campaign": "campaigns", "ad_group": "ad_groups",
               "ad_group_ad": "ad_performance" if dates else "ads"}[source]
        rows = self.records("google_ads")[obj]
        if dates:
            rows = [r for r in rows if dates.group(1) <= r["segments"]["date"] <= dates.group(2)]
            self.count(obj, rows, lambda r: (r["ad_group_ad"]["ad"]["id"], r["segments"]["date"]))
        batches = [rows[i:i + 10_000] for i in range(0, len(rows), 10_000)] or [[]]
        return JSONResponse([{"results": [to_proto_json(r) for r in batch], "fieldMask": "",
                              "requestId": "fake-request-id"} for batch in batches])
