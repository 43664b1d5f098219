"""``list_metrics``: the caller's tenant's metric catalog, the first thing an agent reads."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import Context
from pydantic import Field

from gata.tokens import Scope
from mcp_server.guards import guarded, no_nul
from mcp_server.models import Coverage, DimensionInfo, MetricCatalog, MetricInfo, attribution_catalog
from mcp_server.state import ServerState, state_of
from mcp_server.tools.arguments import model_arguments
from mcp_server.tools.common import Arguments, TenantArg
from semantic_configs.semantics import Text

LISTED_VALUES = 12  # a dimension's values are listed when it has at most this many


class ListMetricsArgs(Arguments):
    search: Annotated[
        Text | None,
        Field(
            description="Optional case-insensitive word to narrow the list by name or "
            "description, e.g. 'cost' or 'session'.",
            examples=["spend"],
        ),
    ] = None
    tenant: TenantArg = None


@model_arguments(ListMetricsArgs)
async def list_metrics(args: ListMetricsArgs, ctx: Context[Any, Any]) -> MetricCatalog:
    """The metric catalog of your tenant: every metric (name, meaning, unit, which dimensions it can be
    grouped or filtered by), every dimension (with its values when there are few), the time grains and
    the dates covered. Call this first; use the names exactly as listed in `query`."""
    state = state_of(ctx)
    scope = state.scope()
    no_nul([args.search, args.tenant], "search")
    return await guarded("list_metrics", lambda: catalog(state, scope, args))


def catalog(state: ServerState, scope: Scope, args: ListMetricsArgs) -> MetricCatalog:
    with state.snapshots.use() as snap:
        slug = state.tenant_for(scope, snap, args.tenant)
        config = snap.configs[slug]
        term = (args.search or "").strip().lower()

        def hit(name: str, spec: dict[str, Any]) -> bool:
            return not term or term in name.lower() or term in str(spec.get("description", "")).lower()

        metrics = [
            MetricInfo(
                name=name,
                description=spec.get("description", ""),
                kind=spec.get("kind", "base"),
                format=spec.get("format", "number"),
                unit=spec.get("unit"),
                dimensions=list(spec.get("dimensions", [])),
                inputs=spec.get("inputs"),
            )
            for name, spec in sorted(config["metrics"].items())
            if hit(name, spec)
        ]
        dimensions = [
            DimensionInfo(
                name=name,
                description=spec.get("description", ""),
                distinct_values=spec.get("distinct_values"),
                values=[str(v) for v in spec["values"]]
                if 0 < len(spec.get("values") or []) <= LISTED_VALUES
                else None,
                grains=spec.get("grains"),
            )
            for name, spec in sorted(config["dimensions"].items())
            if hit(name, spec)
        ]
        dates = [c for c in config.get("coverage", {}).values() if c.get("date_min")]
        coverage = Coverage(
            date_min=min((c["date_min"] for c in dates), default=None),
            date_max=max((c["date_max"] for c in dates), default=None),
        )
        note = None
        if term:
            note = (
                f"narrowed to names or descriptions containing {args.search!r}: {len(metrics)} of "
                f"{len(config['metrics'])} metrics, {len(dimensions)} of {len(config['dimensions'])} dimensions"
            )
        return MetricCatalog(
            tenant=slug,
            name=config.get("name", slug),
            currency=config.get("currency", ""),
            metrics=metrics,
            dimensions=dimensions,
            time_grains=list(config.get("time", {}).get("grains", [])),
            coverage=coverage,
            snapshot=snap.info,
            note=note,
            attribution=attribution_catalog(config),
        )
