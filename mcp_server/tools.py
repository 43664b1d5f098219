"""The five tools: list_metrics, get_dimension_values, query, onboard_tenant, pipeline_health.

Each tool resolves the caller's scope first (from the session, never from its
arguments), then the tenant it may read, then works on the current published
snapshot. Queries are compiled by the tenant's semantic layer (only declared
metrics and dimensions, filter values bound as literals), checked to touch only
that tenant's tables, and run read-only with a timeout and row and size caps.

Every failure reaches the agent as a ``ToolError`` whose message says what to do;
anything unexpected is logged here with its traceback and reported as a short
internal error with a reference, never a stack trace.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

import anyio
import anyio.from_thread
import anyio.to_thread
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, ImageContent, TextContent, ToolAnnotations
from pydantic import BaseModel, Field, ValidationError, WithJsonSchema

from gata.errors import GataError, QueryError, QueryTimeout
from gata.limits import MAX_DIMENSIONS, MAX_FILTERS, MAX_METRICS, MAX_ORDER_BY
from gata.settings import Paths
from gata.strict import unknown_field
from gata.tokens import Scope
from mcp_server.auth import request_scope
from mcp_server.charts import ChartKind, attach_chart
from mcp_server.executor import Deadline, execute_cached, fit_rows
from mcp_server.models import (
    Column,
    Coverage,
    DimensionInfo,
    DimensionValue,
    DimensionValues,
    Freshness,
    MetricCatalog,
    MetricInfo,
    PipelineHealth,
    QueryResult,
    Value,
    attribution_catalog,
)
from mcp_server.outcomes import ScopeRefused
from mcp_server.snapshot import Snapshot, SnapshotManager
from pipeline.onboarding import OnboardRequest, OnboardResult, onboard
from semantic_configs.semantics import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    DateRange,
    Filter,
    Grain,
    Name,
    OrderBy,
    QuerySpec,
    TenantSemantics,
    Text,
    suggest,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_VALUES_LIMIT = 50
LISTED_VALUES = 12  # list_metrics shows a dimension's values when it has at most this many
DIAGNOSE_BELOW_MS = 2000  # explain an empty result only when re-running it is cheap
MAX_VALUES_LIMIT = 1000
READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
INTERNAL = "internal error"


@dataclass
class ServerConfig:
    query_timeout_s: float = 30.0
    max_response_bytes: int = 1_000_000


class Gata:
    """The server's state: where data lives, the fixed scope (stdio) and the limits."""

    def __init__(self, paths: Paths, fixed_scope: Scope | None, config: ServerConfig | None = None) -> None:
        self.paths = paths
        self.fixed_scope = fixed_scope
        self.config = config or ServerConfig()
        self.snapshots = SnapshotManager(paths)

    def scope(self) -> Scope:
        scope = request_scope(self.fixed_scope)
        if scope is None:  # HTTP without a verified token never reaches a tool; belt and braces
            raise ToolError("this request carries no credentials: send a bearer token (gata token create)")
        return scope

    def visible_tenants(self, scope: Scope, snap: Snapshot) -> list[str]:
        if scope.admin:
            return snap.tenants
        return [scope.tenant] if scope.tenant in snap.configs else []

    def tenant_for(self, scope: Scope, snap: Snapshot, tenant: str | None) -> str:
        """The tenant this call reads: the scope's own, or (admin only) the one named."""
        if scope.admin:
            if tenant is None:
                raise ToolError("admin scope: say which tenant to read with tenant=...; tenants: "
                                + (", ".join(snap.tenants) or "none published yet"))
            if tenant not in snap.configs:
                raise ToolError(suggest(tenant, snap.tenants, "tenant"))
            return tenant
        if tenant is not None and tenant != scope.tenant:
            raise ScopeRefused(f"this session is scoped to tenant {scope.tenant!r} ({scope.via}) and cannot read "
                            f"tenant {tenant!r}; omit 'tenant' to read {scope.tenant!r}.")
        if scope.tenant not in snap.configs:
            raise ToolError(f"tenant {scope.tenant!r} (this session's scope) has no published data in snapshot "
                            f"{snap.version}: build it with `gata build --tenant {scope.tenant}` or onboard it.")
        assert scope.tenant is not None
        return scope.tenant


