"""Shared fixtures (isolated GATA homes with their own tenants file) and the two test tiers.

The fast tier, ``pytest -m "not slow"``, runs no dbt: any test that builds a warehouse is slow.
Two guards keep it that way, so a new test cannot drag a build into the fast tier unnoticed:
a test whose fixtures build (BUILDING_FIXTURES, found through the whole fixture closure) is
marked slow at collection, and a test left unmarked that still starts dbt fails loudly.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import duckdb
import pytest
import yaml

from gata.settings import Paths

ROOT = Path(__file__).resolve().parent.parent

# Fixtures that run `gata build` (or need one that does). A test using any of them, directly or
# through another fixture, is slow. `tyrell` reaches the demo through getfixturevalue, which the
# static closure cannot see, so it is named too.
BUILDING_FIXTURES = frozenset({
    "demo",            # tests/conftest.py: the three demo tenants
    "tyrell",          # tests/mcp_server/conftest.py: tyrell_stdio / tyrell_http over the demo
    "template",        # tests/gata/test_onboarding.py: a small built tenant
    "small",           # tests/gata/test_drift.py: a small built tenant
    "serving_home",    # tests/mcp_server/test_mcp_onboarding.py: a small built tenant, served
})

# dbt's --target from the environment: a target the profile lacks, so dbt stops before it touches a
# database, and its error names the fix.
NO_DBT_TARGET = "fast_tier_runs_no_dbt__mark_this_test_slow_or_list_its_fixture_in_BUILDING_FIXTURES"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark slow every test that needs a build, before `-m "not slow"` deselects."""
    for item in items:
        if BUILDING_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _fast_tests_run_no_dbt(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test not marked slow that starts dbt (in-process or in a `gata` child) fails at dbt's profile.

    Applies in the full suite too, so CI catches a building test that is missing its mark.
    """
    if request.node.get_closest_marker("slow") is None:
        monkeypatch.setenv("DBT_TARGET", NO_DBT_TARGET)
        monkeypatch.setenv("DBT_ENGINE_TARGET", NO_DBT_TARGET)


def write_tenants(path: Path, tenants: dict) -> Path:
    path.write_text(yaml.safe_dump({"tenants": tenants}, sort_keys=False))
    return path


def tenant_body(sources: dict[str, list[str]], seed: int = 11, days: int = 5, volume: float = 0.3,
                conversion_events: list[str] | None = None, end_date: str = "2026-10-31") -> dict:
    analytics = (sources.get("analytics") or [None])[0]
    events = conversion_events or (
        ["purchase"] if analytics in (None, "google_analytics") else ["Order Completed"]
    )
    return {"name": "Test tenant", "sources": sources,
            "business_logic": {"currency": "USD", "conversion_events": events},
            "mock_data": {"seed": seed, "days": days, "end_date": end_date, "volume": volume}}


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Paths]:
    """A fresh GATA_HOME and tenants file, set in the environment for code and subprocesses."""
    monkeypatch.setenv("GATA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GATA_TENANTS_FILE", str(tmp_path / "tenants.yaml"))
    (tmp_path / "home").mkdir()
    write_tenants(tmp_path / "tenants.yaml", {})
    yield Paths(home=tmp_path / "home", tenants_file=tmp_path / "tenants.yaml")
    os.environ.pop("GATA_HOME", None)


def tenant_db(paths: Paths, tenant: str, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """A tenant's build database as dbt sees it: its raw, staging, intermediate and star
    tables, its slice of the master models and its platform tables."""
    con = duckdb.connect()
    con.execute(f"attach '{paths.tenant_db(tenant)}' as tenant{' (read_only)' if read_only else ''}")
    con.execute("use tenant")
    return con


DEMO_DAYS = 14


def guarding_tests(models: Iterable[str], connectors: Iterable[str]) -> set[str]:
    """The dbt tests a tenant's build must run and pass, by name: each star table's not-null
    and tenant-isolation tests, and each connector's reconciliation to its landed records."""
    stars = [m for m in models if m.startswith(("fct_", "dim_"))]
    return ({f"not_null_{m}" for m in stars} | {f"tenant_isolated_{m}_tenant_slug" for m in stars}
            | {f"reconcile_{c}" for c in connectors})


def run_gata(
    *args: str, env: dict[str, str], check: bool = True, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """The real CLI in a child process, as a user runs it."""
    gata = Path(sys.executable).with_name("gata")
    proc = subprocess.run(
        [str(gata), *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"gata {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
        )
    return proc


def demo_env(root: Path) -> dict[str, str]:
    return {**os.environ, "GATA_HOME": str(root / "home"), "GATA_TENANTS_FILE": str(root / "tenants.yaml")}


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Paths:
    """The three demo tenants (their last DEMO_DAYS days) built once with `gata build`, published."""
    root = tmp_path_factory.mktemp("demo")
    raw = yaml.safe_load((ROOT / "tenants.yaml").read_text())
    for body in raw["tenants"].values():
        body["mock_data"]["days"] = DEMO_DAYS
    write_tenants(root / "tenants.yaml", raw["tenants"])
    run_gata("build", env=demo_env(root))
    return Paths(home=root / "home", tenants_file=root / "tenants.yaml")
