"""The caches: bounded by bytes, least recently used out first, keyed by digests; the result cache answers
repeats and never answers a new snapshot from an old one's results."""

from __future__ import annotations

from pathlib import Path

import duckdb
import yaml

from gata.settings import Paths
from gata.tokens import Scope
from mcp_server import cache
from mcp_server.cache import ByteLRU, digest
from mcp_server.state import ServerConfig, ServerState
from mcp_server.tools.query import QueryArgs, run_query
from tests.mcp_server.mcp_support import publish_copy


def test_a_byte_bounded_lru_evicts_the_least_recently_used() -> None:
    lru = ByteLRU("test", max_bytes=40_000)
    for i in range(10):
        lru.put(digest(str(i)), "x" * 5_000)
    assert lru.get(digest("0")) is None  # evicted first
    assert lru.get(digest("9")) is not None
    stats = lru.stats()
    assert stats.bytes <= 40_000 and stats.entries < 10 and stats.evictions > 0
    assert stats.hits == 1 and stats.misses == 1
    lru.put(digest("huge"), "y" * 20_000)  # over a quarter of the budget: not kept, nothing flushed
    assert lru.get(digest("huge")) is None and lru.get(digest("9")) is not None


def test_keys_are_digests_not_requests() -> None:
    assert len(digest("tenant", "x" * 4_000_000)) == 32
    assert digest("ab", "c") != digest("a", "bc")


def test_repeats_come_from_the_result_cache_and_a_new_snapshot_is_never_answered_from_the_old(
        demo: Paths, tmp_path: Path) -> None:
    paths = Paths(tmp_path / "home", demo.tenants_file)
    publish_copy(demo, paths.serving_dir, "v1")
    gata = ServerState(paths, Scope("tyrell_corp"), ServerConfig())
    args = QueryArgs(metrics=["spend"], dimensions=["source_platform"],
                     filters=[{"field": "source_platform", "operator": "in", "values": ["google_ads"]}])
    try:
        before = cache.RESULTS.stats()
        first = run_query(gata, Scope("tyrell_corp"), args)
        again = run_query(gata, Scope("tyrell_corp"), args)
        after = cache.RESULTS.stats()
        assert (
            again.rows == first.rows and after.hits == before.hits + 1 and after.misses == before.misses + 1
        )

        v2 = publish_copy(demo, paths.serving_dir, "v2")  # same config, doubled spend: only the data changed
        table = yaml.safe_load((v2 / "semantic_configs" / "tyrell_corp.yaml").read_text())["tables"][
            "ad_performance"
        ]["table"]
        with duckdb.connect(str(v2 / "warehouse.duckdb")) as con:
            con.execute(f"update analytics.{table} set spend = spend * 2")
        fresh = run_query(gata, Scope("tyrell_corp"), args)
        assert fresh.freshness.snapshot.version == "v2" and fresh.sql == first.sql
        assert fresh.rows[0]["spend"] == round(first.rows[0]["spend"] * 2, 2)
    finally:
        gata.snapshots.close()
