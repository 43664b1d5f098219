"""Fake BigCommerce REST API: v2 orders (a JSON array per page, ``204 No Content`` past the last
page) and v3 catalog products (``{data, meta.pagination.total_pages}``), ``X-Auth-Token``
auth, BigCommerce error bodies, 429 with ``X-Rate-Limit-Time-Reset-Ms`` and Retry-After
(https://developer.bigcommerce.com/docs/start/best-practices/api-rate-limits)."""

from __future__ import annotations

import math
from datetime import datetime
from email.utils import parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ingestion.live.fakes.server import Family


def _rfc(value: str) -> datetime:
    return parsedate_to_datetime(value)


class FakeBigCommerce(Family):
    name = "bigcommerce"
    store_hash, token = "abc123fake", "bc_fake_token_0001"

    def settings_for(self, connector: str) -> dict[str, object]:
        return {"store_hash": self.store_hash}

    def secrets_for(self, connector: str) -> dict[str, str]:
        return {"access_token": self.token}

    def auth_error(self, why: str) -> Response:
        return JSONResponse({"status": 401, "title": "Unauthorized", "type":
                             "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes"},
                            status_code=401)

    def throttled(self) -> Response:
        ms = self.faults.retry_after * 1000
        return JSONResponse(
            {"status": 429, "title": "Too many requests"},
            status_code=429,
            headers={"X-Rate-Limit-Time-Reset-Ms": str(ms), "Retry-After": str(self.faults.retry_after)},
        )

    def routes(self) -> list:
        base = "/stores/{store}"
        return [
            Route(base + "/v2/store", self.store),
            Route(base + "/v2/orders", self.orders),
            Route(base + "/v3/catalog/products", self.products),
        ]

    def _guard(self, request: Request) -> Response | None:
        if request.headers.get("X-Auth-Token") != self.token:
            return self.auth_error("bad")
        bad = self.fault(request)
        if bad is not None:
            return bad
        if request.path_params["store"] != self.store_hash:
            return JSONResponse({"status": 404, "title": "Store not found"}, status_code=404)
        return None

    async def store(self, request: Request) -> Response:
        if (bad := self._guard(request)) is not None:
            return bad
        return JSONResponse(
            {"id": self.store_hash, "name": self.tenant.name, "currency": self.tenant.business_logic.currency}
        )

    async def orders(self, request: Request) -> Response:
        if (bad := self._guard(request)) is not None:
            return bad
        q = request.query_params
        rows = [
            o
            for o in self.records("bigcommerce")["orders"]
            if ("min_date_created" not in q or _rfc(o["date_created"]) >= datetime.fromisoformat(q["min_date_created"]))
            and (
                "max_date_created" not in q or _rfc(o["date_created"]) <= datetime.fromisoformat(q["max_date_created"])
            )
            and (
                "min_date_modified" not in q
                or _rfc(o["date_modified"]) >= datetime.fromisoformat(q["min_date_modified"])
            )
        ]
        rows.sort(key=lambda o: o["id"])
        limit, page = min(int(q.get("limit", 50)), 250), int(q.get("page", 1))
        chunk = rows[(page - 1) * limit : page * limit]
        if not chunk:
            return Response(status_code=204)
        self.count("orders", chunk, lambda r: r["id"])
        return JSONResponse(chunk)

    async def products(self, request: Request) -> Response:
        if (bad := self._guard(request)) is not None:
            return bad
        q = request.query_params
        rows = [
            p
            for p in self.records("bigcommerce")["products"]
            if "date_modified:min" not in q or p["date_modified"] >= q["date_modified:min"]
        ]
        limit, page = min(int(q.get("limit", 50)), 250), int(q.get("page", 1))
        chunk = rows[(page - 1) * limit : page * limit]
        self.count("products", chunk, lambda r: r["id"])
        return JSONResponse(
            {
                "data": chunk,
                "meta": {
                    "pagination": {
                        "total": len(rows),
                        "count": len(chunk),
                        "per_page": limit,
                        "current_page": page,
                        "total_pages": max(1, math.ceil(len(rows) / limit)),
                    }
                },
            }
        )
