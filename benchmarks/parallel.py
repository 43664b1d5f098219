"""Parallel tenants: a full build of N tenants with 1 and with W workers, side by side.

Run: ``uv run python benchmarks/parallel.py [--tenants 8] [--days 30] [--volume 0.2] [--workers 1,2] [--refresh]``
(the issue's figure: ``--tenants 100 --days 30``; about 20 minutes for both worker counts here).

For each worker count, a fresh GATA_HOME builds every tenant from nothing through
``pipeline.parallel.run_tenants`` (what ``gata build --jobs W`` runs): land, dbt build,
semantic config, then one publish. Each tenant's step records where its time went
(generation + dlt landing, dbt start-up and parse, dbt execution, semantic config;
no tenant waits for another, as each writes only its own database file). The wall time
and the sums per phase are printed for each worker count, with the CPU time used (and so
how many of the cores were busy on average) and the speed-up against the fewest workers.
All runs happen in this one process, one after the other.
With ``--refresh``, each build is followed by the daily refresh of every tenant (the newest
day and the lookback landed again, dbt build, semantic config, one publish), timed the same way.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import yaml

from gata.settings import Paths
from gata.tenants import Tenant

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.scale import MIXES


def timed_build(tenant: Tenant, paths: Paths, out_dir: str, refresh: bool = False) -> None:
    """pipeline.steps.build's three steps (``refresh``: steps.refresh's, the daily job's), each timed;
    the dbt step split by its run_results."""
    from orchestration.jobs import LOOKBACK_DAYS, REFRESH_DAYS
    from pipeline import steps

    t0 = time.perf_counter()
    if refresh:
        steps.land_newest(tenant, paths, REFRESH_DAYS, LOOKBACK_DAYS)
    else:
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


def run(workers: int, raw: dict, tmp: Path, refresh: bool = False) -> dict[str, float]:
    from functools import partial

    from gata.settings import Paths
    from gata.tenants import parse_tenants
    from pipeline import steps
    from pipeline.parallel import run_tenants

    root = tmp / f"w{workers}"
    times = root / ("refresh" if refresh else "times")
    times.mkdir(parents=True)
    paths = Paths(home=root / "home", tenants_file=root / "tenants.yaml").ensure()
    paths.tenants_file.write_text(yaml.safe_dump(raw, sort_keys=False))
    os.environ["GATA_HOME"], os.environ["GATA_TENANTS_FILE"] = str(paths.home), str(paths.tenants_file)
    tenants = parse_tenants(raw)
    cpu0 = _cpu_seconds()
    t0 = time.perf_counter()
    step = partial(timed_build, out_dir=str(times), refresh=refresh)
    failed = run_tenants(step, tenants.values(), paths, jobs=workers)
    t1 = time.perf_counter()
    steps.publish(paths)
    t2 = time.perf_counter()
    cpu = _cpu_seconds() - cpu0
    if failed:
        raise SystemExit(f"failed: {failed}")
    phases: dict[str, float] = {}
    for f in times.glob("*.json"):
        for k, v in json.loads(f.read_text()).items():
            phases[k] = phases.get(k, 0.0) + v
    return {"wall": t2 - t0, "tenants_wall": t1 - t0, "publish": t2 - t1, "cpu": cpu, **phases}


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished workers (the pool joins them before returning)."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tenants", type=int, default=8)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--volume", type=float, default=0.2)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--refresh", action="store_true",
                        help="after each build, time the daily refresh of every tenant (what `gata refresh` runs)")
    args = parser.parse_args()
    raw = tenants_yaml(args.tenants, args.days, args.volume)
    phases = ("build", "refresh") if args.refresh else ("build",)
    results: dict[tuple[str, int], dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for w in (int(x) for x in args.workers.split(",")):
            for phase in phases:
                r = results[phase, w] = run(w, raw, Path(tmp), refresh=phase == "refresh")
                print(
                    f"{phase}, {w} worker(s): {r['wall']:.1f}s wall for {args.tenants} tenants x {args.days} days "
                    f"({r['wall'] / args.tenants:.2f}s per tenant); summed over tenants: landing "
                    f"{r['landing']:.1f}s, dbt start+parse {r['dbt_start_and_parse']:.1f}s, dbt execute "
                    f"{r['dbt_execute']:.1f}s, semantics {r['semantics']:.1f}s; publish {r['publish']:.1f}s; "
                    f"CPU {r['cpu']:.0f}s, {r['cpu'] / r['wall']:.2f} cores busy on average",
                    flush=True,
                )
    for phase in phases:
        runs = {w: r for (p, w), r in results.items() if p == phase}
        base = runs[min(runs)]["wall"]  # the fewest workers, whatever order they ran in
        for w, r in sorted(runs.items()):
            print(f"  {phase}, {w} worker(s): speed-up {base / r['wall']:.2f}x against {min(runs)}")


if __name__ == "__main__":
    main()
