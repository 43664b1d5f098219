"""``query``: governed numbers. The arguments are the semantic layer's own ``QuerySpec`` (plus how to
present the answer and, for admins, which tenant), compiled only from declared metrics and dimensions,
checked to touch only the caller's tenant's tables, and run read-only under the request's deadline with
row and size caps. An empty answer says which filter emptied it."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import Context
from pydantic import Field

from gata.tokens import Scope
from mcp_server.charts import ChartKind, attach_chart
from mcp_server.executor import Deadline, Execution, execute_cached, fit_rows
from mcp_server.guards import check_tables, guarded, no_nul
from mcp_server.models import Column, Freshness, QueryResult, Value
from mcp_server.snapshot import Snapshot
from mcp_server.state import ServerState, state_of
from mcp_server.tools.arguments import model_arguments
from mcp_server.tools.common import TenantArg
from semantic_configs.semantics import MAX_LIMIT, CompiledQuery, Filter, QuerySpec, TenantSemantics

DIAGNOSE_BELOW_MS = 2000  # explain an empty result only when re-running it is cheap
SPEC_FIELDS = frozenset(QuerySpec.model_fields)


class QueryArgs(QuerySpec):
    chart: Annotated[
        ChartKind,
        Field(
            description="Also return a chart: 'auto' (a line for a time series, bars for "
            "categories), 'line', 'bar', or 'none' (default). The PNG comes as an image "
            "block, its Vega-Lite spec in `chart`."
        ),
    ] = "none"
    tenant: TenantArg = None

    def spec(self) -> QuerySpec:
        """The question itself, without how to present it or whose data: what compiles (and is cached)."""
        return QuerySpec.model_construct(
            **{k: v for k, v in self if k in SPEC_FIELDS}, _fields_set=self.model_fields_set & SPEC_FIELDS
        )


@model_arguments(QueryArgs)
async def query(args: QueryArgs, ctx: Context[Any, Any]) -> QueryResult:
    """Governed numbers for your tenant: name metrics (and optionally dimensions, filters, a time grain
    and a date range) from list_metrics; never a table or SQL. Example: spend and clicks by platform per
    week = metrics ["spend", "clicks"], dimensions ["source_platform"], time_grain "week".
    Returns rows keyed by column name, the columns' types, the compiled SQL, the data's freshness, and
    `truncated` when rows were cut (by `limit` or the response size cap). When nothing matches,
    `empty_reason` names the filter that emptied the result. Metrics of different facts (e.g. spend,
    sessions and attributed_revenue) combine on the dimensions they share: date, and channel,
    source_platform and campaign for those answered by channel; ratios are ratios of sums."""
    state = state_of(ctx)
    deadline = Deadline(state.config.query_timeout_s)
    scope = state.scope()
    no_nul(
        [*args.metrics, *args.dimensions, args.tenant, args.attribution_model], "metric and dimension names"
    )
    for f in args.filters:
        no_nul([f.field, f.value, *(f.values or [])], f"filter on {f.field!r}")
    no_nul([o.field for o in args.order_by], "order_by")
    return await guarded("query", lambda: run_query(state, scope, args, deadline), deadline)


def run_query(
    state: ServerState, scope: Scope, args: QueryArgs, deadline: Deadline | None = None
) -> QueryResult:
    """One governed query; ``deadline`` (default: a fresh one of the configured length) bounds all of it."""
    deadline = deadline or Deadline(state.config.query_timeout_s)
    notes: list[str] = []
    limit = args.limit
    if limit > MAX_LIMIT:
        notes.append(f"limit {limit} is above the maximum {MAX_LIMIT}: it was clamped to {MAX_LIMIT}.")
        limit = MAX_LIMIT
    spec = args.spec().model_copy(update={"limit": limit})
    with state.snapshots.use() as snap:
        slug = state.tenant_for(scope, snap, args.tenant)
        deadline.check("compilation")
        semantics = snap.semantics(slug)
        compiled = compile_query(snap, semantics, spec, limit + 1)
        deadline.check("the query")
        execution = execute_cached(snap.con, snap.version, slug, compiled.sql, limit, deadline)
        if len(execution.names) != len(compiled.columns):
            raise RuntimeError(
                f"compiled columns {compiled.columns} do not match the result's {execution.names}"
            )
        dims = [c for c in compiled.columns if c not in spec.metrics]
        units = {m: semantics.metrics[m].get("unit") for m in spec.metrics}
        columns = [
            Column(
                name=name,
                role="metric" if name in spec.metrics else "dimension",
                type=ctype,
                unit=units.get(name),
                format=semantics.metrics[name].get("format") if name in units else None,
            )
            for name, ctype in zip(compiled.columns, execution.types, strict=True)
        ]
        rows = _rows(execution, compiled.columns)
        truncated, reason = execution.truncated, None
        if truncated:
            reason = f"more than {limit} rows matched: raise limit (max {MAX_LIMIT}), filter, or use a coarser grain."
        budget = state.config.max_response_bytes - len(compiled.sql) - 4096
        rows, cut = fit_rows(rows, max(budget, 1024))
        if cut:
            truncated = True
            reason = (
                f"the response was capped at {state.config.max_response_bytes} bytes after {len(rows)} rows: "
                "ask for fewer rows or fewer dimensions."
            )
        empty_reason = None
        deadline.check("shaping the answer")
        if _is_empty(rows, dims) and not cut and execution.elapsed_ms < DIAGNOSE_BELOW_MS:
            empty_reason = _diagnose_empty(snap, semantics, spec, compiled.model, deadline)
        result = QueryResult(
            tenant=slug,
            columns=columns,
            rows=rows,
            row_count=len(rows),
            truncated=truncated,
            truncated_reason=reason,
            limit=limit,
            empty_reason=empty_reason,
            notes=notes + list(compiled.notes),
            sql=compiled.sql,
            freshness=Freshness(last_load_at=snap.last_load_at(slug), snapshot=snap.info),
        )
        config = snap.configs[slug]
        return attach_chart(result, args.chart, config.get("name", slug), config.get("currency", ""))


def compile_query(snap: Snapshot, semantics: TenantSemantics, spec: QuerySpec, fetch: int) -> CompiledQuery:
    """The tenant's compiled SQL for ``spec`` (fetching ``fetch`` rows), from the compiled-query cache."""
    key = (semantics.tenant, f"q:{fetch}:{spec.model_dump_json()}")

    def make() -> CompiledQuery:
        compiled = semantics.compile(spec, limit=fetch)
        check_tables(compiled.sql, semantics)
        return compiled

    found: CompiledQuery = snap.cached(key, make)
    return found