GRACE_S = 0.05  # how long past its deadline a request may take to stop on its own before it is abandoned


async def guarded(name: str, fn: Callable[[], T], deadline: Deadline | None = None) -> T:
    """Run blocking work in a thread; turn every failure into a ToolError an agent can act on.

    With a ``deadline`` the agent gets its answer or the time-limit error by the deadline (plus
    ``GRACE_S``) whatever stage the work is in: a running DuckDB query is interrupted by the
    deadline itself; pure-Python work that cannot be interrupted is abandoned to finish on its own
    (the input limits keep it short). A cancelled request (``notifications/cancelled``, a client
    that disconnected) interrupts its query the same way.
    """
    try:
        if deadline is None:
            return await anyio.to_thread.run_sync(fn)
        try:
            with anyio.fail_after(max(deadline.remaining(), 0) + GRACE_S):
                return await anyio.to_thread.run_sync(fn, abandon_on_cancel=True)
        except TimeoutError:
            deadline.expire()
            raise deadline.error() from None
        except anyio.get_cancelled_exc_class():
            deadline.cancel()
            raise
        finally:
            deadline.close()
    except ToolError:
        raise
    except QueryTimeout as exc:
        raise ToolError(f"{exc}: narrow the date_range, add filters, or group by fewer dimensions.") from exc
    except GataError as exc:
        raise ToolError(str(exc)) from exc
    except ValidationError as exc:
        raise ToolError(validation_message(exc)) from exc
    except Exception as exc:
        ref = secrets.token_hex(4)
        log.exception("%s failed (ref %s)", name, ref)
        raise ToolError(f"{INTERNAL} in {name} (the server logged it as ref {ref}); simplify the request or "
                        "ask the operator to check the server log.") from exc


def validation_message(exc: ValidationError, model: type[BaseModel] | None = None) -> str:
    """The first few problems, by field; never the (possibly huge) input itself."""
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"]) or "arguments"
        if err["type"] == "extra_forbidden" and model is not None and len(err["loc"]) == 1:
            parts.append(f"{where} {unknown_field(err['loc'][0], model.model_fields)}")
            continue
        parts.append(f"{where}: {err['msg']}")
    return "invalid arguments: " + "; ".join(parts)


def _no_nul(values: list[Any], what: str) -> None:
    for v in values:
        if isinstance(v, str) and ("\x00" in v or len(v) > 2000):
            raise ToolError(f"{what}: text must be under 2000 characters and contain no NUL characters.")


def structured(model: BaseModel, png: bytes | None = None) -> CallToolResult:
    """Structured content plus the same data as compact JSON text (for clients that read only text),
    and a chart as an image block when there is one."""
    data = model.model_dump(mode="json")
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    content: list[TextContent | ImageContent] = [TextContent(type="text", text=text)]
    if png is not None:
        content.append(ImageContent(type="image", data=base64.b64encode(png).decode(), mime_type="image/png"))
    return CallToolResult(content=content, structured_content=data)


_TABLE_RE = re.compile(r'"analytics"\."([^"]+)"|\banalytics\.("?)(\w+)\2')
_LITERAL_RE = re.compile(r"'(?:[^']|'')*'")


def check_tables(sql: str, semantics: TenantSemantics) -> None:
    """Defence in depth: compiled SQL may name only this tenant's declared star tables."""
    allowed = {spec["table"] for spec in semantics.config["tables"].values()}
    sql = _LITERAL_RE.sub("''", sql)  # filter values are data, not table references
    named = {a or c for a, _, c in _TABLE_RE.findall(sql)}
    if not named or not named <= allowed or re.search(r"\bplatform\.|\"platform\"\.", sql):
        raise RuntimeError(f"compiled SQL touches tables outside tenant {semantics.tenant}: {sorted(named - allowed)}")


