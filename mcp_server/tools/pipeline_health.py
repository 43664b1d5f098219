"""``pipeline_health``: why data is stale or missing, from the observability tables of the served snapshot."""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import Context

from gata.tokens import Scope
from mcp_server.guards import guarded, no_nul
from mcp_server.models import PipelineHealth
from mcp_server.state import ServerState, state_of
from mcp_server.tools.arguments import model_arguments
from mcp_server.tools.common import Arguments, TenantArg
from pipeline.health import tenant_health


class PipelineHealthArgs(Arguments):
    tenant: TenantArg = None


@model_arguments(PipelineHealthArgs)
async def pipeline_health(args: PipelineHealthArgs, ctx: Context[Any, Any]) -> PipelineHealth:
    """Your tenant's pipeline state from the observability tables: last load per source, schema drift,
    the last build's model and test results (with failures), the star tables' rows and dates, freshness,
    and one overall status with its reason. An admin who names no tenant gets every tenant's report."""
    state = state_of(ctx)
    scope = state.scope()
    no_nul([args.tenant], "tenant")
    return await guarded("pipeline_health", lambda: health(state, scope, args.tenant))


def health(state: ServerState, scope: Scope, tenant: str | None) -> PipelineHealth:
    with state.snapshots.use() as snap:
        tenants = state.visible_tenants(scope, snap) if scope.admin and tenant is None \
            else [state.tenant_for(scope, snap, tenant)]
        reports = []
        for slug in tenants:
            cur = snap.con.cursor()
            try:
                reports.append(tenant_health(cur, slug))
            finally:
                cur.close()
        return PipelineHealth(reports=reports, snapshot=snap.info)