def _rows(execution: Execution, columns: list[str]) -> list[dict[str, Value]]:
    return [dict(zip(columns, row, strict=True)) for row in execution.rows]


def _is_empty(rows: list[dict[str, Value]], dims: list[str]) -> bool:
    if not rows:
        return True
    return not dims and all(v in (None, 0) for v in rows[0].values())


def _describe(f: Filter) -> str:
    if f.operator in ("is null", "is not null"):
        return f"{f.field} {f.operator}"
    if f.operator in ("in", "not in"):
        values = f.values or []
        shown = ", ".join(repr(v) for v in values[:5])
        more = f", ... ({len(values)} values)" if len(values) > 5 else ""
        return f"{f.field} {f.operator} [{shown}{more}]"
    return f"{f.field} {f.operator} {f.value!r}"


def _diagnose_empty(
    snap: Snapshot, semantics: TenantSemantics, spec: QuerySpec, model: str, deadline: Deadline
) -> str:
    """Which filter emptied the result: re-run with progressively more of the filters (within the
    request's deadline: the diagnosis is part of the answer)."""
    dims = list(spec.dimensions) + (["date"] if spec.time_grain and "date" not in spec.dimensions else [])
    stage = "the empty-result diagnosis"

    def empty(variant: QuerySpec) -> bool:
        deadline.check(stage)
        compiled = compile_query(snap, semantics, variant, 2)
        result = execute_cached(snap.con, snap.version, semantics.tenant, compiled.sql, 1, deadline, stage)
        return _is_empty(_rows(result, compiled.columns), dims)

    base = spec.model_copy(update={"filters": [], "date_range": None, "order_by": [], "limit": 1})
    if empty(base):
        return (
            f"tenant {semantics.tenant} has no data at all for {', '.join(spec.metrics)}"
            f"{' by ' + ', '.join(dims) if dims else ''}."
        )
    if spec.date_range is not None and empty(base.model_copy(update={"date_range": spec.date_range})):
        cov = semantics.config.get("coverage", {}).get(model, {})
        return (
            f"date_range {spec.date_range.start}..{spec.date_range.end} matched nothing: "
            f"{model} data covers {cov.get('date_min')}..{cov.get('date_max')}."
        )
    applied: list[Filter] = []
    for i, f in enumerate(spec.filters, 1):
        applied.append(f)
        if empty(base.model_copy(update={"date_range": spec.date_range, "filters": list(applied)})):
            alone = empty(base.model_copy(update={"filters": [f]}))
            if alone:
                return (
                    f"filter {i} ({_describe(f)}) matches no row at all: list the values with "
                    f"get_dimension_values(dimension={f.field!r})."
                )
            return (
                f"filter {i} ({_describe(f)}) emptied the result: it matches rows on its own, but none "
                "together with the date_range and the filters before it."
            )
    return "no rows matched the request."
