"""Schema DNA: a table's structural fingerprint, and the registry that routes by it.

The DNA of a landed table is the MD5 of its sorted (column name, type) pairs, read
from the warehouse's catalog (seed 004: "physical truth"). ``connector_blueprints``
maps each known DNA to its connector object and master model; every landing
records each DNA it sees, and a table whose DNA is unknown (a new column, a changed
type) is reported as drift with the differing columns named. Nothing is dropped:
the table is landed as it came.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from gata.catalog import catalog

BLUEPRINTS_FILE = Path(__file__).with_name("connector_blueprints.json")
REGISTRY_SCHEMA = "platform"

Columns = dict[str, str]  # column name -> physical type


def dna_of(columns: Columns) -> str:
    payload = "|".join(f"{name}:{dtype}" for name, dtype in sorted(columns.items()))
    return hashlib.md5(payload.encode()).hexdigest()


def dataset_columns(con: duckdb.DuckDBPyConnection, schema: str) -> dict[str, Columns]:
    """Every landed table of one dataset with its columns (dlt's own bookkeeping tables excluded).

    One catalog query per dataset: DuckDB builds its catalog views over every table of
    the database, so a query per table would cost more with every tenant onboarded.
    """
    out: dict[str, Columns] = {}
    for table, name, dtype in con.execute(
        "select table_name, column_name, data_type from duckdb_columns() where schema_name = ? "
        "and not starts_with(table_name, '_dlt_') order by table_name, column_name", [schema],
    ).fetchall():
        out.setdefault(table, {})[name] = dtype
    return out


def table_columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> Columns:
    return dataset_columns(con, schema).get(table, {})


def landed_tables(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    """The object and child tables of one landed dataset (dlt's own bookkeeping excluded)."""
    return sorted(dataset_columns(con, schema))


@dataclass(frozen=True)
class Blueprint:
    """A known physical shape of one connector object (or one of its child tables)."""

    connector: str
    table: str  # landed table name: an object, or a child table such as facebook_insights__actions
    dna: str
    columns: Columns

    @property
    def obj(self) -> str:
        return self.table.split("__", 1)[0]

    @property
    def master_model(self) -> str:
        return catalog().get(self.connector).master_model(self.obj)


@dataclass
class DnaCheck:
    """What one landed table's DNA says about it."""

    connector: str
    table: str
    dna: str
    columns: Columns
    blueprint: Blueprint | None
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    retyped: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        known = self.blueprint is not None and self.blueprint.dna == self.dna
        return "known" if known and not (self.added or self.removed or self.retyped) else "drift"

    def describe(self) -> str:
        parts = []
        if self.added:
            parts.append("new column(s) " + ", ".join(self.added))
        if self.removed:
            parts.append("missing column(s) " + ", ".join(self.removed))
        if self.retyped:
            parts.append("retyped column(s) " + ", ".join(self.retyped))
        if not parts and self.status == "drift":
            parts.append("no blueprint for this table")
        return "; ".join(parts)


def load_blueprints(path: Path = BLUEPRINTS_FILE) -> list[Blueprint]:
    if not path.exists():
        return []
    return [Blueprint(**b) for b in json.loads(path.read_text())]


def write_blueprints(blueprints: list[Blueprint], path: Path = BLUEPRINTS_FILE) -> None:
    data = [b.__dict__ for b in sorted(blueprints, key=lambda b: (b.connector, b.table))]
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


def check(connector: str, table: str, columns: Columns, blueprints: list[Blueprint]) -> DnaCheck:
    """Match a table against the blueprints; on a miss, diff it with its connector's blueprint."""
    dna = dna_of(columns)
    by_dna = {b.dna: b for b in blueprints}
    if dna in by_dna and by_dna[dna].connector == connector and by_dna[dna].table == table:
        return DnaCheck(connector, table, dna, columns, by_dna[dna])
    expected = next((b for b in blueprints if b.connector == connector and b.table == table), None)
    result = DnaCheck(connector, table, dna, columns, expected)
    if expected:
        result.added = sorted(set(columns) - set(expected.columns))
        result.removed = sorted(set(expected.columns) - set(columns))
        result.retyped = sorted(c for c in set(columns) & set(expected.columns) if columns[c] != expected.columns[c])
    return result


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
    rows = [(b.dna, b.connector, b.obj, b.table, cat.get(b.connector).master_model_id, b.master_model,
             json.dumps(b.columns, sort_keys=True)) for b in blueprints]
    rows = list({r[0]: r for r in rows}.values())  # one row per DNA: a shape two connectors share keeps the last
    if rows:  # one statement: executemany costs a round trip per row, and this runs at every landing
        con.execute(f"insert into {REGISTRY_SCHEMA}.connector_blueprints select unnest(?, recursive := true)",
                    [[dict(zip(("a", "b", "c", "d", "e", "f", "g"), r)) for r in rows]])


DENSE = 0.99  # a column filled in at least this share of a load's rows is one the source always sends
VARIANT = "__v_"  # dlt's suffix for a column whose values changed type (spend -> spend__v_text)


def fill_rates(con: duckdb.DuckDBPyConnection, schema: str, table: str, columns: Columns, load_id: str) -> dict[str, float]:
    """Share of non-null values per column among the rows of one load (empty when it landed none)."""
    names = [c for c in columns if not c.startswith("_dlt")]
    if not names or "_dlt_load_id" not in columns:  # child tables carry no load id
        return {}
    counts = con.execute(
        f'select count(*), {", ".join(f"count({chr(34)}{c}{chr(34)})" for c in names)} from "{schema}"."{table}" '
        "where _dlt_load_id = ?", [load_id]).fetchone()
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
        [tenant, result.connector, result.table]).fetchone()
    previous = json.loads(row[0]) if row and row[0] else {}
    gone = sorted(c for c, rate in previous.items() if rate >= DENSE and fill.get(c, 0.0) == 0.0)
    result.removed = sorted(set(result.removed) | set(gone))


def record(con: duckdb.DuckDBPyConnection, tenant: str, dataset: str, checks: list[DnaCheck], load_id: str,
           fills: dict[str, dict[str, float]] | None = None) -> None:
    fills = fills or {}
    con.executemany(
        f"insert into {REGISTRY_SCHEMA}.schema_dna_history values (?,?,?,?,?,?,?,?,?,?,?,?, now(), ?)",
        [(tenant, c.connector, dataset, c.table, c.dna, c.status, c.blueprint.dna if c.blueprint else None,
          c.added, c.removed, c.retyped, json.dumps(c.columns, sort_keys=True), load_id,
          json.dumps(fills[c.table], sort_keys=True) if fills.get(c.table) else None) for c in checks],
    )
