"""Mixpanel, live: raw events (Raw Data Export API) and people profiles (Engage API).

API facts (https://developer.mixpanel.com/reference/overview):

* Events: ``GET https://data.mixpanel.com/api/2.0/export?project_id&from_date&to_date``
  (``data-eu.mixpanel.com`` for EU residency: ``region: eu``) streams newline-delimited JSON,
  one ``{event, properties}`` per line, read line by line, never whole. Days are the
  project's timezone (set it to UTC to match the warehouse's days).
* People: ``POST https://mixpanel.com/api/2.0/engage?project_id`` pages with ``page`` and the
  ``session_id`` of the first answer; profiles come as ``{$distinct_id, $properties}`` and
  are renamed to the export's ``{distinct_id, properties}``.
* Auth: a service account (Organization settings > Service accounts, role Consumer on the
  project) as HTTP Basic ``username:secret``; ``GET /api/app/me`` lists its projects.
* Limits: export 60 queries/hour and 3/second, 100 concurrent; 429 retried with Retry-After.
* Incremental: events by day from the cursor minus ``lookback_days`` (default 1: late
  events from mobile SDKs), people re-read whole (merged on distinct_id).
"""

from __future__ import annotations

import json
from datetime import date

import requests
from dlt.sources.helpers.rest_client.auth import HttpBasicAuth

from gata.errors import LiveSourceError
from ingestion.live.base import LiveContext, get_json, json_body


def read_error(response: requests.Response) -> tuple[str | None, str]:
    body = json_body(response)
    if isinstance(body, dict) and "error" in body:
        return None, str(body["error"])
    return None, (response.text or "")[:200]


def _roots(ctx: LiveContext) -> tuple[str, str]:
    if ctx.settings.base_url:
        return ctx.base_url(""), ctx.base_url("")
    eu = ctx.settings.region == "eu"
    return (f"https://data{'-eu' if eu else ''}.mixpanel.com", f"https://{'eu.' if eu else ''}mixpanel.com")


def _client(ctx: LiveContext, root: str):
    return ctx.client(root, auth=HttpBasicAuth(ctx.secrets["service_account_username"],
                                               ctx.secrets["service_account_secret"]))


def check(ctx: LiveContext) -> str:
    try:
        me = get_json(_client(ctx, _roots(ctx)[1]), "api/app/me")["results"]
    except requests.RequestException as exc:
        raise ctx.fail("reading the service account", exc, read_error) from None
    project = me.get("projects", {}).get(str(ctx.settings.project_id))
    if project is None:
        raise LiveSourceError(f"{ctx.tenant}/{ctx.connector}: the service account has no role on project "
                              f"{ctx.settings.project_id}. Fix: add it to the project (role Consumer) or check "
                              "project_id", kind="not_found")
    return f"project {project['name']!r} as {me.get('name')} ({project['role']['name']})"


def fetch(ctx: LiveContext, start: date, end: date) -> tuple[dict[str, list[dict]], dict]:
    data_root, app_root = _roots(ctx)
    since, until = ctx.window(start, end)
    events: list[dict] = []
    people: list[dict] = []
    try:
        if since <= until:
            response = _client(ctx, data_root).get("api/2.0/export", stream=True, params={
                "project_id": ctx.settings.project_id, "from_date": since.isoformat(), "to_date": until.isoformat()})
            response.raise_for_status()
            events = [json.loads(line) for line in response.iter_lines() if line]
        app, page, session = _client(ctx, app_root), 0, None
        while True:
            form = {"page": page, "page_size": ctx.page_size(1000), **({"session_id": session} if session else {})}
            response = app.post("api/2.0/engage", params={"project_id": ctx.settings.project_id}, data=form)
            response.raise_for_status()
            body = response.json()
            people += [{"distinct_id": p["$distinct_id"], "properties": p["$properties"]} for p in body["results"]]
            if len(body["results"]) < body["page_size"]:
                break
            page, session = page + 1, body["session_id"]
    except requests.RequestException as exc:
        raise ctx.fail("exporting events and people", exc, read_error) from None
    last = max(until.isoformat(), ctx.cursor.get("last_day", until.isoformat())) if since <= until else \
        ctx.cursor.get("last_day", until.isoformat())
    return {"events": events, "people": people}, {"last_day": last}
