"""Microsoft Advertising API v13 (Bing Ads), live: campaigns, ad groups, ads, daily ad performance.

API facts (https://learn.microsoft.com/en-us/advertising/guides/):

* REST endpoints of v13: Campaign Management
  ``https://campaign.api.bingads.microsoft.com/CampaignManagement/v13/{Campaigns/QueryByAccountId,
  AdGroups/QueryByCampaignId, Ads/QueryByAdGroupId}`` (entities come without their parent id,
  which is added here as the mock's records carry it) and Reporting
  ``https://reporting.api.bingads.microsoft.com/Reporting/v13/GenerateReport/{Submit,Poll}``.
* Auth: OAuth 2.0 refresh token of an app registered in Microsoft Entra (scope
  ``https://ads.microsoft.com/msads.manage offline_access``) from
  ``https://login.microsoftonline.com/consumers/oauth2/v2.0/token``, plus ``DeveloperToken``,
  ``CustomerId`` and ``CustomerAccountId`` headers. Faults are AdApiFaultDetail
  (105 InvalidCredentials, 109 AuthenticationTokenExpired, 1102 CustomerIdInvalid).
* Reports are async: ``Submit`` an ``AdPerformanceReportRequest`` (Daily, ad-level columns,
  CSV without header/footer rows), ``Poll`` until Success, download the zip from
  ``ReportDownloadUrl`` and read its CSV, typed by the contract.
* Limits: CallRateExceeded (117) per minute, retried with backoff.
* Incremental: report by date window from the cursor minus ``lookback_days`` (default 3).
* ``base_url`` replaces the token, Campaign Management and Reporting hosts alike.
"""

from __future__ import annotations

import csv
import io
import time
import zipfile
from datetime import date

import dlt
import requests

from gata.errors import LiveSourceError
from ingestion.connectors.bing_ads import CONTRACTS
from ingestion.live.base import LiveContext, coerce_to_contract, json_body, refresh_token_auth

TOKEN_URL = "https://login.microsoftonline.com/consumers/oauth2/v2.0/token"
CAMPAIGN_API = "https://campaign.api.bingads.microsoft.com"
REPORTING_API = "https://reporting.api.bingads.microsoft.com"
COLUMNS = ["AccountId", "AccountName", "AccountNumber", "TimePeriod", "CampaignId", "CampaignName", "CampaignStatus",
           "AdGroupId", "AdGroupName", "AdId", "AdTitle", "DeviceType", "Network", "Impressions", "Clicks", "Spend",
           "Ctr", "AverageCpc", "Conversions", "Revenue", "CurrencyCode"]
KINDS = {105: "auth", 109: "auth", 106: "permission", 1102: "not_found", 1100: "not_found"}
MAX_POLL_SECONDS = 60.0
TIMEOUT_SECONDS = 3 * 3600


def read_error(response: requests.Response) -> tuple[str | None, str]:
    body = json_body(response)
    if not isinstance(body, dict):
        return None, ""
    if isinstance(body.get("error"), str):
        return ("auth" if body["error"] in ("invalid_grant", "unauthorized_client") else None,
                f"{body['error']}: {body.get('error_description', '')}")
    errors = body.get("Errors") or []
    if errors:
        e = errors[0]
        return KINDS.get(e.get("Code")), f"{e.get('Code')} {e.get('ErrorCode')}: {e.get('Message', '')}"
    return None, ""


def _client(ctx: LiveContext, host: str, auth):
    headers = {"DeveloperToken": str(ctx.secrets["developer_token"]), "CustomerId": str(ctx.settings.customer_id),
               "CustomerAccountId": str(ctx.settings.account_id)}
    return ctx.client(ctx.base_url(host), auth=auth, headers=headers)


def _post(client, path: str, body: dict) -> dict:
    response = client.post(path, json=body)
    response.raise_for_status()
    return response.json()