# ---- list_metrics ------------------------------------------------------------------------------------
def list_metrics_impl(gata: Gata, scope: Scope, search: str | None, tenant: str | None) -> MetricCatalog:
    with gata.snapshots.use() as snap:
        slug = gata.tenant_for(scope, snap, tenant)
        config = snap.configs[slug]
        term = (search or "").strip().lower()

        def hit(name: str, spec: dict[str, Any]) -> bool:
            return not term or term in name.lower() or term in str(spec.get("description", "")).lower()

        metrics = [MetricInfo(name=name, description=spec.get("description", ""), kind=spec.get("kind", "base"),
                              format=spec.get("format", "number"), unit=spec.get("unit"),
                              dimensions=list(spec.get("dimensions", [])), inputs=spec.get("inputs"))
                   for name, spec in sorted(config["metrics"].items()) if hit(name, spec)]
        dimensions = [DimensionInfo(name=name, description=spec.get("description", ""),
                                    distinct_values=spec.get("distinct_values"),
                                    values=[str(v) for v in spec["values"]]
                                    if 0 < len(spec.get("values") or []) <= LISTED_VALUES else None,
                                    grains=spec.get("grains"))
                      for name, spec in sorted(config["dimensions"].items()) if hit(name, spec)]
        dates = [c for c in config.get("coverage", {}).values() if c.get("date_min")]
        coverage = Coverage(date_min=min((c["date_min"] for c in dates), default=None),
                            date_max=max((c["date_max"] for c in dates), default=None))
        note = None
        if term:
            note = (f"narrowed to names or descriptions containing {search!r}: {len(metrics)} of "
                    f"{len(config['metrics'])} metrics, {len(dimensions)} of {len(config['dimensions'])} dimensions")
        return MetricCatalog(tenant=slug, name=config.get("name", slug), currency=config.get("currency", ""),
                             metrics=metrics, dimensions=dimensions,
                             time_grains=list(config.get("time", {}).get("grains", [])), coverage=coverage,
                             snapshot=snap.info, note=note, attribution=attribution_catalog(config))


# ---- query -------------------------------------------------------------------------------------------
def _rows(execution_rows: list[tuple[Value, ...]], columns: list[str]) -> list[dict[str, Value]]:
    return [dict(zip(columns, row, strict=True)) for row in execution_rows]


def _is_empty(rows: list[dict[str, Value]], dims: list[str]) -> bool:
    if not rows:
        return True
    return not dims and all(v in (None, 0) for v in rows[0].values())


