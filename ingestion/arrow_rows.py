"""Records into Arrow tables shaped exactly as dlt's relational normaliser lands them.

dlt loads Arrow tables as they are (a file move, no per-row Python), while its
normaliser walks every dict of every record. Landing is the pipeline's bulk work,
so records are cut here into the tables the staging pushers and the schema DNA
already know. Arrow converts the records itself, in C++ (``_by_columns``), and the
tables are cut from its struct and list arrays; where its inferred types do not
settle what dlt would make of the records, one pass over the dicts in Python
(``_by_rows``) decides. Both give the same tables:

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

A record whose primary key comes again in one batch lands once, as it came last
(with the children it came with). A column the destination already holds with
another type gets dlt's variant column beside it (``{column}__v_{type}``), which
schema DNA reports as retyped.
What is not reproduced (values of two types in one load, a list of lists or of
nulls, a value of another Python type) raises ``NotFlat``: the caller then lands
those records through dlt's normaliser.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
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
_DLT_TYPES: dict[pa.DataType, str] = {arrow: dlt for dlt, arrow in ARROW_TYPES.items()}
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


def _by_rows(table: str, records: list[dict[str, Any]], primary_key: list[str],
             hints: Mapping[str, Mapping[str, Any]]) -> dict[str, pa.Table]:
    """The row walk: every dict visited in Python, exact for whatever the records hold."""
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
        types = _meta_types(name == table, hints)
        for column, value in tables.first.get(name, {}).items():
            if column not in types:
                types[column] = _type_of(value)
        out[name] = _to_arrow(name, rows, types)
    return out


_ARROW_ERRORS = (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError)


@dataclass
class _Level:
    """One table of the columnar walk, and how its rows lead back to the records (for ``_source``)."""

    name: str
    items: pa.Array  # one struct (or scalar) per row
    ids: pa.Array | None  # the root's come from its primary key, once its columns are cut
    roots: pa.Array | None
    parent: _Level | None = None
    parent_rows: pa.Array | None = None  # the parent row of each row
    positions: pa.Array | None = None  # each row's index in its parent's list
    path: tuple[str, ...] = ()  # the keys from the parent's item to the list


def _by_columns(table: str, records: list[dict[str, Any]], primary_key: list[str],
                hints: Mapping[str, Mapping[str, Any]]) -> dict[str, pa.Table] | None:
    """The same tables from Arrow's own conversion of the records, column by column.

    Arrow converts the dicts in C++ and infers one type per field; the tables are then
    cut from its struct and list arrays without a Python loop per value. Where the
    inferred type does not settle what the row walk would decide (a field of two
    types, a whole number first in a column of fractions, a value Arrow would coerce
    where the walk refuses), this returns None and the row walk decides.
    """
    if not records:
        return {}
    try:
        items = pa.array(records)
    except _ARROW_ERRORS:
        return None
    if not pa.types.is_struct(items.type):
        return None
    out: dict[str, pa.Table] = {}
    pending = [_Level(table, items, None, None)]
    while pending:
        level = pending.pop(0)
        built = _level_table(level, records, primary_key, hints if level.parent is None else {}, pending)
        if built is None:
            return None
        out[level.name] = built
    return out


def _level_table(level: _Level, records: list[dict[str, Any]], primary_key: list[str],
                 hints: Mapping[str, Mapping[str, Any]], pending: list[_Level]) -> pa.Table | None:
    columns: dict[str, tuple[pa.Array, tuple[str, ...]]] = {}
    lists: list[tuple[str, pa.Array, tuple[str, ...]]] = []
    if pa.types.is_struct(level.items.type):
        if not _leaves(level.items, "", (), columns, lists):
            return None
    elif not pa.types.is_null(level.items.type):
        columns["value"] = (level.items, ())
    if level.ids is None:
        level.ids = level.roots = _root_ids(level.name, records, primary_key, columns)
    data: dict[str, pa.Array] = {"_dlt_id": level.ids}
    types = _meta_types(level.parent is None, hints)
    if level.parent is not None:
        assert level.parent.ids is not None and level.parent_rows is not None and level.positions is not None
        data |= {"_dlt_parent_id": level.parent.ids.take(level.parent_rows),
                 "_dlt_list_idx": level.positions, "_dlt_root_id": level.roots}
    for column, (values, path) in columns.items():
        if column in data:
            return None
        dtype = types.get(column) or _column_type(level, records, values, path)
        if dtype is None:
            return None
        types.setdefault(column, dtype)
        data[column] = values
    for column, dtype in types.items():
        values = data.get(column)
        if values is None:
            data[column] = pa.nulls(len(level.ids), ARROW_TYPES[dtype])
            continue
        cast = _cast(values, dtype)
        if cast is None:
            return None
        data[column] = cast
    for column, values, path in lists:
        child = _child_level(level, f"{level.name}__{column}", values, path)
        if child is None:
            return None
        if len(child.items):
            pending.append(child)
    return pa.table({c: data[c] for c in types})


def _root_ids(table: str, records: list[dict[str, Any]], primary_key: list[str],
              columns: Mapping[str, tuple[pa.Array, tuple[str, ...]]]) -> pa.Array:
    """``row_id`` of each record's primary key, read from the cut columns where Arrow gives back
    the very values (whole numbers and strings), else from the records."""
    keys = [columns.get(k, (None, ()))[0] for k in primary_key]
    if primary_key and all(k is not None and k.type in (pa.int64(), pa.string()) for k in keys):
        parts = zip(*(k.to_pylist() for k in keys if k is not None), strict=True)
    else:
        parts = ([_value_at(r, k) for k in primary_key] for r in records)  # type: ignore[assignment]
    return pa.array([row_id(table, *p) for p in parts], pa.string())


def _leaves(items: pa.StructArray, prefix: str, keys: tuple[str, ...],
            columns: dict[str, tuple[pa.Array, tuple[str, ...]]],
            lists: list[tuple[str, pa.Array, tuple[str, ...]]]) -> bool:
    """Nested structs into ``parent__child`` columns and list fields set aside: False on a name
    two fields share (the row walk lets the later one win)."""
    for field, values in zip(items.type, items.flatten(), strict=True):
        column = _column(prefix, field.name)
        path = (*keys, field.name)
        if pa.types.is_struct(field.type):
            if not _leaves(values, column, path, columns, lists):
                return False
        elif pa.types.is_list(field.type) or pa.types.is_large_list(field.type):
            lists.append((column, values, path))
        elif not pa.types.is_null(field.type):  # a field never filled makes no column
            if column in columns:
                return False
            columns[column] = (values, path)
    return True


def _child_level(parent: _Level, name: str, lists: pa.Array, path: tuple[str, ...]) -> _Level | None:
    """The rows of a list field: one per item, linked to their parent row and root as dlt links them."""
    items = lists.flatten()
    if items.null_count or pa.types.is_list(items.type) or pa.types.is_large_list(items.type):
        return None  # a list holding nulls or lists: the row walk refuses these
    assert parent.ids is not None and parent.roots is not None
    parent_rows = pc.list_parent_indices(lists)
    lengths = pc.fill_null(pc.list_value_length(lists), 0)
    starts = pc.subtract(pc.cumulative_sum(lengths), lengths)  # where each parent's items begin
    positions = pc.subtract(pa.array(range(len(items)), pa.int64()), starts.take(parent_rows))
    ids = pc.binary_join_element_wise(parent.ids.take(parent_rows), pc.cast(positions, pa.string()), ".")
    roots = parent.roots.take(parent_rows)
    return _Level(name, items, ids, roots, parent, parent_rows, positions, path)


def _source(level: _Level, row: int, records: list[dict[str, Any]]) -> Any:
    """The record or list item a row of ``level`` came from."""
    if level.parent is None:
        return records[row]
    assert level.parent_rows is not None and level.positions is not None
    item = _source(level.parent, level.parent_rows[row].as_py(), records)
    for key in level.path:
        item = item[key]
    return item[level.positions[row].as_py()]


def _column_type(level: _Level, records: list[dict[str, Any]], values: pa.Array, path: tuple[str, ...]) -> str | None:
    """What the row walk types this column as: its first value's type (an ISO string a timestamp)."""
    row = pc.index(values.is_valid(), True).as_py()  # the first row holding a value
    if row < 0:
        return None
    if pa.types.is_floating(values.type):
        first = _source(level, row, records)
        for key in path:
            first = first[key]
        return "double" if type(first) is float else None  # an int first: the row walk types it bigint
    if pa.types.is_string(values.type):
        return _type_of(values[row].as_py())
    if pa.types.is_timestamp(values.type):
        return "timestamp"
    return _DLT_TYPES.get(values.type) or ("decimal" if pa.types.is_decimal(values.type) else None)


