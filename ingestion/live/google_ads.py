"""Google Ads API v16, live: customer, campaigns, ad groups, ads and daily ad performance by GAQL.

API facts (https://developers.google.com/google-ads/api/docs/start):

* ``POST https://googleads.googleapis.com/v16/customers/{customer_id}/googleAds:searchStream``
  with a GAQL ``query``; the answer is a JSON array of batches ``{results, fieldMask}`` (no
  paging: the stream holds every row) in the proto3 JSON mapping: lowerCamelCase keys and
  int64 values as strings, mapped back here to the proto field names and the contract's ints.
* Auth: OAuth 2.0 refresh token (scope ``https://www.googleapis.com/auth/adwords``) from an
  OAuth client in Google Cloud, a ``developer-token`` (Google Ads API Center of a manager
  account; Basic access or better for production accounts) and ``login-customer-id`` when the
  customer is reached through a manager account. Ids are digits without dashes.
* Errors carry a GoogleAdsFailure (``authenticationError``, ``authorizationError``,
  ``quotaError``) in ``error.details``: https://developers.google.com/google-ads/api/docs/best-practices/errors
* Limits: per developer token operations/day and per-customer QPS; 429 RESOURCE_EXHAUSTED retried.
* Incremental: ``segments.date BETWEEN`` from the cursor minus ``lookback_days`` (default 3;
  conversions are restated within the conversion window).
"""

from __future__ import annotations

from datetime import date

import requests

from ingestion.connectors.google_ads import CONTRACTS
from ingestion.live.base import LiveContext, coerce_to_contract, json_body, refresh_token_auth, snake_keys

API_VERSION = "v16"
TOKEN_URL = "https://oauth2.googleapis.com/token"
QUERIES = {
    "customers": "SELECT customer.resource_name, customer.id, customer.descriptive_name, customer.currency_code, "
                 "customer.time_zone, customer.auto_tagging_enabled, customer.manager, customer.test_account, "
                 "customer.status FROM customer",
    "campaigns": "SELECT customer.id, campaign.id, campaign.name, campaign.status, campaign.advertising_channel_type, "
                 "campaign.bidding_strategy_type, campaign.start_date, campaign.campaign_budget, "
                 "campaign_budget.amount_micros FROM campaign",
    "ad_groups": "SELECT customer.id, campaign.id, ad_group.id, ad_group.name, ad_group.status, ad_group.type, "
                 "ad_group.campaign FROM ad_group",
    "ads": "SELECT customer.id, campaign.id, ad_group.id, ad_group_ad.status, ad_group_ad.ad_group, "
           "ad_group_ad.ad.id, ad_group_ad.ad.name, ad_group_ad.ad.type FROM ad_group_ad",
    "ad_performance": "SELECT customer.id, customer.descriptive_name, customer.currency_code, campaign.id, "
                      "campaign.name, campaign.status, ad_group.id, ad_group.name, ad_group_ad.ad.id, "
                      "ad_group_ad.ad.name, segments.date, segments.device, metrics.impressions, metrics.clicks, "
                      "metrics.cost_micros, metrics.conversions, metrics.conversions_value, metrics.ctr, "
                      "metrics.average_cpc FROM ad_group_ad WHERE segments.date BETWEEN '{since}' AND '{until}'",
}
KINDS = {"authenticationError": "auth", "authorizationError": "permission"}


def read_error(response: requests.Response) -> tuple[str | None, str]:
    body = json_body(response)
    err = body.get("error") if isinstance(body, dict) else None
    if isinstance(err, str):  # the OAuth token endpoint
        return ("auth" if err in ("invalid_grant", "invalid_client") else None,
                f"{err}: {body.get('error_description', '')}")
    if not isinstance(err, dict):
        return None, ""
    for detail in err.get("details", []):
        for e in detail.get("errors", []):
            (family, code), = e.get("errorCode", {"": ""}).items()
            return KINDS.get(family), f"{family}.{code}: {e.get('message', '')}"
    return None, f"{err.get('status', '')}: {err.get('message', '')}"


def _client(ctx: LiveContext):
    headers = {"developer-token": str(ctx.secrets["developer_token"])}
    if ctx.settings.login_customer_id:
        headers["login-customer-id"] = str(ctx.settings.login_customer_id).replace("-", "")
    return ctx.client(ctx.base_url("https://googleads.googleapis.com") + f"/{API_VERSION}",
                      auth=refresh_token_auth(ctx, TOKEN_URL, "/token"), headers=headers)


def _stream(ctx: LiveContext, client, query: str) -> list[dict]:
    customer = str(ctx.settings.customer_id).replace("-", "")
    response = client.post(f"customers/{customer}/googleAds:searchStream", json={"query": query})
    response.raise_for_status()
    return [row for batch in response.json() for row in batch.get("results", [])]


def check(ctx: LiveContext) -> str:
    try:
        [row] = _stream(ctx, _client(ctx), "SELECT customer.id, customer.descriptive_name, customer.currency_code "
                                           "FROM customer LIMIT 1")
    except requests.RequestException as exc:
        raise ctx.fail(f"reading customer {ctx.settings.customer_id}", exc, read_error) from None
    c = row["customer"]
    return f"customer {c['id']} {c.get('descriptiveName')!r} ({c.get('currencyCode')})"


def fetch(ctx: LiveContext, start: date, end: date) -> tuple[dict[str, list[dict]], dict]:
    client = _client(ctx)
    since, until = ctx.window(start, end)
    out: dict[str, list[dict]] = {}
    try:
        for obj, query in QUERIES.items():
            if obj == "ad_performance" and since > until:
                out[obj] = []
                continue
            rows = _stream(ctx, client, query.format(since=since.isoformat(), until=until.isoformat()))
            out[obj] = [coerce_to_contract(snake_keys(r), CONTRACTS[obj]) for r in rows]
    except requests.RequestException as exc:
        raise ctx.fail(f"querying customer {ctx.settings.customer_id}", exc, read_error) from None
    return out, {"last_day": max(until.isoformat(), ctx.cursor.get("last_day", until.isoformat()))}