def run_query(gata: Gata, scope: Scope, spec_args: dict[str, Any], tenant: str | None,
              chart: ChartKind = "none", deadline: Deadline | None = None) -> QueryResult:
    """One governed query; ``deadline`` (default: a fresh one of the configured length) bounds all of it."""
    deadline = deadline or Deadline(gata.config.query_timeout_s)
    notes: list[str] = []
    limit = spec_args.get("limit", DEFAULT_LIMIT)
    if limit > MAX_LIMIT:
        notes.append(f"limit {limit} is above the maximum {MAX_LIMIT}: it was clamped to {MAX_LIMIT}.")
        limit = MAX_LIMIT
    spec = QuerySpec.model_validate({**spec_args, "limit": limit})
    with gata.snapshots.use() as snap:
        slug = gata.tenant_for(scope, snap, tenant)
        deadline.check("compilation")
        semantics = snap.semantics(slug)
        compiled = _compile(snap, semantics, spec, limit + 1)
        deadline.check("the query")
        execution = execute_cached(snap.con, snap.version, slug, compiled.sql, limit, deadline)
        if len(execution.names) != len(compiled.columns):
            raise RuntimeError(f"compiled columns {compiled.columns} do not match the result's {execution.names}")
        dims = [c for c in compiled.columns if c not in spec.metrics]
        units = {m: semantics.metrics[m].get("unit") for m in spec.metrics}
        columns = [Column(name=name, role="metric" if name in spec.metrics else "dimension", type=ctype,
                          unit=units.get(name), format=semantics.metrics[name].get("format") if name in units else None)
                   for name, ctype in zip(compiled.columns, execution.types, strict=True)]
        rows = _rows(execution.rows, compiled.columns)
        truncated, reason = execution.truncated, None
        if truncated:
            reason = f"more than {limit} rows matched: raise limit (max {MAX_LIMIT}), filter, or use a coarser grain."
        budget = gata.config.max_response_bytes - len(compiled.sql) - 4096
        rows, cut = fit_rows(rows, max(budget, 1024))
        if cut:
            truncated = True
            reason = (f"the response was capped at {gata.config.max_response_bytes} bytes after {len(rows)} rows: "
                      "ask for fewer rows or fewer dimensions.")
        empty_reason = None
        deadline.check("shaping the answer")
        if _is_empty(rows, dims) and not cut and execution.elapsed_ms < DIAGNOSE_BELOW_MS:
            empty_reason = _diagnose_empty(snap, semantics, spec, compiled.model, deadline)
        result = QueryResult(tenant=slug, columns=columns, rows=rows, row_count=len(rows), truncated=truncated,
                             truncated_reason=reason, limit=limit, empty_reason=empty_reason,
                             notes=notes + list(compiled.notes),
                             sql=compiled.sql,
                             freshness=Freshness(last_load_at=snap.last_load_at(slug), snapshot=snap.info))
        config = snap.configs[slug]
        return attach_chart(result, chart, config.get("name", slug), config.get("currency", ""))


def _compile(snap: Snapshot, semantics: TenantSemantics, spec: QuerySpec, fetch: int) -> Any:
    key = (semantics.tenant, f"q:{fetch}:{spec.model_dump_json()}")

    def make() -> Any:
        compiled = semantics.compile(spec, limit=fetch)
        check_tables(compiled.sql, semantics)
        return compiled

    return snap.cached(key, make)


def _describe(f: Filter) -> str:
    if f.operator in ("is null", "is not null"):
        return f"{f.field} {f.operator}"
    if f.operator in ("in", "not in"):
        values = f.values or []
        shown = ", ".join(repr(v) for v in values[:5])
        more = f", ... ({len(values)} values)" if len(values) > 5 else ""
        return f"{f.field} {f.operator} [{shown}{more}]"
    return f"{f.field} {f.operator} {f.value!r}"


def _diagnose_empty(snap: Snapshot, semantics: TenantSemantics, spec: QuerySpec, model: str,
                    deadline: Deadline) -> str:
    """Which filter emptied the result: re-run with progressively more of the filters (within the
    request's deadline: the diagnosis is part of the answer)."""
    dims = list(spec.dimensions) + (["date"] if spec.time_grain and "date" not in spec.dimensions else [])
    stage = "the empty-result diagnosis"

    def empty(variant: QuerySpec) -> bool:
        deadline.check(stage)
        compiled = _compile(snap, semantics, variant, 2)
        result = execute_cached(snap.con, snap.version, semantics.tenant, compiled.sql, 1, deadline, stage)
        return _is_empty(_rows(result.rows, compiled.columns), dims)

    base = spec.model_copy(update={"filters": [], "date_range": None, "order_by": [], "limit": 1})
    if empty(base):
        return (f"tenant {semantics.tenant} has no data at all for {', '.join(spec.metrics)}"
                f"{' by ' + ', '.join(dims) if dims else ''}.")
    if spec.date_range is not None and empty(base.model_copy(update={"date_range": spec.date_range})):
        cov = semantics.config.get("coverage", {}).get(model, {})
        return (f"date_range {spec.date_range.start}..{spec.date_range.end} matched nothing: "
                f"{model} data covers {cov.get('date_min')}..{cov.get('date_max')}.")
    applied: list[Filter] = []
    for i, f in enumerate(spec.filters, 1):
        applied.append(f)
        if empty(base.model_copy(update={"date_range": spec.date_range, "filters": list(applied)})):
            alone = empty(base.model_copy(update={"filters": [f]}))
            if alone:
                return (f"filter {i} ({_describe(f)}) matches no row at all: list the values with "
                        f"get_dimension_values(dimension={f.field!r}).")
            return (f"filter {i} ({_describe(f)}) emptied the result: it matches rows on its own, but none "
                    "together with the date_range and the filters before it.")
    return "no rows matched the request."


