"""Hostile and careless inputs over HTTP: each is refused with a message naming the limit or the mistake,
the server keeps answering /health within a second, and nothing under GATA_HOME changes."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp.shared.exceptions import MCPError
from mcp_types import PromptReference

from gata.settings import Paths
from tests.mcp_server.mcp_support import HttpServer, Session

BIG = "x" * 3_000_000
IN_100K = [f"campaign-{i}" for i in range(100_000)]


def fingerprint(home: Path) -> dict[str, str]:
    """Every file under GATA_HOME by content digest (DuckDB files by size and mtime: they are large)."""
    prints = {}
    for f in sorted(home.rglob("*")):
        if f.is_file():
            stat = f.stat()
            prints[str(f)] = (f"{stat.st_size}:{stat.st_mtime_ns}" if f.suffix == ".duckdb"
                              else hashlib.sha256(f.read_bytes()).hexdigest())
    return prints


def in_filter(values: list[Any], op: str = "in") -> dict[str, Any]:
    return {"field": "campaign_name", "operator": op, "values": values}


# (name, tool, arguments, fragments the refusal must contain)
TOOL_CASES: list[tuple[str, str, dict[str, Any], list[str]]] = [
    (
        "in list of 100,000 values",
        "query",
        {"metrics": ["spend"], "filters": [in_filter(IN_100K)]},
        ["filters.0.values", "at most 1000 items"],
    ),
    (
        "in list one over the limit",
        "query",
        {"metrics": ["spend"], "filters": [in_filter(IN_100K[:1001], "not in")]},
        ["at most 1000 items"],
    ),
    (
        "too many values across filters",
        "query",
        {"metrics": ["spend"], "filters": [in_filter(IN_100K[:1000])] * 3},
        ["3000 values in all", "at most 2000"],
    ),
    (
        "3 MB filter value",
        "query",
        {"metrics": ["spend"], "filters": [{"field": "campaign_name", "operator": "=", "value": BIG}]},
        ["at most 200 characters"],
    ),
    (
        "like pattern with many wildcards",
        "query",
        {
            "metrics": ["spend"],
            "filters": [{"field": "campaign_name", "operator": "like", "value": "%a" * 60 + "%"}],
        },
        ["at most 8 wildcards", "has 61"],
    ),
    ("21 metrics", "query", {"metrics": [f"m{i}" for i in range(21)]}, ["metrics", "at most 20 items"]),
    (
        "11 dimensions",
        "query",
        {"metrics": ["spend"], "dimensions": [f"d{i}" for i in range(11)]},
        ["at most 10 items"],
    ),
    (
        "21 filters",
        "query",
        {"metrics": ["spend"], "filters": [{"field": "campaign_name", "operator": "is null"}] * 21},
        ["at most 20 items"],
    ),
    (
        "year 1 date range",
        "query",
        {"metrics": ["spend"], "date_range": {"start": "0001-01-01", "end": "2026-10-01"}},
        ["outside the accepted window 2000-01-01"],
    ),
    (
        "year 9999 date range",
        "query",
        {"metrics": ["spend"], "date_range": {"start": "2026-10-01", "end": "9999-12-31"}},
        ["outside the accepted window"],
    ),
    ("3 MB metric name", "query", {"metrics": [BIG]}, ["at most 200 characters"]),
    (
        "3 MB search",
        "get_dimension_values",
        {"dimension": "campaign_name", "search": BIG},
        ["at most 200 characters"],
    ),
    ("3 MB list_metrics search", "list_metrics", {"search": BIG}, ["at most 200 characters"]),
    (
        "unknown query field",
        "query",
        {
            "metrics": ["spend"],
            "filters": [{"field": "campaign_name", "operator": "=", "value": "a", "evil": 1}],
        },
        ["evil", "xtra"],
    ),
]

ONBOARD_CASES: list[tuple[str, dict[str, Any], list[str]]] = [
    (
        "unknown field",
        {"slug": "acme_corp", "name": "Acme", "sources": ["google_ads"], "evil": 1},
        ["evil is not a known field"],
    ),
    (
        "misspelt field",
        {"slug": "acme_corp", "name": "Acme", "sorces": ["google_ads"]},
        ["sorces is not a known field (did you mean 'sources'?)"],
    ),
    (
        "slug with a newline",
        {"slug": "acme_corp\n", "name": "Acme", "sources": ["google_ads"]},
        ["malformed slug 'acme_corp\\n'"],
    ),
    (
        "end date in year 9999",
        {"slug": "acme_corp", "name": "Acme", "sources": ["google_ads"], "end_date": "9999-12-31"},
        ["outside the accepted window"],
    ),
    (
        "end date in year 1",
        {"slug": "acme_corp", "name": "Acme", "sources": ["google_ads"], "end_date": "0001-01-01"},
        ["outside the accepted window"],
    ),
]


@pytest.fixture(scope="module")
def watch(demo: Paths, server: HttpServer) -> Callable[[Callable[[], str], list[str]], str]:
    """Run a hostile call; assert its refusal, /health within 1 s, and an unchanged GATA_HOME."""

    def check(call: Callable[[], str], fragments: list[str]) -> str:
        before = fingerprint(demo.home)
        text = call()
        for fragment in fragments:
            assert fragment in text, f"{fragment!r} not in {text[:2000]!r}"
        assert len(text) < 20_000, "the refusal echoed the input"
        start = time.monotonic()
        health = httpx2.get(server.url + "/health", timeout=1)
        assert health.status_code == 200 and time.monotonic() - start < 1
        assert set(health.json()["caches"]) == {"compiled", "results", "semantics"}  # operators see them
        assert fingerprint(demo.home) == before
        return text

    return check


@pytest.mark.parametrize(("name", "tool", "args", "fragments"), TOOL_CASES, ids=[c[0] for c in TOOL_CASES])
def test_hostile_tool_call_is_refused(
    tyrell_http: Session, watch: Any, name: str, tool: str, args: dict[str, Any], fragments: list[str]
) -> None:
    watch(lambda: tyrell_http.error(tool, args), fragments)


@pytest.mark.parametrize(("name", "request_", "fragments"), ONBOARD_CASES, ids=[c[0] for c in ONBOARD_CASES])
def test_hostile_onboarding_is_refused(
    admin_http: Session, watch: Any, name: str, request_: dict[str, Any], fragments: list[str]
) -> None:
    watch(lambda: admin_http.error("onboard_tenant", request_), fragments)


def test_onboard_tenant_is_refused_to_a_tenant_session(tyrell_http: Session, watch: Any) -> None:
    watch(
        lambda: tyrell_http.error(
            "onboard_tenant", {"slug": "acme_corp", "name": "A", "sources": ["google_ads"]}
        ),
        ["needs admin scope"],
    )


def prompt_error(s: Session, name: str, args: dict[str, str]) -> str:
    with pytest.raises(MCPError) as err:
        s.run(s.client.get_prompt, name, args)
    return str(err.value.error.message)


def test_a_prompt_naming_another_tenant_says_why(tyrell_http: Session, watch: Any) -> None:
    text = watch(
        lambda: prompt_error(tyrell_http, "weekly_channel_review", {"tenant": "wayne_enterprises"}),
        ["cannot render prompt 'weekly_channel_review'", "cannot read tenant 'wayne_enterprises'"],
    )
    assert "rows" not in text


def test_a_prompt_with_a_bad_argument_says_why(tyrell_http: Session, watch: Any) -> None:
    watch(
        lambda: prompt_error(tyrell_http, "weekly_channel_review", {"weeks": "many"}),
        ["cannot render prompt", "weeks", "integer"],
    )


def test_a_huge_prompt_argument_is_refused_without_echo(tyrell_http: Session, watch: Any) -> None:
    text = watch(
        lambda: prompt_error(tyrell_http, "campaign_review", {"campaign": BIG}),
        ["argument 'campaign' is 3000000 characters long", "at most 200"],
    )
    assert len(text) < 500


def test_a_huge_completion_argument_completes_nothing(tyrell_http: Session, watch: Any) -> None:
    def complete() -> str:
        result = tyrell_http.run(
            tyrell_http.client.complete,
            PromptReference(type="ref/prompt", name="campaign_review"),
            {"name": "campaign", "value": BIG},
        )
        assert result.completion.values == []
        return "no values"

    watch(complete, ["no values"])
