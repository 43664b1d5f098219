"""Fake WooCommerce REST API v3: Basic auth with consumer key/secret, ``page``/``per_page`` paging
with ``X-WP-Total`` / ``X-WP-TotalPages`` headers, WordPress error bodies
(https://woocommerce.github.io/woocommerce-rest-api-docs/#pagination). Throttling (a
host's limiter in front of WordPress) answers 429 with Retry-After."""

from __future__ import annotations

import base64
import math

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ingestion.live.fakes.server import Family

ADDED_FIELD = "payment_url"  # present on newer WooCommerce versions' orders


def _wp_error(code: str, message: str, status: int) -> Response:
    return JSONResponse({"code": code, "message": message, "data": {"status": status}}, status_code=status)


class FakeWooCommerce(Family):
    name = "woocommerce"
    key, secret = "ck_fake0000000000000000000000000000000000", "cs_fake0000000000000000000000000000000000"

    def settings_for(self, connector: str) -> dict[str, object]:
        return {"site_url": "https://shop.example.com"}

    def secrets_for(self, connector: str) -> dict[str, str]:
        return {"consumer_key": self.key, "consumer_secret": self.secret}

    def auth_error(self, why: str) -> Response:
        if why == "revoked":
            return _wp_error("woocommerce_rest_cannot_view", "Sorry, you cannot list resources.", 401)
        return _wp_error("woocommerce_rest_authentication_error", "Consumer key is invalid.", 401)

    def server_error(self) -> Response:
        return _wp_error("internal_server_error", "There has been a critical error on this website.", 500)

    def routes(self) -> list:
        return [Route("/wp-json/wc/v3/system_status", self.status), Route("/wp-json/wc/v3/orders", self.orders),
                Route("/wp-json/wc/v3/products", self.products)]

    def _guard(self, request: Request) -> Response | None:
        expected = "Basic " + base64.b64encode(f"{self.key}:{self.secret}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return self.auth_error("bad")
        return self.fault(request)

    async def status(self, request: Request) -> Response:
        if (bad := self._guard(request)) is not None:
            return bad
        return JSONResponse({"environment": {"home_url": "https://shop.example.com", "version": "8.5.2"},
                             "settings": {"currency": self.tenant.business_logic.currency}})

    async def orders(self, request: Request) -> Response:
        if (bad := self._guard(request)) is not None:
            return bad
        q = request.query_params
        rows = [o for o in self.records("woocommerce")["orders"]
                if ("after" not in q or o["date_created_gmt"] > q["after"])
                and ("before" not in q or o["date_created_gmt"] < q["before"])
                and ("modified_after" not in q or o["date_modified_gmt"] > q["modified_after"])]
        added = self.faults.field_added_on
        rows = [{**o, ADDED_FIELD: f"https://shop.example.com/checkout/order-pay/{o['id']}/"}
                if added and o["date_created_gmt"][:10] >= added.isoformat() else o for o in rows]
        return self._page(request, "orders", rows)

    async def products(self, request: Request) -> Response:
        if (bad := self._guard(request)) is not None:
            return bad
        q = request.query_params
        rows = [p for p in self.records("woocommerce")["products"]
                if "modified_after" not in q or p["date_modified_gmt"] > q["modified_after"]]
        return self._page(request, "products", rows)

    def _page(self, request: Request, obj: str, rows: list[dict]) -> Response:
        q = request.query_params
        per_page = int(q.get("per_page", 10))
        if per_page > 100:
            return _wp_error("rest_invalid_param", "Invalid parameter(s): per_page", 400)
        page = int(q.get("page", 1))
        rows = sorted(rows, key=lambda r: r["id"])
        chunk = rows[(page - 1) * per_page: page * per_page]
        self.count(obj, chunk, lambda r: r["id"])
        return JSONResponse(chunk, headers={"X-WP-Total": str(len(rows)),
                                            "X-WP-TotalPages": str(max(1, math.ceil(len(rows) / per_page)))})
