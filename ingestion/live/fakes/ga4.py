"""Fake Google OAuth token endpoint + BigQuery REST v2, holding a GA4 export dataset.

Faithful to https://cloud.google.com/bigquery/docs/reference/rest/v2/tabledata/list
(rows as ``{"f": [{"v": ...}]}`` cells, every scalar a string, ``pageToken`` paging,
``totalRows`` a string) and to the GA4 export layout (one ``events_YYYYMMDD`` table
per day: https://support.google.com/analytics/answer/7029846). Errors are Google API
error objects (401 UNAUTHENTICATED, 403 PERMISSION_DENIED, 404 NOT_FOUND, 429
RESOURCE_EXHAUSTED with Retry-After); the token endpoint answers ``invalid_grant``
for a revoked refresh token. From ``field_added_on`` the day tables carry
``collected_traffic_source``, a RECORD GA4 added to the export in 2023.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ingestion.live.fakes.server import Family

ADDED_FIELD = "collected_traffic_source"


def _google_error(code: int, status: str, message: str, reason: str, headers: dict | None = None) -> Response:
    return JSONResponse({"error": {"code": code, "message": message, "status": status,
                                   "errors": [{"message": message, "domain": "global", "reason": reason}]}},
                        status_code=code, headers=headers)


def infer_schema(records: list[dict]) -> list[dict]:
    """BigQuery schema fields of a list of records (types merged across records)."""
    fields: dict[str, dict] = {}
    nested: dict[str, list[dict]] = defaultdict(list)
    for rec in records:
        for key, value in rec.items():
            f = fields.setdefault(key, {"name": key, "type": None, "mode": "NULLABLE"})
            if isinstance(value, list):
                f["mode"] = "REPEATED"
                for item in value:
                    if isinstance(item, dict):
                        f["type"] = "RECORD"
                        nested[key].append(item)
                    else:
                        f["type"] = _merge(f["type"], _scalar_type(item))
            elif isinstance(value, dict):
                f["type"] = "RECORD"
                nested[key].append(value)
            elif value is not None:
                f["type"] = _merge(f["type"], _scalar_type(value))
    for key, f in fields.items():
        if f["type"] == "RECORD":
            f["fields"] = infer_schema(nested[key])
        elif f["type"] is None:
            f["type"] = "STRING"
    return list(fields.values())


def _scalar_type(value: object) -> str:
    if isinstance(value, bool):
        return "BOOLEAN"
    if isinstance(value, int):
        return "INTEGER"
    if isinstance(value, float):
        return "FLOAT"
    return "STRING"


def _merge(a: str | None, b: str) -> str:
    return "FLOAT" if {a, b} == {"INTEGER", "FLOAT"} else (a or b)


def encode_row(schema: list[dict], record: dict) -> dict:
    """A record as BigQuery's REST API returns it: positional cells, scalars as strings."""
    return {"f": [{"v": _encode(f, record.get(f["name"]))} for f in schema]}


def _encode(field: dict, value: Any) -> object:
    if field["mode"] == "REPEATED":
        return [{"v": _encode({**field, "mode": "NULLABLE"}, v)} for v in (value or [])]
    if value is None:
        return None
    if field["type"] == "RECORD":
        return encode_row(field["fields"], value)  # type: ignore[arg-type]
    if field["type"] == "BOOLEAN":
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


class GoogleOAuth(Family):
    """Google's OAuth token endpoint, shared by the BigQuery (GA4 export) and Google Ads fakes."""

    client_id, client_secret, refresh_token = "fake-client.apps.googleusercontent.com", "GOCSPX-fake", "1//fake-rt"
    access_token = "ya29.fake-access-token"

    async def token(self, request: Request) -> Response:
        form = await request.form()
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return JSONResponse({"error": "invalid_client", "error_description": "The OAuth client was not found."},
                                status_code=401)
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") != self.refresh_token or self.revoked:
            return JSONResponse({"error": "invalid_grant", "error_description": "Token has been expired or revoked."},
                                status_code=400)
        return JSONResponse({"access_token": self.access_token, "expires_in": 3599, "token_type": "Bearer",
                             "scope": "https://www.googleapis.com/auth/bigquery.readonly"})


