"""Benchmark: the server's bounds, measured against a real `gata serve` over streamable HTTP.

    uv run python benchmarks/bounds.py --home DIR              # build the demo tenants into DIR once, reuse after
    uv run python benchmarks/bounds.py --home DIR --parts cache,rss,hostile --requests 1000 --calls 10000

- ``cache``: the same query asked twice, for ``--distinct`` different queries: first answer (compiled,
  run, cached) against the repeat (from the result cache), side by side, and the server's counters;
- ``rss``: ``--requests`` distinct large queries (``--values`` 200-character values in an ``in`` filter,
  each never asked before), sampling the server's resident memory every 50 requests; after the first
  ``--warmup`` requests the spread must stay within 100 MB;
- ``hostile``: ``--calls`` generated hostile calls (seeded, so every run sends the same ones) across
  tools, resources, prompts and completions from a tyrell_corp token; counts calls, refusals, internal
  errors (must be 0) and leaks (another tenant's campaign or table name in an answer whose request did
  not contain it: must be 0).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import anyio
import httpx2
import yaml
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError
from mcp_types import PromptReference

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gata.settings import Paths
from gata.tokens import TokenStore
from tests.mcp_server.mcp_support import EVIL_VALUES, OTHERS, leak_markers

TENANT = "tyrell_corp"


def env_for(paths: Paths) -> dict[str, str]:
    return {**os.environ, "GATA_HOME": str(paths.home), "GATA_TENANTS_FILE": str(paths.tenants_file)}


def prepare(home: Path, days: int) -> Paths:
    """The three demo tenants, their last ``days`` days, built with `gata build` (once per home)."""
    tenants = home.parent / f"{home.name}.tenants.yaml"
    paths = Paths(home=home, tenants_file=tenants)
    if not (paths.serving_dir / "current").exists():
        raw = yaml.safe_load((ROOT / "tenants.yaml").read_text())
        for body in raw["tenants"].values():
            body["mock_data"]["days"] = days
        tenants.write_text(yaml.safe_dump(raw, sort_keys=False))
        home.mkdir(parents=True, exist_ok=True)
        subprocess.run([str(Path(sys.executable).with_name("gata")), "build"], env=env_for(paths), check=True)
    return paths


def serve(paths: Paths) -> tuple[subprocess.Popen[bytes], str]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("gata")), "serve", "--port", str(port)],
        env=env_for(paths),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx2.get(url + "/health", timeout=2).status_code == 200:
                return proc, url
        except httpx2.TransportError:
            time.sleep(0.2)
    raise SystemExit("gata serve did not start")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def client(url: str, token: str) -> Any:
    hc = httpx2.AsyncClient(
        headers={"Authorization": f"Bearer {token}"}, timeout=httpx2.Timeout(60, read=300)
    )
    return hc, Client(streamable_http_client(url + "/mcp", http_client=hc))


# ---- cache -------------------------------------------------------------------------------------------
async def cache_part(url: str, token: str, distinct: int) -> None:
    hc, c = client(url, token)
    first, repeat = [], []
    async with hc, c:
        for i in range(distinct):
            args = {
                "metrics": ["spend", "clicks", "ctr"],
                "dimensions": ["campaign_name"],
                "time_grain": "day",
                "filters": [{"field": "campaign_name", "operator": "not in", "values": [f"bench-{i}"]}],
            }
            for times in (first, repeat):
                start = time.perf_counter()
                result = await c.call_tool("query", args)
                times.append(time.perf_counter() - start)
                assert not result.is_error, result.content[0].text
    miss, hit = statistics.median(first), statistics.median(repeat)
    print(f"cache: {distinct} distinct queries, each asked twice")
    print("  through MCP (HTTP, client-side result validation included):")
    print(f"    first (compile + run + cache): median {miss * 1000:8.1f} ms")
    print(f"    repeat (result cache hit):     median {hit * 1000:8.1f} ms")
    print(f"    ratio first / repeat: {miss / hit:.1f}x")


def cache_server_side(paths: Paths, distinct: int) -> None:
    """The server's own work for the same queries (run_query in this process: no transport, no client)."""
    from gata.tokens import Scope
    from mcp_server import cache
    from mcp_server.state import ServerConfig, ServerState
    from mcp_server.tools.query import QueryArgs, run_query

    gata = ServerState(paths, Scope(TENANT), ServerConfig())
    first, repeat = [], []
    for i in range(distinct):
        args = {
            "metrics": ["spend", "clicks", "ctr"],
            "dimensions": ["campaign_name"],
            "time_grain": "day",
            "filters": [{"field": "campaign_name", "operator": "not in", "values": [f"server-{i}"]}],
        }
        for times in (first, repeat):
            start = time.perf_counter()
            run_query(gata, Scope(TENANT), QueryArgs.model_validate(args))
            times.append(time.perf_counter() - start)
    miss, hit = statistics.median(first), statistics.median(repeat)
    print("  server side (run_query in-process):")
    print(
        f"    first: median {miss * 1000:8.1f} ms; repeat: median {hit * 1000:8.2f} ms; ratio {miss / hit:.0f}x"
    )
    for name, stat in cache.stats().items():
        print(
            f"    {name:9} hits {stat['hits']:5d}  misses {stat['misses']:5d}  entries {stat['entries']:5d}  "
            f"{stat['bytes'] / 1e6:6.2f} MB of {stat['max_bytes'] / 1e6:.0f} MB"
        )
    gata.snapshots.close()


