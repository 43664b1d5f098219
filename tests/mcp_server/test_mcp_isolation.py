"""Isolation: a tyrell_corp session never sees another tenant's rows or an undeclared column, whatever it sends."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from semantic_configs.semantics import OPERATORS
from tests.mcp_server.mcp_support import EVIL_VALUES, OTHERS, Session, dumps

TABLE_RE = re.compile(r'"analytics"\."([^"]+)"')
LITERAL_RE = re.compile(r"'(?:[^']|'')*'")

# names an attacker (or a confused agent) might try: other tenants, tables, physical columns, SQL, tricks
EVIL_NAMES = [
    "wayne_enterprises",
    "stark_industries",
    "fct_wayne_enterprises__ad_performance",
    "analytics.fct_stark_industries__orders",
    "platform.load_history",
    "tenant_slug",
    "customer_email",
    "customer_id",
    "user_pseudo_id",
    "campaign_key",
    "line_items_json",
    "status",
    "report_date",
    "_.spend",
    "campaigns.campaign_name",
    "ad_performance.spend",
    "*",
    "spend; drop table analytics.x",
    "spend) --",
    "sum(spend)",
    '"spend"',
    "'spend'",
    "spend\u200b",
    "ｓｐｅｎｄ",
    "spénd",
    "SPEND",
    " spend",
    "😀",
    "",
    "../wayne_enterprises",
    "date) union select * from analytics.fct_wayne_enterprises__orders --",
]


def assert_no_leak(
    result: Any, args: dict[str, Any], markers: set[str], declared: tuple[set[str], set[str]]
) -> None:
    sent = dumps(args)
    if result.is_error:
        text = result.content[0].text
        assert "internal error" not in text and text.strip() != "Error executing tool query", text
        leaked = {m for m in markers if m in text and m not in sent}
        assert not leaked, f"error message leaks {leaked}: {text}"
        return
    data = result.structured_content
    assert data["tenant"] == "tyrell_corp"
    body = dumps(data)
    leaked = {m for m in markers if m in body and m not in sent}
    assert not leaked, f"result leaks {leaked}"
    metrics, dimensions = declared
    if "columns" in data:  # query
        assert {c["name"] for c in data["columns"]} <= metrics | dimensions
        for row in data["rows"]:
            assert set(row) <= metrics | dimensions
    else:  # get_dimension_values
        assert data["dimension"] in dimensions
    tables = set(TABLE_RE.findall(LITERAL_RE.sub("''", data["sql"])))
    assert tables and all(t.split("__")[0] in ("fct_tyrell_corp", "dim_tyrell_corp") for t in tables), tables
    code = LITERAL_RE.sub("''", data["sql"])  # outside the bound filter values
    assert "platform" not in code.replace("source_platform", "")


ATTACKS: list[tuple[str, dict[str, Any]]] = [
    ("query", {"metrics": ["spend"], "tenant": "wayne_enterprises"}),
    ("query", {"metrics": ["spend"], "tenant": "tyrell_corp' or '1'='1"}),
    ("query", {"metrics": ["fct_wayne_enterprises__ad_performance.spend"]}),
    ("query", {"metrics": ["spend"], "dimensions": ["tenant_slug"]}),
    ("query", {"metrics": ["spend"], "dimensions": ["campaign_key"]}),
    ("query", {"metrics": ["spend"], "dimensions": ["campaigns.campaign_name"]}),
    ("query", {"metrics": ["spend) from analytics.fct_wayne_enterprises__ad_performance --"]}),
    (
        "query",
        {
            "metrics": ["spend"],
            "filters": [{"field": "tenant_slug", "operator": "=", "value": "wayne_enterprises"}],
        },
    ),
    (
        "query",
        {
            "metrics": ["spend"],
            "dimensions": ["campaign_name"],
            "filters": [
                {
                    "field": "campaign_name",
                    "operator": "=",
                    "value": "x' union select campaign_name, 1, 1 from "
                    "analytics.dim_wayne_enterprises__campaigns --",
                }
            ],
        },
    ),
    (
        "query",
        {
            "metrics": ["spend"],
            "dimensions": ["campaign_name"],
            "filters": [{"field": "campaign_name", "operator": "like", "value": "%"}],
        },
    ),
    (
        "query",
        {
            "metrics": ["spend"],
            "dimensions": ["campaign_name"],
            "filters": [
                {
                    "field": "campaign_name",
                    "operator": "in",
                    "values": ["wayne_enterprises_black_friday", "' or 1=1 --"],
                }
            ],
        },
    ),
    (
        "query",
        {
            "metrics": ["spend"],
            "filters": [{"field": "source_platform", "operator": "=", "value": "\u202egoogle_ads"}],
        },
    ),
    (
        "query",
        {"metrics": ["spend"], "filters": [{"field": 'source_platform"; --', "operator": "=", "value": "x"}]},
    ),
    ("query", {"metrics": ["spend"], "order_by": [{"field": "tenant_slug", "direction": "desc"}]}),
    ("query", {"metrics": ["spend"], "dimensions": ["ad_id"], "limit": 10**15}),
    ("query", {"metrics": ["spend"], "limit": -1}),
    ("query", {"metrics": ["spend"], "sql": "select * from analytics.fct_wayne_enterprises__orders"}),
    ("query", {"metrics": ["spend"], "table": "fct_wayne_enterprises__ad_performance"}),
    ("get_dimension_values", {"dimension": "campaign_name", "tenant": "stark_industries"}),
    ("get_dimension_values", {"dimension": "customer_email"}),
    ("get_dimension_values", {"dimension": "tenant_slug"}),
    ("get_dimension_values", {"dimension": "campaign_name", "search": "wayne"}),
    ("get_dimension_values", {"dimension": "campaign_name", "search": "' or 1=1 --"}),
    (
        "get_dimension_values",
        {"dimension": "campaign_name", "metric": "fct_wayne_enterprises__ad_performance"},
    ),
    ("get_dimension_values", {"dimension": "campaign_name", "limit": 10**9}),
    ("list_metrics", {"tenant": "wayne_enterprises"}),
    ("list_metrics", {"search": "wayne"}),
    ("pipeline_health", {"tenant": "stark_industries"}),
]


@pytest.mark.parametrize(("tool", "args"), ATTACKS, ids=[f"{t}-{i}" for i, (t, _) in enumerate(ATTACKS)])
def test_no_argument_reaches_another_tenant(
    tyrell: Session, tool: str, args: dict[str, Any], markers: set[str], declared: tuple[set[str], set[str]]
) -> None:
    result = tyrell.call(tool, args)
    if tool in ("list_metrics", "pipeline_health"):
        text = json.dumps(result.structured_content) if not result.is_error else result.content[0].text
        assert not {m for m in markers if m in text and m not in dumps(args)}
        assert result.is_error == ("tenant" in args)
        return
    assert_no_leak(result, args, markers, declared)
    if "tenant" in args and args["tenant"] != "tyrell_corp":
        assert result.is_error and "scoped to tenant 'tyrell_corp'" in result.content[0].text


def test_union_injection_in_a_filter_is_just_a_value(tyrell: Session) -> None:
    result = tyrell.ok(
        "query",
        {
            "metrics": ["spend"],
            "dimensions": ["campaign_name"],
            "filters": [{"field": "campaign_name", "operator": "=", "value": "x' union select 1 --"}],
        },
    )
    assert result["rows"] == [] and "matches no row" in result["empty_reason"]
    assert "'x'' union select 1 --'" in result["sql"]  # bound as one escaped literal


# ---- property-based ------------------------------------------------------------------------------------
def _names(declared: list[str]) -> st.SearchStrategy[str]:
    """Declared names, tricks, or random text."""
    return st.one_of(st.sampled_from(declared), st.sampled_from(EVIL_NAMES), st.text(max_size=24))


def _value() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(EVIL_VALUES),
        st.text(max_size=30),
        st.integers(-(10**20), 10**20),
        st.floats(allow_nan=False, allow_infinity=False),
        st.booleans(),
        st.dates().map(str),
    )


def _wellformed(metric_dims: dict[str, list[str]]) -> st.SearchStrategy[dict[str, Any]]:
    """A declared metric with dimensions it allows, valid shapes, tricky values: these reach the database."""

    def build(metric: str) -> st.SearchStrategy[dict[str, Any]]:
        dims = metric_dims[metric] or ["date"]
        filt = st.builds(
            lambda field, op, value: {
                "field": field,
                "operator": op,
                **(
                    {"values": [value, "google_ads"]}
                    if op in ("in", "not in")
                    else {}
                    if op.startswith("is")
                    else {"value": value}
                ),
            },
            st.sampled_from(dims),
            st.sampled_from(OPERATORS),
            _value(),
        )
        day = st.dates(min_value=date(2026, 9, 1), max_value=date(2026, 11, 30))
        return st.fixed_dictionaries(
            {"metrics": st.just([metric])},
            optional={
                "dimensions": st.lists(st.sampled_from(dims), max_size=2, unique=True),
                "filters": st.lists(filt, max_size=2),
                "time_grain": st.sampled_from(["day", "week", "month", "quarter", "year"]),
                "date_range": st.tuples(day, day).map(lambda d: {"start": str(min(d)), "end": str(max(d))}),
                "limit": st.integers(1, 300),
                "tenant": st.just("tyrell_corp"),
            },
        )

    return st.sampled_from(sorted(metric_dims)).flatmap(build)


def _anything(metrics: list[str], dims: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Any names (declared, tricks, random text), operators, values, grains and limits."""
    filt = st.fixed_dictionaries(
        {
            "field": _names(dims),
            "operator": st.one_of(st.sampled_from(OPERATORS), st.sampled_from(["==", "LIKE", ";"])),
        },
        optional={
            "value": st.one_of(_value(), st.none()),
            "values": st.lists(st.one_of(_value(), st.none()), max_size=3),
        },
    )
    day = st.dates().map(str)
    return st.fixed_dictionaries(
        {"metrics": st.lists(_names(metrics), max_size=3)},
        optional={
            "dimensions": st.lists(_names(dims), max_size=3),
            "filters": st.lists(filt, max_size=3),
            "time_grain": st.sampled_from(["day", "week", "month", "quarter", "year", "hour", "' --"]),
            "date_range": st.fixed_dictionaries({"start": day, "end": day}),
            "order_by": st.lists(
                st.fixed_dictionaries(
                    {
                        "field": _names(metrics + dims),
                        "direction": st.sampled_from(["asc", "desc", "sideways"]),
                    }
                ),
                max_size=2,
            ),
            "limit": st.one_of(st.integers(-3, 50), st.integers(0, 10**12)),
            "tenant": st.sampled_from(["tyrell_corp", *OTHERS, *EVIL_NAMES[:6]]),
        },
    )


