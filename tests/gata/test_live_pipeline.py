"""A live tenant through the real CLI against fake APIs: a token revoked mid-load fails that connector
clearly in pipeline_health, the other connector refreshes, and the tenant keeps serving its last data."""

from __future__ import annotations

import json
from datetime import date, timedelta

import duckdb
import pytest

from ingestion.live.fakes import fake_apis, live_settings, secret_env
from ingestion.live.fakes.server import Faults
from pipeline.publish import SERVING_DB, current_version
from tests.conftest import demo_env, run_gata, tenant_body, write_tenants
from tests.ingestion.live_support import paths_in, tenant_with

END = date(2026, 10, 31)
SOURCES = {"paid_ads": ["facebook_ads"], "ecommerce": ["shopify"]}


@pytest.mark.slow
def test_revoked_token_fails_its_connector_in_health_and_the_tenant_keeps_serving(tmp_path):
    body = tenant_body(SOURCES, days=2, volume=0.3, end_date=str(END - timedelta(days=1)))
    tenant = tenant_with("acme_live", body)
    with fake_apis(
        tenant, tenant.connectors, today=END - timedelta(days=1), faults=Faults(error_500_at=None)
    ) as apis:
        write_tenants(tmp_path / "tenants.yaml", {"acme_live": {**body, "live": live_settings(
            apis, tenant.connectors, page_size=5, lookback_days=0)}})
        secrets = secret_env(apis, "acme_live", tenant.connectors)
        env = {**demo_env(tmp_path), **secrets, "RUNTIME__REQUEST_BACKOFF_FACTOR": "0.05"}
        run_gata("build", env=env)
        for fam in apis.families.values():
            fam.today = END
        shop = apis["shopify"]
        shop.faults.revoke_after = shop.requests + 1  # the token dies after the next page
        refresh = run_gata("refresh", "--tenant", "acme_live", env=env)
        health = json.loads(
            run_gata("health", "--tenant", "acme_live", "--json", env=env, check=False).stdout
        )[0]
    assert "shopify FAILED" in refresh.stdout
    sources = {s["connector"]: s for s in health["sources"]}
    assert "Invalid API key or access token" in sources["shopify"]["last_error"]
    assert "create a new one and set it" in sources["shopify"]["last_error"]
    assert sources["shopify"]["days_landed"].endswith(str(END - timedelta(days=1)))
    assert sources["facebook_ads"]["last_error"] is None and sources["facebook_ads"]["days_landed"].endswith(
        str(END)
    )
    assert health["status"] == "degraded" and "shopify: last load failed" in health["reason"]
    assert not any(v in json.dumps(health) + refresh.stdout + refresh.stderr for v in secrets.values())
    with duckdb.connect(
        str(current_version(paths_in(tmp_path / "home")) / SERVING_DB), read_only=True
    ) as con:
        orders_max = con.execute("select max(order_date) from analytics.fct_acme_live__orders").fetchone()[0]
        ads_max = con.execute(
            "select max(report_date) from analytics.fct_acme_live__ad_performance"
        ).fetchone()[0]
    assert orders_max == END - timedelta(days=1) and ads_max == END
