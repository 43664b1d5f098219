"""Fake Amplitude: Export API v2 (``/api/2/export?start=YYYYMMDDTHH&end=...``, a zip of gzipped
hourly JSON-lines files, 404 when the range holds no data) and the Behavioral Cohorts download
(``/api/5/cohorts/request/{id}?props=1`` -> ``request-status`` 202 JOB INPROGRESS for several
polls, then 200 JOB COMPLETED -> ``/file`` CSV of members with their user properties), Basic
auth with the project's API key and secret key:
https://amplitude.com/docs/apis/analytics/export and .../behavioral-cohorts"""

from __future__ import annotations

import base64
import csv
import gzip
import io
import zipfile
from collections import defaultdict
from datetime import datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ingestion.live.fakes.server import Family

PROJECT, COHORT = "424242", "all_known_users"
POLLS_UNTIL_DONE = 3


class FakeAmplitude(Family):
    name = "amplitude"
    api_key, secret_key = "fake-amplitude-api-key", "fake-amplitude-secret-key"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.requests_made: dict[str, int] = {}

    def settings_for(self, connector: str) -> dict[str, object]:
        return {"users_cohort_id": COHORT}

    def secrets_for(self, connector: str) -> dict[str, str]:
        return {"api_key": self.api_key, "secret_key": self.secret_key}

    def auth_error(self, why: str) -> Response:
        return JSONResponse({"error": {"message": "Invalid API key or secret key", "code": 401}}, status_code=401)

    def throttled(self) -> Response:
        return JSONResponse({"error": {"message": "Too many requests", "code": 429}}, status_code=429,
                            headers={"Retry-After": str(self.faults.retry_after)})

    def routes(self) -> list:
        return [Route("/api/2/export", self.export), Route("/api/3/cohorts", self.cohorts),
                Route("/api/5/cohorts/request/{cohort}", self.request_cohort),
                Route("/api/5/cohorts/request-status/{request_id}", self.status),
                Route("/api/5/cohorts/request/{request_id}/file", self.file)]

    def _guard(self, request: Request) -> Response | None:
        expected = "Basic " + base64.b64encode(f"{self.api_key}:{self.secret_key}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return self.auth_error("bad")
        return self.fault(request)

    async def export(self, request: Request) -> Response:
        if (bad := self._guard(request)) is not None:
            return bad
        lo, hi = (datetime.strptime(request.query_params[k], "%Y%m%dT%H") for k in ("start", "end"))
        events = [e for e in self.records("amplitude")["events"]
                  if lo <= datetime.strptime(e["event_time"][:13], "%Y-%m-%d %H") <= hi]
        if not events:
            return Response("Raw data files were not found.", status_code=404)
        hours: dict[str, list[dict]] = defaultdict(list)
        for e in events:
            hours[e["event_time"][:13].replace(" ", "_")].append(e)
        import json
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for hour, rows in sorted(hours.items()):
                text = "".join(json.dumps(r) + "\n" for r in rows)
                z.writestr(f"{PROJECT}/{PROJECT}_{hour.replace('_', '_')}#0.json.gz", gzip.compress(text.encode()))
        self.count("events", events, lambda e: e["$insert_id"])
        return Response(buf.getvalue(), media_type="application/zip")

    async def cohorts(self, request: Request) -> Response:
        if (bad := self._guard(request)) is not None:
            return bad
        return JSONResponse({"cohorts": [{"id": COHORT, "name": "All known users", "appId": PROJECT,
                                          "size": len(self.records("amplitude")["users"]), "archived": False}]})

    async def request_cohort(self, request: Request) -> Response:
        if (bad := self._guard(request)) is not None:
            return bad
        if request.path_params["cohort"] != COHORT:
            return JSONResponse({"error": {"message": "Cohort not found", "code": 404}}, status_code=404)
        rid = f"req-{len(self.requests_made) + 1}"
        self.requests_made[rid] = 0
        return JSONResponse({"request_id": rid, "cohort_id": COHORT})

    async def status(self, request: Request) -> Response:
        if (bad := self._guard(request)) is not None:
            return bad
        rid = request.path_params["request_id"]
        self.requests_made[rid] += 1
        if self.requests_made[rid] < POLLS_UNTIL_DONE:
            return JSONResponse({"request_id": rid, "cohort_id": COHORT, "async_status": "JOB INPROGRESS"},
                                status_code=202)
        return JSONResponse({"request_id": rid, "cohort_id": COHORT, "async_status": "JOB COMPLETED"})

    async def file(self, request: Request) -> Response:
        if (bad := self._guard(request)) is not None:
            return bad
        users = self.records("amplitude")["users"]
        props = sorted({k for u in users for k in u["properties"]})
        out = io.StringIO()
        writer = csv.writer(out, quoting=csv.QUOTE_ALL)
        writer.writerow(["amplitude_id", "user_id", "country", "region", "city", "platform",
                         *(f"gp:{p}" for p in props)])
        for u in users:
            writer.writerow([u["amplitude_id"], u["user_id"] or "", u["country"], u["region"], u["city"],
                             u["platform"], *(u["properties"].get(p, "") for p in props)])
        self.count("users", users, lambda u: u["amplitude_id"])
        return Response(out.getvalue(), media_type="text/csv")
