"""Records into Arrow tables shaped exactly as dlt's relational normaliser lands them.

dlt loads Arrow tables as they are (a file move, no per-row Python), while its
normaliser walks every dict of every record. Landing is the pipeline's bulk work,
so records are flattened here in one tight pass, into the tables the staging
pushers and the schema DNA already know:

* nested dicts become ``parent__child`` columns (dlt's snake_case names);
* lists become child tables ``{table}__{field}`` with ``_dlt_id``,
  ``_dlt_parent_id``, ``_dlt_list_idx`` and ``_dlt_root_id``; lists of scalars hold
  them in a ``value`` column;
* columns take the contract's type when it has one; otherwise the type of the
  first value, an ISO timestamp string becoming a timestamp (dlt's one default
  detection); a column never filled is not created (dlt creates none either).

Row ids are digests of the primary key (a child row's: its parent's id and its
position), so landing the same record again gives the same ids and
the merge replaces rows in place.

A column the destination already holds with another type gets dlt's variant
column beside it (``{column}__v_{type}``), which schema DNA reports as retyped.
What is not reproduced (values of two types in one load, a list of lists or of
nulls, a value of another Python type) raises ``NotFlat``: the caller then lands
those records through dlt's normaliser.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from dlt.common.normalizers.naming.snake_case import NamingConvention
from dlt.common.schema.detections import is_iso_timestamp

_NAMING = NamingConvention()
_NAMES: dict[str, str] = {}

# dlt data types -> Arrow types that DuckDB loads as the same physical types
ARROW_TYPES: dict[str, pa.DataType] = {
    "text": pa.string(), "bigint": pa.int64(), "double": pa.float64(), "bool": pa.bool_(),
    "timestamp": pa.timestamp("us", tz="UTC"), "date": pa.date32(), "decimal": pa.decimal128(38, 9),
}
_PY_TYPES: dict[type, str] = {str: "text", bool: "bool", int: "bigint", float: "double", Decimal: "decimal",
                              datetime.datetime: "timestamp", datetime.date: "date"}


class NotFlat(Exception):
    """These records need dlt's own normaliser (variant columns, nested lists)."""


def _name(key: str) -> str:
    name = _NAMES.get(key)
    if name is None:
        name = _NAMES[key] = _NAMING.normalize_identifier(key)
    return name


