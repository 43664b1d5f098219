"""Run one pipeline step for many tenants, several at a time.

Tenants are independent: each tenant's step (generation, dlt landing with its
schema DNA and load history, dbt's parse and execution with its slice of the
master models and its observability rows, the semantic config) writes only the
tenant's own database file, under the tenant's lock from ``gata/lock.py``. Nothing
per tenant queues on a shared file, so N workers run N tenants at once; the one
shared write, the serving snapshot, happens once at the end (``run_and_publish``).

Workers are processes (landing is CPU-bound Python under the GIL), started with
``spawn`` so no DuckDB handle or lock is inherited from the parent.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed

from gata.errors import GataError
from gata.lock import tenant_step
from gata.settings import Paths
from gata.tenants import Tenant

Step = Callable[[Tenant, Paths], object]

MAX_DEFAULT_JOBS = 4  # each worker's dbt child peaks near 1 GB of memory


def default_jobs() -> int:
    """Tenants at a time when nobody says: one per CPU, at most MAX_DEFAULT_JOBS (``GATA_WORKERS`` overrides)."""
    configured = os.environ.get("GATA_WORKERS")
    if configured:
        try:
            return max(1, int(configured))
        except ValueError:
            raise GataError(f"GATA_WORKERS={configured!r} is not a number: set it to how many tenants "
                            "may build at once, e.g. GATA_WORKERS=2") from None
    return max(1, min(os.cpu_count() or 1, MAX_DEFAULT_JOBS))


def run_step(step: Step, tenant: Tenant, paths: Paths) -> str | None:
    """One tenant's step under its locks; the error message when it failed (None: it succeeded)."""
    try:
        with tenant_step(paths, tenant.slug):
            step(tenant, paths)
    except GataError as exc:
        return str(exc)
    return None


def run_tenants(step: Step, tenants: Iterable[Tenant], paths: Paths, jobs: int | None = None) -> dict[str, str]:
    """Run ``step`` for every tenant, ``jobs`` at a time (None: ``default_jobs()``); returns the failures
    (slug -> error).

    One tenant's failure does not stop the others. ``step`` must be picklable when
    ``jobs > 1`` (a module-level function or a ``functools.partial`` of one).
    """
    jobs = default_jobs() if jobs is None else jobs
    tenants = list(tenants)
    failed: dict[str, str] = {}
    if jobs <= 1 or len(tenants) <= 1:
        for tenant in tenants:
            if (error := run_step(step, tenant, paths)) is not None:
                failed[tenant.slug] = error
                _report(tenant.slug, error)
        return failed
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, len(tenants)), mp_context=context) as pool:
        futures = {pool.submit(run_step, step, t, paths): t.slug for t in tenants}
        for future in as_completed(futures):
            if (error := future.result()) is not None:
                failed[futures[future]] = error
                _report(futures[future], error)
    return failed


def _report(slug: str, error: str) -> None:
    print(f"error: {slug}: {error}", file=sys.stderr, flush=True)


def run_and_publish(step: Step, tenants: Iterable[Tenant], paths: Paths, jobs: int | None = None,
                    progress: Callable[[str], None] = print) -> dict[str, str]:
    """``run_tenants``, then publish every tenant that succeeded; returns the failures.

    The CLI's build, refresh, replay, transform and semantics commands and the
    server's first-run demo build all end this way, so what is served is always a
    complete, published snapshot of the tenants that built.
    """
    from gata.lock import pipeline_lock
    from pipeline.publish import current_version
    from pipeline.steps import publish

    tenants = list(tenants)
    failed = run_tenants(step, tenants, paths, jobs=jobs)
    # even when every tenant failed, a snapshot already served learns why their data did not move (health)
    if len(failed) < len(tenants) or (tenants and current_version(paths) is not None):
        with pipeline_lock(paths, shared=True):  # an onboarding's restore point must not see a publish
            publish(paths, progress, changed={t.slug for t in tenants} - set(failed), attempted=set(failed))
    return failed
