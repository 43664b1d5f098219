"""Scale: does one tenant's build cost the same at 100 tenants as at 3?

Run: ``uv run python benchmarks/scale.py [--sizes 3,30,100] [--days 7] [--volume 0.2]``

Onboards synthetic tenants (rotating source mixes over all 13 connectors) into
one temporary GATA_HOME, growing it to each size. At each size it times, with the
real CLI, a rebuild of one tenant (`gata transform --tenant first`, median of 3),
and it times the full build of every tenant added (land + dbt, per tenant). It
prints the one-tenant figure at each size as a ratio to the first size's, and the
full build time per tenant, all measured in this one run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

MIXES = [
    {"paid_ads": ["facebook_ads", "google_ads"], "ecommerce": ["shopify"], "analytics": ["google_analytics"]},
    {"paid_ads": ["bing_ads", "tiktok_ads"], "ecommerce": ["woocommerce"], "analytics": ["mixpanel"]},
    {"paid_ads": ["linkedin_ads", "amazon_ads"], "ecommerce": ["bigcommerce"], "analytics": ["amplitude"]},
    {"paid_ads": ["instagram_ads"], "ecommerce": ["shopify"], "analytics": ["google_analytics"]},
]


def gata(*args: str, env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run([str(Path(sys.executable).with_name("gata")), *args], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="3,30,100")
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--volume", type=float, default=0.2)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        tenants_file = Path(tmp) / "tenants.yaml"
        env = {**os.environ, "GATA_HOME": str(Path(tmp) / "home"), "GATA_TENANTS_FILE": str(tenants_file)}
        tenants: dict[str, dict] = {}
        full_seconds = 0.0
        one: dict[int, float] = {}
        added: list[float] = []  # full build (land + dbt + publish) of each tenant, in order
        for size in sizes:
            step = len(added)
            for i in range(len(tenants), size):
                slug = f"synth_{i:03d}"
                tenants[slug] = {"name": f"Synthetic {i}", "sources": MIXES[i % len(MIXES)],
                                 "business_logic": {"currency": "USD", "conversion_events": (
                                     ["purchase"] if "google_analytics" in MIXES[i % len(MIXES)]["analytics"]
                                     else ["Order Completed"])},
                                 "mock_data": {"seed": 100 + i, "days": args.days, "end_date": "2026-10-31",
                                               "volume": args.volume}}
                tenants_file.write_text(yaml.safe_dump({"tenants": tenants}, sort_keys=False))
                added.append(
                    gata("ingest", "--tenant", slug, env=env) + gata("transform", "--tenant", slug, env=env)
                )
            full_seconds += sum(added[step:])
            runs = [gata("transform", "--tenant", "synth_000", env=env) for _ in range(3)]
            one[size] = statistics.median(runs)
            print(
                f"{size:>4} tenants: one-tenant build {one[size]:6.2f}s (median of 3: "
                f"{', '.join(f'{r:.2f}' for r in runs)}); full build of the last 10 tenants added "
                f"{statistics.mean(added[-10:]):6.2f}s each",
                flush=True,
            )
        base = one[sizes[0]]
        print("\none-tenant build time, as a ratio to the", sizes[0], "tenant figure:")
        for size in sizes:
            print(f"  {size:>4} tenants: {one[size]:6.2f}s  ratio {one[size] / base:.2f}")
        print(
            f"full build (land + dbt) of {sizes[-1]} tenants: {full_seconds:.0f}s, "
            f"{full_seconds / sizes[-1]:.2f}s per tenant"
        )


if __name__ == "__main__":
    main()
