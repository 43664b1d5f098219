"""Amplitude, live: raw events (Export API) and known users (Behavioral Cohorts download).

API facts (https://amplitude.com/docs/apis/analytics/export,
https://amplitude.com/docs/apis/analytics/behavioral-cohorts):

* Base: ``https://amplitude.com`` (EU residency: ``https://analytics.eu.amplitude.com``,
  ``region: eu``). Auth: HTTP Basic with the project's API key and secret key (Project
  settings > General; an admin or manager role is needed to see the secret key).
* Events: ``GET /api/2/export?start=YYYYMMDDTHH&end=YYYYMMDDTHH`` answers a zip of gzipped
  JSON-lines files, one per hour (``{project}/{project}_{YYYY-MM-DD}_{H}#{n}.json.gz``);
  404 "Raw data files were not found" means an empty range; data is exported with up to
  2 hours of delay; 4 GB per request (asked for per day here). Limit: 360 export calls/hour.
* Users: Amplitude has no bulk user list; a cohort of every known user (``users_cohort_id``,
  e.g. "user_id is set") is downloaded asynchronously: ``GET /api/5/cohorts/request/{id}?props=1``
  -> poll ``/api/5/cohorts/request-status/{request_id}`` (202 JOB INPROGRESS, 200 JOB COMPLETED)
  -> ``/api/5/cohorts/request/{request_id}/file``, a CSV of ``amplitude_id, user_id`` and the
  user properties (custom ones prefixed ``gp:``). 500 cohort downloads per month: one per run.
* Incremental: events by day from the cursor minus ``lookback_days`` (default 1).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import time
import zipfile
from datetime import date, timedelta

import dlt
import requests
from dlt.sources.helpers.rest_client.auth import HttpBasicAuth

from gata.errors import LiveSourceError
from ingestion.live.base import LiveContext, get_json, json_body

MAX_POLL_SECONDS = 60.0
TIMEOUT_SECONDS = 3600


def read_error(response: requests.Response) -> tuple[str | None, str]:
    body = json_body(response)
    err = body.get("error") if isinstance(body, dict) else None
    if isinstance(err, dict):
        return None, str(err.get("message", ""))
    return None, (response.text or "")[:200]


def _client(ctx: LiveContext):
    root = ctx.base_url("https://analytics.eu.amplitude.com" if ctx.settings.region == "eu" else "https://amplitude.com")
    return ctx.client(root, auth=HttpBasicAuth(ctx.secrets["api_key"], ctx.secrets["secret_key"]))


def check(ctx: LiveContext) -> str:
    try:
        cohorts = get_json(_client(ctx), "api/3/cohorts")["cohorts"]
    except requests.RequestException as exc:
        raise ctx.fail("listing cohorts", exc, read_error) from None
    match = [c for c in cohorts if c["id"] == ctx.settings.users_cohort_id]
    if not match:
        raise LiveSourceError(f"{ctx.tenant}/{ctx.connector}: cohort {ctx.settings.users_cohort_id!r} not found in "
                              "this project. Fix: create a cohort of every known user and set its id as "
                              "users_cohort_id", kind="not_found")
    return f"project {match[0]['appId']}, users cohort {match[0]['name']!r} ({match[0]['size']} users)"


def _events(ctx: LiveContext, client, day: date) -> list[dict]:
    response = client.get("api/2/export", params={"start": f"{day:%Y%m%d}T00", "end": f"{day:%Y%m%d}T23"})
    if response.status_code == 404:
        return []
    response.raise_for_status()
    events = []
    with zipfile.ZipFile(io.BytesIO(response.content)) as z:
        for name in sorted(z.namelist()):
            if name.endswith(".json.gz"):
                events += [json.loads(line) for line in gzip.decompress(z.read(name)).splitlines() if line]
    return events


def _users(ctx: LiveContext, client) -> list[dict]:
    rid = get_json(client, f"api/5/cohorts/request/{ctx.settings.users_cohort_id}", params={"props": 1})["request_id"]
    wait, waited = float(dlt.config.get("sources.report_poll_seconds") or 15.0), 0.0
    while True:
        response = client.get(f"api/5/cohorts/request-status/{rid}")
        response.raise_for_status()
        if response.status_code == 200 and response.json().get("async_status") == "JOB COMPLETED":
            break
        if waited > TIMEOUT_SECONDS:
            raise LiveSourceError(f"{ctx.tenant}/{ctx.connector}: cohort download {rid} timed out", kind="api")
        time.sleep(wait)
        waited += wait
        wait = min(wait * 2, MAX_POLL_SECONDS)
    response = client.get(f"api/5/cohorts/request/{rid}/file")
    response.raise_for_status()
    users = []
    for row in csv.DictReader(io.StringIO(response.text)):
        amplitude_id = int(row["amplitude_id"])
        users.append({"amplitude_id": amplitude_id, "canonical_amplitude_id": amplitude_id,
                      "user_id": row["user_id"] or None, "country": row["country"], "region": row["region"],
                      "city": row["city"], "platform": row["platform"],
                      "properties": {k.removeprefix("gp:"): v for k, v in row.items() if k.startswith("gp:")}})
    return users


def fetch(ctx: LiveContext, start: date, end: date) -> tuple[dict[str, list[dict]], dict]:
    client = _client(ctx)
    since, until = ctx.window(start, end)
    events: list[dict] = []
    try:
        day = since
        while day <= until:
            events += _events(ctx, client, day)
            day += timedelta(days=1)
        users = _users(ctx, client)
    except requests.RequestException as exc:
        raise ctx.fail("exporting events and users", exc, read_error) from None
    return {"events": events, "users": users}, {"last_day": max(until.isoformat(),
                                                                 ctx.cursor.get("last_day", until.isoformat()))}