def row_id(*parts: object) -> str:
    """A stable 22-character id (the length of dlt's own row ids)."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=16).digest()
    return base64.urlsafe_b64encode(digest).decode()[:22]


class _Tables:
    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.first: dict[str, dict[str, Any]] = {}  # table -> column -> first non-null value


_SCALARS = (str, int, float, bool, Decimal, datetime.datetime, datetime.date)
_COLUMNS: dict[tuple[str, str], str] = {}


def _column(prefix: str, key: str) -> str:
    column = _COLUMNS.get((prefix, key))
    if column is None:
        name = _name(key)
        column = _COLUMNS[(prefix, key)] = f"{prefix}__{name}" if prefix else name
    return column


def _walk(tables: _Tables, table: str, first: dict[str, Any], row: dict[str, Any], record: Mapping[str, Any],
          prefix: str, row_key: str, root_key: str) -> None:
    for key, value in record.items():
        if value is None:
            continue
        column = _COLUMNS.get((prefix, key)) or _column(prefix, key)
        if type(value) in _SCALARS:
            row[column] = value
            if column not in first:
                first[column] = value
        elif isinstance(value, dict):
            _walk(tables, table, first, row, value, column, row_key, root_key)
        elif isinstance(value, list):
            if value:
                _children(tables, f"{table}__{column}", value, row_key, root_key)
        else:
            raise NotFlat(f"{table}.{column}: a value of type {type(value).__name__}")


def _children(tables: _Tables, table: str, items: list[Any], parent_key: str, root_key: str) -> None:
    rows = tables.rows.setdefault(table, [])
    first = tables.first.setdefault(table, {})
    for idx, item in enumerate(items):
        key = f"{parent_key}.{idx}"  # unique within the table, as the parent's id is within its own
        row: dict[str, Any] = {"_dlt_parent_id": parent_key, "_dlt_list_idx": idx, "_dlt_root_id": root_key,
                               "_dlt_id": key}
        if isinstance(item, dict):
            _walk(tables, table, first, row, item, "", key, root_key)
        elif item is None or isinstance(item, list):
            raise NotFlat(f"{table}: a list holding {'nulls' if item is None else 'lists'}")
        else:
            row["value"] = item
            first.setdefault("value", item)
        rows.append(row)


def _value_at(record: Mapping[str, Any], column: str) -> Any:
    """The value a flattened column name points to (primary keys may sit in nested dicts)."""
    for key, value in record.items():
        name = _name(key)
        if name == column:
            return value
        if isinstance(value, dict) and column.startswith(name + "__"):
            found = _value_at(value, column[len(name) + 2:])
            if found is not None:
                return found
    return None


def _type_of(value: Any) -> str:
    dtype = _PY_TYPES.get(type(value))
    if dtype is None:
        raise NotFlat(f"a value of type {type(value).__name__}")
    if dtype == "text" and is_iso_timestamp(str, value):
        return "timestamp"
    return dtype


def flatten(table: str, records: list[dict[str, Any]], primary_key: list[str],
            hints: Mapping[str, Mapping[str, Any]], known: Mapping[str, Mapping[str, str]]) -> dict[str, pa.Table]:
    """The root table and its child tables as Arrow, keyed by table name.

    ``hints`` are the contract's column hints of the root table; ``known`` the data
    types the destination already holds (table -> column -> dlt type), so a column
    keeps its type from one load to the next, or the records go to dlt's normaliser.
    """
    tables = _Tables()
    root_first = tables.first.setdefault(table, {})
    root_rows: list[dict[str, Any]] = []
    for record in records:
        key = row_id(table, *(_value_at(record, k) for k in primary_key))
        row: dict[str, Any] = {"_dlt_id": key}
        _walk(tables, table, root_first, row, record, "", key, key)
        root_rows.append(row)
    tables.rows[table] = root_rows
    out: dict[str, pa.Table] = {}
    for name, rows in tables.rows.items():
        if not rows:
            continue
        types: dict[str, str] = {"_dlt_id": "text"}
        if name != table:
            types |= {"_dlt_parent_id": "text", "_dlt_list_idx": "bigint", "_dlt_root_id": "text"}
        else:
            types |= {c: h["data_type"] for c, h in hints.items()}
        for column, value in tables.first.get(name, {}).items():
            if column not in types:
                types[column] = _type_of(value)
        for column, dtype in list(types.items()):
            held = known.get(name, {}).get(column)
            if held == "double" and dtype == "bigint":
                types[column] = "double"  # dlt coerces whole numbers into a double column too
            elif held is not None and held != dtype:
                # dlt keeps the column and lands the new type beside it, as schema DNA drift
                variant = f"{column}__v_{dtype}"
                del types[column]
                types[variant] = dtype
                for r in rows:
                    if column in r:
                        r[variant] = r.pop(column)
        out[name] = _to_arrow(name, rows, types)
    return out


def _to_arrow(name: str, rows: list[dict[str, Any]], types: dict[str, str]) -> pa.Table:
    # timestamps arrive as ISO strings: convert them in Arrow, column-wise
    fields = [pa.field(c, pa.string() if t == "timestamp" else ARROW_TYPES[t]) for c, t in types.items()]
    try:
        data = pa.Table.from_pylist(rows, schema=pa.schema(fields))
        for i, (column, dtype) in enumerate(types.items()):
            if dtype == "timestamp":
                data = data.set_column(i, column, pc.cast(data.column(column), ARROW_TYPES["timestamp"]))
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError) as exc:
        raise NotFlat(f"{name}: {exc}") from None
    return data
