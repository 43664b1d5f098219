"""Fake TikTok Business API v1.3: ``Access-Token`` header, ``page``/``page_size`` with
``data.page_info.total_page``, and TikTok's envelope: HTTP 200 with a non-zero ``code``
for errors (40105 bad/revoked token, 40001 no permission on the advertiser, 40100 too
many requests): https://business-api.tiktok.com/portal/docs?id=1737172488964097"""

from __future__ import annotations

import json
import math

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ingestion.live.fakes.server import Family

EDGES = {"campaign/get": "campaigns", "adgroup/get": "ad_groups", "ad/get": "ads",
         "report/integrated/get": "ads_reports_daily"}


def _envelope(code: int, message: str, data: dict | None = None, status: int = 200,
              headers: dict | None = None) -> Response:
    return JSONResponse({"code": code, "message": message, "request_id": "20261031000000FAKE", "data": data or {}},
                        status_code=status, headers=headers)


class FakeTikTok(Family):
    name = "tiktok"
    token = "tt_fake_access_token_0001"

    def advertiser(self) -> str:
        return self.records("tiktok_ads")["campaigns"][0]["advertiser_id"]

    def settings_for(self, connector: str) -> dict[str, object]:
        return {"advertiser_id": self.advertiser()}

    def secrets_for(self, connector: str) -> dict[str, str]:
        return {"access_token": self.token}

    def auth_error(self, why: str) -> Response:
        return _envelope(40105, "Access token is incorrect or has been revoked.")

    def throttled(self) -> Response:
        return _envelope(40100, "Too many requests. Please retry in some time.",
                         headers={"Retry-After": str(self.faults.retry_after)})

    def server_error(self) -> Response:
        return _envelope(50000, "System error", status=500)

    def routes(self) -> list:
        return [Route("/open_api/v1.3/advertiser/info/", self.info)] + [
            Route(f"/open_api/v1.3/{path}/", self._edge(obj)) for path, obj in EDGES.items()]

    def _guard(self, request: Request, advertiser: str | None) -> Response | None:
        if request.headers.get("Access-Token") != self.token:
            return self.auth_error("bad")
        bad = self.fault(request)
        if bad is not None:
            return bad
        if advertiser != self.advertiser():
            return _envelope(40001, f"No permission to operate advertiser {advertiser}.")
        return None

    async def info(self, request: Request) -> Response:
        ids = json.loads(request.query_params.get("advertiser_ids", "[]"))
        if (bad := self._guard(request, ids[0] if ids else None)) is not None:
            return bad
        return _envelope(
            0,
            "OK",
            {
                "list": [
                    {
                        "advertiser_id": ids[0],
                        "name": self.tenant.name,
                        "currency": self.tenant.business_logic.currency,
                        "status": "STATUS_ENABLE",
                    }
                ]
            },
        )

    def _edge(self, obj: str):
        async def handler(request: Request) -> Response:
            q = request.query_params
            if (bad := self._guard(request, q.get("advertiser_id"))) is not None:
                return bad
            rows = self.records("tiktok_ads")[obj]
            if obj == "ads_reports_daily":
                start, end = q.get("start_date", "0000"), q.get("end_date", "9999")
                rows = [r for r in rows if start <= r["dimensions"]["stat_time_day"][:10] <= end]
            size = int(q.get("page_size", 10))
            if size > 1000:
                return _envelope(40002, "page_size: must be less than or equal to 1000")
            page = int(q.get("page", 1))
            chunk = rows[(page - 1) * size : page * size]
            key = _report_key if obj == "ads_reports_daily" else _record_key
            self.count(obj, chunk, key)
            return _envelope(
                0,
                "OK",
                {
                    "list": chunk,
                    "page_info": {
                        "page": page,
                        "page_size": size,
                        "total_number": len(rows),
                        "total_page": max(1, math.ceil(len(rows) / size)),
                    },
                },
            )

        return handler


def _report_key(row: dict) -> object:
    return (row["dimensions"]["ad_id"], row["dimensions"]["stat_time_day"])


def _record_key(row: dict) -> object:
    return json.dumps(row, sort_keys=True)[:80]
