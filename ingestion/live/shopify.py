"""Shopify Admin REST API 2024-01, live: ``orders`` and ``products`` of one shop.

API facts (https://shopify.dev/docs/api/admin-rest):

* Base: ``https://{shop_domain}/admin/api/2024-01`` (``base_url`` replaces ``https://{shop_domain}``).
* Auth: a custom-app Admin API access token (``shpat_...``) in ``X-Shopify-Access-Token``;
  scopes ``read_orders`` (orders older than 60 days also need ``read_all_orders``) and
  ``read_products``. ``GET /admin/oauth/access_scopes.json`` lists the token's scopes.
  401 body: ``{"errors": "[API] Invalid API key or access token ..."}``; a missing scope
  answers 403 ``{"errors": "[API] This action requires merchant approval for read_orders scope."}``.
* Pagination: cursor-based, ``Link: <...page_info=...>; rel="next"``; a ``page_info`` request
  accepts only ``limit`` (max 250): https://shopify.dev/docs/api/admin-rest/usage/pagination
* Limits: leaky bucket of 40 requests per app and store, 2/s refill
  (``X-Shopify-Shop-Api-Call-Limit: 32/40``); over it, 429 with ``Retry-After: 2.0``:
  https://shopify.dev/docs/api/usage/rate-limits
* Incremental: orders by ``updated_at_min`` (a refund or fulfilment changes an old order),
  ``status=any`` (the default hides closed and cancelled orders); products by ``updated_at_min``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import requests
from dlt.sources.helpers.rest_client.auth import APIKeyAuth
from dlt.sources.helpers.rest_client.paginators import HeaderLinkPaginator

from gata.errors import LiveSourceError
from ingestion.live.base import LiveContext, get_json, json_body

API_VERSION = "2024-01"
REQUIRED_SCOPES = ("read_orders", "read_products")


def _client(ctx: LiveContext):
    root = ctx.base_url(f"https://{ctx.settings.shop_domain}")
    return ctx.client(f"{root}/admin/api/{API_VERSION}",
                      auth=APIKeyAuth(name="X-Shopify-Access-Token", api_key=ctx.secrets["access_token"],
                                      location="header"),
                      paginator=HeaderLinkPaginator())


def read_error(response) -> tuple[str | None, str]:
    body = json_body(response)
    errors = body.get("errors") if isinstance(body, dict) else None
    return None, str(errors) if errors else ""


def check(ctx: LiveContext) -> str:
    client = _client(ctx)
    try:
        shop = get_json(client, "shop.json")["shop"]
        root = ctx.base_url(f"https://{ctx.settings.shop_domain}")
        scopes = {s["handle"] for s in get_json(client, f"{root}/admin/oauth/access_scopes.json")["access_scopes"]}
    except requests.RequestException as exc:
        raise ctx.fail("reading the shop", exc, read_error) from None
    missing = [s for s in REQUIRED_SCOPES if s not in scopes]
    if missing:
        raise LiveSourceError(f"{ctx.tenant}/{ctx.connector}: the token lacks scope(s) {', '.join(missing)}. "
                              "Fix: add them to the custom app's Admin API scopes and reinstall it", kind="permission")
    return f"shop {shop['name']!r} ({shop.get('currency')}), scopes {', '.join(sorted(scopes))}"


def _utc(day: date, at: time = time.min) -> str:
    return datetime.combine(day, at).strftime("%Y-%m-%dT%H:%M:%SZ")


def fetch(ctx: LiveContext, start: date, end: date) -> tuple[dict[str, list[dict]], dict]:
    """Orders created start..end (then: updated since the cursor), products (then: updated since)."""
    client = _client(ctx)
    limit = ctx.page_size(250)
    since = ctx.cursor.get("updated_at_min")
    # no upper bound: the shop's present state is fetched (an order of a late-evening session may
    # be created after midnight); the next run re-reads from the cursor, merged on id
    order_params = {"status": "any", "limit": limit}
    product_params: dict = {"limit": limit}
    if since:
        since = _utc(date.fromisoformat(since[:10]) - ctx.lookback)
        order_params["updated_at_min"] = product_params["updated_at_min"] = since
    else:
        order_params["created_at_min"] = _utc(start)
    try:
        orders = [o for page in client.paginate("orders.json", params=order_params, data_selector="orders")
                  for o in page]
        products = [p for page in client.paginate("products.json", params=product_params, data_selector="products")
                    for p in page]
    except requests.RequestException as exc:
        raise ctx.fail("fetching orders and products", exc, read_error) from None
    return {"orders": orders, "products": products}, {"updated_at_min": _utc(end + timedelta(days=1))}
