"""Live landing throughput: from the fake vendor APIs vs from the mock generators, and under throttling.

Run: ``uv run python benchmarks/live.py [--volume 1] [--days 7] [--throttle 0.2]``

One tenant (Facebook Ads, Instagram Ads, Shopify, GA4) is landed three times into
fresh homes, side by side in one run: from the mock generators (generation +
landing timed, as ``gata ingest`` does), live against the fake APIs on 127.0.0.1,
and live with ``--throttle`` of requests answered 429 / the vendor's throttle (with
``Retry-After: 1``). Every live landing is checked against the mock landing row for
row: nothing lost, nothing duplicated. Prints rows/s of each and the time the
throttling added.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from gata.settings import Paths
from gata.tenants import Tenant, parse_tenants
from ingestion.landing import land_tenant
from ingestion.live.fakes import fake_apis, live_settings, secret_env
from ingestion.live.fakes.compare import landed_rows
from ingestion.live.fakes.server import Faults

END = date(2026, 10, 31)
SOURCES = {
    "paid_ads": ["facebook_ads", "instagram_ads"],
    "ecommerce": ["shopify"],
    "analytics": ["google_analytics"],
}


def _tenant(days: int, volume: float, live: dict | None = None) -> Tenant:
    body = {
        "name": "Benchmark",
        "sources": SOURCES,
        "business_logic": {"currency": "USD", "conversion_events": ["purchase"]},
        "mock_data": {"seed": 5, "days": days, "end_date": END.isoformat(), "volume": volume},
    }
    return parse_tenants({"tenants": {"bench_live": {**body, **({"live": live} if live else {})}}})[
        "bench_live"
    ]


def _land(tenant: Tenant, home: Path) -> tuple[float, int, Paths]:
    paths = Paths(home=home, tenants_file=home / "tenants.yaml")
    t0 = time.perf_counter()
    results = land_tenant(tenant, paths=paths)
    seconds = time.perf_counter() - t0
    errors = [r.error for r in results if r.error]
    if errors:
        raise SystemExit(f"live landing failed: {errors}")
    return seconds, sum(sum(r.rows.values()) for r in results), paths


def _live(
    mock: Tenant, args: argparse.Namespace, home: Path, throttle: float
) -> tuple[float, int, Paths, int, int]:
    faults = Faults(throttle_ratio=throttle, throttle_first=False, error_500_at=None, retry_after=1)
    with fake_apis(mock, mock.connectors, faults=faults) as apis:
        os.environ.update(secret_env(apis, mock.slug, mock.connectors))
        live = _tenant(args.days, args.volume, live_settings(apis, mock.connectors, page_size=args.page_size))
        seconds, rows, paths = _land(live, home)
        requests = sum(f.requests for f in apis.families.values())
        throttled = sum(f.served["_throttled"] for f in apis.families.values())
        for fam in apis.families.values():
            for obj, keys in fam.served_keys.items():
                if len(keys) != len(set(keys)):
                    raise SystemExit(f"{fam.name}.{obj}: a record was served twice")
    return seconds, rows, paths, requests, throttled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--volume", type=float, default=1.0)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--throttle", type=float, default=0.2)
    parser.add_argument("--page-size", type=int, default=250)
    args = parser.parse_args()
    os.environ.setdefault("RUNTIME__REQUEST_BACKOFF_FACTOR", "0.5")
    mock = _tenant(args.days, args.volume)
    start = END - timedelta(days=args.days - 1)
    with tempfile.TemporaryDirectory() as tmp:
        mock_s, mock_rows, mock_paths = _land(mock, Path(tmp) / "mock")
        live_s, live_rows, live_paths, live_req, _ = _live(mock, args, Path(tmp) / "live", 0.0)
        thr_s, thr_rows, thr_paths, thr_req, thr_n = _live(mock, args, Path(tmp) / "throttled", args.throttle)
        for paths in (live_paths, thr_paths):
            for c in mock.connectors:
                want = landed_rows(mock_paths, mock.slug, c)
                if landed_rows(paths, mock.slug, c, columns_of=mock_paths) != want:
                    raise SystemExit(f"{c}: live landing differs from the mock landing")
    print(
        f"{len(mock.connectors)} connectors, {args.days} days ({start} .. {END}), volume {args.volume}, "
        f"page size {args.page_size}"
    )
    print(
        f"mock generators      : {mock_rows:>8} rows in {mock_s:6.2f}s = {mock_rows / mock_s:>9,.0f} rows/s"
    )
    print(
        f"live, fake APIs      : {live_rows:>8} rows in {live_s:6.2f}s = {live_rows / live_s:>9,.0f} rows/s "
        f"({live_req} requests)"
    )
    print(
        f"live, {args.throttle:.0%} throttled : {thr_rows:>8} rows in {thr_s:6.2f}s = {thr_rows / thr_s:>9,.0f} rows/s "
        f"({thr_req} requests, {thr_n} throttled)"
    )
    print(
        f"ratio live / mock = {mock_s / live_s:.2f}; throttling added {thr_s - live_s:.1f}s "
        f"({(thr_s - live_s) / max(thr_n, 1):.2f}s per throttled request); rows equal to the mock's, none twice"
    )


if __name__ == "__main__":
    main()
