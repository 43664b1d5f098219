"""Each tenant's semantic model and metric catalog as readable documents, scoped like the tools.

- ``gata://tenants/{tenant}/semantic-model``: the generated YAML (boring-semantic-layer
  config plus GATA's catalog), exactly as published;
- ``gata://tenants/{tenant}/metrics``: the metric catalog as Markdown.

A session lists and reads only its own tenant (admin: every tenant). Asking for a
tenant outside the scope gets the same "not found" as a tenant that does not
exist, so a scoped session cannot even probe which other tenants there are.
"""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError
from mcp_types import Resource

from mcp_server.auth import request_scope
from mcp_server.state import ServerState, state_of

MODEL_URI = "gata://tenants/{tenant}/semantic-model"
METRICS_URI = "gata://tenants/{tenant}/metrics"


def visible(state: ServerState) -> list[str]:
    scope = request_scope(state.fixed_scope)
    snap = state.snapshots.peek()
    if scope is None or snap is None:
        return []
    return state.visible_tenants(scope, snap)


def listing(state: ServerState) -> list[Resource]:
    out: list[Resource] = []
    for tenant in visible(state):
        out.append(Resource(uri=MODEL_URI.format(tenant=tenant), name=f"{tenant} semantic model",
                            description=f"The governed semantic model of {tenant} (YAML, generated).",
                            mime_type="application/yaml"))
        out.append(Resource(uri=METRICS_URI.format(tenant=tenant), name=f"{tenant} metric catalog",
                            description=f"Metrics and dimensions {tenant}'s agents can query (Markdown).",
                            mime_type="text/markdown"))
    return out


def _config(state: ServerState, tenant: str) -> tuple[dict[str, Any], str]:
    if tenant not in visible(state):
        raise ResourceNotFoundError(f"no tenant {tenant!r} in this session's scope")
    with state.snapshots.use() as snap:
        return snap.configs[tenant], snap.yaml_text[tenant]


def catalog_markdown(config: dict[str, Any]) -> str:
    lines = [f"# {config.get('name', config['tenant'])} ({config['tenant']}): metric catalog", "",
             (f"Currency: {config.get('currency', '')}. Query with the `query` tool using these names; "
              "never table names."), ""]
    cov = [c for c in config.get("coverage", {}).values() if c.get("date_min")]
    if cov:
        lines += [f"Data covers {min(c['date_min'] for c in cov)} to {max(c['date_max'] for c in cov)}.", ""]
    lines += ["## Metrics", "", "| metric | meaning | unit | group by |", "|---|---|---|---|"]
    for name, spec in sorted(config["metrics"].items()):
        lines.append(
            f"| `{name}` | {spec.get('description', '')} | {spec.get('unit') or spec.get('format', '')} "
            f"| {', '.join(spec.get('dimensions', []))} |"
        )
    lines += ["", "## Dimensions", "", "| dimension | meaning | values |", "|---|---|---|"]
    for name, spec in sorted(config["dimensions"].items()):
        values = spec.get("grains") or spec.get("values") or []
        shown = ", ".join(map(str, values[:12])) + (" ..." if len(values) > 12 else "")
        if not values and spec.get("distinct_values"):
            shown = f"{spec['distinct_values']} distinct (get_dimension_values)"
        lines.append(f"| `{name}` | {spec.get('description', '')} | {shown} |")
    return "\n".join(lines) + "\n"


def register(mcp: MCPServer[Any]) -> None:
    @mcp.resource(
        MODEL_URI,
        name="semantic-model",
        mime_type="application/yaml",
        description="A tenant's governed semantic model (generated YAML).",
    )
    def semantic_model(tenant: str, ctx: Context[Any, Any]) -> str:
        return _config(state_of(ctx), tenant)[1]

    @mcp.resource(
        METRICS_URI,
        name="metric-catalog",
        mime_type="text/markdown",
        description="A tenant's metric catalog: metrics, dimensions, values, coverage (Markdown).",
    )
    def metric_catalog(tenant: str, ctx: Context[Any, Any]) -> str:
        return catalog_markdown(_config(state_of(ctx), tenant)[0])
