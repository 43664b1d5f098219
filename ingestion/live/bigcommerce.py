"""BigCommerce REST API, live: v2 ``orders`` and v3 catalog ``products`` of one store.

API facts (https://developer.bigcommerce.com/docs/rest-management):

* Base: ``https://api.bigcommerce.com/stores/{store_hash}`` (``base_url`` replaces
  ``https://api.bigcommerce.com``); orders on ``/v2/orders``, products on ``/v3/catalog/products``.
* Auth: a store-level API account token (Settings > API > Store-level API accounts,
  scopes Orders read-only and Products read-only) in ``X-Auth-Token``.
* Pagination: v2 ``page``/``limit`` (max 250) returning a bare array, ``204 No Content``
  past the last page; v3 ``page``/``limit`` with ``meta.pagination.total_pages``.
* Limits: per-store quota windows; 429 with ``X-Rate-Limit-Time-Reset-Ms`` (and Retry-After):
  https://developer.bigcommerce.com/docs/start/best-practices/api-rate-limits
* Incremental: orders by ``min_date_created``/``max_date_created``, then ``min_date_modified``
  from the cursor; products by ``date_modified:min``.
"""

from __future__ import annotations

from datetime import date, timedelta

import requests
from dlt.sources.helpers.rest_client.auth import APIKeyAuth
from dlt.sources.helpers.rest_client.paginators import PageNumberPaginator

from ingestion.live.base import LiveContext, get_json, json_body


def read_error(response: requests.Response) -> tuple[str | None, str]:
    body = json_body(response)
    if isinstance(body, dict) and "title" in body:
        return None, f"{body.get('status')} {body['title']}"
    if isinstance(body, list) and body and isinstance(body[0], dict):  # v2 errors are [{status, message}]
        return None, str(body[0].get("message", ""))
    return None, ""


def _client(ctx: LiveContext, paginator=None):
    root = ctx.base_url("https://api.bigcommerce.com")
    return ctx.client(f"{root}/stores/{ctx.settings.store_hash}",
                      auth=APIKeyAuth(name="X-Auth-Token", api_key=ctx.secrets["access_token"], location="header"),
                      headers={"Accept": "application/json"}, paginator=paginator)


def no_content_is_the_end(response: requests.Response, *args: object, **kwargs: object) -> None:
    """v2 answers ``204 No Content`` past the last page: an empty page, which stops the paginator."""
    response.raise_for_status()
    if response.status_code == 204:
        response._content = b"[]"


def check(ctx: LiveContext) -> str:
    try:
        store = get_json(_client(ctx), "v2/store")
    except requests.RequestException as exc:
        raise ctx.fail(f"reading store {ctx.settings.store_hash}", exc, read_error) from None
    return f"store {store.get('name')!r} ({store.get('currency')})"


def fetch(ctx: LiveContext, start: date, end: date) -> tuple[dict[str, list[dict]], dict]:
    limit = min(ctx.page_size(250), 250)
    order_params: dict = {"limit": limit, "sort": "id:asc"}  # up to now, as for Shopify
    product_params: dict = {"limit": limit}
    since = ctx.cursor.get("modified_since")
    if since:
        since_day = date.fromisoformat(since[:10]) - ctx.lookback
        order_params["min_date_modified"] = f"{since_day}T00:00:00+00:00"
        product_params["date_modified:min"] = f"{since_day}T00:00:00+00:00"
    else:
        order_params["min_date_created"] = f"{start}T00:00:00+00:00"
    v2 = _client(ctx, PageNumberPaginator(base_page=1, page_param="page", total_path=None,
                                          stop_after_empty_page=True))
    v3 = _client(ctx, PageNumberPaginator(base_page=1, page_param="page",
                                          total_path="meta.pagination.total_pages"))
    try:
        orders = [o for page in v2.paginate("v2/orders", params=order_params,
                                            hooks={"response": [no_content_is_the_end]}) for o in page]
        products = [p for page in v3.paginate("v3/catalog/products", params=product_params, data_selector="data")
                    for p in page]
    except requests.RequestException as exc:
        raise ctx.fail("fetching orders and products", exc, read_error) from None
    return {"orders": orders, "products": products}, {"modified_since": f"{end + timedelta(days=1)}"}
