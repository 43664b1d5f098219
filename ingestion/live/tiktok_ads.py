"""TikTok Business API v1.3, live: campaigns, ad groups, ads and the daily ad report of one advertiser.

API facts (https://business-api.tiktok.com/portal/docs):

* Base: ``https://business-api.tiktok.com/open_api/v1.3``; ``campaign/get/``, ``adgroup/get/``,
  ``ad/get/`` and ``report/integrated/get/`` (``report_type=BASIC``, ``data_level=AUCTION_AD``,
  ``dimensions=["ad_id","stat_time_day"]``, at most 30 days per request for daily rows).
* Auth: a long-term access token of a Marketing API app authorised by the advertiser
  (scopes Ad Account Management, Reporting), in the ``Access-Token`` header.
* Envelope: every answer is ``{code, message, request_id, data}``; errors come as HTTP 200
  with a non-zero code (40105 token incorrect or revoked, 40001 no permission on the
  advertiser, 40100 rate limited - retried), so the body is checked, not only the status.
* Pagination: ``page`` / ``page_size`` (max 1000), ``data.page_info.total_page``.
* Limits: per-app QPS/QPM (code 40100), retried with Retry-After / backoff.
* Incremental: report by date window from the cursor minus ``lookback_days`` (default 3;
  conversions are attributed late); entities re-read whole.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import requests
from dlt.sources.helpers.rest_client.auth import APIKeyAuth
from dlt.sources.helpers.rest_client.paginators import PageNumberPaginator

from ingestion.live.base import LiveContext, json_body

REPORT_METRICS = ["campaign_id", "campaign_name", "adgroup_id", "adgroup_name", "ad_name", "spend", "impressions",
                  "clicks", "ctr", "cpc", "cpm", "reach", "conversion", "complete_payment",
                  "total_complete_payment_rate"]
ENTITIES = {"campaign/get/": "campaigns", "adgroup/get/": "ad_groups", "ad/get/": "ads"}
WINDOW_DAYS = 30
THROTTLED = {40100, 40016}


def _code(response: requests.Response | None) -> int | None:
    body = json_body(response) if response is not None else None
    return body.get("code") if isinstance(body, dict) else None


def throttled(response: requests.Response | None, exc: BaseException | None) -> bool:
    return _code(response) in THROTTLED


def raise_for_envelope(response: requests.Response, *args: object, **kwargs: object) -> None:
    """TikTok errors are HTTP 200 with a non-zero code: raise them as HTTP errors."""
    response.raise_for_status()
    if _code(response) not in (0, None):
        raise requests.HTTPError(f"TikTok code {_code(response)}", response=response)


def read_error(response: requests.Response) -> tuple[str | None, str]:
    body = json_body(response)
    if not isinstance(body, dict) or "code" not in body:
        return None, ""
    kind = {40105: "auth", 40104: "auth", 40102: "auth", 40001: "not_found", 40002: None}.get(body["code"])
    return kind, f"code {body['code']}: {body.get('message', '')}"


def _client(ctx: LiveContext):
    return ctx.client(ctx.base_url("https://business-api.tiktok.com") + "/open_api/v1.3",
                      auth=APIKeyAuth(name="Access-Token", api_key=ctx.secrets["access_token"], location="header"),
                      paginator=PageNumberPaginator(base_page=1, page_param="page",
                                                    total_path="data.page_info.total_page"),
                      data_selector="data.list", retry_condition=throttled)


def _pages(client, path: str, params: dict) -> list[dict]:
    return [r for page in client.paginate(path, params=params, hooks={"response": [raise_for_envelope]})
            for r in page]


def check(ctx: LiveContext) -> str:
    try:
        response = _client(ctx).get(
            "advertiser/info/", params={"advertiser_ids": json.dumps([ctx.settings.advertiser_id])}
        )
        raise_for_envelope(response)
    except requests.RequestException as exc:
        raise ctx.fail(f"reading advertiser {ctx.settings.advertiser_id}", exc, read_error) from None
    info = response.json()["data"]["list"][0]
    return f"advertiser {info['name']!r} ({info['currency']}), {info['status']}"


def fetch(ctx: LiveContext, start: date, end: date) -> tuple[dict[str, list[dict]], dict]:
    client, adv, size = _client(ctx), ctx.settings.advertiser_id, ctx.page_size(1000)
    since, until = ctx.window(start, end)
    out: dict[str, list[dict]] = {}
    try:
        for path, obj in ENTITIES.items():
            out[obj] = _pages(client, path, {"advertiser_id": adv, "page_size": size})
        out["ads_reports_daily"] = []
        day = since
        while day <= until:
            stop = min(until, day + timedelta(days=WINDOW_DAYS - 1))
            out["ads_reports_daily"] += _pages(
                client,
                "report/integrated/get/",
                {
                    "advertiser_id": adv,
                    "report_type": "BASIC",
                    "data_level": "AUCTION_AD",
                    "page_size": size,
                    "dimensions": json.dumps(["ad_id", "stat_time_day"]),
                    "metrics": json.dumps(REPORT_METRICS),
                    "start_date": day.isoformat(),
                    "end_date": stop.isoformat(),
                },
            )
            day = stop + timedelta(days=1)
    except requests.RequestException as exc:
        raise ctx.fail(f"fetching advertiser {adv}", exc, read_error) from None
    last = max(until.isoformat(), ctx.cursor.get("last_day", until.isoformat()))
    return out, {"last_day": last}
