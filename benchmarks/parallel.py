"""Parallel tenants: a full build of N tenants with 1 and with W workers, side by side.

Run: ``uv run python benchmarks/parallel.py [--tenants 8] [--days 30] [--volume 0.2] [--workers 1,2]``
(the issue's figure: ``--tenants 100 --days 30``; that takes tens of minutes).

For each worker count, a fresh GATA_HOME builds every tenant from nothing through
``pipeline.parallel.run_tenants`` (what ``gata build --jobs W`` runs): land, dbt build,
semantic config, then one publish. Each tenant's step records where its time went
(generation + dlt landing, dbt start-up and parse, dbt execution, semantic config;
no tenant waits for another, as each writes only its own database file). The wall time
and the sums per phase are printed for each worker count, with the
speed-up against the first. Both runs happen in this one process, one after the other.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import yaml

from gata.settings import Paths
from gata.tenants import Tenant

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.scale import MIXES


def timed_build(tenant: Tenant, paths: Paths, out_dir: str) -> None:
    """pipeline.steps.build's three steps, each timed; the dbt step split by its run_results."""
    from pipeline import steps

    t0 = time.perf_counter()
    steps.ingest(tenant, paths)
    t1 = time.perf_counter()
    steps.transform(tenant, paths)
    t2 = time.perf_counter()
    steps.semantics(tenant, paths)
    t3 = time.perf_counter()
    elapsed = json.loads((paths.dbt_target(tenant.slug) / "run_results.json").read_text())["elapsed_time"]
    Path(out_dir, f"{tenant.slug}.json").write_text(
        json.dumps(
            {
                "landing": t1 - t0,
                "dbt_start_and_parse": (t2 - t1) - elapsed,
                "dbt_execute": elapsed,
                "semantics": t3 - t2,
            }
        )
    )


def tenants_yaml(n: int, days: int, volume: float) -> dict:
    tenants = {}
    for i in range(n):
        mix = MIXES[i % len(MIXES)]
        tenants[f"synth_{i:03d}"] = {
            "name": f"Synthetic {i}",
            "sources": mix,
            "business_logic": {
                "currency": "USD",
                "conversion_events": (["purchase"] if "google_analytics" in mix["analytics"] else ["Order Completed"]),
            },
            "mock_data": {"seed": 100 + i, "days": days, "end_date": "2026-10-31", "volume": volume},
        }
    return {"tenants": tenants}


def run(workers: int, raw: dict, tmp: Path) -> dict[str, float]:
    from functools import partial

    from gata.settings import Paths
    from gata.tenants import parse_tenants
    from pipeline import steps
    from pipeline.parallel import run_tenants

    root = tmp / f"w{workers}"
    (root / "times").mkdir(parents=True)
    paths = Paths(home=root / "home", tenants_file=root / "tenants.yaml").ensure()
    paths.tenants_file.write_text(yaml.safe_dump(raw, sort_keys=False))
    os.environ["GATA_HOME"], os.environ["GATA_TENANTS_FILE"] = str(paths.home), str(paths.tenants_file)
    tenants = parse_tenants(raw)
    t0 = time.perf_counter()
    failed = run_tenants(partial(timed_build, out_dir=str(root / "times")), tenants.values(), paths, jobs=workers)
    t1 = time.perf_counter()
    steps.publish(paths)
    t2 = time.perf_counter()
    if failed:
        raise SystemExit(f"failed: {failed}")
    phases: dict[str, float] = {}
    for f in (root / "times").glob("*.json"):
        for k, v in json.loads(f.read_text()).items():
            phases[k] = phases.get(k, 0.0) + v
    return {"wall": t2 - t0, "tenants_wall": t1 - t0, "publish": t2 - t1, **phases}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tenants", type=int, default=8)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--volume", type=float, default=0.2)
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args()
    raw = tenants_yaml(args.tenants, args.days, args.volume)
    results: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for w in (int(x) for x in args.workers.split(",")):
            results[w] = run(w, raw, Path(tmp))
            r = results[w]
            print(
                f"{w} worker(s): {r['wall']:.1f}s wall for {args.tenants} tenants x {args.days} days "
                f"({r['wall'] / args.tenants:.2f}s per tenant); summed over tenants: landing {r['landing']:.1f}s, "
                f"dbt start+parse {r['dbt_start_and_parse']:.1f}s, dbt execute {r['dbt_execute']:.1f}s, "
                f"semantics {r['semantics']:.1f}s; publish {r['publish']:.1f}s",
                flush=True,
            )
    base = results[min(results)]["wall"]  # the fewest workers, whatever order they ran in
    for w, r in sorted(results.items()):
        print(f"  {w} worker(s): speed-up {base / r['wall']:.2f}x against {min(results)}")


if __name__ == "__main__":
    main()
