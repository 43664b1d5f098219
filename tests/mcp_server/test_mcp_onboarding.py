"""Zero-touch onboarding through MCP: an admin's request becomes a governed answer with no restart."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from gata.settings import Paths
from gata.tokens import TokenStore
from tests import raw_truth
from tests.conftest import run_gata, tenant_body, write_tenants
from tests.mcp_server.mcp_support import http_client, http_server, session

NEW_SOURCES = ["tiktok_ads", "linkedin_ads", "woocommerce", "amplitude"]


@pytest.fixture
def serving_home(home: Paths, tmp_path: Path):
    write_tenants(
        home.tenants_file,
        {"acme_first": tenant_body({"paid_ads": ["google_ads"], "ecommerce": ["shopify"]}, days=3)},
    )
    run_gata(
        "build", env={**os.environ, "GATA_HOME": str(home.home), "GATA_TENANTS_FILE": str(home.tenants_file)}
    )
    with http_server(home, tmp_path / "serve.log") as server:
        yield home, server


def test_admin_onboards_a_tenant_that_then_answers_with_its_own_token(serving_home) -> None:
    home, server = serving_home
    store = TokenStore(home.tokens_file)
    admin = store.create(admin=True)[1]
    tenant_token = store.create(tenant="acme_first")[1]
    progress: list[tuple[float, float | None, str | None]] = []

    async def on_progress(done: float, total: float | None, message: str | None) -> None:
        progress.append((done, total, message))

    with session(lambda: http_client(server.url, tenant_token)) as tenant:  # a tenant may not onboard
        assert "admin" in tenant.error(
            "onboard_tenant", {"slug": "x_co", "name": "X", "sources": ["tiktok_ads"]}
        )

    with session(lambda: http_client(server.url, admin)) as operator:
        result = operator.run(
            lambda: operator.client.call_tool(
                "onboard_tenant",
                {
                    "slug": "cyberdyne",
                    "name": "Cyberdyne Systems",
                    "sources": NEW_SOURCES,
                    "days": 5,
                    "volume": 0.3,
                    "create_token": True,
                },
                progress_callback=on_progress,
            )
        )
        assert not result.is_error, result.content[0].text
        built = result.structured_content
    assert len(progress) >= 5 and progress[-1][0] == progress[-1][1]
    assert any("landing" in (m or "") for _, _, m in progress)
    assert built["tenant"] == "cyberdyne" and built["token"] and "spend" in built["metrics"]

    with session(lambda: http_client(server.url, built["token"])) as agent:  # no restart
        answer = agent.ok("query", {"metrics": ["spend"], "dimensions": ["source_platform"]})
        health = agent.ok("pipeline_health", {})
        with pytest.raises(AssertionError):
            agent.ok("query", {"metrics": ["spend"], "tenant": "acme_first"})
    rows = answer["rows"]
    by_platform = {
        (r["source_platform"] if isinstance(r, dict) else r[0]): (r["spend"] if isinstance(r, dict) else r[1])
        for r in rows
    }
    assert set(by_platform) == {"tiktok_ads", "linkedin_ads"}
    with duckdb.connect(str(home.tenant_db("cyberdyne")), read_only=True) as raw:
        for platform in ("tiktok_ads", "linkedin_ads"):
            truth = raw_truth.ads(
                raw,
                "cyberdyne",
                platform,
                __import__("datetime").date(2026, 1, 1),
                __import__("datetime").date(2026, 12, 31),
            )
            assert Decimal(str(by_platform[platform])) == truth["spend"]
    report = health if "status" in health else health["reports"][0]
    assert report["status"] == "healthy", report["reason"]
