"""Fake Shopify Admin REST API 2024-01: ``X-Shopify-Access-Token``, ``Link`` paging with ``page_info``.

Faithful to https://shopify.dev/docs/api/admin-rest/usage/pagination: a
``page_info`` request accepts only ``limit`` (other filters are refused with 400),
the filters travel inside the opaque cursor. Throttling answers 429 with
``Retry-After: 2.0`` (a float, as Shopify sends) and every answer carries
``X-Shopify-Shop-Api-Call-Limit``.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ingestion.live.fakes.server import Family

VERSION = "2024-01"
ADDED_FIELD = "merchant_of_record_app_id"  # appeared in 2023-ish order payloads
SCOPES = ["read_orders", "read_products"]


def _dt(value: str) -> datetime:
    return datetime.fromisoformat(value)


class FakeShopify(Family):
    name = "shopify"
    token = "shpat_fake_token_0001"
    scopes = SCOPES

    def settings_for(self, connector: str) -> dict[str, object]:
        return {"shop_domain": "fake.myshopify.com"}

    def secrets_for(self, connector: str) -> dict[str, str]:
        return {"access_token": self.token}

    def auth_error(self, why: str) -> Response:
        return JSONResponse({"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"},
                            status_code=401)

    def throttled(self) -> Response:
        return JSONResponse({"errors": "Exceeded 2 calls per second for api client. Reduce request rates to resume "
                                       "uninterrupted service."}, status_code=429,
                            headers={"Retry-After": f"{self.faults.retry_after}.0"})

    def _guard(self, request: Request, scope: str | None = None) -> Response | None:
        if request.headers.get("X-Shopify-Access-Token") != self.token:
            return self.auth_error("bad token")
        bad = self.fault(request)
        if bad is not None:
            return bad
        if scope and scope not in self.scopes:
            return JSONResponse({"errors": f"[API] This action requires merchant approval for {scope} scope."},
                                status_code=403)
        return None

    def routes(self) -> list:
        base = f"/admin/api/{VERSION}"
        return [Route(f"{base}/shop.json", self.shop), Route("/admin/oauth/access_scopes.json", self.access_scopes),
                Route(f"{base}/orders.json", self.orders), Route(f"{base}/products.json", self.products)]

    async def shop(self, request: Request) -> Response:
        if (bad := self._guard(request)) is not None:
            return bad
        return JSONResponse(
            {
                "shop": {
                    "id": 1,
                    "name": self.tenant.name,
                    "currency": self.tenant.business_logic.currency,
                    "myshopify_domain": "fake.myshopify.com",
                }
            }
        )

    async def access_scopes(self, request: Request) -> Response:
        if (bad := self._guard(request)) is not None:
            return bad
        return JSONResponse({"access_scopes": [{"handle": s} for s in self.scopes]})

    async def orders(self, request: Request) -> Response:
        if (bad := self._guard(request, "read_orders")) is not None:
            return bad

        def keep(o: dict, f: dict) -> bool:
            created, updated = _dt(o["created_at"]), _dt(o["updated_at"])
            return all(
                [
                    "created_at_min" not in f or created >= _dt(f["created_at_min"]),
                    "created_at_max" not in f or created <= _dt(f["created_at_max"]),
                    "updated_at_min" not in f or updated >= _dt(f["updated_at_min"]),
                ]
            )

        def render(o: dict) -> dict:
            added = self.faults.field_added_on
            if added and _dt(o["created_at"]).date() >= added:
                return {**o, ADDED_FIELD: 580111}
            return o

        return self._page(
            request,
            "orders",
            self.records("shopify")["orders"],
            keep,
            render,
            ("created_at_min", "created_at_max", "updated_at_min", "status"),
        )

    async def products(self, request: Request) -> Response:
        if (bad := self._guard(request, "read_products")) is not None:
            return bad

        def keep(p: dict, f: dict) -> bool:
            return "updated_at_min" not in f or _dt(p["updated_at"]) >= _dt(f["updated_at_min"])

        return self._page(
            request, "products", self.records("shopify")["products"], keep, lambda p: p, ("updated_at_min",)
        )

    def _page(
        self, request: Request, obj: str, rows: list[dict], keep, render, filter_names: tuple[str, ...]
    ) -> Response:
        q = request.query_params
        limit = min(int(q.get("limit", 50)), 250)
        if "page_info" in q:
            extra = sorted(set(q) - {"page_info", "limit", "fields"})
            if extra:
                return JSONResponse(
                    {"errors": {"page_info": [f"Cannot use {extra[0]} with page_info."]}}, status_code=400
                )
            cursor = json.loads(base64.urlsafe_b64decode(q["page_info"]))
            filters, after = cursor["f"], cursor["after"]
        else:
            filters, after = {k: q[k] for k in filter_names if k in q}, 0
        matching = sorted((r for r in rows if keep(r, filters)), key=lambda r: r["id"])
        page = [r for r in matching if r["id"] > after][:limit]
        headers = {"X-Shopify-Shop-Api-Call-Limit": f"{min(self.requests, 40)}/40"}
        if page and page[-1]["id"] < matching[-1]["id"]:
            token = base64.urlsafe_b64encode(json.dumps({"f": filters, "after": page[-1]["id"]}).encode()).decode()
            headers["Link"] = f'<{str(request.url).split("?")[0]}?limit={limit}&page_info={token}>; rel="next"'
        self.count(obj, page, lambda r: r["id"])
        return JSONResponse({obj: [render(r) for r in page]}, headers=headers)
