"""Fake Login with Amazon + Amazon Ads API v3: LWA refresh-token grant, ``Amazon-Advertising-API-Scope``
and ``-ClientId`` headers, ``POST /sp/*/list`` with ``nextToken`` in the JSON body, and async
reports (``POST /reporting/reports`` -> poll ``GET /reporting/reports/{id}`` until COMPLETED,
several polls -> download a gzipped JSON array from a presigned URL that takes no auth):
https://advertising.amazon.com/API/docs/en-us/guides/reporting/v3/get-started"""

from __future__ import annotations

import gzip
import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ingestion.live.fakes.server import Family

LISTS = {"campaigns": ("campaigns", "campaigns"), "adGroups": ("ad_groups", "adGroups"),
         "productAds": ("product_ads", "productAds")}
POLLS_UNTIL_DONE = 3


class FakeAmazon(Family):
    name = "amazon"
    client_id, client_secret, refresh_token = "amzn1.application-oa2-client.fake", "amzn-fake-secret", "Atzr|fake"
    access_token = "Atza|fake-access"
    profile = "3456789012345678"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.reports: dict[str, dict] = {}

    def settings_for(self, connector: str) -> dict[str, object]:
        return {"profile_id": self.profile}

    def secrets_for(self, connector: str) -> dict[str, str]:
        return {"client_id": self.client_id, "client_secret": self.client_secret, "refresh_token": self.refresh_token}

    def auth_error(self, why: str) -> Response:
        return JSONResponse({"code": "UNAUTHORIZED", "details": "Not authorized to access this advertiser"},
                            status_code=401)

    def throttled(self) -> Response:
        return JSONResponse({"code": "429", "details": "Too Many Requests"}, status_code=429,
                            headers={"Retry-After": str(self.faults.retry_after)})

    def routes(self) -> list:
        return [Route("/auth/o2/token", self.token, methods=["POST"]), Route("/v2/profiles", self.profiles),
                Route("/sp/{kind}/list", self.list_entities, methods=["POST"]),
                Route("/reporting/reports", self.create_report, methods=["POST"]),
                Route("/reporting/reports/{report_id}", self.report_status),
                Route("/download/{report_id}.json.gz", self.download)]

    async def token(self, request: Request) -> Response:
        form = await request.form()
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return JSONResponse({"error": "invalid_client", "error_description": "Client authentication failed"},
                                status_code=401)
        if form.get("refresh_token") != self.refresh_token or self.revoked:
            return JSONResponse({"error": "invalid_grant", "error_description":
                                 "The request has an invalid grant parameter : refresh_token"}, status_code=400)
        return JSONResponse({"access_token": self.access_token, "refresh_token": self.refresh_token,
                             "token_type": "bearer", "expires_in": 3600})

    def _guard(self, request: Request, scoped: bool = True) -> Response | None:
        if request.headers.get("Authorization") != f"Bearer {self.access_token}" or \
                request.headers.get("Amazon-Advertising-API-ClientId") != self.client_id:
            return self.auth_error("bad")
        bad = self.fault(request)
        if bad is not None:
            return bad
        if scoped and request.headers.get("Amazon-Advertising-API-Scope") != self.profile:
            return JSONResponse({"code": "UNAUTHORIZED", "details": "Invalid scope: profile not found for this "
                                 "account"}, status_code=401)
        return None

    async def profiles(self, request: Request) -> Response:
        if (bad := self._guard(request, scoped=False)) is not None:
            return bad
        return JSONResponse([{"profileId": int(self.profile), "countryCode": "US",
                              "currencyCode": self.tenant.business_logic.currency, "timezone": "UTC",
                              "accountInfo": {"type": "seller", "name": self.tenant.name}}])

    async def list_entities(self, request: Request) -> Response:
        if (bad := self._guard(request)) is not None:
            return bad
        obj, key = LISTS[request.path_params["kind"]]
        body = await request.json()
        rows = self.records("amazon_ads")[obj]
        size, offset = int(body.get("maxResults", 100)), int(body.get("nextToken") or 0)
        chunk = rows[offset:offset + size]
        self.count(obj, chunk, lambda r: json.dumps(r, sort_keys=True)[:60])
        out = {key: chunk, "totalResults": len(rows)}
        if offset + size < len(rows):
            out["nextToken"] = str(offset + size)
        return JSONResponse(out, media_type=f"application/vnd.sp{key[0].upper()}{key[1:-1]}.v3+json")

    async def create_report(self, request: Request) -> Response:
        if (bad := self._guard(request)) is not None:
            return bad
        body = await request.json()
        rid = f"rpt-{len(self.reports) + 1:04d}"
        self.reports[rid] = {"body": body, "polls": 0}
        return JSONResponse({"reportId": rid, "status": "PENDING", "name": body.get("name")})

    async def report_status(self, request: Request) -> Response:
        if (bad := self._guard(request)) is not None:
            return bad
        rid = request.path_params["report_id"]
        rep = self.reports[rid]
        rep["polls"] += 1
        if rep["polls"] < POLLS_UNTIL_DONE:
            return JSONResponse({"reportId": rid, "status": "PROCESSING" if rep["polls"] > 1 else "PENDING"})
        base = str(request.url).split("/reporting/")[0]
        return JSONResponse({"reportId": rid, "status": "COMPLETED", "url": f"{base}/download/{rid}.json.gz?X-Amz-"
                             "Signature=fake", "fileSize": 1234})

    async def download(self, request: Request) -> Response:
        if "Authorization" in request.headers:  # S3 refuses a second auth mechanism
            return Response("<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed"
                            "</Message></Error>", status_code=400, media_type="application/xml")
        rep = self.reports[request.path_params["report_id"]]["body"]
        lo, hi = rep["startDate"], rep["endDate"]
        rows = [r for r in self.records("amazon_ads")["sp_advertised_product"] if lo <= r["date"] <= hi]
        self.count("sp_advertised_product", rows, lambda r: (r["adId"], r["date"]))
        return Response(gzip.compress(json.dumps(rows).encode()), media_type="application/octet-stream")
