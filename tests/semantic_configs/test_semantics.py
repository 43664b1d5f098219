"""Each tenant's semantic layer: it loads, every metric executes, and the numbers reconcile with raw
records."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import yaml

from gata.errors import QueryError, SemanticConfigError
from gata.settings import Paths
from gata.tenants import load_tenants
from pipeline.publish import SERVING_DB, current_version
from semantic_configs.generator import render, write_config
from semantic_configs.semantics import QuerySpec, TenantSemantics
from tests import raw_truth

DEMO = ("tyrell_corp", "wayne_enterprises", "stark_industries")
START, END = date(2026, 10, 20), date(2026, 10, 30)  # a fixed range inside the demo's 14 days


def semantics_for(demo: Paths, tenant: str) -> TenantSemantics:
    return TenantSemantics(yaml.safe_load((demo.semantic_configs_dir / f"{tenant}.yaml").read_text()))


def run(con: duckdb.DuckDBPyConnection, sem: TenantSemantics, **spec: object) -> list[dict]:
    compiled = sem.compile(QuerySpec(**spec))
    return [dict(zip(compiled.columns, row)) for row in con.execute(compiled.sql).fetchall()]


@pytest.fixture(scope="module")
def serving(demo: Paths):
    version = current_version(demo)
    assert version is not None, "gata build published nothing"
    with duckdb.connect(str(version / SERVING_DB), read_only=True) as con:
        yield con


def test_each_demo_tenant_has_a_config_that_loads_and_every_metric_executes(demo: Paths, serving) -> None:
    for tenant in DEMO:
        sem = semantics_for(demo, tenant)
        assert set(sem.models) == set(sem.config["semantic_models"])
        for metric, info in sem.metrics.items():
            rows = run(serving, sem, metrics=[metric], time_grain="month")
            assert rows, f"{tenant}: {metric} returned nothing"
            for dim in info["dimensions"]:
                if dim != "date":
                    run(serving, sem, metrics=[metric], dimensions=[dim], limit=5)


@pytest.mark.parametrize("tenant", DEMO)
def test_semantic_layer_reconciles_with_raw_landed_records(demo: Paths, serving, tenant: str) -> None:
    sem = semantics_for(demo, tenant)
    t = load_tenants(demo.tenants_file)[tenant]
    date_range = {"start": START.isoformat(), "end": END.isoformat()}
    with duckdb.connect(str(demo.tenant_db(tenant)), read_only=True) as raw:
        got = {r["source_platform"]: r for r in run(serving, sem, metrics=["spend", "impressions", "clicks"],
                                                   dimensions=["source_platform"], date_range=date_range)}
        assert set(got) == set(t.sources.paid_ads)
        for platform in t.sources.paid_ads:
            truth = raw_truth.ads(raw, tenant, platform, START, END)
            assert Decimal(str(got[platform]["spend"])) == truth["spend"], platform
            assert (
                got[platform]["impressions"] == truth["impressions"]
                and got[platform]["clicks"] == truth["clicks"]
            )
        got = {
            r["source_platform"]: r
            for r in run(
                serving,
                sem,
                metrics=["orders", "revenue", "gross_revenue"],
                dimensions=["source_platform"],
                date_range=date_range,
            )
        }
        for store in t.sources.ecommerce:
            truth = raw_truth.orders(raw, tenant, store, START, END)
            assert got[store]["orders"] == truth["orders"], store
            assert Decimal(str(got[store]["revenue"])) == truth["revenue"], store
            assert Decimal(str(got[store]["gross_revenue"])) == truth["gross_revenue"], store
        for source in t.sources.analytics:
            got_sessions = run(
                serving, sem, metrics=["sessions"], dimensions=["source_platform"], date_range=date_range
            )
            assert got_sessions == [{"source_platform": source, "sessions": raw_truth.sessions(
                raw, tenant, source, START, END, t.business_logic.session_timeout_minutes)}]


@pytest.mark.parametrize("tenant", DEMO)
def test_roas_by_month_is_monthly_revenue_over_monthly_spend(demo: Paths, serving, tenant: str) -> None:
    sem = semantics_for(demo, tenant)
    roas = run(serving, sem, metrics=["roas"], time_grain="month")
    revenue = {r["date"]: r["revenue"] for r in run(serving, sem, metrics=["revenue"], time_grain="month")}
    spend = {r["date"]: r["spend"] for r in run(serving, sem, metrics=["spend"], time_grain="month")}
    assert len(roas) >= 1
    for row in roas:
        assert row["roas"] == pytest.approx(
            float(revenue[row["date"]]) / float(spend[row["date"]]), rel=1e-12
        )


def test_ratios_are_ratios_of_sums_and_null_on_zero(demo: Paths, serving) -> None:
    sem = semantics_for(demo, "tyrell_corp")
    [row] = run(serving, sem, metrics=["ctr", "clicks", "impressions", "cpm", "spend"])
    assert row["ctr"] == pytest.approx(row["clicks"] / row["impressions"])
    assert row["cpm"] == pytest.approx(1000 * float(row["spend"]) / row["impressions"])
    none = run(
        serving, sem, metrics=["ctr"], filters=[{"field": "ad_id", "operator": "=", "value": "no-such-ad"}]
    )
    assert none in ([], [{"ctr": None}])


def test_agent_mistakes_come_back_as_correctable_errors(demo: Paths) -> None:
    sem = semantics_for(demo, "tyrell_corp")
    with pytest.raises(QueryError, match="Did you mean 'spend'"):
        sem.compile(QuerySpec(metrics=["spnd"]))
    with pytest.raises(QueryError, match="Did you mean 'traffic_source'"):
        sem.compile(QuerySpec(metrics=["sessions"], dimensions=["trafic_source"]))
    with pytest.raises(
        QueryError,
        match="can be grouped or filtered by: campaign_id, campaign_name, channel, date, source_platform",
    ):
        sem.compile(QuerySpec(metrics=["roas"], dimensions=["traffic_source"]))
    with pytest.raises(
        QueryError, match="Unknown dimension 'total_price'"
    ):  # a physical column, but undeclared
        sem.compile(QuerySpec(metrics=["orders"], dimensions=["total_price"]))
    with pytest.raises(QueryError, match="not a date"):
        sem.compile(
            QuerySpec(metrics=["spend"], filters=[{"field": "date", "operator": ">=", "value": "last week"}])
        )
    with pytest.raises(QueryError, match="'like' matches text, and 'date' holds dates"):
        sem.compile(
            QuerySpec(metrics=["spend"], filters=[{"field": "date", "operator": "like", "value": "2026%"}])
        )


@pytest.mark.slow
def test_tenant_without_analytics_has_no_session_metrics_and_still_loads(home: Paths) -> None:
    from tests.conftest import run_gata, tenant_body, write_tenants

    env = {"GATA_HOME": str(home.home), "GATA_TENANTS_FILE": str(home.tenants_file)}
    import os

    write_tenants(
        home.tenants_file, {"shop_only": tenant_body({"paid_ads": ["google_ads"], "ecommerce": ["shopify"]})}
    )
    run_gata("build", env={**os.environ, **env})
    sem = TenantSemantics(yaml.safe_load((home.semantic_configs_dir / "shop_only.yaml").read_text()))
    assert (
        "sessions" not in sem.metrics
        and "conversion_rate" not in sem.metrics
        and "cost_per_session" not in sem.metrics
    )
    assert {"spend", "revenue", "roas", "cac"} <= set(sem.metrics)
    assert "sessions" not in sem.models and "traffic_source" not in sem.dimensions
    assert "channels" not in sem.models and "attribution" not in sem.config
    with pytest.raises(
        QueryError,
        match="attributed_revenue is not available for tenant shop_only: attribution "
        "needs an analytics source",
    ):
        sem.compile(QuerySpec(metrics=["attributed_revenue"]))
    with pytest.raises(QueryError, match="needs attribution: attribution needs an analytics source"):
        sem.compile(QuerySpec(metrics=["roas"], dimensions=["source_platform"]))
    with pytest.raises(QueryError, match="shop_only has no attribution"):
        sem.compile(QuerySpec(metrics=["roas"], attribution_model="linear"))


def test_regenerating_is_byte_identical_and_overrides_survive(demo: Paths, tmp_path: Path) -> None:
    tenant = load_tenants(demo.tenants_file)["wayne_enterprises"]
    path = demo.semantic_configs_dir / "wayne_enterprises.yaml"
    before = path.read_bytes()
    assert write_config(tenant, demo) == (path, False)
    assert path.read_bytes() == before

    overrides = tmp_path / "overrides"
    overrides.mkdir()
    (overrides / "wayne_enterprises.yaml").write_text(yaml.safe_dump({
        "descriptions": {"spend": "Media spend across Bing and Google."},
        "hidden": ["cpm"],
        "measures": {"orders": {"big_orders": {"expr": "(_.total_price > 200).sum()",
                                               "description": "Orders over 200."}}},
    }))
    copy = Paths(home=tmp_path / "home", tenants_file=demo.tenants_file)
    shutil.copytree(demo.home, copy.home, ignore=shutil.ignore_patterns("serving", "dlt"))
    for _ in range(2):
        out, _changed = write_config(tenant, copy, overrides)
        config = yaml.safe_load(out.read_text())
        assert config["metrics"]["spend"]["description"] == "Media spend across Bing and Google."
        assert "cpm" not in config["metrics"]
        assert "big_orders" in config["metrics"]
    assert render(config) == out.read_text()

    (overrides / "wayne_enterprises.yaml").write_text(yaml.safe_dump(
        {"measures": {"orders": {"vip": {"expr": "_.loyalty_points.sum()"}}}}))
    with pytest.raises(SemanticConfigError, match="column 'loyalty_points'"):
        write_config(tenant, copy, overrides)
    assert "big_orders" in out.read_text()  # the failed config did not replace the last good one

    # a measure that compiles but fails on the data: validation runs each model's fields together, then
    # one by one to name the culprit
    (overrides / "wayne_enterprises.yaml").write_text(yaml.safe_dump(
        {"measures": {"orders": {"status_number": {"expr": "_.financial_status.cast('int64').sum()"}}}}))
    with pytest.raises(SemanticConfigError, match="measure 'status_number' of semantic model 'orders' does not "
                       "execute: Conversion Error"):
        write_config(tenant, copy, overrides)
    assert "big_orders" in out.read_text()
