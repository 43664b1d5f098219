"""Schema DNA: a table's structural fingerprint, and the blueprints that route by it.

The DNA of a landed table is the MD5 of its sorted (column name, type) pairs, read
from the database's own catalog (the physical truth, never the names). The
blueprints (``ingestion/connector_blueprints.json``) map each known DNA to its
connector object and master model. This sits in the core because both sides of the
landing boundary read it: ingestion records what landed, the warehouse scaffold
routes landed tables to master models, and neither may import the other.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from gata.catalog import catalog
from gata.settings import PROJECT_ROOT

BLUEPRINTS_FILE = PROJECT_ROOT / "ingestion" / "connector_blueprints.json"

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
