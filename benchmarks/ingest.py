"""Ingestion throughput: dlt landing vs a plain DuckDB insert of the same rows from Arrow.

Run: ``uv run python benchmarks/ingest.py [--volume 8] [--days 14]``

Generates a large tenant (every connector domain, GA4 events being the bulk),
lands it with dlt exactly as ``gata ingest`` does, then reads every landed table
back as Arrow and inserts the same rows into a fresh DuckDB file: the physical
limit here. Prints both rates and their ratio, measured side by side in one run.
Generation time is excluded from both (records are generated before the clock).

The landing is timed twice: cold, the first in this process (dlt's imports and
one-time set-up included, as in a one-off ``gata ingest``), and warm, the same
records landed again for a second tenant (as in a worker that builds tenant after
tenant, or ``gata serve`` onboarding one more).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb

from gata.settings import Paths
from gata.tenants import parse_tenants
from ingestion import dna
from ingestion.landing import generate, land_records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--volume", type=float, default=8.0)
    parser.add_argument("--days", type=int, default=14)
    args = parser.parse_args()
    end = date(2026, 10, 31)
    start = end - timedelta(days=args.days - 1)
    tenant = parse_tenants(
        {
            "tenants": {
                "bench_ingest": {
                    "name": "Benchmark",
                    "sources": {
                        "paid_ads": ["google_ads", "facebook_ads"],
                        "ecommerce": ["shopify"],
                        "analytics": ["google_analytics"],
                    },
                    "business_logic": {"currency": "USD", "conversion_events": ["purchase"]},
                    "mock_data": {"seed": 5, "days": args.days, "end_date": end.isoformat(), "volume": args.volume},
                }
            }
        }
    )["bench_ingest"]
    with tempfile.TemporaryDirectory() as tmp:
        paths = Paths(home=Path(tmp) / "home", tenants_file=Path(tmp) / "tenants.yaml")
        t0 = time.perf_counter()
        generated = {c: generate(tenant, c, start, end) for c in tenant.connectors}
        gen_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        results = [land_records(tenant.slug, c, recs, start, end, paths) for c, recs in generated.items()]
        land_s = time.perf_counter() - t0
        rows = sum(sum(r.rows.values()) for r in results)
        t0 = time.perf_counter()
        for c, recs in generated.items():
            land_records(f"{tenant.slug}_warm", c, recs, start, end, paths)
        warm_s = time.perf_counter() - t0

        with duckdb.connect(str(paths.tenant_db(tenant.slug)), read_only=True) as con:
            arrow = {}
            for r in results:
                for table in dna.landed_tables(con, r.dataset):
                    arrow[f"{r.connector}__{table}"] = con.execute(
                        f'select * from "{r.dataset}"."{table}"'
                    ).to_arrow_table()
        arrow_rows = sum(t.num_rows for t in arrow.values())
        with duckdb.connect(str(Path(tmp) / "plain.duckdb")) as plain:
            t0 = time.perf_counter()
            for name, table in arrow.items():
                plain.register("src", table)
                plain.execute(f'create table "{name}" as select * from src')
                plain.unregister("src")
            plain.execute("checkpoint")
            plain_s = time.perf_counter() - t0

    plain_rate = arrow_rows / plain_s
    print(f"volume {args.volume}, {args.days} days, {len(tenant.connectors)} connectors")
    print(f"generated records in {gen_s:.1f}s (not timed below)")
    for label, seconds in (("landing, cold", land_s), ("landing, warm", warm_s)):
        print(f"{label}: {rows:>9} rows in {seconds:7.2f}s = {rows / seconds:>12,.0f} rows/s")
    print(f"plain insert : {arrow_rows:>9} rows in {plain_s:7.2f}s = {plain_rate:>12,.0f} rows/s (DuckDB from Arrow)")
    for label, seconds in (("cold", land_s), ("warm", warm_s)):
        ratio = rows / seconds / plain_rate
        print(f"ratio landing ({label}) / plain = {ratio:.4f}  (1 / {1 / ratio:.1f})")


if __name__ == "__main__":
    main()
