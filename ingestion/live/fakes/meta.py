"""Fake Meta Marketing API (Graph API v19.0): ad-account edges, ``paging.next`` cursors, usage headers.

Faithful to https://developers.facebook.com/docs/graph-api/results (cursor paging
whose ``next`` URL repeats the query, access token included) and
https://developers.facebook.com/docs/marketing-api/overview/rate-limiting (every
answer carries ``X-Business-Use-Case-Usage`` / ``X-Ad-Account-Usage``; throttling is
HTTP 400 with error code 80004 and ``is_transient``, not a 429). Errors are Graph
error objects: code 190 for a bad or revoked token, 100/33 for an unknown account,
200 for a missing ``ads_read`` permission.
"""

from __future__ import annotations

import base64
import json
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ingestion.live.fakes.server import Family

VERSION = "v19.0"
EDGES = {"campaigns": "campaigns", "adsets": "ad_sets", "ads": "ads", "insights": "facebook_insights"}


def _graph_error(message: str, type_: str, code: int, subcode: int | None = None, status: int = 400,
                 headers: dict | None = None, transient: bool = False) -> Response:
    err = {"message": message, "type": type_, "code": code, "fbtrace_id": "AbCdEfGhIjK"}
    if subcode:
        err["error_subcode"] = subcode
    if transient:
        err["is_transient"] = True
    return JSONResponse({"error": err}, status_code=status, headers=headers)


class FakeMeta(Family):
    name = "meta"
    token = "EAAGfake0token0meta"
    permissions = ("ads_read",)

    def settings_for(self, connector: str) -> dict[str, object]:
        return {"account_id": self.records(connector)["campaigns"][0]["account_id"]}

    def secrets_for(self, connector: str) -> dict[str, str]:
        return {"access_token": self.token}

    def _connector_of(self, account: str) -> str | None:
        for c in ("facebook_ads", "instagram_ads"):
            if c in self.tenant.connectors and self.records(c)["campaigns"][0]["account_id"] == account:
                return c
        return None

    def usage(self, account: str, pct: int) -> dict[str, str]:
        bucu = {account: [{"type": "ads_insights", "call_count": pct, "total_cputime": pct // 2,
                           "total_time": pct // 2, "estimated_time_to_regain_access": 0}]}
        return {"X-Business-Use-Case-Usage": json.dumps(bucu),
                "X-Ad-Account-Usage": json.dumps({"acc_id_util_pct": pct, "reset_time_duration": 0})}

    def auth_error(self, why: str) -> Response:
        if why == "revoked":
            return _graph_error("Error validating access token: The session has been invalidated because the user "
                                "changed their password or Facebook has changed the session for security reasons.",
                                "OAuthException", 190, 460)
        return _graph_error("Invalid OAuth access token - Cannot parse access token", "OAuthException", 190)

    def throttled(self) -> Response:
        return _graph_error("(#80004) There have been too many calls to this ad-account. Wait a bit and try again. "
                            "For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/"
                            "rate-limiting#ads-management.", "OAuthException", 80004, 2446079,
                            headers=self.usage("act", 100), transient=True)

    def server_error(self) -> Response:
        return _graph_error("An unexpected error has occurred. Please retry your request later.",
                            "OAuthException", 2, status=500, transient=True)

    def _token(self, request: Request) -> str | None:
        auth = request.headers.get("Authorization", "")
        return auth.removeprefix("Bearer ").removeprefix("OAuth ") or request.query_params.get("access_token")

    def _guard(self, request: Request) -> tuple[Response | None, str | None]:
        if self._token(request) != self.token:
            return self.auth_error("bad"), None
        bad = self.fault(request)
        if bad is not None:
            return bad, None
        account = request.path_params["account"]
        connector = self._connector_of(account)
        if connector is None:
            return _graph_error(
                f"Unsupported get request. Object with ID 'act_{account}' does not exist, cannot be loaded due to "
                "missing permissions, or does not support this operation. Please read the Graph API documentation "
                "at https://developers.facebook.com/docs/graph-api", "GraphMethodException", 100, 33), None
        if "ads_read" not in self.permissions:
            return _graph_error("(#200) Requires ads_read permission", "OAuthException", 200, status=403), None
        return None, connector

    def routes(self) -> list:
        return [Route(f"/{VERSION}/act_{{account}}", self.account),
                Route(f"/{VERSION}/act_{{account}}/{{edge}}", self.edge)]

    async def account(self, request: Request) -> Response:
        bad, connector = self._guard(request)
        if bad is not None:
            return bad
        account = request.path_params["account"]
        return JSONResponse({"id": f"act_{account}", "name": f"{self.tenant.name} ({connector})", "account_status": 1,
                             "currency": self.tenant.business_logic.currency}, headers=self.usage(account, 3))

    async def edge(self, request: Request) -> Response:
        bad, connector = self._guard(request)
        if bad is not None or connector is None:
            return bad or self.auth_error("bad")
        account, edge = request.path_params["account"], request.path_params["edge"]
        if edge not in EDGES:
            return _graph_error(f"(#100) Unknown path components: /{edge}", "OAuthException", 2500)
        obj = EDGES[edge]
        rows = self.records(connector)[obj]
        q = request.query_params
        if obj == "facebook_insights":
            window = json.loads(q.get("time_range", "{}"))
            since, until = window.get("since", "0000"), window.get("until", "9999")
            platforms = {v for f in json.loads(q.get("filtering", "[]")) if f["field"] == "publisher_platform"
                         for v in f["value"]} or None
            rows = [r for r in rows if since <= r["date_start"] <= until
                    and (platforms is None or r["publisher_platform"] in platforms)]
        limit = int(q.get("limit", 25))
        offset = int(base64.b64decode(q["after"]).decode()) if "after" in q else 0
        page = rows[offset:offset + limit]
        body: dict = {"data": page, "paging": {}}
        if page:
            body["paging"]["cursors"] = {"before": base64.b64encode(str(offset).encode()).decode(),
                                         "after": base64.b64encode(str(offset + len(page)).encode()).decode()}
        if offset + limit < len(rows):
            params = {k: v for k, v in q.items() if k != "after"}
            params |= {"access_token": self.token, "after": body["paging"]["cursors"]["after"]}
            body["paging"]["next"] = f"{str(request.url).split('?')[0]}?{urlencode(params)}"
        key = (lambda r: (r["ad_id"], r["date_start"])) if obj == "facebook_insights" else (lambda r: r["id"])
        self.count(obj, page, key)
        return JSONResponse(body, headers=self.usage(account, 5))
