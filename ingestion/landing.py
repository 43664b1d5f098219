"""Land a tenant's connectors: generate (mock) or fetch (live) their records, validate, land.

The records of either kind go through the same contracts and
``ingestion.loader.land_records`` (dlt, one dataset per tenant x connector in the
tenant's own database file, schema DNA and load history beside them).
"""

from __future__ import annotations

from datetime import date

import duckdb

from gata.settings import Paths, get_paths
from gata.tenants import Tenant
from ingestion.connectors import connector_module
from ingestion.contracts import validate_records
from ingestion.live.landing import land_live
from ingestion.loader import (  # noqa: F401 (re-exported: callers land through this module)
    LandingResult,
    land_records,
    read_cursor,
    tenant_file,
)
from ingestion.story import TenantStory


def story_for(tenant: Tenant) -> TenantStory:
    return TenantStory(
        tenant.slug, tenant.mock_data.seed, tenant.mock_data.volume, tenant.business_logic.currency,
        ad_connectors=tenant.sources.paid_ads, store_connectors=tenant.sources.ecommerce,
    )


def generate(tenant: Tenant, connector: str, start: date, end: date) -> dict[str, list[dict]]:
    """The connector's records for the range, validated against their contracts."""
    module = connector_module(connector)
    records = module.generate(story_for(tenant), connector, start, end)
    for obj, rows in records.items():
        validate_records(connector, obj, module.CONTRACTS[obj], rows)
    return records


def land(tenant: Tenant, connector: str, start: date, end: date, paths: Paths | None = None,
         con: duckdb.DuckDBPyConnection | None = None) -> LandingResult:
    """Generate (or fetch, for a live connector), validate and land one connector for the days start..end."""
    if connector in tenant.live:
        return land_live(tenant, connector, start, end, paths, con)
    return land_records(tenant.slug, connector, generate(tenant, connector, start, end), start, end, paths, con=con)


def land_tenant(tenant: Tenant, start: date | None = None, end: date | None = None,
                paths: Paths | None = None) -> list[LandingResult]:
    """Every connector of a tenant; mock contracts are checked for all before anything lands.

    A live connector that fails (revoked token, API down) is recorded as failed and
    skipped: the tenant's other connectors land, its last data stays.
    """
    start = start or tenant.mock_data.start_date
    end = end or tenant.mock_data.end_date
    generated = {c: generate(tenant, c, start, end) for c in tenant.connectors if c not in tenant.live}
    paths = (paths or get_paths()).ensure()
    with tenant_file(tenant.slug, paths) as con:
        return [land_records(tenant.slug, c, generated[c], start, end, paths, con=con) if c in generated
                else land(tenant, c, start, end, paths, con) for c in tenant.connectors]
