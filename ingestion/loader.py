"""Land validated records of one tenant x connector with dlt, and fingerprint what landed.

One dlt pipeline per tenant x connector, one dataset per pair
(``raw_{tenant}__{connector}``) in the tenant's own database file, one table per
catalog object, ``merge`` on the API's primary keys (so landing the same days
again changes nothing), nested lists as dlt child tables, and dlt's load ids kept
on every row for lineage.

Everything a landing writes goes to the tenant's own file: the raw datasets, and
the registry rows (schema DNA, load history, the blueprints they were checked
against) in its ``platform`` schema. So two tenants land at the same time without
sharing a file; the caller holds the tenant's lock (``gata.lock.tenant_step``),
and publishing gathers every tenant's registry rows into the serving snapshot.

This module knows nothing of where records come from (mock generators or live
APIs): ``ingestion.landing`` and ``ingestion.live.landing`` both call it.
"""

from __future__ import annotations

import gc
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from types import ModuleType

import dlt
import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from gata import clock
from gata.catalog import Connector, catalog, dataset_name
from gata.errors import LandingError
from gata.settings import Paths, get_paths
from gata.target import resolve_target
from ingestion import dna
from ingestion.arrow_rows import NotFlat, flatten
from ingestion.connectors import connector_module
from ingestion.contracts import column_hints

log = logging.getLogger(__name__)


