"""The server's caches: least-recently-used, bounded by bytes, keyed by digests.

A cache capped by entry count is not a bound: one entry can hold a 4 MB request.
So every cache here charges each entry an estimate of the bytes it keeps alive
(its value plus a fixed overhead) and evicts the least recently used entries once
the total passes its budget; an entry larger than a quarter of the budget is not
kept at all. Keys are SHA-256 digests of what identifies the entry, never the raw
request, so a key costs 32 bytes whatever was asked.

Three caches, process-wide (operators read their counters with ``stats()``):

- ``compiled``: compiled SQL per (tenant, its semantic config, the request);
- ``results``: query results per (tenant, published snapshot, compiled SQL), so a
  new snapshot is never answered from an old one's results;
- ``semantics``: a tenant's semantic models per (tenant, its semantic config),
  shared by successive snapshots while the config is unchanged.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

T = TypeVar("T")
ENTRY_OVERHEAD = 256  # bytes charged per entry for the key, the dict slot and the object headers


def digest(*parts: str | bytes) -> bytes:
    """SHA-256 of the parts, each length-prefixed so ('ab', 'c') and ('a', 'bc') differ."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.digest()


def size_of(value: Any) -> int:
    """A fast estimate of the bytes ``value`` keeps alive (containers walked, shared objects counted once each
    time they appear, which errs on the safe side)."""
    if isinstance(value, str | bytes | int | float | bool) or value is None:
        return sys.getsizeof(value)
    if isinstance(value, dict):
        return sys.getsizeof(value) + sum(size_of(k) + size_of(v) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return sys.getsizeof(value) + sum(size_of(v) for v in value)
    weigh = getattr(value, "cache_bytes", None)
    if callable(weigh):
        return int(weigh())
    fields = getattr(value, "__dict__", None)
    if fields is not None:
        return sys.getsizeof(value) + size_of(fields)
    return sys.getsizeof(value)


@dataclass
class CacheStats:
    name: str
    hits: int
    misses: int
    entries: int
    bytes: int
    max_bytes: int
    evictions: int


class ByteLRU:
    """A thread-safe LRU whose budget is bytes, not entries."""

    def __init__(self, name: str, max_bytes: int, weigh: Callable[[Any], int] = size_of) -> None:
        self.name = name
        self.max_bytes = max_bytes
        self._weigh = weigh
        self._data: OrderedDict[bytes, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = self.evictions = 0

    def get(self, key: bytes) -> Any | None:
        with self._lock:
            item = self._data.get(key)
            if item is None:
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return item[0]

    def put(self, key: bytes, value: Any) -> None:
        cost = self._weigh(value) + ENTRY_OVERHEAD
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            if cost > self.max_bytes // 4:  # one huge entry must not flush everything else
                return
            self._data[key] = (value, cost)
            self._bytes += cost
            while self._bytes > self.max_bytes and self._data:
                _, (_, dropped) = self._data.popitem(last=False)
                self._bytes -= dropped
                self.evictions += 1

    def get_or_make(self, key: bytes, make: Callable[[], T]) -> T:
        """The cached value, or ``make()``'s (computed outside the lock, so a slow make blocks nobody)."""
        found: T | None = self.get(key)
        if found is not None:
            return found
        value = make()
        self.put(key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._bytes = 0

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(self.name, self.hits, self.misses, len(self._data), self._bytes, self.max_bytes,
                              self.evictions)


def _budget(env: str, default_mb: int) -> int:
    return int(float(os.environ.get(env, default_mb)) * 1024 * 1024)


COMPILED = ByteLRU("compiled", _budget("GATA_COMPILED_CACHE_MB", 16))
RESULTS = ByteLRU("results", _budget("GATA_RESULT_CACHE_MB", 32))
SEMANTICS = ByteLRU("semantics", _budget("GATA_SEMANTICS_CACHE_MB", 32))
CACHES = (COMPILED, RESULTS, SEMANTICS)


def stats() -> dict[str, dict[str, int]]:
    """Hits, misses, entries, bytes, budget and evictions of every cache, by name (/health shows them;
    a /metrics endpoint can export the same numbers)."""
    return {c.name: {k: v for k, v in asdict(c.stats()).items() if k != "name"} for c in CACHES}
