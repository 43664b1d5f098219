"""Amazon Ads API v3 (Sponsored Products), live: campaigns, ad groups, product ads, daily report.

API facts (https://advertising.amazon.com/API/docs/en-us):

* Auth: Login with Amazon. A refresh token (from the consent flow of an LWA security profile
  approved for the Advertising API) is exchanged at ``https://api.amazon.com/auth/o2/token``;
  every call carries ``Authorization: Bearer``, ``Amazon-Advertising-API-ClientId`` and
  ``Amazon-Advertising-API-Scope: {profile_id}`` (``GET /v2/profiles`` lists them).
* Regions: NA ``advertising-api.amazon.com``, EU ``advertising-api-eu.amazon.com``, FE
  ``advertising-api-fe.amazon.com`` (``region: na|eu|fe``); ``base_url`` replaces both hosts.
* Entities: ``POST /sp/campaigns/list`` (``/sp/adGroups/list``, ``/sp/productAds/list``) with
  versioned media types (``application/vnd.spCampaign.v3+json``) and ``nextToken`` paging in
  the JSON body.
* Reports are async: ``POST /reporting/reports`` (``reportTypeId=spAdvertisedProduct``,
  ``timeUnit=DAILY``, ``format=GZIP_JSON``, at most 31 days), poll ``GET /reporting/reports/{id}``
  until COMPLETED (minutes in production), then download the gzipped JSON array from the
  presigned S3 ``url`` without our auth headers:
  https://advertising.amazon.com/API/docs/en-us/guides/reporting/v3/get-started
* Limits: 429 with Retry-After, retried. Attribution (``purchases7d``) settles over 7 days:
  ``lookback_days`` default 3 (raise to 7 for exact 7-day attribution).
* Poll interval: ``SOURCES__REPORT_POLL_SECONDS`` (dlt config, default 15 s), doubling to 2 min.
"""

from __future__ import annotations

import gzip
import json
import time
from datetime import date, timedelta

import dlt
import requests
from dlt.sources.helpers.rest_client.auth import OAuth2ClientCredentials
from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator

from gata.errors import LiveSourceError
from ingestion.live.base import LiveContext, get_json, json_body, refresh_token_auth

HOSTS = {"na": "https://advertising-api.amazon.com", "eu": "https://advertising-api-eu.amazon.com",
         "fe": "https://advertising-api-fe.amazon.com"}
TOKEN_URL = "https://api.amazon.com/auth/o2/token"
LISTS = {"campaigns": ("campaigns", "spCampaign"), "adGroups": ("ad_groups", "spAdGroup"),
         "productAds": ("product_ads", "spProductAd")}
COLUMNS = ["date", "campaignId", "campaignName", "campaignBudgetCurrencyCode", "adGroupId", "adGroupName", "adId",
           "advertisedAsin", "advertisedSku", "impressions", "clicks", "cost", "costPerClick", "clickThroughRate",
           "purchases7d", "sales7d", "unitsSoldClicks7d"]
WINDOW_DAYS = 31
MAX_POLL_SECONDS = 120.0
TIMEOUT_SECONDS = 3 * 3600


def read_error(response: requests.Response) -> tuple[str | None, str]:
    body = json_body(response)
    if not isinstance(body, dict):
        return None, ""
    if isinstance(body.get("error"), str):  # LWA
        return ("auth" if body["error"] in ("invalid_grant", "invalid_client") else None,
                f"{body['error']}: {body.get('error_description', '')}")
    kind = "not_found" if "profile not found" in str(body.get("details", "")) else None
    return kind, f"{body.get('code', '')}: {body.get('details', '')}"


def _auth(ctx: LiveContext) -> OAuth2ClientCredentials:
    return refresh_token_auth(ctx, TOKEN_URL, "/auth/o2/token")