class _ArrowHintNotice(logging.Filter):
    """Drop dlt's per-resource warning that an Arrow table's types differ from the declared column hints.

    Landing hands dlt Arrow tables whose columns carry the contracts' hints and keeps dlt's,
    on purpose (the contract is the truth), so the warning says nothing an operator can act on,
    once per resource per landing.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "when merging arrow schema with dlt schema" not in record.getMessage()


logging.getLogger("dlt").addFilter(_ArrowHintNotice())


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


def pipeline_for(tenant: str, connector: str, paths: Paths,
                 con: duckdb.DuckDBPyConnection | None = None) -> dlt.Pipeline:
    """The dlt pipeline of one tenant x connector (its state holds a live source's cursor);
    ``con`` lends dlt the caller's open connection to the tenant's file."""
    return dlt.pipeline(
        pipeline_name=f"{tenant}__{connector}",
        # dataset names keep their double underscore: raw_{tenant}__{connector}
        destination=resolve_target().landing_destination(paths, tenant, con),
        dataset_name=dataset_name(tenant, connector),
        pipelines_dir=str(paths.dlt_dir),
    )


def land_records(tenant: str, connector: str, records: dict[str, list[dict]], start: date, end: date,
                 paths: Paths | None = None, state: dict | None = None,
                 con: duckdb.DuckDBPyConnection | None = None) -> LandingResult:
    """Land already validated records for one tenant x connector and check their DNA.

    ``state`` (a live source's cursor) is committed in dlt's pipeline state with the
    same load, so the cursor advances exactly when the records it covers have landed.
    ``con`` is the tenant's open file (``tenant_file``) when several connectors land in
    a row; without it this landing opens and closes the file itself.
    """
    paths = (paths or get_paths()).ensure()
    with _settled_heap(), tenant_file(tenant, paths, con) as held:
        result = _land_into(held, tenant, connector, records, start, end, paths, state)
    for c in result.drift:
        log.warning("schema drift in %s.%s: %s", result.dataset, c.table, c.describe())
    return result


@contextmanager
def tenant_file(tenant: str, paths: Paths,
                con: duckdb.DuckDBPyConnection | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """One connection to the tenant's file for a run of landings (``con``, when the caller
    already holds one, is used as it is and left open).

    dlt's loads (its destination is lent this connection, ``Target.landing_destination``)
    and the registry rows all go through it, and the file is opened once and
    checkpointed once, when it closes after the last landing, instead of for each
    connector (about 0.1 s each at volume 8).
    """
    if con is not None:
        yield con
        return
    target = resolve_target()
    with target.connect(target.tenant_location(paths.ensure(), tenant)) as opened:
        yield opened


@contextmanager
def _settled_heap() -> Iterator[None]:
    """Keep Python's collector off the objects that exist when landing starts.

    The records (hundreds of thousands of dicts) live through the landing anyway, and
    dlt allocates enough to trigger full collections that walk every one of them
    (0.4 s each at volume 8). Frozen objects are still freed once unreferenced after
    ``unfreeze``; new objects are collected as usual.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _land_into(con: duckdb.DuckDBPyConnection, tenant: str, connector: str, records: dict[str, list[dict]],
               start: date, end: date, paths: Paths, state: dict | None) -> LandingResult:
    conn = catalog().get(connector)
    module = connector_module(connector)
    dataset = dataset_name(tenant, connector)
    pipeline = pipeline_for(tenant, connector, paths, con)
    started = clock.now()
    arrow = _arrow_tables(pipeline, conn, module, records)
    if arrow is not None:
        resources = _arrow_resources(conn, arrow, set(dna.landed_tables(con, dataset)))
    else:
        resources = [dlt.resource(  # type: ignore[call-overload]  # dlt's overloads miss a list of records
            records.get(obj, []), name=obj, table_name=obj, primary_key=list(spec.primary_key),
            write_disposition="merge", columns=column_hints(module.CONTRACTS[obj]),
        ) for obj, spec in conn.objects.items()]
    if state is not None:
        resources.append(_cursor_resource(state))
    try:
        # parquet load files: DuckDB reads them natively, several times faster than jsonl inserts
        info = pipeline.run(resources, loader_file_format="parquet")
    except Exception as exc:  # dlt wraps everything in PipelineStepFailed
        raise LandingError(f"landing {connector} for {tenant} failed: {exc}") from exc
    load_id = info.loads_ids[-1] if info.loads_ids else ""
    normalized = pipeline.last_trace.last_normalize_info if pipeline.last_trace else None
    row_counts = dict(normalized.row_counts) if normalized else {}
    row_counts = {t: n for t, n in row_counts.items() if not t.startswith("_dlt")}
    result = LandingResult(tenant, connector, dataset, load_id, row_counts)
    # the landed tables and the registry rows about them share the tenant's file
    if arrow is not None:
        _drop_emptied_children(con, dataset, arrow)
    blueprints = dna.load_blueprints()
    dna.sync_blueprints(con, blueprints)
    fills: dict[str, dict[str, float]] = {}
    for table, columns in dna.dataset_columns(con, dataset).items():
        checked = dna.check(connector, table, columns, blueprints)
        fills[table] = dna.fill_rates(con, dataset, table, columns, load_id)
        dna.check_fill(con, tenant, checked, fills[table])
        result.checks.append(checked)
    dna.record(con, tenant, dataset, result.checks, load_id, fills)
    con.execute(
        f"insert into {dna.REGISTRY_SCHEMA}.load_history values (?,?,?,?,?,?,?,?, now(), 'success', null)",
        [tenant, connector, dataset, load_id, start, end, json.dumps(row_counts, sort_keys=True), started],
    )
    return result


def _held_types(pipeline: dlt.Pipeline) -> tuple[dict[str, dict[str, str]], bool]:
    """The column types the destination holds (from the pipeline's schema), and whether dlt's
    normaliser made child tables there (then it keeps landing this pipeline: the two ways of
    linking child rows do not mix in one schema)."""
    if not pipeline.default_schema_name:
        return {}, False
    schema = pipeline.default_schema
    held: dict[str, dict[str, str]] = {}
    nested = False
    for table in schema.data_tables():
        nested = nested or bool(table.get("parent"))
        columns = table.get("columns", {}).items()
        held[table["name"]] = {c: col["data_type"] for c, col in columns if col.get("data_type")}
    return held, nested


def _arrow_tables(
    pipeline: dlt.Pipeline, conn: Connector, module: ModuleType, records: dict[str, list[dict]]
) -> dict[str, dict[str, pa.Table]] | None:
    """Every object's records as Arrow tables (object -> table name -> table), or None when
    dlt's normaliser must land them (see ``ingestion.arrow_rows``)."""
    held, nested = _held_types(pipeline)
    if nested:
        return None
    try:
        return cut_tables(conn, module, records, held)
    except NotFlat as exc:
        log.info("landing through dlt's normaliser: %s", exc)
        return None


def cut_tables(conn: Connector, module: ModuleType, records: dict[str, list[dict]],
               held: dict[str, dict[str, str]]) -> dict[str, dict[str, pa.Table]]:
    """Each object's records cut into its table and child tables (``arrow_rows.flatten``), in the
    types the destination ``held`` (table -> column -> dlt type); ``NotFlat`` when they cannot be."""
    return {obj: flatten(obj, records.get(obj, []), list(spec.primary_key), column_hints(module.CONTRACTS[obj]), held)
            for obj, spec in conn.objects.items()}


def _arrow_resources(conn: Connector, arrow: dict[str, dict[str, pa.Table]], landed: set[str]) -> list:
    """One resource per table: objects merge on their primary key; a child table replaces the
    rows of every record that brought children (merge key ``_dlt_root_id``).

    A table the destination does not hold yet is appended: a merge into nothing adds the
    same rows (``flatten`` keeps one record per primary key), and skips dlt's staging copy
    and merge statements, about a sixth of a first landing.
    """
    resources = []
    for obj, tables in arrow.items():
        for name, table in tables.items():
            new = name not in landed
            if name == obj:
                resources.append(
                    dlt.resource(
                        [table],
                        name=name,
                        table_name=name,
                        write_disposition="append" if new else "merge",
                        primary_key=list(conn.objects[obj].primary_key),
                    ).add_map(_with_load_id)
                )
            else:
                resources.append(
                    dlt.resource(
                        [table], name=name, table_name=name, write_disposition="append" if new else "merge",
                        merge_key=["_dlt_root_id"],
                    )
                )
    return resources


def _with_load_id(table: pa.Table) -> pa.Table:
    """The object's rows carry dlt's load id, as its normaliser gives them (child rows carry none)."""
    load_id = dlt.current.load_package_state()["load_id"]
    return table.append_column("_dlt_load_id", pa.array([load_id] * table.num_rows, pa.string()))


def _drop_emptied_children(con: duckdb.DuckDBPyConnection, dataset: str, arrow: dict[str, dict[str, pa.Table]]) -> None:
    """A record landed again with an empty list keeps no child rows from before (dlt's merge
    replaces a record's child rows whole; the merge key only reaches records that brought some)."""
    landed = dna.dataset_columns(con, dataset)
    for obj, tables in arrow.items():
        if obj not in tables:
            continue
        roots = pa.table({"id": tables[obj].column("_dlt_id")})
        for child in (t for t in landed if t.startswith(obj + "__")):
            if child in tables:
                kept = pa.table({"id": pc.unique(tables[child].column("_dlt_root_id"))})
                emptied = roots.join(kept, "id", join_type="left anti")
            else:
                emptied = roots
            if emptied.num_rows:
                con.register("gata_emptied", emptied)
                con.execute(f'delete from "{dataset}"."{child}" c using gata_emptied e where c._dlt_root_id = e.id')
                con.unregister("gata_emptied")


def record_failure(tenant: str, connector: str, start: date, end: date, started: object, error: str, paths: Paths,
                   con: duckdb.DuckDBPyConnection | None = None) -> None:
    """A failed fetch in ``load_history``, in the tenant's file like a successful one."""
    with tenant_file(tenant, paths, con) as held:
        held.execute(dna.REGISTRY_DDL)
        held.execute(
            f"insert into {dna.REGISTRY_SCHEMA}.load_history values (?,?,?,null,?,?,null,?, now(), 'failed', ?)",
            [tenant, connector, dataset_name(tenant, connector), start, end, started, error],
        )


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