# ---- get_dimension_values ----------------------------------------------------------------------------
def dimension_values(gata: Gata, scope: Scope, dimension: str, search: str | None, metric: str | None,
                     limit: int, tenant: str | None, deadline: Deadline | None = None) -> DimensionValues:
    deadline = deadline or Deadline(gata.config.query_timeout_s)
    with gata.snapshots.use() as snap:
        slug = gata.tenant_for(scope, snap, tenant)
        semantics = snap.semantics(slug)
        model, field = semantics.dimension_field(dimension)  # raises QueryError for undeclared names
        if metric is not None:
            if metric not in semantics.metrics:
                raise QueryError(suggest(metric, list(semantics.metrics), "metric"))
            model = semantics.route(QuerySpec(metrics=[metric], dimensions=[dimension]))
            field = semantics.dimensions[dimension]["models"][model]
        term = search.strip() if search else None
        key = (slug, f"v:{model}:{field}:{term}:{limit}")

        def make() -> str:
            counted = semantics.models[model].with_measures(value_count=lambda t: t.count())
            filters: list[Any] = [lambda t: t[field].cast("string").lower().contains(term.lower())] if term else []
            filters += semantics.model_filters(model)
            q = counted.query(dimensions=[field], measures=["value_count"], filters=filters,
                              order_by=[("value_count", "desc"), (field, "asc")], limit=limit + 1)
            sql = q.sql()
            check_tables(sql, semantics)
            return sql

        deadline.check("compilation")
        sql = snap.cached(key, make)
        deadline.check("the query")
        result = execute_cached(snap.con, snap.version, slug, sql, limit, deadline)
        table = semantics.config["tables"][model]["table"]
        grain = semantics.config["semantic_models"][model].get("description", "")
        return DimensionValues(tenant=slug, dimension=dimension, counted_in=f"{table}: {grain}".strip(),
                               search=term, values=[DimensionValue(value=v, count=int(c or 0)) for v, c in result.rows],
                               truncated=result.truncated, sql=sql, snapshot=snap.info)


# ---- pipeline_health ---------------------------------------------------------------------------------
def health(gata: Gata, scope: Scope, tenant: str | None) -> PipelineHealth:
    from pipeline.health import tenant_health

    with gata.snapshots.use() as snap:
        tenants = gata.visible_tenants(scope, snap) if scope.admin and tenant is None \
            else [gata.tenant_for(scope, snap, tenant)]
        reports = []
        for slug in tenants:
            cur = snap.con.cursor()
            try:
                reports.append(tenant_health(cur, slug))
            finally:
                cur.close()
        return PipelineHealth(reports=reports, snapshot=snap.info)


# ---- registration ------------------------------------------------------------------------------------
TenantArg = Annotated[Name | None, Field(
    description="Admin sessions only: the tenant to read. Tenant-scoped sessions leave it out (naming another "
                "tenant is refused).", examples=["tyrell_corp"])]


AttributionModelArg = Annotated[str | None, Field(
    description="How revenue is credited to channels and campaigns for attributed_revenue, roas, cac and the other "
                "metrics answered by channel: one of list_metrics' attribution.models (first_touch, last_touch, "
                "last_non_direct, linear, position_based, time_decay, data_driven). Default: the tenant's.",
    examples=["last_non_direct"])]


