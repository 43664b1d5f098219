"""Schema drift end to end: a source changes shape, the pipeline keeps everything and says so."""

from __future__ import annotations

import duckdb
import pytest

from gata.settings import Paths
from gata.tenants import load_tenants
from pipeline.health import tenant_health
from pipeline.publish import SERVING_DB, current_version
from pipeline.steps import publish, refresh
from tests.conftest import run_gata, tenant_body, tenant_db, write_tenants


@pytest.fixture
def small(home: Paths) -> Paths:
    import os

    write_tenants(
        home.tenants_file,
        {"drifty": tenant_body({"paid_ads": ["google_ads"], "ecommerce": ["shopify"]}, days=3)},
    )
    run_gata(
        "build", env={**os.environ, "GATA_HOME": str(home.home), "GATA_TENANTS_FILE": str(home.tenants_file)}
    )
    return home


def health(paths: Paths):
    with duckdb.connect(str(current_version(paths) / SERVING_DB), read_only=True) as con:
        return tenant_health(con, "drifty")


def test_a_new_field_is_kept_reported_and_reachable(small: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    from ingestion.connectors import shopify

    assert health(small).status == "healthy"
    real = shopify.generate

    def with_new_field(story, connector, start, end):
        records = real(story, connector, start, end)
        for order in records["orders"]:
            order["loyalty_tier"] = "gold"
        return records

    monkeypatch.setattr(shopify, "generate", with_new_field)
    tenant = load_tenants(small.tenants_file)["drifty"]
    refresh(tenant, small, days=1)
    publish(small)
    report = health(small)
    drift = [d for d in report.drift if d.connector == "shopify"]
    assert (
        drift
        and drift[0].table == "orders"
        and drift[0].added_columns == ["loyalty_tier"]
        and drift[0].current
    )
    assert report.status == "degraded" and "loyalty_tier" in report.reason
    assert (
        report.last_build is not None
        and report.last_build.models_error == 0
        and report.last_build.tests_fail == 0
    )
    with tenant_db(small, "drifty") as con:
        # nothing lost: the raw payload carries the field, ready for an engine to map and a replay to use
        n, gold = con.execute(
            "select count(*), count(*) filter (where raw_data_payload->>'loyalty_tier' = 'gold') "
            "from platform.platform_mm__shopify_api_v1_orders where tenant_slug = 'drifty'"
        ).fetchone()
        assert gold > 0 and n > gold  # older orders predate the field
        assert con.execute("select count(*) from analytics.fct_drifty__orders").fetchone()[0] == n


def test_a_removed_field_is_reported_and_never_becomes_zero(
    small: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingestion.connectors import google_ads

    real = google_ads.generate

    def without_cost(story, connector, start, end):
        records = real(story, connector, start, end)
        for row in records["ad_performance"]:
            del row["metrics"]["cost_micros"]
        return records

    monkeypatch.setattr(google_ads, "generate", without_cost)
    tenant = load_tenants(small.tenants_file)["drifty"]
    with tenant_db(small, "drifty") as con:
        spend_before = con.execute("select sum(spend) from analytics.fct_drifty__ad_performance").fetchone()[
            0
        ]
    with pytest.raises(Exception, match="dbt build failed"):
        refresh(tenant, small, days=1)
    publish(small, changed=set(), attempted={"drifty"})  # as `gata refresh` does when the tenant failed
    report = health(small)  # the served data are the last good build's, and the report says why
    removed = [d for d in report.drift if d.table == "ad_performance"]
    assert removed and "metrics__cost_micros" in removed[0].removed_columns
    with duckdb.connect(str(current_version(small) / SERVING_DB), read_only=True) as con:
        spend = con.execute(
            "select sum(spend), count(*) filter (where spend = 0) from analytics.fct_drifty__ad_performance"
        ).fetchone()
    assert spend[0] == spend_before and spend[1] == 0
    with duckdb.connect(str(small.tenant_db("drifty")), read_only=True) as con:
        failed = con.execute(
            "select tests_fail + models_error from platform.obs_invocations where tenant_slug = 'drifty' "
            "order by finished_at desc limit 1"
        ).fetchone()[0]
    assert failed > 0
