"""Land a tenant's connectors into the warehouse with dlt, and fingerprint what landed.

One dlt pipeline per tenant x connector, one dataset per pair
(``raw_{tenant}__{connector}``) in the tenant's own database file, one table per
catalog object, ``merge`` on the API's primary keys (so landing the same days
again changes nothing), nested lists as dlt child tables, and dlt's load ids kept
on every row for lineage.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import date

import dlt

from gata import clock
from gata.catalog import catalog, dataset_name
from gata.errors import LandingError
from gata.lock import warehouse_lock
from gata.settings import Paths, get_paths
from gata.target import resolve_target
from gata.tenants import Tenant
from ingestion import dna
from ingestion.connectors import connector_module
from ingestion.contracts import column_hints, validate_records
from ingestion.story import TenantStory

log = logging.getLogger(__name__)


def story_for(tenant: Tenant) -> TenantStory:
    return TenantStory(
        tenant.slug, tenant.mock_data.seed, tenant.mock_data.volume, tenant.business_logic.currency,
        ad_connectors=tenant.sources.paid_ads, store_connectors=tenant.sources.ecommerce,
    )


@dataclass
class LandingResult:
    tenant: str
    connector: str
    dataset: str
    load_id: str
    rows: dict[str, int]
    checks: list[dna.DnaCheck] = field(default_factory=list)
    error: str | None = None  # a live connector that failed: nothing landed, its last data stays

    @property
    def drift(self) -> list[dna.DnaCheck]:
        return [c for c in self.checks if c.status == "drift"]


def generate(tenant: Tenant, connector: str, start: date, end: date) -> dict[str, list[dict]]:
    """The connector's records for the range, validated against their contracts."""
    module = connector_module(connector)
    records = module.generate(story_for(tenant), connector, start, end)
    for obj, rows in records.items():
        validate_records(connector, obj, module.CONTRACTS[obj], rows)
    return records


def pipeline_for(tenant: str, connector: str, paths: Paths) -> dlt.Pipeline:
    """The dlt pipeline of one tenant x connector (its state holds a live source's cursor)."""
    return dlt.pipeline(
        pipeline_name=f"{tenant}__{connector}",
        # dataset names keep their double underscore: raw_{tenant}__{connector}
        destination=resolve_target().landing_destination(paths, tenant),
        dataset_name=dataset_name(tenant, connector),
        pipelines_dir=str(paths.dlt_dir),
    )


def land_records(tenant: str, connector: str, records: dict[str, list[dict]], start: date, end: date,
                 paths: Paths | None = None, state: dict | None = None) -> LandingResult:
    """Land already generated records for one tenant x connector and check their DNA.

    ``state`` (a live source's cursor) is committed in dlt's pipeline state with the
    same load, so the cursor advances exactly when the records it covers have landed.
    """
    paths = (paths or get_paths()).ensure()
    conn = catalog().get(connector)
    module = connector_module(connector)
    dataset = dataset_name(tenant, connector)
    target = resolve_target()
    resources = []
    for obj, spec in conn.objects.items():
        resources.append(dlt.resource(
            records.get(obj, []), name=obj, table_name=obj, primary_key=list(spec.primary_key),
            write_disposition="merge", columns=column_hints(module.CONTRACTS[obj]),
        ))
    if state is not None:
        resources.append(_cursor_resource(state))
    pipeline = pipeline_for(tenant, connector, paths)
    started = clock.now()
    try:
        # parquet load files: DuckDB reads them natively, several times faster than jsonl inserts
        info = pipeline.run(resources, loader_file_format="parquet")
    except Exception as exc:  # dlt wraps everything in PipelineStepFailed
        raise LandingError(f"landing {connector} for {tenant} failed: {exc}") from exc
    load_id = info.loads_ids[-1] if info.loads_ids else ""
    row_counts = dict(pipeline.last_trace.last_normalize_info.row_counts) if pipeline.last_trace.last_normalize_info else {}
    row_counts = {t: n for t, n in row_counts.items() if not t.startswith("_dlt")}
    result = LandingResult(tenant, connector, dataset, load_id, row_counts)
    # the landed tables are read in the tenant's file; the DNA registry is shared
    with target.connect(target.tenant_location(paths, tenant), read_only=True) as raw, warehouse_lock(paths), \
            target.connect(target.warehouse_location(paths)) as con:
        blueprints = dna.load_blueprints()
        dna.sync_blueprints(con, blueprints)
        fills: dict[str, dict[str, float]] = {}
        for table, columns in dna.dataset_columns(raw, dataset).items():
            checked = dna.check(connector, table, columns, blueprints)
            fills[table] = dna.fill_rates(raw, dataset, table, columns, load_id)
            dna.check_fill(con, tenant, checked, fills[table])
            result.checks.append(checked)
        dna.record(con, tenant, dataset, result.checks, load_id, fills)
        con.execute(
            f"insert into {dna.REGISTRY_SCHEMA}.load_history values (?,?,?,?,?,?,?,?, now(), 'success', null)",
            [tenant, connector, dataset, load_id, start, end, json.dumps(row_counts, sort_keys=True), started],
        )
    for c in result.drift:
        log.warning("schema drift in %s.%s: %s", dataset, c.table, c.describe())
    return result


CURSOR_RESOURCE = "_gata_live_cursor"


def _cursor_resource(state: dict):
    @dlt.resource(name=CURSOR_RESOURCE)
    def cursor():
        dlt.current.resource_state().update(state)
        yield from ()

    return cursor()


def read_cursor(tenant: str, connector: str, paths: Paths | None = None) -> dict:
    """The cursor the last successful live load committed (empty before the first one)."""
    pipeline = pipeline_for(tenant, connector, (paths or get_paths()).ensure())
    for source in pipeline.state.get("sources", {}).values():
        if CURSOR_RESOURCE in source.get("resources", {}):
            return dict(source["resources"][CURSOR_RESOURCE])
    return {}


def land(tenant: Tenant, connector: str, start: date, end: date, paths: Paths | None = None) -> LandingResult:
    """Generate (or fetch, for a live connector), validate and land one connector for the days start..end."""
    if connector in tenant.live:
        from ingestion.live.landing import land_live

        return land_live(tenant, connector, start, end, paths)
    return land_records(tenant.slug, connector, generate(tenant, connector, start, end), start, end, paths)


def land_tenant(tenant: Tenant, start: date | None = None, end: date | None = None,
                paths: Paths | None = None) -> list[LandingResult]:
    """Every connector of a tenant; mock contracts are checked for all before anything lands.

    A live connector that fails (revoked token, API down) is recorded as failed and
    skipped: the tenant's other connectors land, its last data stays.
    """
    start = start or tenant.mock_data.start_date
    end = end or tenant.mock_data.end_date
    generated = {c: generate(tenant, c, start, end) for c in tenant.connectors if c not in tenant.live}
    return [land_records(tenant.slug, c, generated[c], start, end, paths) if c in generated
            else land(tenant, c, start, end, paths) for c in tenant.connectors]
