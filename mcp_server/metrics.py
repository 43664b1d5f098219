"""Operators' view: Prometheus metrics of every tool call, over MCP and REST alike.

Counted at one place (``GataMCP.call_tool``), which both faces of the server go
through, so the numbers cannot disagree with what agents and REST clients saw:

- ``gata_requests_total{tool,tenant,api,outcome}`` and
  ``gata_request_duration_seconds{tool,tenant,api}`` (a histogram);
- ``gata_errors_total{tool,kind}`` (refused, invalid, unavailable, timeout, internal);
- ``gata_cache_requests_total{cache,result}``, ``gata_cache_bytes{cache}``,
  ``gata_cache_entries{cache}`` and ``gata_cache_evictions_total{cache}``: the compiled-SQL,
  result and semantic-model caches (``mcp_server.cache``), read at scrape time;
- build status, read from the published snapshot at scrape time: its version and
  publication time, and each tenant's pipeline status (healthy / degraded / failing).

The ``tenant`` label is the caller's scope (``admin`` for admin sessions), never a
tool argument, so an agent cannot create label values. ``/metrics`` needs an admin
token: labels name tenants.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from mcp_server import cache
from mcp_server.state import ServerState

CurrentState = Callable[[], ServerState | None]  # the running server's state (None when it is not running)

log = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
STATUSES = ("healthy", "degraded", "failing")

# which face of the server a call came through; the REST mirror sets "rest"
api_var: contextvars.ContextVar[str] = contextvars.ContextVar("gata_api", default="mcp")


class BuildStatusCollector(Collector):
    """Snapshot version, publication time and per-tenant pipeline status, cached per snapshot version."""

    def __init__(self, state: CurrentState) -> None:
        self.state = state
        self._cache: tuple[str, dict[str, str]] | None = None

    def _statuses(self) -> tuple[str | None, float | None, dict[str, str]]:
        from pipeline.health import tenant_health

        state = self.state()
        snap = state.snapshots.peek() if state is not None else None
        if snap is None:
            return None, None, {}
        if self._cache is None or self._cache[0] != snap.version:
            statuses: dict[str, str] = {}
            for tenant in snap.tenants:
                cur = snap.con.cursor()
                try:
                    statuses[tenant] = tenant_health(cur, tenant).status
                except Exception:
                    log.exception("health of %s for /metrics", tenant)
                    statuses[tenant] = "failing"
                finally:
                    cur.close()
            self._cache = (snap.version, statuses)
        return snap.version, snap.published_at.timestamp(), self._cache[1]

    def collect(self) -> Iterator[GaugeMetricFamily]:
        version, published, statuses = self._statuses()
        info = GaugeMetricFamily("gata_snapshot_info", "The published snapshot being served (value 1).",
                                 labels=["version"])
        if version is not None:
            info.add_metric([version], 1)
        yield info
        ts = GaugeMetricFamily("gata_snapshot_published_timestamp_seconds",
                               "When the served snapshot was published (Unix time).")
        if published is not None:
            ts.add_metric([], published)
        yield ts
        status = GaugeMetricFamily("gata_tenant_pipeline_status",
                                   "1 for each tenant's current pipeline status (from pipeline_health).",
                                   labels=["tenant", "status"])
        for tenant, current in sorted(statuses.items()):
            for s in STATUSES:
                status.add_metric([tenant, s], 1 if s == current else 0)
        yield status


class CacheCollector(Collector):
    """The byte-bounded caches' counters, read when scraped: the caches count, this only reports."""

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        stats = cache.stats()
        lookups = CounterMetricFamily(
            "gata_cache_requests",
            "Cache lookups by cache and result (hit or miss).",
            labels=["cache", "result"],
        )
        evictions = CounterMetricFamily(
            "gata_cache_evictions", "Entries evicted to stay within the byte budget.", labels=["cache"]
        )
        size = GaugeMetricFamily("gata_cache_bytes", "Bytes held by each cache.", labels=["cache"])
        entries = GaugeMetricFamily("gata_cache_entries", "Entries held by each cache.", labels=["cache"])
        for name, s in sorted(stats.items()):
            lookups.add_metric([name, "hit"], s["hits"])
            lookups.add_metric([name, "miss"], s["misses"])
            evictions.add_metric([name], s["evictions"])
            size.add_metric([name], s["bytes"])
            entries.add_metric([name], s["entries"])
        yield from (lookups, evictions, size, entries)


class ServerMetrics:
    """The server's own registry (not the process-global one: tests run several servers)."""

    def __init__(self, state: CurrentState) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "gata_requests",
            "Tool calls by tool, tenant scope, API (mcp or rest) and outcome.",
            ["tool", "tenant", "api", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "gata_request_duration_seconds",
            "Tool call latency, by tool, tenant and API.",
            ["tool", "tenant", "api"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            "gata_errors", "Failed tool calls by tool and kind.", ["tool", "kind"], registry=self.registry
        )
        self.registry.register(BuildStatusCollector(state))
        self.registry.register(CacheCollector())

    def observe(self, tool: str, tenant: str, outcome: str, seconds: float) -> None:
        api = api_var.get()
        self.requests.labels(tool, tenant, api, outcome).inc()
        self.latency.labels(tool, tenant, api).observe(seconds)
        if outcome != "ok":
            self.errors.labels(tool, outcome).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
