"""The pipeline's steps, composed: ingest -> transform -> semantics -> publish.

Every writer takes the pipeline lock, so a build, a refresh and an onboarding never
write the warehouse at the same time; the MCP server reads published snapshots and
never takes it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from gata.errors import TransformError
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
        drift = f" (drift: {'; '.join(f'{c.table}: {c.describe()}' for c in r.drift)})" if r.drift else ""
        progress(f"{tenant.slug}: landed {r.dataset} {sum(r.rows.values())} rows, load {r.load_id}{drift}")
    return results


def transform(tenant: Tenant, paths: Paths, progress: Progress = _quiet, raise_on_error: bool = True) -> BuildResult:
    progress(f"{tenant.slug}: dbt build")
    result = build_tenant(tenant, paths)
    counts = result.counts()
    summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    progress(f"{tenant.slug}: dbt {'ok' if result.success else 'FAILED'} ({summary})")
    if not result.success and raise_on_error:
        failed = "\n  ".join(f"{n.resource_type} {n.name}: {n.message}" for n in result.failures[:10])
        raise TransformError(f"dbt build failed for {tenant.slug}:\n  {failed}")
    return result


def semantics(tenant: Tenant, paths: Paths, progress: Progress = _quiet) -> None:
    from semantic_configs.generator import write_config

    path, changed = write_config(tenant, paths)
    progress(f"{tenant.slug}: semantic config {'written' if changed else 'unchanged'} ({path})")


def publish(paths: Paths, progress: Progress = _quiet) -> None:
    from gata.publish import publish as _publish

    version = _publish(paths)
    progress(f"published {version.name}: the server answers from it now")


def build(tenant: Tenant, paths: Paths, progress: Progress = _quiet) -> BuildResult:
    """A tenant end to end: land its data, build its models, write its semantic config."""
    ingest(tenant, paths, progress=progress)
    result = transform(tenant, paths, progress)
    semantics(tenant, paths, progress)
    return result
