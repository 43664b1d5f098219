"""Land a live connector: fetch from the API from its cursor, validate, land, advance the cursor.

The records go through the same contracts and ``ingestion.loader.land_records`` as the
mock's, so
schema DNA, the warehouse and semantics see the same shapes. The cursor is
committed in dlt's pipeline state with the load it covers; a fetch that fails
lands nothing and leaves the cursor where it was (the next run fetches the same
window again), and the failure is recorded in ``load_history`` for
``pipeline_health``.
"""

from __future__ import annotations

import logging
from datetime import date

import duckdb

from gata import clock
from gata.catalog import dataset_name
from gata.errors import LiveSourceError
from gata.settings import Paths, get_paths
from gata.tenants import Tenant
from ingestion.connectors import connector_module
from ingestion.contracts import validate_records
from ingestion.live import context_for, source_module
from ingestion.loader import LandingResult, land_records, read_cursor, record_failure

log = logging.getLogger(__name__)


def fetch_live(tenant: Tenant, connector: str, start: date, end: date,
               paths: Paths | None = None) -> tuple[dict[str, list[dict]], dict]:
    """The connector's records from its API, validated, and the cursor to commit with them."""
    ctx = context_for(tenant, connector, read_cursor(tenant.slug, connector, paths))
    records, cursor = source_module(connector).fetch(ctx, start, end)
    module = connector_module(connector)
    for obj, rows in records.items():
        validate_records(connector, obj, module.CONTRACTS[obj], rows)
    return records, cursor


def land_live(tenant: Tenant, connector: str, start: date, end: date, paths: Paths | None = None,
              con: duckdb.DuckDBPyConnection | None = None) -> LandingResult:
    paths = (paths or get_paths()).ensure()
    started = clock.now()
    try:
        records, cursor = fetch_live(tenant, connector, start, end, paths)
    except LiveSourceError as exc:
        log.error("%s", exc)
        record_failure(tenant.slug, connector, start, end, started, str(exc), paths, con)
        return LandingResult(tenant.slug, connector, dataset_name(tenant.slug, connector), "", {}, error=str(exc))
    return land_records(tenant.slug, connector, records, start, end, paths, state=cursor, con=con)
