"""Meta Marketing API v19.0, live: Facebook Ads and Instagram Ads of one ad account.

API facts (https://developers.facebook.com/docs/marketing-api):

* Base: ``https://graph.facebook.com/v19.0``; objects under ``/act_{account_id}``: the
  ``campaigns``, ``adsets`` and ``ads`` edges, and ``insights`` at ``level=ad``,
  ``time_increment=1``, ``breakdowns=publisher_platform,impression_device``. Facebook and
  Instagram are the same account split by ``publisher_platform`` (a ``filtering`` clause).
* Auth: a long-lived user or system-user access token with ``ads_read``, sent as
  ``Authorization: Bearer`` (Business Manager > System users > Generate token). A bad or
  revoked token is error code 190; an unknown account 100/33; a missing permission 200:
  https://developers.facebook.com/docs/graph-api/guides/error-handling
* Pagination: ``paging.next`` holds the full next URL (it repeats the access token, which
  is why error messages are scrubbed of secrets): https://developers.facebook.com/docs/graph-api/results
* Limits: every answer carries ``X-Business-Use-Case-Usage`` (per-account call/CPU/time
  percentages and ``estimated_time_to_regain_access`` in minutes) and ``X-Ad-Account-Usage``;
  throttling is HTTP 400 with codes 4, 17, 32, 613 or 80000-80014 (``is_transient``), which
  is retried after the announced wait, then with backoff:
  https://developers.facebook.com/docs/graph-api/overview/rate-limiting
* Incremental: insights by date window from the cursor minus ``lookback_days`` (default 3:
  Meta restates conversions for late attribution within its 28-day window; raise it for
  full restatement); entities are re-read whole (small, merged on id).
"""

from __future__ import annotations

import json
import logging
import time
from datetime import date, timedelta

import requests
from dlt.sources.helpers.rest_client.auth import BearerTokenAuth
from dlt.sources.helpers.rest_client.paginators import JSONLinkPaginator

from ingestion.connectors.meta import PUBLISHER_PLATFORM
from ingestion.live.base import LiveContext, get_json, json_body

log = logging.getLogger(__name__)

API_VERSION = "v19.0"
THROTTLE_CODES = {4, 17, 32, 613, *range(80000, 80015)}
ENTITY_EDGES = {"campaigns": "campaigns", "adsets": "ad_sets", "ads": "ads"}
INSIGHT_FIELDS = ("account_id,account_currency,campaign_id,campaign_name,adset_id,adset_name,ad_id,ad_name,"
                  "date_start,date_stop,impressions,clicks,inline_link_clicks,reach,frequency,spend,ctr,cpc,cpm,"
                  "actions,action_values")
WINDOW_DAYS = 30  # insights are asked for in windows, so one call never times out on a big account


def _regain_seconds(response: requests.Response) -> float:
    """Seconds Meta says to wait before the account may call again (0 when it says nothing)."""
    try:
        usage = json.loads(response.headers.get("X-Business-Use-Case-Usage", "{}"))
    except ValueError:
        return 0.0
    minutes = [u.get("estimated_time_to_regain_access", 0) for entries in usage.values() for u in entries]
    return 60.0 * max(minutes, default=0)


def throttled(response: requests.Response | None, exc: BaseException | None) -> bool:
    """Meta's throttles are HTTP 400 with a transient error code: wait what it announces, then retry."""
    if response is None or response.status_code != 400:
        return False
    body = json_body(response)
    code = body.get("error", {}).get("code") if isinstance(body, dict) else None
    if code in THROTTLE_CODES:
        wait = _regain_seconds(response)
        log.warning("Meta throttled the account (code %s); waiting %.0fs", code, wait)
        time.sleep(wait)
        return True
    return False


def read_error(response: requests.Response) -> tuple[str | None, str]:
    body = json_body(response)
    err = body.get("error", {}) if isinstance(body, dict) else {}
    code = err.get("code")
    kinds = {190: "auth", 102: "auth", 200: "permission", 10: "permission", 100: "not_found"}
    kind = kinds.get(code) if isinstance(code, int) else None
    if code == 100 and err.get("error_subcode") != 33:
        kind = None
    msg = f"{err.get('type', 'Error')} code {code}: {err.get('message', '')}" if err else ""
    return kind, msg


def _client(ctx: LiveContext):
    return ctx.client(ctx.base_url("https://graph.facebook.com") + f"/{API_VERSION}",
                      auth=BearerTokenAuth(token=ctx.secrets["access_token"]),
                      paginator=JSONLinkPaginator(next_url_path="paging.next"), data_selector="data",
                      retry_condition=throttled)


def _account(ctx: LiveContext) -> str:
    return f"act_{str(ctx.settings.account_id).removeprefix('act_')}"


def check(ctx: LiveContext) -> str:
    try:
        acc = get_json(_client(ctx), _account(ctx), params={"fields": "name,account_status,currency"})
    except requests.RequestException as exc:
        raise ctx.fail(f"reading ad account {_account(ctx)}", exc, read_error) from None
    return f"ad account {acc.get('name')!r} ({acc.get('currency')}), status {acc.get('account_status')}"


def fetch(ctx: LiveContext, start: date, end: date) -> tuple[dict[str, list[dict]], dict]:
    client, account = _client(ctx), _account(ctx)
    limit = ctx.page_size(500)
    out: dict[str, list[dict]] = {}
    since, until = ctx.window(start, end)
    try:
        for edge, obj in ENTITY_EDGES.items():
            out[obj] = [r for page in client.paginate(f"{account}/{edge}", params={"limit": limit}) for r in page]
        out["facebook_insights"] = []
        day = since
        while day <= until:
            stop = min(until, day + timedelta(days=WINDOW_DAYS - 1))
            params = {"level": "ad", "time_increment": 1, "limit": limit, "fields": INSIGHT_FIELDS,
                      "breakdowns": "publisher_platform,impression_device",
                      "time_range": json.dumps({"since": day.isoformat(), "until": stop.isoformat()}),
                      "filtering": json.dumps([{"field": "publisher_platform", "operator": "IN",
                                                "value": [PUBLISHER_PLATFORM[ctx.connector]]}])}
            out["facebook_insights"] += [r for page in client.paginate(f"{account}/insights", params=params)
                                         for r in page]
            day = stop + timedelta(days=1)
    except requests.RequestException as exc:
        raise ctx.fail(f"fetching {account}", exc, read_error) from None
    return out, {"last_day": max(until, date.fromisoformat(ctx.cursor.get("last_day", until.isoformat()))).isoformat()}