def _entities(ctx: LiveContext, auth) -> dict[str, list[dict]]:
    cm = _client(ctx, CAMPAIGN_API, auth)
    base = "CampaignManagement/v13"
    account = int(str(ctx.settings.account_id))
    campaigns = [{**c, "AccountId": account} for c in _post(cm, f"{base}/Campaigns/QueryByAccountId", {
        "AccountId": account, "CampaignType": "Search Shopping Audience PerformanceMax"})["Campaigns"]]
    ad_groups = [{**g, "CampaignId": c["Id"]} for c in campaigns
                 for g in _post(cm, f"{base}/AdGroups/QueryByCampaignId", {"CampaignId": c["Id"]})["AdGroups"]]
    ads = [{**a, "AdGroupId": g["Id"]} for g in ad_groups for a in _post(cm, f"{base}/Ads/QueryByAdGroupId", {
        "AdGroupId": g["Id"], "AdTypes": ["ResponsiveSearch", "ResponsiveAd", "ExpandedText"]})["Ads"]]
    return {"campaigns": campaigns, "ad_groups": ad_groups, "ads": ads}


def _ymd(d: date) -> dict:
    return {"Day": d.day, "Month": d.month, "Year": d.year}


def _report(ctx: LiveContext, auth, lo: date, hi: date) -> list[dict]:
    rp = _client(ctx, REPORTING_API, auth)
    request = {
        "Type": "AdPerformanceReportRequest",
        "Format": "Csv",
        "ReportName": f"gata {ctx.tenant}",
        "ExcludeReportHeader": True,
        "ExcludeReportFooter": True,
        "ExcludeColumnHeaders": False,
        "ReturnOnlyCompleteData": False,
        "Aggregation": "Daily",
        "Columns": COLUMNS,
        "Scope": {"AccountIds": [int(str(ctx.settings.account_id))]},
        "Time": {
            "CustomDateRangeStart": _ymd(lo),
            "CustomDateRangeEnd": _ymd(hi),
            "ReportTimeZone": "GreenwichMeanTimeDublinEdinburghLisbonLondon",
        },
    }
    report_id = _post(rp, "Reporting/v13/GenerateReport/Submit", {"ReportRequest": request})["ReportRequestId"]
    wait, waited = float(dlt.config.get("sources.report_poll_seconds") or 15.0), 0.0
    while True:
        status = _post(rp, "Reporting/v13/GenerateReport/Poll", {"ReportRequestId": report_id})["ReportRequestStatus"]
        if status["Status"] == "Success":
            break
        if status["Status"] == "Error" or waited > TIMEOUT_SECONDS:
            raise LiveSourceError(
                f"{ctx.tenant}/{ctx.connector}: report {report_id} ({lo}..{hi}) ended {status['Status']}", kind="api"
            )
        time.sleep(wait)
        waited += wait
        wait = min(wait * 2, MAX_POLL_SECONDS)
    if not status.get("ReportDownloadUrl"):  # Success without a URL: no rows in the range
        return []
    archive = ctx.client(status["ReportDownloadUrl"]).get("")
    archive.raise_for_status()
    with zipfile.ZipFile(io.BytesIO(archive.content)) as z:
        text = z.read(z.namelist()[0]).decode("utf-8-sig")
    return [
        coerce_to_contract(row, CONTRACTS["account_performance_report"]) for row in csv.DictReader(io.StringIO(text))
    ]


def check(ctx: LiveContext) -> str:
    auth = refresh_token_auth(ctx, TOKEN_URL, "/consumers/oauth2/v2.0/token")
    try:
        found = _post(
            _client(ctx, CAMPAIGN_API, auth),
            "CampaignManagement/v13/Campaigns/QueryByAccountId",
            {"AccountId": int(str(ctx.settings.account_id)), "CampaignType": "Search"},
        )
    except requests.RequestException as exc:
        raise ctx.fail(f"reading account {ctx.settings.account_id}", exc, read_error) from None
    return (
        f"account {ctx.settings.account_id} of customer {ctx.settings.customer_id}: "
        f"{len(found.get('Campaigns', []))} search campaign(s) visible"
    )


def fetch(ctx: LiveContext, start: date, end: date) -> tuple[dict[str, list[dict]], dict]:
    auth = refresh_token_auth(ctx, TOKEN_URL, "/consumers/oauth2/v2.0/token")
    since, until = ctx.window(start, end)
    try:
        out = _entities(ctx, auth)
        out["account_performance_report"] = _report(ctx, auth, since, until) if since <= until else []
    except requests.RequestException as exc:
        raise ctx.fail(f"fetching account {ctx.settings.account_id}", exc, read_error) from None
    return out, {"last_day": max(until.isoformat(), ctx.cursor.get("last_day", until.isoformat()))}
