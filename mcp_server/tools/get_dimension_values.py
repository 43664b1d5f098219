"""``get_dimension_values``: the exact values to filter on, counted in the table they come from."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import Context
from pydantic import Field

from gata.errors import QueryError
from gata.tokens import Scope
from mcp_server.executor import Deadline, execute_cached
from mcp_server.guards import check_tables, guarded, no_nul
from mcp_server.models import DimensionValue, DimensionValues
from mcp_server.state import ServerState, state_of
from mcp_server.tools.arguments import model_arguments
from mcp_server.tools.common import Arguments, TenantArg
from semantic_configs.semantics import Name, QuerySpec, Text, suggest

DEFAULT_VALUES_LIMIT = 50
MAX_VALUES_LIMIT = 1000


class DimensionValuesArgs(Arguments):
    dimension: Annotated[Name, Field(description="A dimension name from list_metrics.",
                                     examples=["campaign_name", "source_platform"])]
    search: Annotated[
        Text | None,
        Field(
            description="Optional case-insensitive fragment the values must contain, "
            "e.g. 'black' finds 'tyrell_corp_black_friday'.",
            examples=["black"],
        ),
    ] = None
    metric: Annotated[
        Name | None,
        Field(
            description="Optional metric whose table the values are counted in (e.g. "
            "'sessions' lists the source_platform values of analytics data). Default: "
            "the dimension's own table.",
            examples=["sessions"],
        ),
    ] = None
    limit: Annotated[
        int,
        Field(
            ge=1,
            le=MAX_VALUES_LIMIT,
            description=f"Values to return, most frequent first (max {MAX_VALUES_LIMIT}).",
        ),
    ] = DEFAULT_VALUES_LIMIT
    tenant: TenantArg = None


@model_arguments(DimensionValuesArgs)
async def get_dimension_values(args: DimensionValuesArgs, ctx: Context[Any, Any]) -> DimensionValues:
    """Distinct values of one dimension with row counts, most frequent first: use it to find the exact
    value to filter on (a campaign by a fragment of its name, the platforms present, ...).
    `truncated` is true when more values matched than `limit`."""
    state = state_of(ctx)
    deadline = Deadline(state.config.query_timeout_s)
    scope = state.scope()
    no_nul([args.dimension, args.search, args.metric, args.tenant], "arguments")
    return await guarded(
        "get_dimension_values", lambda: dimension_values(state, scope, args, deadline), deadline
    )


def dimension_values(
    state: ServerState, scope: Scope, args: DimensionValuesArgs, deadline: Deadline | None = None
) -> DimensionValues:
    deadline = deadline or Deadline(state.config.query_timeout_s)
    with state.snapshots.use() as snap:
        slug = state.tenant_for(scope, snap, args.tenant)
        semantics = snap.semantics(slug)
        model, field = semantics.dimension_field(args.dimension)  # raises QueryError for undeclared names
        if args.metric is not None:
            if args.metric not in semantics.metrics:
                raise QueryError(suggest(args.metric, list(semantics.metrics), "metric"))
            model = semantics.route(QuerySpec(metrics=[args.metric], dimensions=[args.dimension]))
            field = semantics.dimensions[args.dimension]["models"][model]
        term = args.search.strip() if args.search else None
        limit = args.limit
        key = (slug, f"v:{model}:{field}:{term}:{limit}")

        def make() -> str:
            counted = semantics.models[model].with_measures(value_count=lambda t: t.count())
            filters: list[Any] = (
                [lambda t: t[field].cast("string").lower().contains(term.lower())] if term else []
            )
            filters += semantics.model_filters(model)
            q = counted.query(
                dimensions=[field],
                measures=["value_count"],
                filters=filters,
                order_by=[("value_count", "desc"), (field, "asc")],
                limit=limit + 1,
            )
            sql: str = q.sql()
            check_tables(sql, semantics)
            return sql

        deadline.check("compilation")
        sql: str = snap.cached(key, make)
        deadline.check("the query")
        result = execute_cached(snap.con, snap.version, slug, sql, limit, deadline)
        table = semantics.config["tables"][model]["table"]
        grain = semantics.config["semantic_models"][model].get("description", "")
        return DimensionValues(
            tenant=slug,
            dimension=args.dimension,
            counted_in=f"{table}: {grain}".strip(),
            search=term,
            values=[DimensionValue(value=v, count=int(c or 0)) for v, c in result.rows],
            truncated=result.truncated,
            sql=sql,
            snapshot=snap.info,
        )
