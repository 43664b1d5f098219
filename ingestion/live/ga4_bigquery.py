"""Google Analytics 4, live, from its BigQuery export (not the Data API).

Why the export: the warehouse sessionizes raw events (GA4 session ids, the tenant's
conversion events, purchases joined to store orders by ``transaction_id``), and only
the export has events. The Data API's ``runReport`` returns aggregates (sampled and
thresholded), which cannot feed ``fct_sessions``/``fct_events``. The mock imitates
the export's rows, so the live source reads exactly those.

API facts:

* Export layout: dataset ``analytics_{property_id}``, one ``events_YYYYMMDD`` table per day,
  written once a day and possibly updated for up to 72 hours (hence ``lookback_days``,
  default 1): https://support.google.com/analytics/answer/9358801
* Read with BigQuery REST v2 ``tabledata.list`` (free: no query bytes billed):
  ``GET https://bigquery.googleapis.com/bigquery/v2/projects/{p}/datasets/{d}/tables/{t}/data``,
  ``maxResults`` + ``pageToken`` paging, rows as positional ``{"f": [{"v": ...}]}`` cells with
  every scalar a string, decoded with the table's schema (``tables.get``):
  https://cloud.google.com/bigquery/docs/reference/rest/v2/tabledata/list
* Auth: OAuth 2.0 refresh token (client id/secret of a Desktop OAuth client, scope
  ``https://www.googleapis.com/auth/bigquery.readonly``) exchanged at
  ``https://oauth2.googleapis.com/token``; the account needs BigQuery Data Viewer on the
  dataset. A revoked refresh token answers ``invalid_grant``.
* Limits: 429 RESOURCE_EXHAUSTED with Retry-After, and 403 ``rateLimitExceeded``, retried.
* ``base_url`` replaces both ``https://oauth2.googleapis.com`` and ``https://bigquery.googleapis.com``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import requests
from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator

from ingestion.live.base import LiveContext, get_json, json_body, refresh_token_auth

TOKEN_URL = "https://oauth2.googleapis.com/token"
API_ROOT = "https://bigquery.googleapis.com"


def read_error(response: requests.Response) -> tuple[str | None, str]:
    body = json_body(response)
    if not isinstance(body, dict):
        return None, ""
    err = body.get("error")
    if isinstance(err, str):  # the OAuth token endpoint
        kind = "auth" if err in ("invalid_grant", "invalid_client", "unauthorized_client") else None
        return kind, f"{err}: {body.get('error_description', '')}"
    if isinstance(err, dict):
        kind = {"UNAUTHENTICATED": "auth", "PERMISSION_DENIED": "permission", "NOT_FOUND": "not_found"}.get(
            err.get("status", ""))
        return kind, f"{err.get('status', '')}: {err.get('message', '')}"
    return None, ""


def rate_limited(response: requests.Response | None, exc: BaseException | None) -> bool:
    """BigQuery also throttles with 403 ``rateLimitExceeded``: transient, retried."""
    if response is None or response.status_code != 403:
        return False
    body = json_body(response)
    errors = body.get("error", {}).get("errors", []) if isinstance(body, dict) else []
    return any(e.get("reason") in ("rateLimitExceeded", "backendError") for e in errors)


def _client(ctx: LiveContext):
    auth = refresh_token_auth(ctx, TOKEN_URL, "/token")
    root = ctx.base_url(API_ROOT)
    return ctx.client(
        f"{root}/bigquery/v2/projects/{ctx.settings.project_id}/datasets/{ctx.settings.dataset}",
        auth=auth,
        paginator=JSONResponseCursorPaginator(cursor_path="pageToken", cursor_param="pageToken"),
        data_selector="rows",
        retry_condition=rate_limited,
    )


def check(ctx: LiveContext) -> str:
    try:
        ds = get_json(_client(ctx), "")
    except requests.RequestException as exc:
        raise ctx.fail(f"reading dataset {ctx.settings.project_id}:{ctx.settings.dataset}", exc, read_error) from None
    return f"GA4 export dataset {ds.get('id')} ({ds.get('location')})"


def decode_row(schema: list[dict], row: dict) -> dict:
    """A ``tabledata.list`` row back into the export's record, typed by the table schema."""
    return {f["name"]: _decode(f, cell["v"]) for f, cell in zip(schema, row["f"], strict=True)}


def _decode(field: dict, value: Any) -> object:
    if field.get("mode") == "REPEATED":
        return [_decode({**field, "mode": "NULLABLE"}, item["v"]) for item in (value or [])]
    if value is None:
        return None
    kind = field["type"]
    if kind in ("RECORD", "STRUCT"):
        return decode_row(field["fields"], value)
    if kind in ("INTEGER", "INT64"):
        return int(value)
    if kind in ("FLOAT", "FLOAT64"):
        return float(value)
    if kind in ("BOOLEAN", "BOOL"):
        return value == "true"
    return value


def fetch(ctx: LiveContext, start: date, end: date) -> tuple[dict[str, list[dict]], dict]:
    """Each day's ``events_YYYYMMDD`` from the cursor; stops at the first day not exported yet."""
    client = _client(ctx)
    since, until = ctx.window(start, end)
    events: list[dict] = []
    last = ctx.cursor.get("last_day")
    day = since
    try:
        while day <= until:
            table = f"events_{day:%Y%m%d}"
            response = client.get(f"tables/{table}")
            if response.status_code == 404 and "Not found: Table" in read_error(response)[1]:
                break  # not exported yet: the next run starts here
            response.raise_for_status()
            schema = response.json()["schema"]["fields"]
            events += [
                decode_row(schema, row)
                for page in client.paginate(f"tables/{table}/data", params={"maxResults": ctx.page_size(10_000)})
                for row in page
            ]
            last = max(last or day.isoformat(), day.isoformat())
            day += timedelta(days=1)
    except requests.RequestException as exc:
        raise ctx.fail(f"reading the GA4 export {ctx.settings.dataset}", exc, read_error) from None
    return {"events": events}, ({"last_day": last} if last else {})
