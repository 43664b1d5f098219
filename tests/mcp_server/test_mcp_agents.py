"""An agent framework that speaks MCP, against the real HTTP server: the OpenAI Agents SDK's MCP client.

Optional: the SDK is in the `agents` dependency group (`uv sync --group agents`); skipped without it.
No model is called: the test drives the framework's MCP client the way an agent run would.
"""

from __future__ import annotations

import anyio
import pytest

from tests.mcp_server.mcp_support import HttpServer, Session, Tokens

agents_mcp = pytest.importorskip("agents.mcp")


def test_openai_agents_sdk_lists_and_calls_gata_tools(
    server: HttpServer, tokens: Tokens, tyrell_http: Session
) -> None:
    args = {"metrics": ["spend", "clicks"], "dimensions": ["source_platform"]}

    async def run() -> tuple[list[str], dict]:
        params = {
            "url": server.url + "/mcp",
            "headers": {"Authorization": f"Bearer {tokens.by_tenant['tyrell_corp']}"},
        }
        async with agents_mcp.MCPServerStreamableHttp(name="gata", params=params) as gata:
            names = sorted(t.name for t in await gata.list_tools())
            result = await gata.call_tool("query", args)
            return names, result.structured_content

    names, data = anyio.run(run)
    assert names == ["get_dimension_values", "list_metrics", "pipeline_health", "query"]
    assert data == tyrell_http.ok("query", args)
