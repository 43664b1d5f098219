"""WooCommerce REST API v3, live: ``orders`` and ``products`` of one store.

API facts (https://woocommerce.github.io/woocommerce-rest-api-docs/):

* Base: ``{site_url}/wp-json/wc/v3`` (``base_url`` replaces ``site_url``); HTTPS required.
* Auth: a REST API key pair (WooCommerce > Settings > Advanced > REST API, permission
  Read) as HTTP Basic ``consumer_key:consumer_secret``. Errors are WordPress bodies
  ``{"code": "woocommerce_rest_authentication_error", "message": ..., "data": {"status": 401}}``.
* Pagination: ``page`` and ``per_page`` (max 100), totals in ``X-WP-Total`` and
  ``X-WP-TotalPages`` headers.
* Incremental: orders by ``after``/``before`` on creation (GMT with ``dates_are_gmt=true``),
  then ``modified_after`` from the cursor; products by ``modified_after``.
* Limits: WooCommerce has none of its own; hosts put limiters in front (429 + Retry-After).
"""

from __future__ import annotations

from datetime import date, timedelta

import requests
from dlt.sources.helpers.rest_client.auth import HttpBasicAuth

from ingestion.live.base import LiveContext, TotalPagesHeaderPaginator, get_json, json_body


def read_error(response: requests.Response) -> tuple[str | None, str]:
    body = json_body(response)
    if isinstance(body, dict) and "code" in body:  # the HTTP status says auth (401) or permission (403)
        return None, f"{body['code']}: {body.get('message', '')}"
    return None, ""


def _client(ctx: LiveContext):
    return ctx.client(ctx.base_url(str(ctx.settings.site_url).rstrip("/")) + "/wp-json/wc/v3",
                      auth=HttpBasicAuth(ctx.secrets["consumer_key"], ctx.secrets["consumer_secret"]),
                      paginator=TotalPagesHeaderPaginator("X-WP-TotalPages"))


def check(ctx: LiveContext) -> str:
    try:
        status = get_json(_client(ctx), "system_status")
    except requests.RequestException as exc:
        raise ctx.fail("reading the store's system status", exc, read_error) from None
    return f"store {status['environment']['home_url']} (WooCommerce {status['environment']['version']})"


def fetch(ctx: LiveContext, start: date, end: date) -> tuple[dict[str, list[dict]], dict]:
    client, per_page = _client(ctx), min(ctx.page_size(100), 100)
    order_params: dict = {"per_page": per_page, "dates_are_gmt": "true", "orderby": "id", "order": "asc"}
    product_params: dict = {"per_page": per_page}
    since = ctx.cursor.get("modified_after")
    if since:
        since = f"{date.fromisoformat(since[:10]) - ctx.lookback}T00:00:00"
        order_params["modified_after"] = product_params["modified_after"] = since
    else:
        order_params["after"] = f"{start - timedelta(days=1)}T23:59:59"
    try:
        orders = [o for page in client.paginate("orders", params=order_params) for o in page]
        products = [p for page in client.paginate("products", params=product_params) for p in page]
    except requests.RequestException as exc:
        raise ctx.fail("fetching orders and products", exc, read_error) from None
    return {"orders": orders, "products": products}, {"modified_after": f"{end + timedelta(days=1)}T00:00:00"}