# ---- rss ---------------------------------------------------------------------------------------------
async def rss_part(url: str, token: str, pid: int, requests: int, values: int, warmup: int) -> None:
    hc, c = client(url, token)
    samples: list[tuple[int, float]] = [(0, rss_mb(pid))]
    start = time.perf_counter()
    async with hc, c:
        for i in range(1, requests + 1):
            vals = [f"{i:06d}-{j:04d}-" + "v" * 188 for j in range(values)]
            result = await c.call_tool(
                "query",
                {
                    "metrics": ["spend"],
                    "dimensions": ["source_platform"],
                    "filters": [{"field": "campaign_name", "operator": "not in", "values": vals}],
                },
            )
            assert not result.is_error, result.content[0].text[:500]
            if i % 50 == 0:
                samples.append((i, rss_mb(pid)))
                print(
                    f"  ... {i} requests, {time.perf_counter() - start:.0f} s, rss {samples[-1][1]:.1f} MB",
                    flush=True,
                )
    after = [mb for n, mb in samples if n >= warmup]
    request_kb = len(json.dumps(vals)) / 1024
    print(
        f"rss: {requests} distinct requests of ~{request_kb:.0f} KB ({values} values), "
        f"{time.perf_counter() - start:.0f} s"
    )
    print("  requests  rss MB")
    for n, mb in samples:
        print(f"  {n:8d}  {mb:7.1f}")
    print(
        f"  after {warmup} requests: min {min(after):.1f} MB, max {max(after):.1f} MB, "
        f"spread {max(after) - min(after):.1f} MB (bound: 100 MB)"
    )


# ---- hostile -----------------------------------------------------------------------------------------
NAMES = [
    "spend",
    "clicks",
    "ctr",
    "source_platform",
    "campaign_name",
    "date",
    "sessions",
    "revenue",
    "wayne_enterprises",
    "stark_industries",
    "tenant_slug",
    "customer_email",
    "platform.load_history",
    "fct_wayne_enterprises__orders",
    "spend; drop table x",
    "sum(spend)",
    '"spend"',
    "ｓｐｅｎｄ",
    "",
    "*",
    "../wayne_enterprises",
    "date) union select * from analytics.fct_stark_industries__orders --",
    "😀",
]
VALUES = [*EVIL_VALUES, "2026-10-20", "0001-01-01", "9999-12-31", 1e308, -1, True, None]
OPS = ["=", "!=", ">", "<", "in", "not in", "like", "ilike", "is null", "is not null", "~", "union"]


def hostile_call(rng: random.Random) -> tuple[str, Any]:
    """One generated call: (kind, arguments)."""

    def name() -> Any:
        r = rng.random()
        if r < 0.05:
            return "x" * rng.choice([201, 5000, 100_000])
        if r < 0.08:
            return rng.choice([1, None, ["spend"], {"a": 1}])
        return rng.choice(NAMES)

    def value() -> Any:
        r = rng.random()
        if r < 0.05:
            return "%" * rng.choice([9, 50, 300])
        if r < 0.08:
            return "y" * rng.choice([201, 10_000])
        return rng.choice(VALUES)

    def filt() -> dict[str, Any]:
        f: dict[str, Any] = {"field": name(), "operator": rng.choice(OPS)}
        if rng.random() < 0.5:
            f["value"] = value()
        if rng.random() < 0.4:
            f["values"] = [value() for _ in range(rng.choice([0, 1, 3, 1001, 2500]))]
        if rng.random() < 0.05:
            f["evil"] = 1
        return f

    kind = rng.choices(
        ["query", "dimension_values", "list_metrics", "health", "onboard", "resource", "prompt", "complete"],
        weights=[40, 12, 6, 4, 6, 12, 12, 8],
    )[0]
    tenant = rng.choice([None, None, None, TENANT, *OTHERS, "ghost", "x" * 300, 7])
    if kind == "query":
        args: dict[str, Any] = {"metrics": [name() for _ in range(rng.choice([0, 1, 2, 21]))]}
        if rng.random() < 0.6:
            args["dimensions"] = [name() for _ in range(rng.choice([1, 2, 11]))]
        if rng.random() < 0.6:
            args["filters"] = [filt() for _ in range(rng.choice([1, 2, 21]))]
        if rng.random() < 0.2:
            args["date_range"] = {"start": rng.choice(VALUES), "end": rng.choice(VALUES)}
        if rng.random() < 0.2:
            args["limit"] = rng.choice([0, -1, 10**12, "all"])
        if tenant is not None:
            args["tenant"] = tenant
        return "tool:query", args
    if kind == "dimension_values":
        return "tool:get_dimension_values", {"dimension": name(), "search": value(), "tenant": tenant}
    if kind == "list_metrics":
        return "tool:list_metrics", {"search": value(), "tenant": tenant}
    if kind == "health":
        return "tool:pipeline_health", {"tenant": tenant}
    if kind == "onboard":
        return "tool:onboard_tenant", {
            "slug": rng.choice(["acme_corp\n", "evil", "a" * 50, "x"]),
            "name": "Evil",
            "sources": ["google_ads"],
            "evil": 1,
        }
    if kind == "resource":
        other = rng.choice([*OTHERS, TENANT, "..", "%2e%2e", "x" * 300])
        return "resource", rng.choice(
            [
                f"gata://tenants/{other}/semantic-model",
                f"gata://tenants/{other}/metrics",
                "file:///etc/passwd",
                f"gata://{other}",
            ]
        )
    if kind == "prompt":
        args = {
            "weeks": rng.choice(["2", "-1", "many", "99999"]),
            "tenant": rng.choice([*OTHERS, "", TENANT]),
        }
        if rng.random() < 0.2:
            args["platform"] = "p" * rng.choice([201, 3_000_000])
        return "prompt", (rng.choice(["weekly_channel_review", "campaign_review", "nope"]), args)
    return "complete", (
        rng.choice(["platform", "campaign", "tenant"]),
        rng.choice(["", "w", "wayne", "%", "x" * 5000]),
        rng.choice([None, *OTHERS]),
    )