def register(mcp: MCPServer, gata: Gata) -> None:
    @mcp.tool(annotations=READ_ONLY, title="List metrics and dimensions")
    async def list_metrics(
        search: Annotated[Text | None, Field(description="Optional case-insensitive word to narrow the list by "
                                            "name or description, e.g. 'cost' or 'session'.",
                                            examples=["spend"])] = None,
        tenant: TenantArg = None,
    ) -> Annotated[CallToolResult, MetricCatalog]:
        """The metric catalog of your tenant: every metric (name, meaning, unit, which dimensions it can be
        grouped or filtered by), every dimension (with its values when there are few), the time grains and
        the dates covered. Call this first; use the names exactly as listed in `query`."""
        scope = gata.scope()
        _no_nul([search, tenant], "search")
        return structured(await guarded("list_metrics", lambda: list_metrics_impl(gata, scope, search, tenant)))

    @mcp.tool(annotations=READ_ONLY, title="Distinct values of a dimension")
    async def get_dimension_values(
        dimension: Annotated[Name, Field(description="A dimension name from list_metrics.",
                                        examples=["campaign_name", "source_platform"])],
        search: Annotated[Text | None, Field(description="Optional case-insensitive fragment the values must "
                                            "contain, e.g. 'black' finds 'tyrell_corp_black_friday'.",
                                            examples=["black"])] = None,
        metric: Annotated[Name | None, Field(description="Optional metric whose table the values are counted "
                                            "in (e.g. 'sessions' lists the source_platform values of analytics "
                                            "data). Default: the dimension's own table.",
                                            examples=["sessions"])] = None,
        limit: Annotated[int, Field(ge=1, le=MAX_VALUES_LIMIT, description="Values to return, most frequent "
                                    f"first (max {MAX_VALUES_LIMIT}).")] = DEFAULT_VALUES_LIMIT,
        tenant: TenantArg = None,
    ) -> Annotated[CallToolResult, DimensionValues]:
        """Distinct values of one dimension with row counts, most frequent first: use it to find the exact
        value to filter on (a campaign by a fragment of its name, the platforms present, ...).
        `truncated` is true when more values matched than `limit`."""
        deadline = Deadline(gata.config.query_timeout_s)
        scope = gata.scope()
        _no_nul([dimension, search, metric, tenant], "arguments")
        return structured(await guarded("get_dimension_values", lambda: dimension_values(
            gata, scope, dimension, search, metric, limit, tenant, deadline), deadline))

    @mcp.tool(annotations=READ_ONLY, title="Query metrics")
    async def query(
        metrics: Annotated[list[Name], Field(min_length=1, max_length=MAX_METRICS, description="Metric names "
                                             "from list_metrics.", examples=[["spend", "clicks"]])],
        dimensions: Annotated[list[Name], Field(max_length=MAX_DIMENSIONS, description="Dimensions to group by, from "
                                               "list_metrics. Use 'date' (with time_grain) for a time series.",
                                               examples=[["source_platform"]])] = [],  # noqa: B006
        filters: Annotated[list[Filter], Field(max_length=MAX_FILTERS, description="Conditions on dimensions, all of "
                                               "which must hold. Operators: =, !=, >, >=, <, <=, in, not in, "
                                               "like, ilike, is null, is not null.",
                                               examples=[[{"field": "source_platform", "operator": "in",
                                                           "values": ["google_ads", "facebook_ads"]}]])] = [],  # noqa: B006
        time_grain: Annotated[Grain | None, Field(description="Group dates by day, week, month, quarter or year "
                                                  "(adds the 'date' dimension).", examples=["week"])] = None,
        date_range: Annotated[DateRange | None, Field(description="Only these days (inclusive).", examples=[
            {"start": "2026-10-01", "end": "2026-10-31"}])] = None,
        order_by: Annotated[list[OrderBy], Field(max_length=MAX_ORDER_BY, description="Sort by metrics or dimensions of "
                                                 "this query. Default: by date when grouped by date.",
                                                 examples=[[{"field": "spend", "direction": "desc"}]])] = [],  # noqa: B006
        limit: Annotated[int, Field(ge=1, description=f"Maximum rows (default {DEFAULT_LIMIT}). Above "
                                    f"{MAX_LIMIT} it is clamped to {MAX_LIMIT}, and `notes` says so.")] = DEFAULT_LIMIT,
        chart: Annotated[ChartKind, Field(description="Also return a chart: 'auto' (a line for a time series, "
                                          "bars for categories), 'line', 'bar', or 'none' (default). The PNG "
                                          "comes as an image block, its Vega-Lite spec in `chart`.")] = "none",
        tenant: TenantArg = None,
        attribution_model: AttributionModelArg = None,
    ) -> Annotated[CallToolResult, QueryResult]:
        """Governed numbers for your tenant: name metrics (and optionally dimensions, filters, a time grain
        and a date range) from list_metrics; never a table or SQL. Example: spend and clicks by platform per
        week = metrics ["spend", "clicks"], dimensions ["source_platform"], time_grain "week".
        Returns rows keyed by column name, the columns' types, the compiled SQL, the data's freshness, and
        `truncated` when rows were cut (by `limit` or the response size cap). When nothing matches,
        `empty_reason` names the filter that emptied the result. Metrics of different facts (e.g. spend,
        sessions and attributed_revenue) combine on the dimensions they share: date, and channel,
        source_platform and campaign for those answered by channel; ratios are ratios of sums."""
        deadline = Deadline(gata.config.query_timeout_s)
        scope = gata.scope()
        _no_nul([*metrics, *dimensions, tenant, attribution_model], "metric and dimension names")
        for f in filters:
            _no_nul([f.field, f.value, *(f.values or [])], f"filter on {f.field!r}")
        _no_nul([o.field for o in order_by], "order_by")
        spec_args = {"metrics": metrics, "dimensions": dimensions, "filters": [f.model_dump() for f in filters],
                     "time_grain": time_grain, "date_range": date_range.model_dump() if date_range else None,
                     "order_by": [o.model_dump() for o in order_by], "limit": limit,
                     "attribution_model": attribution_model}
        result = await guarded("query", lambda: run_query(gata, scope, spec_args, tenant, chart, deadline),
                               deadline)
        return structured(result, result._png)

    @mcp.tool(annotations=READ_ONLY, title="Pipeline health")
    async def pipeline_health(tenant: TenantArg = None) -> Annotated[CallToolResult, PipelineHealth]:
        """Your tenant's pipeline state from the observability tables: last load per source, schema drift,
        the last build's model and test results (with failures), the star tables' rows and dates, freshness,
        and one overall status with its reason. An admin who names no tenant gets every tenant's report."""
        scope = gata.scope()
        _no_nul([tenant], "tenant")
        return structured(await guarded("pipeline_health", lambda: health(gata, scope, tenant)))

    @mcp.tool(title="Onboard a tenant (admin)",
              annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True,
                                          open_world_hint=False))
    async def onboard_tenant(
        request: Annotated[dict[str, Any], WithJsonSchema(OnboardRequest.model_json_schema()),
                           Field(description="The new client: slug, name, sources (connector keys), currency...")],
        ctx: Context,
    ) -> Annotated[CallToolResult, OnboardResult]:
        """Admin only. Onboard a new client (or change an existing one's sources): land its data, build its
        models, generate its semantic layer and publish it, reporting progress; nothing changes if any step
        fails. Returns the tables built and the metrics now available (and a token when create_token)."""
        scope = gata.scope()
        if not scope.admin:
            raise ScopeRefused(f"onboard_tenant needs admin scope; this session is {scope.describe()}. Use an admin "
                            "token (`gata token create --admin`) or a stdio server started with `gata serve --admin`.")
        try:
            parsed = OnboardRequest.model_validate(request)
        except ValidationError as exc:
            raise ToolError(validation_message(exc, OnboardRequest)) from exc

        def progress(done: float, total: float | None, message: str) -> None:
            try:
                anyio.from_thread.run(ctx.report_progress, done, total, message)
            except Exception:  # a client that went away must not abort the onboarding
                log.debug("progress notification failed", exc_info=True)

        result = await guarded("onboard_tenant", lambda: onboard(parsed, gata.paths, progress))
        return structured(result)
