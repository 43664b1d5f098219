"""Asset checks on each tenant's published snapshot: freshness and reconciliation.

Both read what ``gata health`` and the ``pipeline_health`` tool read (the serving
snapshot's platform tables), so Dagster, the CLI and agents agree on a tenant's state.
"""


import dagster as dg

from orchestration.assets import published_key
from orchestration.resources import GataResource
from pipeline.health import reconciliation, tenant_health
from pipeline.publish import served

# the daily schedule's interval plus the time a refresh may take and a margin for late sources
EXPECTED_EVERY_HOURS = 26.0


def tenant_checks(
    slug: str, expected_every_hours: float = EXPECTED_EVERY_HOURS
) -> list[dg.AssetChecksDefinition]:
    @dg.asset_check(
        asset=published_key(slug),
        name="freshness",
        blocking=False,
        description=f"the tenant's last successful load is at most {expected_every_hours:.0f}h old",
    )
    def freshness(gata: GataResource) -> dg.AssetCheckResult:
        with served(gata.paths()) as con:
            if con is None:
                return dg.AssetCheckResult(passed=False, metadata={"reason": "nothing published yet"})
            f = tenant_health(con, slug, threshold_hours=expected_every_hours).freshness
        return dg.AssetCheckResult(
            passed=not f.stale,
            severity=dg.AssetCheckSeverity.ERROR,
            description=(
                f"last load {f.hours_since_load}h ago (expected every {expected_every_hours:.0f}h)"
                if f.last_load_at
                else "never loaded"
            ),
            metadata={
                "last_load_at": str(f.last_load_at),
                "hours_since_load": f.hours_since_load,
                "latest_data_date": f.latest_data_date or "",
            },
        )

    @dg.asset_check(
        asset=published_key(slug),
        name="reconciliation",
        blocking=False,
        description="every connector's star figures reconcile to the cent with its raw landed records",
    )
    def reconciled(gata: GataResource) -> dg.AssetCheckResult:
        with served(gata.paths()) as con:
            results = reconciliation(con, slug) if con is not None else {}
        failing = sorted(name for name, status in results.items() if status != "pass")
        return dg.AssetCheckResult(
            passed=bool(results) and not failing,
            description=(
                "no reconciliation ran in the last build"
                if not results
                else f"failing: {', '.join(failing)}"
                if failing
                else f"{len(results)} connector(s) reconcile"
            ),
            metadata={"tests": dg.MetadataValue.json(results)},
        )

    return [freshness, reconciled]
