"""Ingestion throughput: dlt landing vs a plain DuckDB insert of the same rows from Arrow.

Run: ``uv run python benchmarks/ingest.py [--volume 8] [--days 14]``

Generates a large tenant (every connector domain, GA4 events being the bulk),
lands it with dlt exactly as ``gata ingest`` does, then reads every landed table
back as Arrow and inserts the same rows into a fresh DuckDB file: the physical
limit here. Prints both rates and their ratio, measured side by side in one run.
Generation time is excluded from both (records are generated before the clock).

The landing is timed cold, the first in this process (dlt's imports and one-time
set-up included, as in a one-off ``gata ingest``), and warm, the same records
landed again for another tenant (as in a worker that builds tenant after tenant,
or ``gata serve`` onboarding one more). Where the warm landing's time goes is
measured beside it: cutting the records into Arrow tables
(``ingestion.arrow_rows.flatten``), and dlt alone appending those same tables, one
pipeline per connector as landing runs it, with nothing of ours around it (no
merge, schema DNA or load history). Warm timings are the best of ``--repeat`` runs,
the plain insert's too.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import dlt
import duckdb
import pyarrow as pa

from gata.catalog import catalog
from gata.settings import Paths
from gata.tenants import parse_tenants
from ingestion import dna
from ingestion.connectors import connector_module
from ingestion.landing import LandingResult, generate, land_records, tenant_file
from ingestion.loader import cut_tables


def land_all(slug: str, generated: dict[str, dict[str, list[dict]]], start: date, end: date,
             paths: Paths) -> list[LandingResult]:
    """Every connector's records landed as ``gata ingest`` lands a tenant: in a row, on its open file."""
    with tenant_file(slug, paths) as con:
        return [land_records(slug, c, records, start, end, paths, con=con) for c, records in generated.items()]


def best_of(repeat: int, run: Callable[[int], object]) -> float:
    """The fastest of ``repeat`` runs (each given its index, to write somewhere new)."""
    times = []
    for i in range(repeat):
        t0 = time.perf_counter()
        run(i)
        times.append(time.perf_counter() - t0)
    return min(times)


def to_arrow(generated: dict[str, dict[str, list[dict]]]) -> dict[str, dict[str, pa.Table]]:
    """Every connector's records cut into the tables landing hands dlt (as for a new tenant)."""
    out: dict[str, dict[str, pa.Table]] = {}
    for connector, records in generated.items():
        cut = cut_tables(catalog().get(connector), connector_module(connector), records, {})
        out[connector] = {name: table for tables in cut.values() for name, table in tables.items()}
    return out


def dlt_alone(tables: dict[str, dict[str, pa.Table]], database: Path, pipelines_dir: Path) -> None:
    """dlt appending finished Arrow tables, one pipeline per connector, on a lent connection."""
    with duckdb.connect(str(database)) as con:
        for connector, by_name in tables.items():
            pipeline = dlt.pipeline(pipeline_name=f"{database.stem}__{connector}", pipelines_dir=str(pipelines_dir),
                                    destination=dlt.destinations.duckdb(con), dataset_name=f"raw_{connector}")
            pipeline.run([dlt.resource([t], name=n, table_name=n, write_disposition="append")
                          for n, t in by_name.items()], loader_file_format="parquet")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--volume", type=float, default=8.0)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--repeat", type=int, default=3, help="warm runs; the best is reported")
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
        results = land_all(tenant.slug, generated, start, end, paths)
        land_s = time.perf_counter() - t0
        rows = sum(sum(r.rows.values()) for r in results)
        warm_s = best_of(args.repeat, lambda i: land_all(f"{tenant.slug}_warm{i}", generated, start, end, paths))
        arrow_s = best_of(args.repeat, lambda i: to_arrow(generated))
        tables = to_arrow(generated)
        alone_s = best_of(args.repeat, lambda i: dlt_alone(tables, Path(tmp) / f"alone{i}.duckdb", Path(tmp) / "dlt"))

        with duckdb.connect(str(paths.tenant_db(tenant.slug)), read_only=True) as con:
            arrow = {}
            for r in results:
                for table in dna.landed_tables(con, r.dataset):
                    arrow[f"{r.connector}__{table}"] = con.execute(
                        f'select * from "{r.dataset}"."{table}"'
                    ).to_arrow_table()
        arrow_rows = sum(t.num_rows for t in arrow.values())

        def plain_insert(i: int) -> None:
            with duckdb.connect(str(Path(tmp) / f"plain{i}.duckdb")) as plain:
                for name, table in arrow.items():
                    plain.register("src", table)
                    plain.execute(f'create table "{name}" as select * from src')
                    plain.unregister("src")
                plain.execute("checkpoint")

        plain_s = best_of(args.repeat, plain_insert)

    plain_rate = arrow_rows / plain_s
    print(f"volume {args.volume}, {args.days} days, {len(tenant.connectors)} connectors")
    print(f"generated records in {gen_s:.1f}s (not timed below)")
    for label, seconds in (("landing, cold", land_s), ("landing, warm", warm_s)):
        print(f"{label}: {rows:>9} rows in {seconds:7.2f}s = {rows / seconds:>12,.0f} rows/s")
    print(f"plain insert : {arrow_rows:>9} rows in {plain_s:7.2f}s = {plain_rate:>12,.0f} rows/s (DuckDB from Arrow)")
    for label, seconds in (("cold", land_s), ("warm", warm_s)):
        ratio = rows / seconds / plain_rate
        print(f"ratio landing ({label}) / plain = {ratio:.4f}  (1 / {1 / ratio:.1f})")
    print(f"where the warm landing's {warm_s:.2f}s go, measured apart (best of {args.repeat}):")
    print(f"  records cut into Arrow tables : {arrow_s:6.2f}s")
    print(f"  dlt alone appending them      : {alone_s:6.2f}s  (one pipeline per connector, nothing of ours)")
    print(f"  the rest (merge hints, DNA, load history, the collector): {warm_s - arrow_s - alone_s:6.2f}s")
    floor = plain_s / (arrow_s + alone_s)
    print(f"ratio Arrow + dlt alone / plain = {floor:.4f}  (what landing through dlt per connector can reach)")


if __name__ == "__main__":
    main()
