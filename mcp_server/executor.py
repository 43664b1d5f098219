"""Run compiled, read-only SQL with the guards every answer gets.

- a per-query timeout: a watchdog thread calls ``interrupt()`` on the query's own
  cursor at its deadline, so DuckDB stops the scan instead of the server merely
  giving up waiting (one thread for all queries: starting a timer thread per query
  costs about a millisecond);
- a row cap: the SQL asks for ``limit + 1`` rows so a cut is detected, not guessed;
- a response-size cap: rows are dropped from the end once their JSON would exceed
  the budget, and the result says so;
- JSON-friendly values: decimals become numbers, periods become ``YYYY-MM-DD``.

Each query runs on its own cursor of the snapshot's read-only connection, in a
worker thread, so queries run concurrently and a slow one blocks nobody.
"""

from __future__ import annotations

import heapq
import itertools
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


class Watchdog:
    """One daemon thread that interrupts cursors whose deadline passed."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int]] = []
        self._cursors: dict[int, duckdb.DuckDBPyConnection] = {}
        self._ids = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, cursor: duckdb.DuckDBPyConnection, timeout_s: float) -> int:
        with self._cond:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="gata-query-watchdog", daemon=True)
                self._thread.start()
            ticket = next(self._ids)
            self._cursors[ticket] = cursor
            heapq.heappush(self._heap, (time.monotonic() + timeout_s, ticket))
            self._cond.notify()
            return ticket

    def done(self, ticket: int) -> None:
        with self._cond:
            self._cursors.pop(ticket, None)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._heap:
                    self._cond.wait()
                deadline, ticket = self._heap[0]
                now = time.monotonic()
                if ticket not in self._cursors:
                    heapq.heappop(self._heap)
                    continue
                if deadline > now:
                    self._cond.wait(deadline - now)
                    continue
                heapq.heappop(self._heap)
                cursor = self._cursors.pop(ticket)
            try:
                cursor.interrupt()
            except duckdb.Error:  # the query finished and its cursor closed meanwhile
                pass


WATCHDOG = Watchdog()


def execute(con: duckdb.DuckDBPyConnection, sql: str, max_rows: int, timeout_s: float) -> Execution:
    """Run ``sql`` (which should already limit itself to ``max_rows + 1``) on a fresh cursor."""
    cur = con.cursor()
    start = time.perf_counter()
    ticket = WATCHDOG.watch(cur, timeout_s)
    try:
        cur.execute(sql)
        raw = cur.fetchmany(max_rows + 1)
        description = cur.description or []
    except duckdb.InterruptException:
        raise QueryTimeout(f"the query ran longer than {timeout_s:g}s and was cancelled") from None
    finally:
        WATCHDOG.done(ticket)
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

