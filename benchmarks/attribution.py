"""Benchmark: attribution build time per tenant, and roas by campaign by week through MCP against its SQL run directly.

    uv run python benchmarks/attribution.py                      # temp GATA_HOMEs, 30 days, volumes 1 and 10
    uv run python benchmarks/attribution.py --days 90 --repeat 40

For each volume a tenant ``bench_corp`` (tyrell_corp's sources) is built with
``gata build`` (benchmarks/query.py's ``prepare``); dbt's run_results.json gives the
build time of the four attribution models (touchpoints, conversion paths, the seven
models' credits, channel performance) next to the whole tenant's dbt build. On the
largest build, ``gata serve`` answers ``roas, spend, attributed_revenue by
campaign_name by week`` (linear model) through the official client over streamable
HTTP, alternating with the compiled SQL run directly on the published snapshot.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import anyio
import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.query import TENANT, alternate, client, pct, prepare, serve
from gata.settings import Paths
from gata.tokens import TokenStore

ATTRIBUTION_NODES = ("fct_touchpoints", "fct_conversion_paths", "fct_attribution", "fct_channel_performance")
QUERY: dict[str, Any] = {
    "metrics": ["roas", "spend", "attributed_revenue"],
    "dimensions": ["campaign_name"],
    "time_grain": "week",
    "attribution_model": "linear",
    "limit": 1000,
}


def build_times(paths: Paths) -> dict[str, float]:
    """Seconds per attribution model, and for every model of the build, from dbt's last run."""
    results = json.loads((paths.dbt_target(TENANT) / "run_results.json").read_text())["results"]
    models = {
        r["unique_id"].split(".")[-1]: r["execution_time"]
        for r in results
        if r["unique_id"].startswith("model.")
    }
    return {**{n: models.get(n, 0.0) for n in ATTRIBUTION_NODES}, "all models": sum(models.values())}


def sizes(paths: Paths) -> dict[str, int]:
    with duckdb.connect(str(paths.tenant_db(TENANT)), read_only=True) as con:
        return {
            t: con.execute(f'select count(*) from analytics."fct_{TENANT}__{t}"').fetchone()[0]
            for t in ("sessions", "orders", "conversion_paths", "attribution", "channel_performance")
        }


async def latency(url: str, token: str, db: Path, repeat: int) -> dict[str, float]:
    con = duckdb.connect(str(db), read_only=True)
    http, mcp = client(url, token)
    async with http, mcp:
        first = await mcp.call_tool("query", QUERY)
        if first.is_error:
            raise SystemExit(first.content[0].text)
        sql = first.structured_content["sql"]
        direct, via_mcp, _ = await alternate(con, sql, mcp, QUERY, repeat)
    con.close()
    return {
        "rows": first.structured_content["row_count"],
        "direct_p50": statistics.median(direct),
        "direct_p95": pct(direct, 95),
        "mcp_p50": statistics.median(via_mcp),
        "mcp_p95": pct(via_mcp, 95),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--volumes", type=float, nargs="+", default=[1.0, 10.0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    temp = Path(tempfile.mkdtemp(prefix="gata-bench-attribution-"))
    try:
        built: list[Paths] = []
        print(
            f"{'volume':>6} {'sessions':>9} {'orders':>7} {'paths':>7} {'credits':>8} "
            + " ".join(f"{n.removeprefix('fct_'):>20}" for n in ATTRIBUTION_NODES)
            + f" {'attribution':>11} {'all':>7}"
        )
        for volume in args.volumes:
            (temp / f"v{volume:g}").mkdir()
            paths = prepare(temp / f"v{volume:g}" / "home", args.days, volume)
            built.append(paths)
            times, size = build_times(paths), sizes(paths)
            attribution = sum(times[n] for n in ATTRIBUTION_NODES)
            print(
                f"{volume:>6g} {size['sessions']:>9,} {size['orders']:>7,} {size['conversion_paths']:>7,} "
                f"{size['attribution']:>8,} "
                + " ".join(f"{times[n]:>19.2f}s" for n in ATTRIBUTION_NODES)
                + f" {attribution:>10.2f}s {times['all models']:>6.1f}s"
            )
        paths = built[-1]
        token = TokenStore(paths.tokens_file).create(tenant=TENANT, note="benchmark")[1]
        proc, url = serve(paths)
        try:
            db = (paths.serving_dir / "current").resolve() / "warehouse.duckdb"
            r = anyio.run(latency, url, token, db, args.repeat)
        finally:
            proc.terminate()
            proc.wait(10)
        print(
            f"\nroas, spend, attributed_revenue by campaign_name by week (linear), {r['rows']} rows, "
            f"{args.repeat} alternating runs:"
        )
        print(f"  direct p50 {r['direct_p50']:.1f} ms  p95 {r['direct_p95']:.1f} ms")
        print(f"  mcp    p50 {r['mcp_p50']:.1f} ms  p95 {r['mcp_p95']:.1f} ms")
        print(
            f"  ratio  p50 {r['mcp_p50'] / r['direct_p50']:.2f}x  p95 {r['mcp_p95'] / r['direct_p95']:.2f}x"
        )
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