def query_args(metric_dims: dict[str, list[str]], dims: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(_wellformed(metric_dims), _anything(sorted(metric_dims), dims))


def values_args(metrics: list[str], dims: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"dimension": _names(dims)},
        optional={
            "search": st.one_of(st.text(max_size=20), st.sampled_from(EVIL_VALUES)),
            "metric": _names(metrics),
            "limit": st.one_of(st.integers(1, 300), st.integers(-2, 5000)),
            "tenant": st.sampled_from(["tyrell_corp", "tyrell_corp", *OTHERS]),
        },
    )


PROPERTY = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def test_property_query_never_leaks(
    tyrell_http: Session,
    markers: set[str],
    declared: tuple[set[str], set[str]],
    metric_dims: dict[str, list[str]],
) -> None:
    seen = {"ok": 0, "error": 0}

    @PROPERTY
    @given(query_args(metric_dims, sorted(declared[1])))
    def check(args: dict[str, Any]) -> None:
        result = tyrell_http.call("query", args)
        seen["error" if result.is_error else "ok"] += 1
        assert_no_leak(result, args, markers, declared)

    check()
    assert seen["ok"] >= 40 and seen["error"] >= 40, seen  # both paths were exercised


def test_property_dimension_values_never_leak(
    tyrell_stdio: Session, markers: set[str], declared: tuple[set[str], set[str]]
) -> None:
    metrics, dims = sorted(declared[0]), sorted(declared[1])
    seen = {"ok": 0, "error": 0}

    @PROPERTY
    @given(values_args(metrics, dims))
    def check(args: dict[str, Any]) -> None:
        result = tyrell_stdio.call("get_dimension_values", args)
        seen["error" if result.is_error else "ok"] += 1
        assert_no_leak(result, args, markers, declared)

    check()
    assert seen["ok"] >= 20 and seen["error"] >= 20, seen
