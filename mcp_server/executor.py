"""Run compiled, read-only SQL with the guards every answer gets.

- one deadline per request (``Deadline``), covering validation, compilation, every
  query the request runs and the empty-result diagnosis: a watchdog thread expires
  it on time and calls ``interrupt()`` on the cursor running then, so DuckDB stops
  the scan instead of the server merely giving up waiting (one thread for all
  requests: starting a timer thread per query costs about a millisecond); a client's
  cancellation interrupts it the same way;
- a result cache (``execute_cached``): a repeated query on the same published
  snapshot is answered from memory (``mcp_server.cache.RESULTS``);
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
import logging
import math
import re
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

import duckdb
import pydantic_core

from gata.errors import QueryCancelled, QueryTimeout
from mcp_server.cache import RESULTS, digest
from mcp_server.models import ColumnType, Value

log = logging.getLogger(__name__)




class Deadline:
    """One request's time budget, shared by every stage: validation, compilation, each query it runs
    (the answer's and the empty-result diagnosis's) and the shaping of the answer.

    Stages call ``check()`` between steps; a DuckDB cursor is registered while it runs, so
    when the budget passes (the watchdog calls ``expire()``) or the client cancels
    (``cancel()``), the running query is interrupted at once rather than run to its end.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._cursors: set[duckdb.DuckDBPyConnection] = set()
        self.expired = False
        self.cancelled = False
        self.stage = "validation"  # what the request is doing now, for the error message
        self.stopped_at: float | None = None  # when it expired or was cancelled (monotonic)
        self._ticket = WATCHDOG.watch(self)

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def error(self, stage: str | None = None) -> Exception:
        stage = stage or self.stage
        if self.cancelled:
            return QueryCancelled(f"the request was cancelled during {stage}")
        return QueryTimeout(f"the request took longer than {self.seconds:g} s (the server's time limit) and "
                            f"was stopped during {stage}")

    def check(self, stage: str) -> None:
        """Enter ``stage``; raise if the budget is spent or the request was cancelled."""
        if self.cancelled or self.expired or self.remaining() <= 0:
            raise self.error(self.stage)
        self.stage = stage

    def attach(self, cursor: duckdb.DuckDBPyConnection) -> None:
        with self._lock:
            stopped = self.cancelled or self.expired
            if not stopped:
                self._cursors.add(cursor)
        if stopped:
            cursor.interrupt()

    def detach(self, cursor: duckdb.DuckDBPyConnection) -> None:
        with self._lock:
            self._cursors.discard(cursor)

    def _stop(self) -> None:
        with self._lock:
            if self.stopped_at is None:
                self.stopped_at = time.monotonic()
            cursors = list(self._cursors)
        for cursor in cursors:
            try:
                cursor.interrupt()
            except duckdb.Error:  # the query finished and its cursor closed meanwhile
                pass

    def expire(self) -> None:
        self.expired = True
        self._stop()

    def cancel(self) -> None:
        self.cancelled = True
        self._stop()

    def close(self) -> None:
        """The request is over: the watchdog forgets it."""
        WATCHDOG.done(self._ticket)


