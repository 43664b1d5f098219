"""The pipeline's steps, composed: ingest -> transform -> semantics -> publish.

The CLI, onboarding and the Dagster assets all call these. A tenant's steps write
only the tenant's own database file (raw data, registry rows, every model of its
build), so they take no lock of their own: callers hold the tenant's step locks
(``gata.lock.tenant_step``) or, for onboarding, the exclusive pipeline lock. The
MCP server reads published snapshots and takes none.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date, timedelta

from gata.errors import PipelineBusyError, TransformError
from gata.settings import Paths
from gata.tenants import Tenant
from ingestion.landing import LandingResult, land_tenant
from warehouse.runner import BuildResult, build_tenant

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def ingest(tenant: Tenant, paths: Paths, days: int | None = None, end: date | None = None,
           progress: Progress = _quiet) -> list[LandingResult]:
    end = end or tenant.mock_data.end_date
    start = end - timedelta(days=(days or tenant.mock_data.days) - 1)
    progress(f"{tenant.slug}: landing {', '.join(tenant.connectors)} ({start} .. {end})")
    results = land_tenant(tenant, start, end, paths)
    for r in results:
        if r.error:
            progress(f"{tenant.slug}: {r.connector} FAILED, nothing landed, its last data stays: {r.error}")
            continue
        drift = f" (drift: {'; '.join(f'{c.table}: {c.describe()}' for c in r.drift)})" if r.drift else ""
        progress(f"{tenant.slug}: landed {r.dataset} {sum(r.rows.values())} rows, load {r.load_id}{drift}")
    return results


def transform(
    tenant: Tenant, paths: Paths, progress: Progress = _quiet, raise_on_error: bool = True
) -> BuildResult:
    progress(f"{tenant.slug}: dbt build")
    result = build_tenant(tenant, paths)
    if raise_on_error:
        _raise_on_failure(tenant, result, progress)
    return result


def _raise_on_failure(tenant: Tenant, result: BuildResult, progress: Progress) -> None:
    summary = ", ".join(f"{k} {v}" for k, v in sorted(result.counts().items()))
    progress(f"{tenant.slug}: dbt {'ok' if result.success else 'FAILED'} ({summary})")
    if not result.success:
        failed = "\n  ".join(f"{n.resource_type} {n.name}: {n.message}" for n in result.failures[:10])
        raise TransformError(f"dbt build failed for {tenant.slug}:\n  {failed}")


def semantics(tenant: Tenant, paths: Paths, progress: Progress = _quiet) -> None:
    from semantic_configs.generator import write_config

    path, changed = write_config(tenant, paths)
    progress(f"{tenant.slug}: semantic config {'written' if changed else 'unchanged'} ({path})")


def publish(paths: Paths, progress: Progress = _quiet, changed: Collection[str] | None = None,
            attempted: Collection[str] = ()) -> None:
    """Publish for serving; tenants not in ``changed`` keep their previous snapshot (those ``attempted``
    update only their health rows)."""
    from pipeline.publish import publish as _publish

    version = _publish(paths, changed, attempted=attempted)
    progress(f"published {version.name}: the server answers from it now")


def retire(slug: str, paths: Paths, progress: Progress = _quiet) -> None:
    """A tenant removed from tenants.yaml stops being served: a new snapshot without its tables and config."""
    from pipeline.publish import publish as _publish

    version = _publish(paths, changed=(), retired={slug})
    progress(f"{slug}: retired; published {version.name} without it")


def build(tenant: Tenant, paths: Paths, progress: Progress = _quiet) -> BuildResult:
    """A tenant end to end: land its data, build its models, write its semantic config."""
    ingest(tenant, paths, progress=progress)
    result = transform(tenant, paths, progress)
    semantics(tenant, paths, progress)
    return result


REPORTING_LAYER = "path:models/intermediate path:models/analytics path:models/platform/satellites"


def replay(tenant: Tenant, paths: Paths, progress: Progress = _quiet) -> BuildResult:
    """Rebuild the reporting layer from the raw payloads with the tenant's current business logic.

    Nothing is landed or pushed: intermediate models re-extract from the master
    models' raw_data_payload, so a logic change in tenants.yaml reaches every star
    table: business logic is replayed over history without re-ingesting.
    """
    progress(f"{tenant.slug}: replaying the reporting layer from raw payloads (no ingest)")
    result = build_tenant(tenant, paths, select=REPORTING_LAYER)
    _raise_on_failure(tenant, result, progress)
    semantics(tenant, paths, progress)
    return result


def last_landed_day(tenant: Tenant, paths: Paths) -> date | None:
    """The newest day the tenant's loads reached (None: it never landed).

    Called under the tenant's lock by a refresh; without it (the tenants.yaml sensor),
    a step writing the tenant's file at that moment is a ``PipelineBusyError`` to retry.
    """
    import duckdb

    from gata.target import resolve_target

    target = resolve_target()
    if not target.is_motherduck and not paths.tenant_db(tenant.slug).exists():
        return None
    try:
        opened = target.connect(target.tenant_location(paths, tenant.slug), read_only=True)
    except duckdb.IOException as exc:  # DuckDB: one writing process per file, and no reader beside it
        raise PipelineBusyError(
            f"{tenant.slug}: its database is being written by another GATA step; try again when it ends ({exc})"
        ) from exc
    with opened as con:
        try:
            row = con.execute(
                "select max(end_date) from platform.load_history where tenant_slug = ? "
                "and status = 'success'",
                [tenant.slug],
            ).fetchone()
        except duckdb.CatalogException:
            return None
    return row[0] if row else None


def refresh_window(
    tenant: Tenant, paths: Paths, days: int = 1, lookback: int = 1
) -> tuple[date, date] | None:
    """The days a refresh lands: ``days`` new ones after the last landed day, and ``lookback``
    already landed ones again for late corrections (merge on primary keys makes that safe).
    None when the tenant never landed: it needs a full build."""
    last = last_landed_day(tenant, paths)
    if last is None:
        return None
    end = last + timedelta(days=days)
    return end - timedelta(days=days + lookback - 1), end


def land_newest(
    tenant: Tenant, paths: Paths, days: int = 1, lookback: int = 1, progress: Progress = _quiet
) -> list[LandingResult]:
    """Land the refresh window, or everything when the tenant never landed."""
    window = refresh_window(tenant, paths, days, lookback)
    if window is None:
        progress(f"{tenant.slug}: never landed, landing its full history")
        return ingest(tenant, paths, progress=progress)
    start, end = window
    return ingest(tenant, paths, days=(end - start).days + 1, end=end, progress=progress)


def refresh(
    tenant: Tenant, paths: Paths, days: int = 1, progress: Progress = _quiet, lookback: int = 1
) -> BuildResult:
    """The daily job: land the newest days (and ``lookback`` days again for late data), build, regenerate."""
    land_newest(tenant, paths, days, lookback, progress)
    result = transform(tenant, paths, progress)
    semantics(tenant, paths, progress)
    return result
