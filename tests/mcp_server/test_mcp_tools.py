"""The five tools over real transports: schemas, the catalog, numbers equal to the warehouse's, value search."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from mcp_types import PromptReference

from gata.settings import Paths
from tests.mcp_server.mcp_support import (
    DEMO_TENANTS,
    TOOLS,
    HttpServer,
    Session,
    Tokens,
    catalog_names,
    http_client,
    session,
    snapshot_db,
    sse_session,
)


def test_five_tools_with_schemas(tyrell: Session, admin_http: Session) -> None:
    tools = {t.name: t for t in admin_http.run(admin_http.client.list_tools).tools}
    assert set(tools) == TOOLS
    tenant_tools = {t.name: t for t in tyrell.run(tyrell.client.list_tools).tools}
    assert set(tenant_tools) == TOOLS - {"onboard_tenant"}  # a tenant is not offered the admin-only tool
    for tool in tools.values():
        assert tool.description and len(tool.description) > 80, tool.name
        assert tool.input_schema["type"] == "object"
        assert tool.output_schema and tool.output_schema["type"] == "object", tool.name
    for name in TOOLS - {"onboard_tenant"}:
        assert tools[name].annotations.read_only_hint is True, name
    assert tools["onboard_tenant"].annotations.read_only_hint is False
    q = tools["query"].input_schema
    assert {
        "metrics",
        "dimensions",
        "filters",
        "time_grain",
        "date_range",
        "order_by",
        "limit",
        "tenant",
    } <= set(q["properties"])
    assert q["required"] == ["metrics"]
    assert {"rows", "columns", "sql", "freshness", "truncated", "row_count"} <= set(
        tools["query"].output_schema["properties"]
    )


def test_list_metrics_is_the_tenant_catalog(tyrell: Session, demo: Paths) -> None:
    catalog = tyrell.ok("list_metrics")
    metrics, dimensions = catalog_names(demo, "tyrell_corp")
    assert catalog["tenant"] == "tyrell_corp" and catalog["currency"] == "USD"
    assert {m["name"] for m in catalog["metrics"]} == metrics
    assert {d["name"] for d in catalog["dimensions"]} == dimensions
    spend = next(m for m in catalog["metrics"] if m["name"] == "spend")
    assert spend["unit"] == "USD" and {"source_platform", "date"} <= set(spend["dimensions"])
    assert catalog["time_grains"] == ["day", "week", "month", "quarter", "year"]
    assert catalog["coverage"]["date_min"] <= catalog["coverage"]["date_max"]
    narrowed = tyrell.ok("list_metrics", {"search": "session"})
    assert {m["name"] for m in narrowed["metrics"]} >= {"sessions", "converting_sessions", "cost_per_session"}
    assert "spend" not in {m["name"] for m in narrowed["metrics"]} and narrowed["note"]


def _expected_spend_clicks(
    paths: Paths, version: str, tenant: str
) -> dict[tuple[str, str], tuple[Decimal, int]]:
    with snapshot_db(paths, version) as con:
        rows = con.execute(
            f"select source_platform, date_trunc('week', report_date)::date, sum(spend), sum(clicks) "
            f"from analytics.fct_{tenant}__ad_performance group by all"
        ).fetchall()
    return {(p, d.isoformat()): (s, int(c)) for p, d, s, c in rows}


def _check_spend_clicks(result: dict, paths: Paths, tenant: str) -> None:
    assert result["tenant"] == tenant
    assert [c["name"] for c in result["columns"]] == ["date", "source_platform", "spend", "clicks"]
    assert [c["type"] for c in result["columns"]] == ["date", "string", "number", "integer"]
    expected = _expected_spend_clicks(paths, result["freshness"]["snapshot"]["version"], tenant)
    got = {(r["source_platform"], r["date"]): (Decimal(str(r["spend"])), r["clicks"]) for r in result["rows"]}
    assert got == expected
    assert result["row_count"] == len(expected) and not result["truncated"]
    assert f"fct_{tenant}__ad_performance" in result["sql"]
    assert result["freshness"]["last_load_at"]


SPEND_CLICKS = {"metrics": ["spend", "clicks"], "dimensions": ["source_platform"], "time_grain": "week"}


def test_spend_and_clicks_by_platform_and_week_equal_the_warehouse(tyrell: Session, demo: Paths) -> None:
    _check_spend_clicks(tyrell.ok("query", SPEND_CLICKS), demo, "tyrell_corp")


@pytest.mark.parametrize("tenant", DEMO_TENANTS)
def test_each_demo_tenant_over_http_with_its_own_token(
    tenant: str, server: HttpServer, tokens: Tokens, demo: Paths
) -> None:
    with session(lambda: http_client(server.url, tokens.by_tenant[tenant])) as s:
        _check_spend_clicks(s.ok("query", SPEND_CLICKS), demo, tenant)


def test_sse_transport_answers_too(server: HttpServer, tokens: Tokens, demo: Paths) -> None:
    with session(lambda: sse_session(server.url, tokens.by_tenant["wayne_enterprises"])) as s:
        _check_spend_clicks(s.ok("query", SPEND_CLICKS), demo, "wayne_enterprises")


def test_get_dimension_values_finds_a_campaign_by_a_fragment(tyrell: Session) -> None:
    result = tyrell.ok("get_dimension_values", {"dimension": "campaign_name", "search": "BLACK_Fri"})
    assert [v["value"] for v in result["values"]] == ["tyrell_corp_black_friday"]
    assert result["values"][0]["count"] >= 1 and not result["truncated"]
    everything = tyrell.ok("get_dimension_values", {"dimension": "campaign_name", "limit": 2})
    assert len(everything["values"]) == 2 and everything["truncated"]
    wildcard = tyrell.ok("get_dimension_values", {"dimension": "campaign_name", "search": "%"})
    assert wildcard["values"] == []  # % and _ are literal characters, not wildcards
    analytics = tyrell.ok("get_dimension_values", {"dimension": "source_platform", "metric": "sessions"})
    assert [v["value"] for v in analytics["values"]] == ["google_analytics"]


def test_query_filters_ordering_and_limits(tyrell: Session, demo: Paths) -> None:
    campaign = "tyrell_corp_black_friday"
    result = tyrell.ok(
        "query",
        {
            "metrics": ["spend", "ctr"],
            "dimensions": ["campaign_name"],
            "filters": [{"field": "campaign_name", "operator": "=", "value": campaign}],
        },
    )
    with snapshot_db(demo, result["freshness"]["snapshot"]["version"]) as con:
        spend = con.execute(
            "select sum(f.spend) from analytics.fct_tyrell_corp__ad_performance f join "
            "analytics.dim_tyrell_corp__campaigns c using (campaign_key) where c.campaign_name = ?",
            [campaign],
        ).fetchone()[0]
    [row] = result["rows"]
    assert row["campaign_name"] == campaign and 0 < row["ctr"] < 1
    assert Decimal(str(result["rows"][0]["spend"])) == spend
    top = tyrell.ok(
        "query",
        {
            "metrics": ["spend"],
            "dimensions": ["campaign_name"],
            "order_by": [{"field": "spend", "direction": "desc"}],
            "limit": 3,
        },
    )
    spends = [r["spend"] for r in top["rows"]]
    assert spends == sorted(spends, reverse=True) and top["row_count"] == 3 and top["truncated"]
    assert top["truncated_reason"]
    huge = tyrell.ok("query", {"metrics": ["spend"], "dimensions": ["ad_id"], "limit": 10**9})
    assert huge["limit"] == 5000 and "clamped" in huge["notes"][0]


def test_empty_results_name_the_filter_that_emptied_them(tyrell: Session) -> None:
    result = tyrell.ok(
        "query",
        {
            "metrics": ["sessions"],
            "dimensions": ["device_category"],
            "filters": [
                {"field": "geo_country", "operator": "=", "value": "US"},
                {"field": "device_category", "operator": "=", "value": "toaster"},
            ],
        },
    )
    assert (
        result["rows"] == [] and "filter 2" in result["empty_reason"] and "toaster" in result["empty_reason"]
    )
    assert "get_dimension_values" in result["empty_reason"]
    late = tyrell.ok(
        "query",
        {
            "metrics": ["spend"],
            "dimensions": ["source_platform"],
            "date_range": {"start": "2027-06-01", "end": "2027-06-30"},
        },
    )
    assert "date_range" in late["empty_reason"] and "covers" in late["empty_reason"]


def test_errors_an_agent_can_act_on(tyrell: Session) -> None:
    assert "Did you mean 'spend'" in tyrell.error("query", {"metrics": ["spned"]})
    assert "Known dimensions" in tyrell.error(
        "query", {"metrics": ["spend"], "dimensions": ["customer_email"]}
    )
    bad_op = tyrell.error(
        "query",
        {"metrics": ["spend"], "filters": [{"field": "source_platform", "operator": "~=", "value": "x"}]},
    )
    assert "'ilike'" in bad_op and "'not in'" in bad_op
    assert "YYYY-MM-DD" in tyrell.error(
        "query",
        {"metrics": ["spend"], "filters": [{"field": "date", "operator": ">=", "value": "last week"}]},
    )
    assert "separately" in tyrell.error(
        "query", {"metrics": ["spend", "revenue"], "dimensions": ["source_platform"]}
    )
    blended = tyrell.ok("query", {"metrics": ["spend", "revenue", "roas"], "time_grain": "month"})
    assert blended["rows"] and {"date", "roas"} <= set(blended["rows"][0])


def test_pipeline_health_reports_the_tenant(tyrell: Session) -> None:
    health = tyrell.ok("pipeline_health")
    [report] = health["reports"]
    assert report["tenant"] == "tyrell_corp" and report["status"] in ("healthy", "degraded", "failing")
    assert {s["connector"] for s in report["sources"]} == {
        "facebook_ads",
        "google_ads",
        "instagram_ads",
        "shopify",
        "google_analytics",
    }
    assert report["last_build"]["models_pass"] > 0


def test_admin_reads_any_tenant_and_every_health_report(admin_http: Session) -> None:
    assert "say which tenant" in admin_http.error("query", {"metrics": ["spend"]})
    result = admin_http.ok("query", {**SPEND_CLICKS, "tenant": "stark_industries"})
    assert result["tenant"] == "stark_industries"
    assert {r["tenant"] for r in admin_http.ok("pipeline_health")["reports"]} == set(DEMO_TENANTS)
    assert "Did you mean 'wayne_enterprises'" in admin_http.error(
        "list_metrics", {"tenant": "wayne_enterprise"}
    )


def test_onboarding_is_admin_only(tyrell: Session) -> None:
    message = tyrell.error("onboard_tenant", {"slug": "acme_corp", "name": "Acme", "sources": ["shopify"]})
    assert "admin" in message and "gata token create --admin" in message and "gata serve --admin" in message


def test_resources_and_prompts_are_scoped(tyrell: Session, admin_http: Session) -> None:
    uris = {str(r.uri) for r in tyrell.run(tyrell.client.list_resources).resources}
    assert uris == {"gata://tenants/tyrell_corp/semantic-model", "gata://tenants/tyrell_corp/metrics"}
    text = tyrell.run(tyrell.client.read_resource, "gata://tenants/tyrell_corp/metrics").contents[0].text
    assert "| `spend` |" in text and "wayne" not in text
    with pytest.raises(Exception, match="scope"):
        tyrell.run(tyrell.client.read_resource, "gata://tenants/wayne_enterprises/semantic-model")
    admin_uris = {str(r.uri) for r in admin_http.run(admin_http.client.list_resources).resources}
    assert len(admin_uris) == 2 * len(DEMO_TENANTS)
    prompt = tyrell.run(
        tyrell.client.get_prompt, "weekly_channel_review", {"weeks": "2", "platform": "google_ads"}
    )
    body = prompt.messages[0].content.text
    assert "google_ads" in body and '"time_grain": "week"' in body
    end = date.fromisoformat(body.split(" to ")[1][:10])
    assert body.count((end - timedelta(days=13)).isoformat()) >= 1
    ref = PromptReference(type="ref/prompt", name="weekly_channel_review")
    done = tyrell.run(tyrell.client.complete, ref, {"name": "platform", "value": "goo"})
    assert done.completion.values == ["google_ads"]
    campaigns = tyrell.run(
        tyrell.client.complete,
        PromptReference(type="ref/prompt", name="campaign_review"),
        {"name": "campaign", "value": "black"},
    )
    assert campaigns.completion.values == ["tyrell_corp_black_friday"]