@dataclass
class Execution:
    names: list[str]  # as the SQL names them
    types: list[ColumnType]
    rows: list[tuple[Value, ...]]
    truncated: bool  # more rows existed than max_rows
    elapsed_ms: float = 0.0


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
    """One daemon thread that expires deadlines (interrupting their queries) when they pass."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int]] = []
        self._watched: dict[int, Deadline] = {}
        self._ids = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, deadline: Deadline) -> int:
        with self._cond:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="gata-query-watchdog", daemon=True)
                self._thread.start()
            ticket = next(self._ids)
            self._watched[ticket] = deadline
            sooner = not self._heap or deadline.end < self._heap[0][0]
            heapq.heappush(self._heap, (deadline.end, ticket))
            if sooner:  # wake the thread only when its next wake-up moves earlier: every request has the
                self._cond.notify()  # same time limit, so almost never; a wake-up per request cost a GIL hand-off
            return ticket

    def done(self, ticket: int) -> None:
        with self._cond:
            self._watched.pop(ticket, None)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._heap:
                    self._cond.wait()
                end, ticket = self._heap[0]
                now = time.monotonic()
                if ticket not in self._watched:
                    heapq.heappop(self._heap)
                    continue
                if end > now:
                    self._cond.wait(end - now)
                    continue
                heapq.heappop(self._heap)
                due = self._watched.pop(ticket)
            due.expire()


WATCHDOG = Watchdog()


def execute(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    max_rows: int,
    timeout_s: float | Deadline,
    stage: str = "the query",
) -> Execution:
    """Run ``sql`` (which should already limit itself to ``max_rows + 1``) on a fresh cursor, within
    ``timeout_s``: seconds for a one-off, or the request's Deadline (then it shares the request's budget)."""
    own = not isinstance(timeout_s, Deadline)
    budget = timeout_s if isinstance(timeout_s, Deadline) else Deadline(float(timeout_s))
    try:
        budget.check(stage)
        cur = con.cursor()
        start = time.perf_counter()
        budget.attach(cur)
        try:
            cur.execute(sql)
            raw = cur.fetchmany(max_rows + 1)
            description = cur.description or []
        except duckdb.InterruptException:
            if budget.stopped_at is not None:  # operators see how quickly a stopped query really stops
                log.warning(
                    "DuckDB stopped %s %.0f ms after the request was %s",
                    stage,
                    (time.monotonic() - budget.stopped_at) * 1000,
                    "cancelled" if budget.cancelled else "past its deadline",
                )
            raise budget.error(stage) from None
        finally:
            budget.detach(cur)
            cur.close()
    finally:
        if own:
            budget.close()
    types = [str(d[1]) for d in description]
    return Execution(
        names=[d[0] for d in description],
        types=[column_type(t) for t in types],
        rows=json_rows(raw[:max_rows], types),
        truncated=len(raw) > max_rows,
        elapsed_ms=(time.perf_counter() - start) * 1000,
    )


def json_rows(raw: list[tuple[Any, ...]], types: list[str]) -> list[tuple[Value, ...]]:
    """Rows with JSON-friendly cells, converting only the columns whose DuckDB type needs it (text,
    integers and booleans come out of DuckDB as they are sent), rather than a Python call for every
    cell of every row."""
    convert = [i for i, t in enumerate(types) if not _NATIVE.match(t)]
    if not convert:
        return cast(list[tuple[Value, ...]], raw)
    out = []
    for row in raw:
        cells = list(row)
        for i in convert:
            cells[i] = to_json_value(cells[i])
        out.append(tuple(cells))
    return out


_NATIVE = re.compile(
    r"^(VARCHAR|BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$"
)


def execute_cached(
    con: duckdb.DuckDBPyConnection,
    snapshot: str,
    tenant: str,
    sql: str,
    max_rows: int,
    deadline: Deadline | float,
    stage: str = "the query",
) -> Execution:
    """``execute``, answered from the result cache when this tenant ran this SQL on this snapshot before.

    The key is a digest of (tenant, snapshot version, SQL, rows asked for): a new
    snapshot has a new version, so it is never answered from an old one's results.
    """
    key = digest("result", tenant, snapshot, sql, str(max_rows))
    found: Execution | None = RESULTS.get(key)
    if found is not None:
        return found
    result = execute(con, sql, max_rows, deadline, stage)
    RESULTS.put(key, result)
    return result


def fit_rows(rows: list[dict[str, Value]], max_bytes: int) -> tuple[list[dict[str, Value]], bool]:
    """The longest prefix of ``rows`` whose JSON fits in ``max_bytes``; and whether any were dropped.

    Almost every answer fits: one serialisation of all rows (in Rust) says so; only an answer
    over budget is walked row by row to find where to cut."""
    if len(pydantic_core.to_json(rows)) <= max_bytes:
        return rows, False
    total = 2
    for i, row in enumerate(rows):
        total += len(pydantic_core.to_json(row)) + 1
        if total > max_bytes:
            return rows[:i], True
    return rows, False
