"""The REST mirror: same tokens, same scoping, same answers and messages as the MCP tools; OpenAPI 3.1."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx2
import pytest
from hypothesis import given, settings
from mcp_types import CallToolResult, TextContent
from openapi_spec_validator import validate

from mcp_server.rest import tool_message
from tests.mcp_server.mcp_support import HttpServer, Session, Tokens
from tests.mcp_server.test_mcp_isolation import ATTACKS, PROPERTY, assert_no_leak, query_args

PROBLEM = "application/problem+json"


def rest(
    server: HttpServer, token: str | None, tool: str, args: dict[str, Any], **headers: str
) -> httpx2.Response:
    """The REST request that mirrors ``tool(args)``."""
    auth = {"Authorization": f"Bearer {token}"} if token is not None else {}
    h = {**auth, **headers}
    url = server.url + "/api/v1"
    if tool == "query":
        return httpx2.post(url + "/query", json=args, headers=h, timeout=60)
    if tool == "onboard_tenant":
        return httpx2.post(url + "/tenants", json=args, headers=h, timeout=60)
    params = {k: str(v) for k, v in args.items() if k != "dimension"}
    if tool == "get_dimension_values":
        return httpx2.get(
            f"{url}/dimensions/{quote(args['dimension'], safe='')}/values",
            params=params,
            headers=h,
            timeout=60,
        )
    path = {"list_metrics": "/metrics", "pipeline_health": "/health"}[tool]
    return httpx2.get(url + path, params=params, headers=h, timeout=60)


def as_result(response: httpx2.Response) -> CallToolResult:
    """A REST answer in the shape of a tool result, for the isolation checks."""
    if response.status_code == 200:
        return CallToolResult(content=[], structured_content=response.json())
    assert response.headers["content-type"] == PROBLEM, response.text
    problem = response.json()
    assert problem["status"] == response.status_code and problem["title"] and problem["type"] == "about:blank"
    return CallToolResult(content=[TextContent(type="text", text=problem["detail"])], is_error=True)


def assert_same(tool: str, mcp: CallToolResult, response: httpx2.Response) -> None:
    """REST answers exactly what MCP answers: the same data, or the same message (without the
    SDK's "Error executing tool ..." before it)."""
    if mcp.is_error:
        assert response.status_code in (400, 403, 422), (response.status_code, response.text)
        detail = response.json()["detail"]
        assert not detail.startswith("Error executing tool") and detail == tool_message(tool, mcp.content[0].text)
    else:
        assert response.status_code == 200, response.text
        assert response.json() == mcp.structured_content


@pytest.mark.parametrize(("tool", "args"), ATTACKS, ids=[f"{t}-{i}" for i, (t, _) in enumerate(ATTACKS)])
def test_rest_mirrors_mcp_on_every_hostile_case(
    server: HttpServer,
    tokens: Tokens,
    tyrell_http: Session,
    tool: str,
    args: dict[str, Any],
    markers: set[str],
    declared: tuple[set[str], set[str]],
) -> None:
    response = rest(server, tokens.by_tenant["tyrell_corp"], tool, args)
    mcp = tyrell_http.call(tool, args)
    assert_same(tool, mcp, response)
    result = as_result(response)
    if tool in ("list_metrics", "pipeline_health"):
        assert not {m for m in markers if m in response.text and m not in str(args)}
    else:
        assert_no_leak(result, args, markers, declared)
    if "tenant" in args and args["tenant"] != "tyrell_corp":
        assert response.status_code == 403 and "scoped to tenant 'tyrell_corp'" in response.json()["detail"]


@pytest.mark.slow
def test_property_rest_query_equals_mcp(
    server: HttpServer,
    tokens: Tokens,
    tyrell_http: Session,
    markers: set[str],
    declared: tuple[set[str], set[str]],
    metric_dims: dict[str, list[str]],
) -> None:
    token = tokens.by_tenant["tyrell_corp"]

    @settings(PROPERTY, max_examples=60)
    @given(query_args(metric_dims, sorted(declared[1])))
    def check(args: dict[str, Any]) -> None:
        response = rest(server, token, "query", args)
        assert_same("query", tyrell_http.call("query", args), response)
        assert_no_leak(as_result(response), args, markers, declared)

    check()


def test_tokens_and_scopes(server: HttpServer, tokens: Tokens) -> None:
    for token in (None, "gata_not-a-real-token", "x" * 3000):
        response = rest(server, token, "query", {"metrics": ["spend"]})
        assert response.status_code == 401 and response.headers["content-type"] == PROBLEM
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert "spend" not in response.text.replace("Bearer", "")
    for tool in ("list_metrics", "pipeline_health"):
        assert rest(server, None, tool, {}).status_code == 401
    wayne = rest(server, tokens.by_tenant["wayne_enterprises"], "query", {"metrics": ["spend"]}).json()
    assert wayne["tenant"] == "wayne_enterprises"
    admin = rest(server, tokens.admin, "query", {"metrics": ["spend"]})
    assert admin.status_code == 400 and "say which tenant" in admin.json()["detail"]
    assert (
        rest(server, tokens.admin, "query", {"metrics": ["spend"], "tenant": "stark_industries"}).json()[
            "tenant"
        ]
        == "stark_industries"
    )
    ghost = rest(server, tokens.ghost, "list_metrics", {})
    assert ghost.status_code == 400 and "no published data" in ghost.json()["detail"]
    # onboarding is admin-only: a tenant token is refused before anything runs
    request = {"slug": "x_co", "name": "X", "sources": ["tiktok_ads"]}
    refused = rest(server, tokens.by_tenant["tyrell_corp"], "onboard_tenant", request)
    assert refused.status_code == 403 and "needs admin scope" in refused.json()["detail"]
    invalid = rest(
        server, tokens.admin, "onboard_tenant", {"slug": "Bad Slug", "name": "X", "sources": ["nope_ads"]}
    )
    assert (
        invalid.status_code == 400 and "nope_ads" in invalid.json()["detail"]
    )  # names the unknown connector


def test_bad_requests_get_problems_that_say_what_to_do(server: HttpServer, tokens: Tokens) -> None:
    auth = {"Authorization": f"Bearer {tokens.by_tenant['tyrell_corp']}"}
    url = server.url + "/api/v1"
    not_json = httpx2.post(url + "/query", content=b"metrics=spend", headers=auth, timeout=10)
    assert not_json.status_code == 400 and "not JSON" in not_json.json()["detail"]
    array = httpx2.post(url + "/query", json=["spend"], headers=auth, timeout=10)
    assert array.status_code == 400 and "JSON object" in array.json()["detail"]
    missing = httpx2.post(url + "/query", json={}, headers=auth, timeout=10)
    assert missing.status_code == 422 and "metrics" in missing.json()["detail"]
    twice = httpx2.get(url + "/metrics?search=a&search=b", headers=auth, timeout=10)
    assert twice.status_code == 400 and "given twice" in twice.json()["detail"]
    huge = httpx2.post(url + "/query", content=b"{" + b" " * 300_000 + b"}", headers=auth, timeout=10)
    assert huge.status_code == 413
    no_chart = httpx2.post(
        url + "/query", json={"metrics": ["spend"]}, headers={**auth, "Accept": "image/png"}, timeout=10
    )
    assert no_chart.status_code == 406 and "chart" in no_chart.json()["detail"]


def test_openapi_is_valid_and_built_from_the_tool_schemas(server: HttpServer, admin_http: Session) -> None:
    doc = httpx2.get(server.url + "/api/v1/openapi.json", timeout=10).json()  # no token needed
    validate(doc)  # OpenAPI 3.1 (raises on an invalid document)
    assert doc["openapi"].startswith("3.1")
    tools = {t.name: t for t in admin_http.run(admin_http.client.list_tools).tools}
    ops = {op["operationId"]: op for path in doc["paths"].values() for op in path.values()}
    assert set(ops) == set(tools)

    def resolve(schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        return schema

    query_in = ops["query"]["requestBody"]["content"]["application/json"]["schema"]
    assert set(query_in["properties"]) == set(tools["query"].input_schema["properties"])
    assert query_in["required"] == tools["query"].input_schema["required"]
    assert "chart" in query_in["properties"]
    for name, op in ops.items():
        out = resolve(op["responses"]["200"]["content"]["application/json"]["schema"])
        assert set(out["properties"]) == set(tools[name].output_schema["properties"]), name
        assert op["responses"]["403"]["content"][PROBLEM]
    params = {p["name"] for p in ops["get_dimension_values"]["parameters"]}
    assert params == (set(tools["get_dimension_values"].input_schema["properties"]) - {"dimension"}) | {
        "name"
    }