async def hostile_part(url: str, token: str, calls: int, markers: set[str], seed: int) -> None:
    rng = random.Random(seed)
    counts = {"calls": 0, "refused": 0, "answered": 0, "internal_errors": 0, "leaks": 0}
    examples: list[str] = []
    hc, c = client(url, token)
    start = time.perf_counter()
    async with hc, c:
        for _ in range(calls):
            kind, args = hostile_call(rng)
            sent = json.dumps(args, default=str)
            try:
                if kind.startswith("tool:"):
                    result = await c.call_tool(kind[5:], {k: v for k, v in args.items() if v is not None})
                    text = json.dumps([b.model_dump() for b in result.content], default=str)
                    counts["refused" if result.is_error else "answered"] += 1
                elif kind == "resource":
                    text = json.dumps((await c.read_resource(args)).model_dump(), default=str)
                    counts["answered"] += 1
                elif kind == "prompt":
                    name, pargs = args
                    text = json.dumps((await c.get_prompt(name, pargs)).model_dump(), default=str)
                    counts["answered"] += 1
                else:
                    arg, typed, tenant = args
                    context = {"tenant": tenant} if tenant else None
                    result = await c.complete(
                        PromptReference(type="ref/prompt", name="campaign_review"),
                        {"name": arg, "value": typed},
                        context,
                    )
                    text = json.dumps(result.model_dump(), default=str)
                    counts["answered"] += 1
            except MCPError as exc:
                text = str(exc.error.message)
                counts["refused"] += 1
            counts["calls"] += 1
            if "internal error" in text.lower():
                counts["internal_errors"] += 1
                examples.append(f"internal error: {kind} {sent[:300]} -> {text[:300]}")
            leaked = [m for m in markers if m in text and m not in sent]
            if leaked:
                counts["leaks"] += 1
                examples.append(f"leak {leaked[:3]}: {kind} {sent[:300]}")
    elapsed = time.perf_counter() - start
    print(
        f"hostile: {counts['calls']} calls in {elapsed:.0f} s ({counts['calls'] / elapsed:.0f}/s), seed {seed}"
    )
    for key, n in counts.items():
        print(f"  {key:16} {n}")
    for line in examples[:10]:
        print("  " + line)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, required=True)
    ap.add_argument("--days", type=int, default=14)
    ap.add_argument("--parts", default="cache,rss,hostile")
    ap.add_argument("--distinct", type=int, default=20)
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--values", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--calls", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=16)
    args = ap.parse_args()
    paths = prepare(args.home.resolve(), args.days)
    token = TokenStore(paths.tokens_file).create(tenant=TENANT, note="bounds benchmark")[1]
    proc, url = serve(paths)
    try:
        parts = args.parts.split(",")
        if "cache" in parts:
            anyio.run(cache_part, url, token, args.distinct)
            cache_server_side(paths, args.distinct)
        if "rss" in parts:
            anyio.run(rss_part, url, token, proc.pid, args.requests, args.values, args.warmup)
        if "hostile" in parts:
            anyio.run(hostile_part, url, token, args.calls, leak_markers(paths), args.seed)
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