def _cast(values: pa.Array, dtype: str) -> pa.Array | None:
    """``values`` as the column's type, where the row walk's conversion would give the same."""
    target = ARROW_TYPES[dtype]
    if values.type == target or pa.types.is_null(values.type):
        return values.cast(target)
    same_kind = (
        (pa.types.is_timestamp(values.type) and dtype == "timestamp")
        or (pa.types.is_string(values.type) and dtype == "timestamp")
        or (pa.types.is_decimal(values.type) and dtype == "decimal")
        or (values.type == pa.int64() and dtype == "double")
    )
    if not same_kind:
        return None
    try:
        return pc.cast(values, target)
    except _ARROW_ERRORS:
        return None


def _meta_types(root: bool, hints: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """The columns every table of its kind starts with, in dlt's order."""
    types: dict[str, str] = {"_dlt_id": "text"}
    if not root:
        return types | {"_dlt_parent_id": "text", "_dlt_list_idx": "bigint", "_dlt_root_id": "text"}
    return types | {c: h["data_type"] for c, h in hints.items()}


def flatten(table: str, records: list[dict[str, Any]], primary_key: list[str],
            hints: Mapping[str, Mapping[str, Any]], known: Mapping[str, Mapping[str, str]]) -> dict[str, pa.Table]:
    """The root table and its child tables as Arrow, keyed by table name.

    ``hints`` are the contract's column hints of the root table; ``known`` the data
    types the destination already holds (table -> column -> dlt type), so a column
    keeps its type from one load to the next, or the records go to dlt's normaliser.
    Arrow's own conversion does the work (``_by_columns``); where it cannot tell what
    the row walk would make of the records, the row walk decides (``_by_rows``).
    """
    out = _by_columns(table, records, primary_key, hints)
    if out is None:
        out = _by_rows(table, records, primary_key, hints)
    ids = out[table].column("_dlt_id") if table in out else pa.array([], pa.string())
    if pc.count_distinct(ids).as_py() < len(ids):  # a record served twice (a page fetched again)
        return flatten(table, _last_of_each(records, ids), primary_key, hints, known)
    return {name: _held(name, data, known.get(name, {})) for name, data in out.items()}


def _last_of_each(records: list[dict[str, Any]], ids: pa.ChunkedArray) -> list[dict[str, Any]]:
    """One record per primary key, the last one served: it replaces the earlier as a merge would,
    and its child rows replace theirs (two copies of a record would land both copies' children)."""
    last = {key: i for i, key in enumerate(ids.to_pylist())}
    return [records[i] for i in sorted(last.values())]


def _held(name: str, data: pa.Table, held: Mapping[str, str]) -> pa.Table:
    """Each column in the type the destination holds: a whole number into its double column
    (dlt coerces those too), any other new type beside it as dlt's variant column (schema DNA drift)."""
    for column in list(data.column_names):
        dtype = _DLT_TYPES.get(data.schema.field(column).type)
        was = held.get(column)
        if was is None or dtype is None or was == dtype:
            continue
        i = data.column_names.index(column)
        if was == "double" and dtype == "bigint":
            data = data.set_column(i, column, pc.cast(data.column(i), ARROW_TYPES["double"]))
        else:
            values = data.column(i)
            data = data.remove_column(i).append_column(f"{column}__v_{dtype}", values)
    return data


def _to_arrow(name: str, rows: list[dict[str, Any]], types: dict[str, str]) -> pa.Table:
    # timestamps arrive as ISO strings: convert them in Arrow, column-wise
    fields = [pa.field(c, pa.string() if t == "timestamp" else ARROW_TYPES[t]) for c, t in types.items()]
    try:
        data = pa.Table.from_pylist(rows, schema=pa.schema(fields))
        for i, (column, dtype) in enumerate(types.items()):
            if dtype == "timestamp":
                data = data.set_column(i, column, pc.cast(data.column(column), ARROW_TYPES["timestamp"]))
    except _ARROW_ERRORS as exc:
        raise NotFlat(f"{name}: {exc}") from None
    return data
