"""A tenant's pipeline health, read from the observability tables (never from logs).

Used by ``gata health`` and the MCP ``pipeline_health`` tool. It reads a published
snapshot (or the build warehouse) and answers: when did each source last land,
which schema drift was seen, how did the last build go (model and test results,
with the names of failures), what do the star tables hold, is the data fresh, and
one overall status with its reason.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Literal

import duckdb
from pydantic import BaseModel, Field

from gata import clock

FRESHNESS_THRESHOLD_HOURS = 36.0
STAR_TABLES = ("fct_{t}__ad_performance", "fct_{t}__orders", "fct_{t}__sessions", "fct_{t}__events",
               "dim_{t}__campaigns", "dim_{t}__users")
STAR_DATES = {
    "ad_performance": "report_date",
    "orders": "order_date",
    "sessions": "session_date",
    "events": "event_date",
}


class SourceLoad(BaseModel):
    connector: str
    last_load_at: datetime | None = Field(description="When the last successful landing finished.")
    load_id: str | None = Field(description="dlt load id of that landing (lineage on every row).")
    rows: int = Field(description="Rows landed by that load, over all its tables.")
    days_landed: str | None = Field(default=None, description="Date range that load covered.")
    last_error: str | None = Field(
        default=None,
        description=(
            "Why the latest attempt failed, when it failed after the last success (a live source's revoked "
            "token, "
            "missing permission, unreachable API); the connector's last landed data is still served."
        ),
    )
    failed_at: datetime | None = Field(default=None, description="When that failed attempt finished.")


class DriftEvent(BaseModel):
    connector: str
    table: str
    seen_at: datetime
    load_id: str | None
    added_columns: list[str]
    removed_columns: list[str]
    retyped_columns: list[str]
    current: bool = Field(description="True while the table's latest landed shape is still this drifted one.")


class BuildStatus(BaseModel):
    invocation_id: str
    finished_at: datetime | None
    status: str
    models_pass: int
    models_error: int
    models_skip: int
    tests_pass: int
    tests_fail: int
    tests_warn: int
    tests_skip: int
    failures: list[str] = Field(description="Failed models and tests, with their messages.")


class StarTable(BaseModel):
    table: str
    rows: int
    date_min: str | None = None
    date_max: str | None = None


class Freshness(BaseModel):
    last_load_at: datetime | None
    hours_since_load: float | None
    threshold_hours: float
    stale: bool
    latest_data_date: str | None = Field(description="Newest day present in the star tables.")


class HealthReport(BaseModel):
    tenant: str
    status: Literal["healthy", "degraded", "failing"]
    reason: str
    sources: list[SourceLoad]
    drift: list[DriftEvent]
    last_build: BuildStatus | None
    tables: list[StarTable]
    freshness: Freshness


def _has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(con.execute("select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
                            [schema, table]).fetchall()[0][0])


def tenant_health(con: duckdb.DuckDBPyConnection, tenant: str, now: datetime | None = None,
                  threshold_hours: float = FRESHNESS_THRESHOLD_HOURS) -> HealthReport:
    now = now or clock.now()
    sources: list[SourceLoad] = []
    if _has_table(con, "platform", "load_history"):
        ok = "status = 'success'"
        for connector, finished, load_id, rows_json, start, end, failed_at, error in con.execute(
            f"select connector, max(finished_at) filter ({ok}), arg_max(load_id, finished_at) filter ({ok}), "
            f"arg_max(rows_json, finished_at) filter ({ok}), arg_max(start_date, finished_at) filter ({ok}), "
            f"arg_max(end_date, finished_at) filter ({ok}), max(finished_at) filter (status = 'failed'), "
            "arg_max(error, finished_at) filter (status = 'failed') from platform.load_history "
            "where tenant_slug = ? group by connector order by connector", [tenant]).fetchall():
            failed = failed_at is not None and (finished is None or failed_at > finished)
            sources.append(
                SourceLoad(
                    connector=connector,
                    last_load_at=finished,
                    load_id=load_id,
                    rows=sum(json.loads(rows_json or "{}").values()),
                    days_landed=f"{start} .. {end}" if start else None,
                    last_error=error if failed else None,
                    failed_at=failed_at if failed else None,
                )
            )
    drift: list[DriftEvent] = []
    if _has_table(con, "platform", "schema_dna_history"):
        rows = con.execute(
            "with h as (select *, row_number() over (partition by connector, table_name order by seen_at "
            "desc) as rn "
            "from platform.schema_dna_history where tenant_slug = ?) "
            "select connector, table_name, seen_at, load_id, added_columns, removed_columns, "
            "retyped_columns, "
            "status, dna_hash, (select dna_hash from h h2 where h2.connector = h.connector and "
            "h2.table_name = h.table_name and h2.rn = 1) as latest_dna "
            "from h where status = 'drift' "
            "qualify row_number() over (partition by connector, table_name, dna_hash order by seen_at) = 1 "
            "order by seen_at desc limit 50",
            [tenant],
        ).fetchall()
        for connector, table, seen, load_id, added, removed, retyped, _status, dna_hash, latest in rows:
            drift.append(DriftEvent(connector=connector, table=table, seen_at=seen, load_id=load_id,
                                    added_columns=list(added or []), removed_columns=list(removed or []),
                                    retyped_columns=list(retyped or []), current=dna_hash == latest))
    build: BuildStatus | None = None
    if _has_table(con, "platform", "obs_invocations"):
        row = con.execute(
            "select invocation_id, finished_at, status, models_pass, models_error, models_skip, tests_pass, "
            "tests_fail, tests_warn, tests_skip from platform.obs_invocations where tenant_slug = ? "
            "and command = 'build' order by finished_at desc limit 1", [tenant]).fetchone()
        if row:
            failures = [
                f"{rt} {name}: {status}{(' - ' + msg[:200]) if msg else ''}"
                for rt, name, status, msg in con.execute(
                    "select resource_type, node_name, status, message from platform.obs_node_results "
                    "where invocation_id = ? and status in ('error', 'fail', 'runtime error') "
                    "order by node_name",
                    [row[0]],
                ).fetchall()
            ]
            build = BuildStatus(invocation_id=row[0], finished_at=row[1], status=row[2], models_pass=row[3],
                                models_error=row[4], models_skip=row[5], tests_pass=row[6], tests_fail=row[7],
                                tests_warn=row[8], tests_skip=row[9], failures=failures)
    tables: list[StarTable] = []
    latest_date = None
    for pattern in STAR_TABLES:
        name = pattern.format(t=tenant)
        if not _has_table(con, "analytics", name):
            continue
        kind = name.split("__", 1)[1]
        date_col = STAR_DATES.get(kind)
        if date_col:
            rows, lo, hi = con.execute(
                f'select count(*), min("{date_col}"), max("{date_col}") from analytics."{name}"'
            ).fetchall()[0]
        else:
            rows, lo, hi = con.execute(f'select count(*), null, null from analytics."{name}"').fetchall()[0]
        tables.append(
            StarTable(
                table=name, rows=rows, date_min=str(lo) if lo else None, date_max=str(hi) if hi else None
            )
        )
        if hi and (latest_date is None or str(hi) > latest_date):
            latest_date = str(hi)
    last_load = max((s.last_load_at for s in sources if s.last_load_at), default=None)
    hours = round((now - last_load).total_seconds() / 3600, 2) if last_load else None
    freshness = Freshness(last_load_at=last_load, hours_since_load=hours, threshold_hours=threshold_hours,
                          stale=hours is None or hours > threshold_hours, latest_data_date=latest_date)
    status, reason = _overall(sources, drift, build, tables, freshness)
    return HealthReport(tenant=tenant, status=status, reason=reason, sources=sources, drift=drift,
                        last_build=build, tables=tables, freshness=freshness)


def _overall(
    sources: list[SourceLoad],
    drift: list[DriftEvent],
    build: BuildStatus | None,
    tables: list[StarTable],
    freshness: Freshness,
) -> tuple[Literal["healthy", "degraded", "failing"], str]:
    if not any(s.last_load_at for s in sources):
        return "failing", "no successful load recorded: run `gata build` (or onboard the tenant)"
    if build is None:
        return "failing", "data landed but never built: run `gata transform`"
    if build.models_error:
        return (
            "failing",
            f"last build failed: {build.models_error} model(s) errored ({'; '.join(build.failures[:3])})",
        )
    if not tables:
        return "failing", "no star tables published for this tenant"
    problems = [
        f"{s.connector}: last load failed, serving its data of {s.days_landed or 'no day'}: {s.last_error}"
        for s in sources
        if s.last_error
    ]
    if build.tests_fail:
        problems.append(f"{build.tests_fail} data test(s) failed in the last build")
    current = [d for d in drift if d.current]
    if current:
        problems.append(
            "schema drift in "
            + ", ".join(
                f"{d.connector}.{d.table} (+{','.join(d.added_columns) or '-'}"
                f" -{','.join(d.removed_columns) or '-'})"
                for d in current[:3]
            )
        )
    if freshness.stale:
        problems.append(f"last load {freshness.hours_since_load}h ago exceeds {freshness.threshold_hours}h")
    if problems:
        return "degraded", "; ".join(problems)
    return "healthy", (
        f"all {len(sources)} source(s) loaded within {freshness.threshold_hours:.0f}h; last build passed "
        f"{build.models_pass} models and {build.tests_pass} tests"
    )


def reconciliation(con: duckdb.DuckDBPyConnection, tenant: str) -> dict[str, str]:
    """The reconciliation tests (star figures against raw landed records, per connector) of the
    tenant's last build: test name -> status. Empty when the tenant was never built."""
    return dict(
        con.execute(
            "select node_name, status from platform.obs_node_results where tenant_slug = ? and node_name "
            "like 'reconcile_%' "
            "and invocation_id = (select invocation_id from platform.obs_invocations where tenant_slug = ? "
            "and command = 'build' order by finished_at desc limit 1) order by node_name",
            [tenant, tenant],
        ).fetchall()
    )
