"""Fake Mixpanel: Raw Export API (``/api/2.0/export``, newline-delimited JSON stream),
Engage (``/api/2.0/engage``, ``session_id`` + ``page`` paging), ``/api/app/me`` and
service-account Basic auth, Mixpanel error bodies, 429 with Retry-After:
https://developer.mixpanel.com/reference/raw-event-export"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ingestion.live.fakes.server import Family

PROJECT = "3141592"


def _err(status: int, message: str, headers: dict | None = None) -> Response:
    return JSONResponse({"error": message, "status": "error"}, status_code=status, headers=headers)


class FakeMixpanel(Family):
    name = "mixpanel"
    user, secret = "gata-export.fake.mp-service-account", "fake-service-account-secret"

    def settings_for(self, connector: str) -> dict[str, object]:
        return {"project_id": PROJECT}

    def secrets_for(self, connector: str) -> dict[str, str]:
        return {"service_account_username": self.user, "service_account_secret": self.secret}

    def auth_error(self, why: str) -> Response:
        return _err(401, "Invalid credentials" if why != "revoked" else "Service account has been deleted")

    def throttled(self) -> Response:
        return _err(429, "Query rate limit exceeded", headers={"Retry-After": str(self.faults.retry_after)})

    def routes(self) -> list:
        return [Route("/api/app/me", self.me), Route("/api/2.0/export", self.export),
                Route("/api/2.0/engage", self.engage, methods=["GET", "POST"])]

    def _guard(self, request: Request, project: str | None = "") -> Response | None:
        expected = "Basic " + base64.b64encode(f"{self.user}:{self.secret}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return self.auth_error("bad")
        bad = self.fault(request)
        if bad is not None:
            return bad
        if project != "" and project != PROJECT:
            return _err(403, f"You do not have access to project {project}")
        return None

    async def me(self, request: Request) -> Response:
        if (bad := self._guard(request)) is not None:
            return bad
        return JSONResponse({"status": "ok", "results": {"name": self.user, "projects": {
            PROJECT: {"name": self.tenant.name, "role": {"name": "Consumer"}}}}})

    async def export(self, request: Request) -> Response:
        q = request.query_params
        if (bad := self._guard(request, q.get("project_id"))) is not None:
            return bad
        lo, hi = q["from_date"], q["to_date"]

        def day(e: dict) -> str:
            return datetime.fromtimestamp(e["properties"]["time"], UTC).date().isoformat()

        rows = [e for e in self.records("mixpanel")["events"] if lo <= day(e) <= hi]
        self.count("events", rows, lambda e: e["properties"]["$insert_id"])
        return Response("".join(json.dumps(e) + "\n" for e in rows), media_type="text/plain")

    async def engage(self, request: Request) -> Response:
        form = dict(await request.form()) if request.method == "POST" else {}
        q: dict[str, Any] = {**dict(request.query_params), **form}
        if (bad := self._guard(request, q.get("project_id"))) is not None:
            return bad
        people = self.records("mixpanel")["people"]
        size, page = int(q.get("page_size", 1000)), int(q.get("page", 0))
        chunk = people[page * size:(page + 1) * size]
        self.count("people", chunk, lambda p: p["distinct_id"])
        return JSONResponse({"results": [{"$distinct_id": p["distinct_id"], "$properties": p["properties"]}
                                         for p in chunk], "page": page, "page_size": size,
                             "session_id": "1234567890-FAKE", "status": "ok", "total": len(people)})