class FakeGa4(GoogleOAuth):
    name = "ga4"
    project, dataset = "fake-project", "analytics_123456789"
    permissions = ("bigquery.tables.getData",)

    def settings_for(self, connector: str) -> dict[str, object]:
        return {"project_id": self.project, "dataset": self.dataset}

    def secrets_for(self, connector: str) -> dict[str, str]:
        return {"client_id": self.client_id, "client_secret": self.client_secret, "refresh_token": self.refresh_token}

    def auth_error(self, why: str) -> Response:
        return _google_error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 "
                             "access token, login cookie or other valid authentication credential. See "
                             "https://developers.google.com/identity/sign-in/web/devconsole-project.", "authError")

    def throttled(self) -> Response:
        return _google_error(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Read requests' of service "
                             "'bigquery.googleapis.com'.", "rateLimitExceeded",
                             headers={"Retry-After": str(self.faults.retry_after)})

    def server_error(self) -> Response:
        return _google_error(500, "INTERNAL", "An internal error occurred and the request could not be completed.",
                             "internalError")

    def routes(self) -> list:
        base = "/bigquery/v2/projects/{project}/datasets/{dataset}"
        return [Route("/token", self.token, methods=["POST"]), Route(base, self.get_dataset),
                Route(base + "/tables/{table}", self.get_table), Route(base + "/tables/{table}/data", self.list_rows)]

    def _guard(self, request: Request) -> Response | None:
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            return self.auth_error("bad")
        bad = self.fault(request)
        if bad is not None:
            return bad
        p = request.path_params
        if (p["project"], p["dataset"]) != (self.project, self.dataset):
            return _google_error(404, "NOT_FOUND", f"Not found: Dataset {p['project']}:{p['dataset']}", "notFound")
        if "bigquery.tables.getData" not in self.permissions:
            return _google_error(403, "PERMISSION_DENIED", f"Access Denied: Dataset {self.project}:{self.dataset}: "
                                 "Permission bigquery.tables.getData denied (or it may not exist).", "accessDenied")
        return None

    def _day_records(self, table: str) -> tuple[date, list[dict]] | None:
        if not table.startswith("events_"):
            return None
        try:
            day = datetime.strptime(table.removeprefix("events_"), "%Y%m%d").date()
        except ValueError:
            return None
        if not self.start <= day <= self.today:
            return None
        rows = [r for r in self.records("google_analytics")["events"] if r["event_date"] == day.strftime("%Y%m%d")]
        if self.faults.field_added_on and day >= self.faults.field_added_on:
            rows = [{**r, ADDED_FIELD: {"manual_source": r["traffic_source"]["source"],
                                        "manual_medium": r["traffic_source"]["medium"]}} for r in rows]
        return day, rows

    def _not_found(self, table: str) -> Response:
        return _google_error(404, "NOT_FOUND", f"Not found: Table {self.project}:{self.dataset}.{table}", "notFound")

    async def get_dataset(self, request: Request) -> Response:
        if (bad := self._guard(request)) is not None:
            return bad
        return JSONResponse({"kind": "bigquery#dataset", "id": f"{self.project}:{self.dataset}", "location": "US"})

    async def get_table(self, request: Request) -> Response:
        if (bad := self._guard(request)) is not None:
            return bad
        table = request.path_params["table"]
        found = self._day_records(table)
        if found is None:
            return self._not_found(table)
        return JSONResponse({"kind": "bigquery#table", "id": f"{self.project}:{self.dataset}.{table}",
                             "schema": {"fields": infer_schema(found[1])}, "numRows": str(len(found[1]))})

    async def list_rows(self, request: Request) -> Response:
        if (bad := self._guard(request)) is not None:
            return bad
        table = request.path_params["table"]
        found = self._day_records(table)
        if found is None:
            return self._not_found(table)
        rows, q = found[1], request.query_params
        schema = infer_schema(rows)
        limit, offset = int(q.get("maxResults", 1000)), int(q.get("pageToken", 0) or 0)
        page = rows[offset:offset + limit]
        body = {"kind": "bigquery#tableDataList", "totalRows": str(len(rows)),
                "rows": [encode_row(schema, r) for r in page]}
        if offset + limit < len(rows):
            body["pageToken"] = str(offset + limit)
        self.count("events", page, lambda r: (r["user_pseudo_id"], r["event_timestamp"], r["event_name"]))
        return JSONResponse(body)
