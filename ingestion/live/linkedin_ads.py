"""LinkedIn Marketing API (versioned REST 202401), live: campaign groups, campaigns, ad analytics.

API facts (https://learn.microsoft.com/en-us/linkedin/marketing/):

* Base: ``https://api.linkedin.com/rest``; every call carries ``LinkedIn-Version: 202401``
  (versions sunset after a year: 426 NONEXISTENT_VERSION) and ``X-Restli-Protocol-Version: 2.0.0``.
* Auth: a 3-legged OAuth 2.0 member token with ``r_ads`` and ``r_ads_reporting`` (Advertising
  API product on a LinkedIn developer app; tokens live 60 days, refresh tokens 1 year), as
  ``Authorization: Bearer``. Errors: 401 ``serviceErrorCode`` 65600 (invalid) / 65601
  (revoked), 403 ACCESS_DENIED without a role on the ad account.
* Pagination: ``adAccounts/{id}/adCampaignGroups|adCampaigns?q=search`` page with
  ``pageSize`` + ``pageToken`` / ``metadata.nextPageToken``; ``adAnalytics`` returns up to
  15,000 elements without paging, so it is asked for per window.
* ``adAnalytics?q=statistics&pivots=List(CREATIVE,CAMPAIGN,CAMPAIGN_GROUP)&timeGranularity=DAILY
  &dateRange=(start:(...),end:(...))&accounts=List(urn...)`` in Rest.li 2.0 syntax, whose
  parentheses must not be percent-encoded (the query string is built here, not by requests).
* Limits: daily application/member throttles, 429 TOO_MANY_REQUESTS, retried.
* Incremental: analytics by date window from the cursor minus ``lookback_days`` (default 3).
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import quote

import requests
from dlt.sources.helpers.rest_client.auth import BearerTokenAuth
from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator

from ingestion.live.base import LiveContext, get_json, json_body

API_VERSION = "202401"
SEARCHES = {"adCampaignGroups": "campaign_groups", "adCampaigns": "campaigns"}
ANALYTICS = {"ad_analytics": "CREATIVE,CAMPAIGN,CAMPAIGN_GROUP", "ad_analytics_by_campaign": "CAMPAIGN,CAMPAIGN_GROUP"}
FIELDS = ("pivotValues,dateRange,impressions,clicks,landingPageClicks,costInLocalCurrency,costInUsd,"
          "externalWebsiteConversions,conversionValueInLocalCurrency,approximateUniqueImpressions")
WINDOW_DAYS = 30


def read_error(response: requests.Response) -> tuple[str | None, str]:
    body = json_body(response)
    if not isinstance(body, dict) or "message" not in body:
        return None, ""
    kind = {"REVOKED_ACCESS_TOKEN": "auth", "INVALID_ACCESS_TOKEN": "auth", "EXPIRED_ACCESS_TOKEN": "auth",
            "ACCESS_DENIED": "permission"}.get(body.get("code", ""))
    return kind, f"{body.get('code', '')} ({body.get('serviceErrorCode')}): {body['message']}"


def _client(ctx: LiveContext):
    return ctx.client(ctx.base_url("https://api.linkedin.com") + "/rest",
                      auth=BearerTokenAuth(token=ctx.secrets["access_token"]),
                      headers={"LinkedIn-Version": API_VERSION, "X-Restli-Protocol-Version": "2.0.0"},
                      paginator=JSONResponseCursorPaginator(cursor_path="metadata.nextPageToken",
                                                            cursor_param="pageToken"),
                      data_selector="elements")


def check(ctx: LiveContext) -> str:
    try:
        acc = get_json(_client(ctx), f"adAccounts/{ctx.settings.account_id}")
    except requests.RequestException as exc:
        raise ctx.fail(f"reading ad account {ctx.settings.account_id}", exc, read_error) from None
    return f"ad account {acc.get('name')!r} ({acc.get('currency')}), {acc.get('status')}"


def _range(lo: date, hi: date) -> str:
    return (f"(start:(year:{lo.year},month:{lo.month},day:{lo.day}),"
            f"end:(year:{hi.year},month:{hi.month},day:{hi.day}))")


def fetch(ctx: LiveContext, start: date, end: date) -> tuple[dict[str, list[dict]], dict]:
    client, account = _client(ctx), ctx.settings.account_id
    since, until = ctx.window(start, end)
    out: dict[str, list[dict]] = {}
    urn = quote(f"urn:li:sponsoredAccount:{account}", safe="")
    try:
        for edge, obj in SEARCHES.items():
            out[obj] = [r for page in client.paginate(f"adAccounts/{account}/{edge}",
                                                      params={"q": "search", "pageSize": ctx.page_size(100)})
                        for r in page]
        for obj in ANALYTICS:
            out[obj] = []
        day = since
        while day <= until:
            stop = min(until, day + timedelta(days=WINDOW_DAYS - 1))
            for obj, pivots in ANALYTICS.items():
                path = (f"adAnalytics?q=statistics&pivots=List({pivots})&timeGranularity=DAILY"
                        f"&dateRange={_range(day, stop)}&accounts=List({urn})&fields={FIELDS}")
                out[obj] += get_json(client, path)["elements"]
            day = stop + timedelta(days=1)
    except requests.RequestException as exc:
        raise ctx.fail(f"fetching ad account {account}", exc, read_error) from None
    return out, {"last_day": max(until.isoformat(), ctx.cursor.get("last_day", until.isoformat()))}
