"""Benchmark: the MCP `query` tool (HTTP, official client) against DuckDB running the same compiled SQL.

    uv run python benchmarks/query.py                 # builds a large tenant in a temp GATA_HOME first
    uv run python benchmarks/query.py --home DIR      # reuse (or build once into) DIR

A tenant ``bench_corp`` (tyrell_corp's sources, ``--days`` days at ``--volume``) is
built with ``gata build``; the defaults give about a million analytics events.
Then ``gata serve`` runs as a child process on 127.0.0.1 and, for each query:

- ``direct``: the SQL the server compiled (taken from the tool's ``sql`` field),
  executed on the published snapshot with a read-only DuckDB connection, rows fetched;
- ``mcp``: ``call_tool("query", ...)`` through the ``mcp`` client over streamable HTTP
  with a bearer token (auth, scope, governance, execution, JSON, transport);
- ``rest``: the same arguments posted to ``/api/v1/query`` (the REST mirror, same tool).

It prints median and p95 latency of both and their ratio, then queries per
second with 16 concurrent MCP clients (and 16 direct threads, for scale). For
those the server runs with its result cache off (``GATA_RESULT_CACHE_MB=0``), so
every MCP call runs its SQL as the direct path does. Then a second server with
the cache on answers each query repeatedly: cache hit against the miss above.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import duckdb
import httpx2
import yaml
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gata.settings import Paths
from gata.tokens import TokenStore

TENANT = "bench_corp"
QUERIES: dict[str, dict[str, Any]] = {
    "events by name x week": {"metrics": ["events"], "dimensions": ["event_name"], "time_grain": "week"},
    "events by country x device, 30d": {
        "metrics": ["events"],
        "dimensions": ["geo_country", "device_category"],
        "date_range": {"start": "2026-10-02", "end": "2026-10-31"},
    },
    "sessions+conv. rate by source x month": {
        "metrics": ["sessions", "converting_sessions", "conversion_rate"],
        "dimensions": ["traffic_source"],
        "time_grain": "month",
    },
    "users (distinct) by device": {"metrics": ["users"], "dimensions": ["device_category"]},
    "spend, clicks, ctr by platform x week": {
        "metrics": ["spend", "clicks", "ctr"],
        "dimensions": ["source_platform"],
        "time_grain": "week",
    },
}


def gata(*args: str, env: dict[str, str], **kw: Any) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("gata")
    return subprocess.run([str(exe), *args], env=env, text=True, check=True, **kw)


def prepare(home: Path, days: int, volume: float) -> Paths:
    tenants = home.parent / f"{home.name}.tenants.yaml"
    body = yaml.safe_load((ROOT / "tenants.yaml").read_text())["tenants"]["tyrell_corp"]
    body["name"] = "Bench Corp"
    body["mock_data"].update(days=days, volume=volume, seed=4242)
    paths = Paths(home=home, tenants_file=tenants)
    if not tenants.exists() or yaml.safe_load(tenants.read_text())["tenants"][TENANT] != body:
        tenants.write_text(yaml.safe_dump({"tenants": {TENANT: body}}))
    if not (home / "serving" / "current" / "semantic_configs" / f"{TENANT}.yaml").exists():
        print(
            f"building {TENANT} ({days} days at volume {volume}) into {home}; this takes a few minutes...",
            flush=True,
        )
        start = time.monotonic()
        gata("build", env=env_for(paths), stdout=subprocess.DEVNULL)
        print(f"built in {time.monotonic() - start:.0f}s", flush=True)
    return paths


def env_for(paths: Paths) -> dict[str, str]:
    return {**os.environ, "GATA_HOME": str(paths.home), "GATA_TENANTS_FILE": str(paths.tenants_file)}


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(paths: Paths, **env: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("gata")), "serve", "--port", str(port)],
        env={**env_for(paths), **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx2.get(url + "/health", timeout=1).status_code == 200:
                return proc, url
        except httpx2.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("gata serve did not start")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def client(url: str, token: str) -> Any:
    http = httpx2.AsyncClient(
        headers={"Authorization": f"Bearer {token}"}, timeout=httpx2.Timeout(60, read=300)
    )
    return http, Client(streamable_http_client(url + "/mcp", http_client=http))


async def latency(url: str, token: str, db: Path, repeat: int) -> list[dict[str, Any]]:
    rows = []
    con = duckdb.connect(str(db), read_only=True)
    http, mcp = client(url, token)
    rest = httpx2.AsyncClient(
        headers={"Authorization": f"Bearer {token}"}, timeout=httpx2.Timeout(60, read=300)
    )
    async with http, mcp, rest:
        has_rest = (
            await rest.get(url + "/api/v1/openapi.json")
        ).status_code == 200  # an older server: MCP only
        for name, args in QUERIES.items():
            start = time.perf_counter()
            first = await mcp.call_tool("query", args)
            cold = (time.perf_counter() - start) * 1000
            if first.is_error:
                raise SystemExit(f"{name}: {first.content[0].text}")
            result = first.structured_content
            sql = result["sql"]
            scanned = scan_rows(con, sql)
            post = functools.partial(rest.post, url + "/api/v1/query", json=args) if has_rest else None
            direct, via_mcp, via_rest = await alternate(con, sql, mcp, args, repeat, post)
            rows.append(
                {
                    "query": name,
                    "scanned": scanned,
                    "rows": result["row_count"],
                    "cold_ms": cold,
                    "direct_p50": statistics.median(direct),
                    "direct_p95": pct(direct, 95),
                    "mcp_p50": statistics.median(via_mcp),
                    "mcp_p95": pct(via_mcp, 95),
                    "rest_p50": statistics.median(via_rest) if via_rest else float("nan"),
                }
            )
    con.close()
    return rows


async def alternate(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    mcp: Client,
    args: dict[str, Any],
    repeat: int,
    rest: Callable[[], Awaitable[httpx2.Response]] | None = None,
) -> tuple[list[float], list[float], list[float]]:
    """Milliseconds of the SQL run directly, of the same query through MCP and (given `rest`) through the REST
    mirror, alternating so every path sees one load."""
    direct: list[float] = []
    via_mcp: list[float] = []
    via_rest: list[float] = []
    for _ in range(3):  # warm every path
        con.execute(sql).fetchall()
        await mcp.call_tool("query", args)
        if rest is not None:
            (await rest()).raise_for_status()
    for _ in range(repeat):
        t0 = time.perf_counter()
        con.execute(sql).fetchall()
        t1 = time.perf_counter()
        await mcp.call_tool("query", args)
        t2 = time.perf_counter()
        if rest is not None:
            (await rest()).json()
        t3 = time.perf_counter()
        direct.append((t1 - t0) * 1000)
        via_mcp.append((t2 - t1) * 1000)
        if rest is not None:
            via_rest.append((t3 - t2) * 1000)
    return direct, via_mcp, via_rest


def scan_rows(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    import re

    total = 0
    for table in set(re.findall(r'"analytics"\."([^"]+)"', sql)):
        total += con.execute(f'select count(*) from analytics."{table}"').fetchone()[0]
    return total


async def throughput(url: str, token: str, clients: int, seconds: float) -> tuple[int, float]:
    names = list(QUERIES)
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker(i: int) -> None:
        nonlocal done
        http, mcp = client(url, token)
        async with http, mcp:
            k = i
            while time.perf_counter() < deadline:
                result = await mcp.call_tool("query", QUERIES[names[k % len(names)]])
                assert not result.is_error, result.content
                done += 1
                k += 1

    start = time.perf_counter()
    async with anyio.create_task_group() as tg:
        for i in range(clients):
            tg.start_soon(worker, i)
    return done, time.perf_counter() - start


async def cache_hits(url: str, token: str, repeat: int) -> dict[str, float]:
    """Median ms of each query answered from the result cache (after one call that fills it)."""
    http, mcp = client(url, token)
    out: dict[str, float] = {}
    async with http, mcp:
        for name, args in QUERIES.items():
            await mcp.call_tool("query", args)
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                await mcp.call_tool("query", args)
                times.append((time.perf_counter() - t0) * 1000)
            out[name] = statistics.median(times)
    return out


def direct_throughput(db: Path, sqls: list[str], threads: int, seconds: float) -> tuple[int, float]:
    con = duckdb.connect(str(db), read_only=True)
    counts = [0] * threads
    deadline = time.perf_counter() + seconds

    def run(i: int) -> None:
        cur = con.cursor()
        k = i
        while time.perf_counter() < deadline:
            cur.execute(sqls[k % len(sqls)]).fetchall()
            counts[i] += 1
            k += 1
        cur.close()

    start = time.perf_counter()
    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - start
    con.close()
    return sum(counts), elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, help="GATA_HOME to build into / reuse (default: a temp dir)")
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--volume", type=float, default=20.0)
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per query and path")
    parser.add_argument(
        "--clients", type=int, default=16, help="concurrent MCP clients for the throughput run"
    )
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each throughput run")
    parser.add_argument(
        "--tenant",
        help="measure this already-published tenant of --home (with tyrell_corp's "
        "sources) instead of building bench_corp; tenants file from "
        "GATA_TENANTS_FILE",
    )
    args = parser.parse_args()
    global TENANT

    temp = None
    if args.home is None:
        temp = Path(tempfile.mkdtemp(prefix="gata-bench-"))
        args.home = temp / "home"
    if args.tenant:
        TENANT = args.tenant
        paths = Paths(home=args.home.resolve(), tenants_file=Path(os.environ["GATA_TENANTS_FILE"]).resolve())
    else:
        paths = prepare(args.home.resolve(), args.days, args.volume)
    token = TokenStore(paths.tokens_file).create(tenant=TENANT, note="benchmark")[1]
    proc, url = serve(paths, GATA_RESULT_CACHE_MB="0")
    try:
        db = (paths.serving_dir / "current").resolve() / "warehouse.duckdb"
        with duckdb.connect(str(db), read_only=True) as con:
            sizes = {
                t: con.execute(f"select count(*) from analytics.fct_{TENANT}__{t}").fetchone()[0]
                for t in ("ad_performance", "sessions", "events")
            }
        print(
            f"\n{TENANT}: "
            + ", ".join(f"{t} {n:,} rows" for t, n in sizes.items())
            + f"; {os.cpu_count()} CPUs; {args.repeat} timed runs per query\n"
        )
        rows = anyio.run(latency, url, token, db, args.repeat)
        header = (
            f"{'query':<40} {'scans':>10} {'rows':>5} {'cold':>7} {'direct p50':>10} {'p95':>7} "
            f"{'mcp p50':>8} {'p95':>7} {'p50 x':>6} {'p95 x':>6} {'rest p50':>8} {'x':>6}"
        )
        print(header)
        print("-" * len(header))
        for r in rows:
            print(
                f"{r['query']:<40} {r['scanned']:>10,} {r['rows']:>5} {r['cold_ms']:>6.1f}m {r['direct_p50']:>9.1f}m "
                f"{r['direct_p95']:>6.1f}m {r['mcp_p50']:>7.1f}m {r['mcp_p95']:>6.1f}m "
                f"{r['mcp_p50'] / r['direct_p50']:>5.2f}x {r['mcp_p95'] / r['direct_p95']:>5.2f}x "
                f"{r['rest_p50']:>7.1f}m {r['rest_p50'] / r['direct_p50']:>5.2f}x"
            )
        print("(ms; 'cold' is the first MCP call, which compiles the query; x = MCP (or REST) / direct)\n")

        done, elapsed = anyio.run(throughput, url, token, args.clients, args.seconds)
        sqls: list[str] = []

        async def compiled() -> None:
            http, mcp = client(url, token)
            async with http, mcp:
                for q in QUERIES.values():
                    sqls.append((await mcp.call_tool("query", q)).structured_content["sql"])

        anyio.run(compiled)
        ddone, delapsed = direct_throughput(db, sqls, args.clients, args.seconds)
        mcp_qps, direct_qps = done / elapsed, ddone / delapsed
        print(
            f"throughput, {args.clients} concurrent clients, the queries above in rotation, {args.seconds:.0f}s:"
        )
        print(f"  mcp    {mcp_qps:8.1f} queries/s ({done} calls)")
        print(f"  direct {direct_qps:8.1f} queries/s ({ddone} executions, {args.clients} threads)")
        print(f"  ratio  {mcp_qps / direct_qps:8.2f} of direct throughput\n")
        proc.terminate()
        proc.wait(10)

        proc, url = serve(paths)  # the result cache on (its default budget)
        hits = anyio.run(cache_hits, url, token, args.repeat)
        print("result cache, through MCP (ms, p50): miss = the cache-off server above, hit = repeats here")
        for r in rows:
            hit = hits[r["query"]]
            print(f"  {r['query']:<40} miss {r['mcp_p50']:7.1f}  hit {hit:6.1f}  {r['mcp_p50'] / hit:5.1f}x")
    finally:
        proc.terminate()
        proc.wait(10)
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
