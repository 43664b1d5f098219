"""Onboarding latency: from the `onboard_tenant` call to the new tenant's first answered query.

Run: ``uv run python benchmarks/onboard.py [--existing 3,30] [--days 90]``

For each count of existing tenants (small synthetic ones, built with `gata build`),
starts `gata serve` over HTTP, calls `onboard_tenant` with an admin token for a
new tenant using TikTok Ads, LinkedIn Ads, WooCommerce and Amplitude with 90 days
of data, then, with the token it returns and no restart, polls `query` until it
answers. Prints the seconds at each size and their ratio, measured in one run.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gata.settings import Paths
from gata.tokens import TokenStore
from tests.mcp_server.mcp_support import env_for, http_client, http_server, session

MIXES = [
    {"paid_ads": ["facebook_ads", "google_ads"], "ecommerce": ["shopify"], "analytics": ["google_analytics"]},
    {"paid_ads": ["bing_ads"], "ecommerce": ["bigcommerce"], "analytics": ["mixpanel"]},
]


def measure(existing: int, days: int, root: Path) -> tuple[float, float]:
    paths = Paths(home=root / "home", tenants_file=root / "tenants.yaml")
    tenants = {
        f"existing_{i:03d}": {
            "name": f"Existing {i}",
            "sources": MIXES[i % 2],
            "business_logic": {
                "currency": "USD",
                "conversion_events": ["purchase"] if i % 2 == 0 else ["Order Completed"],
            },
            "mock_data": {"seed": i, "days": 7, "end_date": "2026-10-31", "volume": 0.2},
        }
        for i in range(existing)
    }
    paths.tenants_file.write_text(yaml.safe_dump({"tenants": tenants}, sort_keys=False))
    subprocess.run(
        [str(Path(sys.executable).with_name("gata")), "build"],
        env=env_for(paths),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    admin = TokenStore(paths.tokens_file).create(admin=True)[1]
    with (
        http_server(paths, root / "serve.log") as server,
        session(lambda: http_client(server.url, admin)) as operator,
    ):
        t0 = time.perf_counter()
        result = operator.ok(
            "onboard_tenant",
            {
                "slug": "newco",
                "name": "NewCo",
                "sources": ["tiktok_ads", "linkedin_ads", "woocommerce", "amplitude"],
                "days": days,
                "create_token": True,
            },
        )
        onboarded = time.perf_counter() - t0
        with session(lambda: http_client(server.url, result["token"])) as agent:
            while True:
                answer = agent.call("query", {"metrics": ["spend"], "dimensions": ["source_platform"]})
                if not answer.is_error:
                    break
                time.sleep(0.1)
        return onboarded, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--existing", default="3,30")
    parser.add_argument("--days", type=int, default=90)
    args = parser.parse_args()
    sizes = [int(s) for s in args.existing.split(",")]
    results = {}
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            results[size] = measure(size, args.days, Path(tmp))
        print(
            f"{size:>3} existing tenants: onboard_tenant returned after {results[size][0]:6.1f}s, "
            f"first query answered after {results[size][1]:6.1f}s",
            flush=True,
        )
    base = results[sizes[0]][1]
    for size in sizes:
        print(
            f"  {size:>3} existing: {results[size][1]:6.1f}s to first answer, ratio {results[size][1] / base:.2f}"
        )


if __name__ == "__main__":
    main()
