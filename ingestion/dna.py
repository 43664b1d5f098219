"""Schema DNA at landing: the warehouse registry of blueprints and of every DNA seen.

The fingerprint itself, the blueprints and the matching live in the core
(``gata.schema_dna``, re-exported here); this module records what each landing saw
(``schema_dna_history``, ``load_history``) and reports drift: a table whose DNA is
unknown (a new column, a changed type) is named with the differing columns. Nothing
is dropped: the table is landed as it came.
"""

from __future__ import annotations

import json
from typing import Any

import duckdb
import pyarrow as pa

from gata.catalog import catalog
from gata.schema_dna import (  # noqa: F401  (re-exported: ingestion's callers read them here)
    BLUEPRINTS_FILE,
    Blueprint,
    Columns,
    DnaCheck,
    check,
    dataset_columns,
    dna_of,
    landed_tables,
    load_blueprints,
    table_columns,
    write_blueprints,
)

REGISTRY_SCHEMA = "platform"


REGISTRY_DDL = f"""
create schema if not exists {REGISTRY_SCHEMA};
create table if not exists {REGISTRY_SCHEMA}.connector_blueprints (
    dna_hash varchar primary key, connector varchar, object varchar, table_name varchar,
    master_model_id varchar, master_model varchar, columns_json varchar);
create table if not exists {REGISTRY_SCHEMA}.schema_dna_history (
    tenant_slug varchar, connector varchar, dataset varchar, table_name varchar, dna_hash varchar,
    status varchar, blueprint_dna_hash varchar, added_columns varchar[], removed_columns varchar[],
    retyped_columns varchar[], columns_json varchar, load_id varchar, seen_at timestamptz,
    fill_json varchar);
alter table {REGISTRY_SCHEMA}.schema_dna_history add column if not exists fill_json varchar;
create table if not exists {REGISTRY_SCHEMA}.load_history (
    tenant_slug varchar, connector varchar, dataset varchar, load_id varchar, start_date date,
    end_date date, rows_json varchar, started_at timestamptz, finished_at timestamptz, status varchar,
    error varchar);
"""


def sync_blueprints(con: duckdb.DuckDBPyConnection, blueprints: list[Blueprint]) -> None:
    """Make the warehouse's connector_blueprints table equal the library."""
    con.execute(REGISTRY_DDL)
    con.execute(f"delete from {REGISTRY_SCHEMA}.connector_blueprints")
    cat = catalog()
    rows = {b.dna: {"dna": b.dna, "connector": b.connector, "obj": b.obj, "table": b.table,
                    "master_model_id": cat.get(b.connector).master_model_id, "master_model": b.master_model,
                    "columns": json.dumps(b.columns, sort_keys=True)}
            for b in blueprints}  # one row per DNA: a shape two connectors share keeps the last
    _insert(con, f"insert into {REGISTRY_SCHEMA}.connector_blueprints select * from gata_rows",
            list(rows.values()), pa.schema([(k, pa.string()) for k in
                                            ("dna", "connector", "obj", "table", "master_model_id", "master_model",
                                             "columns")]))


def _insert(con: duckdb.DuckDBPyConnection, sql: str, rows: list[dict[str, Any]], schema: pa.Schema) -> None:
    """Run ``sql`` over ``rows`` handed to DuckDB as one Arrow table named ``gata_rows``.

    These run at every landing, and DuckDB's client converts Python parameters value by
    value, searching for pandas at each (thousands of failed imports per landing here).
    """
    if not rows:
        return
    con.register("gata_rows", pa.Table.from_pylist(rows, schema=schema))
    try:
        con.execute(sql)
    finally:
        con.unregister("gata_rows")


DENSE = 0.99  # a column filled in at least this share of a load's rows is one the source always sends
VARIANT = "__v_"  # dlt's suffix for a column whose values changed type (spend -> spend__v_text)


def fill_rates(
    con: duckdb.DuckDBPyConnection, schema: str, table: str, columns: Columns, load_id: str
) -> dict[str, float]:
    """Share of non-null values per column among the rows of one load (empty when it landed none)."""
    names = [c for c in columns if not c.startswith("_dlt")]
    if not names or "_dlt_load_id" not in columns:  # child tables carry no load id
        return {}
    counts = con.execute(
        f'select count(*), {", ".join(f"count({chr(34)}{c}{chr(34)})" for c in names)} from "{schema}"."{table}" '
        "where _dlt_load_id = ?",
        [load_id],
    ).fetchall()[0]
    total = counts[0]
    return {c: round(n / total, 4) for c, n in zip(names, counts[1:])} if total else {}


def check_fill(con: duckdb.DuckDBPyConnection, tenant: str, result: DnaCheck, fill: dict[str, float]) -> None:
    """A field the source stopped sending leaves the table's shape as it was (the column stays), so
    compare with the table's previous load: a column that was always filled and now never is, is
    reported as missing; a column dlt split into a type variant is reported as retyped."""
    for column in list(result.added):
        if VARIANT in column:
            result.added.remove(column)
            result.retyped.append(column.split(VARIANT)[0])
    if not fill:
        return
    row = con.execute(
        f"select fill_json from {REGISTRY_SCHEMA}.schema_dna_history where tenant_slug = ? and connector = ? "
        "and table_name = ? and fill_json is not null order by seen_at desc limit 1",
        [tenant, result.connector, result.table],
    ).fetchone()
    previous = json.loads(row[0]) if row and row[0] else {}
    gone = sorted(c for c, rate in previous.items() if rate >= DENSE and fill.get(c, 0.0) == 0.0)
    result.removed = sorted(set(result.removed) | set(gone))


def record(
    con: duckdb.DuckDBPyConnection,
    tenant: str,
    dataset: str,
    checks: list[DnaCheck],
    load_id: str,
    fills: dict[str, dict[str, float]] | None = None,
) -> None:
    fills = fills or {}
    texts = [(k, pa.string()) for k in ("tenant", "connector", "dataset", "table", "dna", "status", "blueprint")]
    lists = [(k, pa.list_(pa.string())) for k in ("added", "removed", "retyped")]
    rest = [(k, pa.string()) for k in ("columns", "load_id", "fill")]
    _insert(
        con,
        f"insert into {REGISTRY_SCHEMA}.schema_dna_history select tenant, connector, dataset, \"table\", dna, status, "
        "blueprint, added, removed, retyped, columns, load_id, now(), fill from gata_rows",
        [
            {
                "tenant": tenant,
                "connector": c.connector,
                "dataset": dataset,
                "table": c.table,
                "dna": c.dna,
                "status": c.status,
                "blueprint": c.blueprint.dna if c.blueprint else None,
                "added": c.added,
                "removed": c.removed,
                "retyped": c.retyped,
                "columns": json.dumps(c.columns, sort_keys=True),
                "load_id": load_id,
                "fill": json.dumps(fills[c.table], sort_keys=True) if fills.get(c.table) else None,
            }
            for c in checks
        ],
        pa.schema(texts + lists + rest),
    )
