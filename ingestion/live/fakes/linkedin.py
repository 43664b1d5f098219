"""Fake LinkedIn Marketing API (versioned REST, ``LinkedIn-Version: 202401``): bearer token,
``pageToken``/``metadata.nextPageToken`` cursor paging on ad-account searches, the
``adAnalytics`` statistics finder with Rest.li 2.0 query syntax (``dateRange=(start:(...))``,
``pivots=List(...)``), LinkedIn error bodies (65600 invalid token, 65601 revoked, 426
unknown version): https://learn.microsoft.com/en-us/linkedin/marketing/"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ingestion.live.fakes.server import Family

VERSION = "202401"


def _li_error(status: int, code: str, message: str, service_code: int, headers: dict | None = None) -> Response:
    return JSONResponse({"status": status, "serviceErrorCode": service_code, "code": code, "message": message},
                        status_code=status, headers=headers)


class FakeLinkedIn(Family):
    name = "linkedin"
    token = "AQVfake_linkedin_token"

    def account(self) -> str:
        return self.records("linkedin_ads")["campaigns"][0]["account"].rsplit(":", 1)[1]

    def settings_for(self, connector: str) -> dict[str, object]:
        return {"account_id": self.account()}

    def secrets_for(self, connector: str) -> dict[str, str]:
        return {"access_token": self.token}

    def auth_error(self, why: str) -> Response:
        if why == "revoked":
            return _li_error(401, "REVOKED_ACCESS_TOKEN", "The token used in the request has been revoked by the user",
                             65601)
        return _li_error(401, "INVALID_ACCESS_TOKEN", "Invalid access token", 65600)

    def throttled(self) -> Response:
        return _li_error(429, "TOO_MANY_REQUESTS", "Resource level throttle APPLICATION DAY limit for calls to this "
                         "resource is reached.", 101, headers={"Retry-After": str(self.faults.retry_after)})

    def routes(self) -> list:
        return [Route("/rest/adAccounts/{account}", self.get_account),
                Route("/rest/adAccounts/{account}/{edge}", self.search),
                Route("/rest/adAnalytics", self.analytics)]

    def _guard(self, request: Request, account: str | None) -> Response | None:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return self.auth_error("bad")
        if request.headers.get("LinkedIn-Version") != VERSION:
            return _li_error(426, "NONEXISTENT_VERSION",
                             f"Requested version {request.headers.get('LinkedIn-Version')} is not active", 0)
        bad = self.fault(request)
        if bad is not None:
            return bad
        if account != self.account():
            return _li_error(403, "ACCESS_DENIED", f"Not enough permissions to access: "
                             f"adAccounts.GET.20240101 urn:li:sponsoredAccount:{account}", 100)
        return None

    async def get_account(self, request: Request) -> Response:
        account = request.path_params["account"]
        if (bad := self._guard(request, account)) is not None:
            return bad
        return JSONResponse({"id": int(account), "name": self.tenant.name, "status": "ACTIVE",
                             "currency": self.tenant.business_logic.currency, "type": "BUSINESS"})

    async def search(self, request: Request) -> Response:
        account = request.path_params["account"]
        if (bad := self._guard(request, account)) is not None:
            return bad
        obj = {"adCampaignGroups": "campaign_groups", "adCampaigns": "campaigns"}[request.path_params["edge"]]
        rows = self.records("linkedin_ads")[obj]
        q = request.query_params
        size, offset = int(q.get("pageSize", 100)), int(q.get("pageToken", 0) or 0)
        chunk = rows[offset:offset + size]
        meta = {"nextPageToken": str(offset + size)} if offset + size < len(rows) else {}
        self.count(obj, chunk, lambda r: r["id"])
        return JSONResponse({"elements": chunk, "metadata": meta, "paging": {"start": 0, "count": size, "links": []}})

    async def analytics(self, request: Request) -> Response:
        raw = request.url.query
        account = (re.search(r"sponsoredAccount%3A(\d+)", raw) or re.search(r"sponsoredAccount:(\d+)", raw))
        if (bad := self._guard(request, account.group(1) if account else None)) is not None:
            return bad
        m = re.search(
            r"dateRange=\(start:\(year:(\d+),month:(\d+),day:(\d+)\),end:\(year:(\d+),month:(\d+),day:(\d+)\)\)", raw
        )
        if not m or "q=statistics" not in raw:
            return _li_error(400, "ILLEGAL_ARGUMENT", "Invalid query parameters passed to request", 100)
        y1, m1, d1, y2, m2, d2 = map(int, m.groups())
        lo, hi = (y1, m1, d1), (y2, m2, d2)
        found = re.search(r"pivots=List\((\w+)", raw)
        pivot = found.group(1) if found else ""
        obj = "ad_analytics" if pivot == "CREATIVE" else "ad_analytics_by_campaign"

        def day(r: dict) -> tuple[int, int, int]:
            s = r["dateRange"]["start"]
            return s["year"], s["month"], s["day"]

        rows = [r for r in self.records("linkedin_ads")[obj] if lo <= day(r) <= hi]
        self.count(obj, rows, lambda r: (r["pivotValue"], day(r)))
        return JSONResponse({"elements": rows, "paging": {"start": 0, "count": 10, "links": []}})
