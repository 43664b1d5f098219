"""Serving while the pipeline writes: answers keep coming from the last complete build, then switch to the new one."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from gata.settings import Paths
from gata.tokens import TokenStore
from tests.mcp_server.mcp_support import (
    Session,
    env_for,
    gata_command,
    http_client,
    http_server,
    session,
    snapshot_db,
    stdio_session,
)

QUERY = {"metrics": ["spend", "clicks"], "dimensions": ["source_platform"], "time_grain": "week"}
TENANT = "stark_industries"


def totals(result: dict) -> tuple[Decimal, int]:
    return (
        sum((Decimal(str(r["spend"])) for r in result["rows"]), Decimal(0)),
        sum(r["clicks"] for r in result["rows"]),
    )


def direct_totals(paths: Paths, version: str) -> tuple[Decimal, int]:
    with snapshot_db(paths, version) as con:
        spend, clicks = con.execute(
            f"select sum(spend), sum(clicks) from analytics.fct_{TENANT}__ad_performance"
        ).fetchone()
    return spend, int(clicks)


@pytest.fixture(scope="module")
def copy(demo: Paths, tmp_path_factory: pytest.TempPathFactory) -> Paths:
    """A private copy of the demo home, so rebuilding it leaves the other tests' data alone."""
    root = tmp_path_factory.mktemp("serving")
    shutil.copytree(
        demo.home, root / "home", symlinks=True, ignore=shutil.ignore_patterns("*.lock", "tokens.json*")
    )
    raw = yaml.safe_load(demo.tenants_file.read_text())
    raw["tenants"][TENANT]["mock_data"]["seed"] += 1  # the rebuild lands different numbers
    (root / "tenants.yaml").write_text(yaml.safe_dump(raw, sort_keys=False))
    return Paths(home=root / "home", tenants_file=root / "tenants.yaml")


def build(paths: Paths, log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        return subprocess.Popen(
            [*gata_command(), "build", "--tenant", TENANT],
            env=env_for(paths),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def test_queries_answer_during_a_build_and_switch_after_it(copy: Paths, tmp_path: Path) -> None:
    token = TokenStore(copy.tokens_file).create(tenant=TENANT)[1]
    with (
        http_server(copy, tmp_path / "serve.log") as server,
        session(lambda: http_client(server.url, token)) as s,
    ):
        before = s.ok("query", QUERY)
        old = before["freshness"]["snapshot"]["version"]
        assert totals(before) == direct_totals(copy, old)

        # a build killed half-way publishes nothing: the same data keeps being served
        killed = build(copy, tmp_path / "killed.log")
        time.sleep(4)
        killed.send_signal(signal.SIGKILL)
        killed.wait(30)
        after_kill = s.ok("query", QUERY)
        assert after_kill["freshness"]["snapshot"]["version"] == old and totals(after_kill) == totals(before)

        # a build that completes: every query during it answers (from the old snapshot), then the new data
        proc = build(copy, tmp_path / "build.log")
        versions: list[str] = []
        while proc.poll() is None:
            result = _query(s)
            versions.append(result["freshness"]["snapshot"]["version"])
            time.sleep(0.25)
        assert proc.returncode == 0, (tmp_path / "build.log").read_text()[-3000:]
        assert len(versions) > 10 and versions[0] == old
        after = s.ok("query", QUERY)
        new = after["freshness"]["snapshot"]["version"]
        assert new != old
        assert totals(after) == direct_totals(copy, new) != totals(before)
        assert httpx_health(server.url) == new


def _query(s: Session) -> dict:
    return s.ok("query", QUERY)


def httpx_health(url: str) -> str:
    import httpx2

    return httpx2.get(url + "/health", timeout=10).json()["snapshot"]


def test_admin_onboards_a_tenant_with_progress_and_it_is_served_at_once(copy: Paths, tmp_path: Path) -> None:
    admin = TokenStore(copy.tokens_file).create(admin=True)[1]
    request = {
        "slug": "acme_corp",
        "name": "Acme Corporation",
        "sources": ["google_ads", "shopify"],
        "days": 3,
        "volume": 0.3,
        "create_token": True,
    }
    progress: list[tuple[float, float | None, str | None]] = []

    async def on_progress(done: float, total: float | None, message: str | None) -> None:
        progress.append((done, total, message))

    with (
        http_server(copy, tmp_path / "serve.log") as server,
        session(lambda: http_client(server.url, admin)) as s,
    ):
        assert "Unknown tenant 'acme_corp'" in s.error("query", {"metrics": ["spend"], "tenant": "acme_corp"})
        result = s.run(lambda: s.client.call_tool("onboard_tenant", request, progress_callback=on_progress))
        assert not result.is_error, result.content[0].text
        outcome = result.structured_content
        assert outcome["tenant"] == "acme_corp" and "spend" in outcome["metrics"] and outcome["token"]
        assert len(progress) >= 4 and progress[-1][0] == progress[-1][1]
        assert s.ok("list_metrics", {"tenant": "acme_corp"})["tenant"] == "acme_corp"
        with session(lambda: http_client(server.url, outcome["token"])) as acme:
            rows = acme.ok("query", {"metrics": ["spend"], "dimensions": ["source_platform"]})["rows"]
            assert [r["source_platform"] for r in rows] == ["google_ads"]
        invalid = s.error("onboard_tenant", {"slug": "acme_two", "name": "x", "sources": ["nope_ads"]})
        assert "unknown connector 'nope_ads'" in invalid and "nothing was changed" in invalid
        missing = s.error("onboard_tenant", {"slug": "acme_two", "name": "x"})
        assert "sources: Field required" in missing


def test_first_serve_builds_the_demo_then_answers_over_stdio(tmp_path: Path, demo: Paths) -> None:
    """A fresh clone: `gata serve` builds first, and stdout stays clean for the stdio transport meanwhile."""
    raw = yaml.safe_load(demo.tenants_file.read_text())
    body = raw["tenants"]["tyrell_corp"]
    body["mock_data"].update(days=3, volume=0.3)
    (tmp_path / "tenants.yaml").write_text(yaml.safe_dump({"tenants": {"tyrell_corp": body}}))
    paths = Paths(home=tmp_path / "home", tenants_file=tmp_path / "tenants.yaml")
    with stdio_session(paths, "--tenant", "tyrell_corp") as s:
        assert s.ok("list_metrics")["coverage"]["date_min"] == "2026-10-29"
    assert (paths.serving_dir / "current").exists()