def _client(ctx: LiveContext, auth: OAuth2ClientCredentials, scoped: bool = True, **kwargs):
    headers = {"Amazon-Advertising-API-ClientId": str(ctx.secrets["client_id"])}
    if scoped:
        headers["Amazon-Advertising-API-Scope"] = str(ctx.settings.profile_id)
    return ctx.client(ctx.base_url(HOSTS[ctx.settings.region or "na"]), auth=auth, headers=headers, **kwargs)


def check(ctx: LiveContext) -> str:
    try:
        profiles = get_json(_client(ctx, _auth(ctx), scoped=False), "v2/profiles")
    except requests.RequestException as exc:
        raise ctx.fail("listing advertising profiles", exc, read_error) from None
    match = [p for p in profiles if str(p["profileId"]) == str(ctx.settings.profile_id)]
    if not match:
        raise LiveSourceError(f"{ctx.tenant}/{ctx.connector}: profile {ctx.settings.profile_id} is not among this "
                              f"token's profiles ({', '.join(str(p['profileId']) for p in profiles) or 'none'}). "
                              "Fix: check profile_id and region", kind="not_found")
    p = match[0]
    return f"profile {p['profileId']} {p['accountInfo']['name']!r} ({p['countryCode']}, {p['currencyCode']})"


def _report(ctx: LiveContext, client, lo: date, hi: date) -> list[dict]:
    body = {"name": f"gata {ctx.tenant} {lo}..{hi}", "startDate": lo.isoformat(), "endDate": hi.isoformat(),
            "configuration": {"adProduct": "SPONSORED_PRODUCTS", "groupBy": ["advertiser"], "columns": COLUMNS,
                              "reportTypeId": "spAdvertisedProduct", "timeUnit": "DAILY", "format": "GZIP_JSON"}}
    response = client.post("reporting/reports", json=body,
                           headers={"Content-Type": "application/vnd.createasyncreportrequest.v3+json"})
    response.raise_for_status()
    report_id = response.json()["reportId"]
    wait, waited = float(dlt.config.get("sources.report_poll_seconds") or 15.0), 0.0
    while True:
        status = get_json(client, f"reporting/reports/{report_id}")
        if status["status"] == "COMPLETED":
            break
        if status["status"] == "FAILED" or waited > TIMEOUT_SECONDS:
            raise LiveSourceError(f"{ctx.tenant}/{ctx.connector}: report {report_id} ({lo}..{hi}) "
                                  f"{status['status']}: {status.get('failureReason', 'timed out')}", kind="api")
        time.sleep(wait)
        waited += wait
        wait = min(wait * 2, MAX_POLL_SECONDS)
    download = ctx.client(status["url"])  # presigned S3 URL: no auth headers
    data = download.get("")
    data.raise_for_status()
    return json.loads(gzip.decompress(data.content))


def fetch(ctx: LiveContext, start: date, end: date) -> tuple[dict[str, list[dict]], dict]:
    auth = _auth(ctx)
    since, until = ctx.window(start, end)
    out: dict[str, list[dict]] = {}
    try:
        for kind, (obj, media) in LISTS.items():
            client = _client(ctx, auth, paginator=JSONResponseCursorPaginator(
                cursor_path="nextToken", cursor_body_path="nextToken"), data_selector=kind)
            mime = f"application/vnd.{media}.v3+json"
            out[obj] = [r for page in client.paginate(f"sp/{kind}/list", method="POST",
                                                      json={"maxResults": ctx.page_size(100)},
                                                      headers={"Content-Type": mime, "Accept": mime}) for r in page]
        client = _client(ctx, auth)
        out["sp_advertised_product"] = []
        day = since
        while day <= until:
            stop = min(until, day + timedelta(days=WINDOW_DAYS - 1))
            out["sp_advertised_product"] += _report(ctx, client, day, stop)
            day = stop + timedelta(days=1)
    except requests.RequestException as exc:
        raise ctx.fail(f"fetching profile {ctx.settings.profile_id}", exc, read_error) from None
    return out, {"last_day": max(until.isoformat(), ctx.cursor.get("last_day", until.isoformat()))}
