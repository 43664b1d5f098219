"""Run compiled, read-only SQL with the guards every answer gets.

- a per-query timeout: a timer calls ``interrupt()`` on the query's own cursor, so
  DuckDB stops the scan instead of the server merely giving up waiting;
- a row cap: the SQL asks for ``limit + 1`` rows so a cut is detected, not guessed;
- a response-size cap: rows are dropped from the end once their JSON would exceed
  the budget, and the result says so;
- JSON-friendly values: decimals become numbers, periods become ``YYYY-MM-DD``.

Each query runs on its own cursor of the snapshot's read-only connection, in a
worker thread, so queries run concurrently and a slow one blocks nobody.
"""

from __future__ import annotations

import json
import math
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb

from mcp_server.models import ColumnType, Value


class QueryTimeout(Exception):
    """The query ran past its time budget and was cancelled."""


@dataclass
class Execution:
    names: list[str]  # as the SQL names them
    types: list[ColumnType]
    rows: list[tuple[Value, ...]]
    truncated: bool  # more rows existed than max_rows
    elapsed_ms: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


def column_type(duckdb_type: str) -> ColumnType:
    t = duckdb_type.upper()
    if t.startswith(("DATE", "TIMESTAMP")):
        return "date"
    if t.startswith(("DECIMAL", "DOUBLE", "FLOAT", "REAL", "NUMERIC")):
        return "number"
    if "INT" in t:
        return "integer"
    if t == "BOOLEAN":
        return "boolean"
    return "string"


def to_json_value(value: Any) -> Value:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else None
    if isinstance(value, datetime):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def execute(con: duckdb.DuckDBPyConnection, sql: str, max_rows: int, timeout_s: float) -> Execution:
    """Run ``sql`` (which should already limit itself to ``max_rows + 1``) on a fresh cursor."""
    cur = con.cursor()
    timer = threading.Timer(timeout_s, cur.interrupt)
    timer.daemon = True
    start = time.perf_counter()
    timer.start()
    try:
        cur.execute(sql)
        raw = cur.fetchmany(max_rows + 1)
        description = cur.description or []
    except duckdb.InterruptException:
        raise QueryTimeout(f"the query ran longer than {timeout_s:g}s and was cancelled") from None
    finally:
        timer.cancel()
        cur.close()
    rows = [tuple(to_json_value(v) for v in row) for row in raw[:max_rows]]
    return Execution(names=[d[0] for d in description], types=[column_type(str(d[1])) for d in description],
                     rows=rows, truncated=len(raw) > max_rows, elapsed_ms=(time.perf_counter() - start) * 1000)


def fit_rows(rows: list[dict[str, Value]], max_bytes: int) -> tuple[list[dict[str, Value]], bool]:
    """The longest prefix of ``rows`` whose JSON fits in ``max_bytes``; and whether any were dropped."""
    total = 2
    for i, row in enumerate(rows):
        total += len(json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode()) + 1
        if total > max_bytes:
            return rows[:i], True
    return rows, False

