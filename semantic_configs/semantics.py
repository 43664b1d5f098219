"""A tenant's semantic layer, loaded from its config: the governed way to ask for numbers.

This is where governance lives. A query names catalog metrics and dimensions,
never tables or SQL; only fields declared in the tenant's config are accepted
(boring-semantic-layer would also accept any physical column, so unknown names
are rejected here first, with the closest names as suggestions); filter values
become SQL literals through ibis; the query is compiled against unbound tables,
so compiling needs no database and the caller decides where and how it runs.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import Annotated, Any, Literal

import ibis
from boring_semantic_layer import from_config
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from gata.errors import QueryError
from gata.limits import (
    MAX_DIMENSIONS,
    MAX_FILTER_VALUES,
    MAX_FILTERS,
    MAX_LIKE_WILDCARDS,
    MAX_METRICS,
    MAX_ORDER_BY,
    MAX_TEXT,
    MAX_TOTAL_FILTER_VALUES,
    check_date,
)
from semantic_configs.catalog import ATTRIBUTED, ATTRIBUTION_FILTER, DATE_FILTER, NEW_CUSTOMER_METRICS

Operator = Literal["=", "!=", ">", ">=", "<", "<=", "in", "not in", "like", "ilike", "is null", "is not null"]
OPERATORS: tuple[str, ...] = Operator.__args__  # type: ignore[attr-defined]
Grain = Literal["day", "week", "month", "quarter", "year"]
Name = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
Scalar = Text | int | float | bool
DEFAULT_LIMIT = 100
MAX_LIMIT = 5000



class Filter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: Name = Field(description="A dimension name from list_metrics, e.g. source_platform or date.",
                        examples=["source_platform"])
    operator: Operator = Field(
        description="Comparison; 'in'/'not in' take `values`, 'is null'/'is not null' take nothing."
    )
    value: Scalar | None = Field(default=None, description="The value for =, !=, >, >=, <, <=, like, ilike "
                                 f"(text at most {MAX_TEXT} characters; a like pattern at most "
                                 f"{MAX_LIKE_WILDCARDS} wildcards).", examples=["facebook_ads"])
    values: list[Scalar] | None = Field(
        default=None,
        max_length=MAX_FILTER_VALUES,
        description=f"The values for in / not in (at most {MAX_FILTER_VALUES}).",
        examples=[["facebook_ads", "instagram_ads"]],
    )

    @model_validator(mode="after")
    def _bounded_pattern(self) -> Filter:
        if self.operator in ("like", "ilike") and isinstance(self.value, str):
            wildcards = self.value.count("%") + self.value.count("_")
            if wildcards > MAX_LIKE_WILDCARDS:
                raise ValueError(
                    f"a {self.operator} pattern may hold at most {MAX_LIKE_WILDCARDS} wildcards "
                    f"(% or _); this one has {wildcards}: use fewer, or get_dimension_values(search=...)"
                )
        return self


class OrderBy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: Name = Field(description="A metric or dimension of the query.")
    direction: Literal["asc", "desc"] = "desc"


class DateRange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: date = Field(description="First day, inclusive (YYYY-MM-DD).")
    end: date = Field(description="Last day, inclusive (YYYY-MM-DD).")

    @field_validator("start", "end")
    @classmethod
    def _in_window(cls, value: date) -> date:
        return check_date(value, "date_range day")


class QuerySpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    metrics: list[Name] = Field(
        min_length=1,
        max_length=MAX_METRICS,
        description="Metric names from list_metrics.",
        examples=[["spend", "clicks"]],
    )
    dimensions: list[Name] = Field(
        default_factory=list,
        max_length=MAX_DIMENSIONS,
        description="Dimensions to group by, from list_metrics. Use 'date' (with "
        "time_grain) for a time series.",
        examples=[["source_platform"]],
    )
    filters: list[Filter] = Field(
        default_factory=list,
        max_length=MAX_FILTERS,
        description="Conditions on dimensions, all of which must hold. Operators: =, !=, "
        ">, >=, <, <=, in, not in, like, ilike, is null, is not null.",
        examples=[[{"field": "source_platform", "operator": "in", "values": ["google_ads", "facebook_ads"]}]],
    )
    time_grain: Grain | None = Field(
        default=None,
        description="Group dates by day, week, month, quarter or year (adds the 'date' dimension).",
        examples=["week"],
    )
    date_range: DateRange | None = Field(
        default=None,
        description="Only these days (inclusive).",
        examples=[{"start": "2026-10-01", "end": "2026-10-31"}],
    )
    order_by: list[OrderBy] = Field(
        default_factory=list,
        max_length=MAX_ORDER_BY,
        description="Sort by metrics or dimensions of this query. Default: by date when grouped by date.",
        examples=[[{"field": "spend", "direction": "desc"}]],
    )
    limit: int = Field(
        default=DEFAULT_LIMIT,
        ge=1,
        description=f"Maximum rows (default {DEFAULT_LIMIT}). Above "
        f"{MAX_LIMIT} the query tool clamps it to {MAX_LIMIT}, and its `notes` say so.",
    )
    attribution_model: Name | None = Field(
        default=None,
        description="How revenue is credited to channels and campaigns for attributed_revenue, roas, "
        "cac and the other metrics answered by channel: one of list_metrics' attribution.models (first_touch, "
        "last_touch, last_non_direct, linear, position_based, time_decay, data_driven). Default: the tenant's.",
        examples=["last_non_direct"],
    )

    @model_validator(mode="after")
    def _bounded_values(self) -> QuerySpec:
        total = sum(len(f.values or []) for f in self.filters)
        if total > MAX_TOTAL_FILTER_VALUES:
            raise ValueError(
                f"the filters list {total} values in all; at most {MAX_TOTAL_FILTER_VALUES} are "
                "accepted per query: filter on fewer values or on a coarser dimension"
            )
        return self


@dataclass(frozen=True)
class CompiledQuery:
    model: str
    sql: str
    columns: list[str]  # output column names, catalog names, in order
    notes: tuple[str, ...] = ()  # what the asker should know about the answer (the model used, short history)


def suggest(name: str, known: list[str], what: str) -> str:
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
    return f"Unknown {what} {name!r}.{hint} Known {what}s: {', '.join(sorted(known))}."


class TenantSemantics:
    """The semantic layer of one tenant, built from its generated config."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.tenant: str = config["tenant"]
        self.metrics: dict[str, dict[str, Any]] = config["metrics"]
        self.dimensions: dict[str, dict[str, Any]] = config["dimensions"]

    @cached_property
    def models(self) -> dict[str, Any]:
        tables = {
            name: ibis.table(
                ibis.schema({c: _ibis_type(t) for c, t in spec["columns"].items()}),
                name=spec["table"],
                database=spec["schema"],
            )
            for name, spec in self.config["tables"].items()
        }
        models: dict[str, Any] = from_config(self.config["semantic_models"], tables=tables)  # BSL is untyped
        return models

    def column_type(self, model: str, dimension: str) -> str:
        field = self.dimensions[dimension]["models"][model].removeprefix(f"{model}.")
        expr = self.config["semantic_models"][model]["dimensions"].get(field, {}).get("expr", "")
        column = expr.removeprefix("_.")
        ctype: str = self.config["tables"][model]["columns"].get(column, "VARCHAR")
        return ctype

    def compile_model_fields(self, model: str, measures: list[str], dimensions: list[str]) -> str:
        """SQL exercising measures and dimensions of one model together (validates a config before it is
        written: one query per model, not one per field)."""
        m = self.models[model]
        if dimensions and self.config["semantic_models"][model].get("joins"):
            dimensions = [f"{model}.{d}" for d in dimensions]
        sql: str = m.query(measures=measures or None, dimensions=dimensions or None, limit=1).sql()
        return sql

    # ---- the governed query ------------------------------------------------------------------------
    def check_names(self, spec: QuerySpec) -> None:
        absent: dict[str, str] = self.config.get("absent_metrics", {})
        for metric in spec.metrics:
            if metric in absent:
                raise QueryError(f"{metric} is not available for tenant {self.tenant}: {absent[metric]}.")
            if metric not in self.metrics:
                raise QueryError(suggest(metric, list(self.metrics), "metric"))
        if spec.attribution_model is not None:
            models = self.config.get("attribution", {}).get("models", {})
            if not models:
                raise QueryError(
                    f"tenant {self.tenant} has no attribution: "
                    f"{absent.get('attributed_revenue', 'it needs ecommerce and analytics sources')}; "
                    "leave attribution_model out."
                )
            if spec.attribution_model not in models:
                raise QueryError(suggest(spec.attribution_model, list(models), "attribution model"))
        for dim in [*spec.dimensions, *(f.field for f in spec.filters)]:
            if dim not in self.dimensions:
                raise QueryError(suggest(dim, list(self.dimensions), "dimension"))
        selected = set(spec.metrics) | set(spec.dimensions) | ({"date"} if spec.time_grain else set())
        for o in spec.order_by:
            if o.field not in selected:
                raise QueryError(
                    f"order_by field {o.field!r} is not in the query; order by one of: "
                    f"{', '.join(sorted(selected))}."
                )
        if len(set(spec.metrics)) != len(spec.metrics) or len(set(spec.dimensions)) != len(spec.dimensions):
            raise QueryError("a metric or dimension is listed twice; list each once.")

    def route(self, spec: QuerySpec) -> str:
        """The one semantic model that holds every requested metric and dimension."""
        dims = set(spec.dimensions) | {f.field for f in spec.filters}
        if spec.time_grain or spec.date_range:
            dims.add("date")
        candidates: list[str] | None = None  # None: no metric seen yet; [] : no model holds them all
        for metric in spec.metrics:
            homes = self.metrics[metric]["models"]
            candidates = [m for m in (homes if candidates is None else candidates) if m in homes]
        for m in candidates or []:
            if all(m in self.dimensions[d]["models"] for d in dims):
                return m
        homes = {metric: self.metrics[metric]["models"][0] for metric in spec.metrics}
        if not candidates:
            raise QueryError(
                "these metrics cannot be answered together: "
                + "; ".join(f"{k} (by {', '.join(self.metrics[k]['dimensions'])})" for k in spec.metrics)
                + ". Ask them in separate queries; metrics of different facts combine only on dimensions "
                "every one "
                "of them lists (date, and channel, source_platform and campaign for the ones answered by "
                "channel)."
            )
        allowed = sorted(
            {d for d, info in self.dimensions.items() if any(m in info["models"] for m in candidates)}
        )
        blocked = sorted(dims - set(allowed))
        together = " together" if len(spec.metrics) > 1 else ""
        raise QueryError(
            f"{', '.join(spec.metrics)} cannot be broken down{together} by {', '.join(blocked)}; "
            f"{'they' if len(spec.metrics) > 1 else 'it'} can be grouped or filtered by: "
            f"{', '.join(allowed)}."
            + (
                " Ask the metrics separately to use each one's own dimensions."
                if len(set(homes.values())) > 1
                else ""
            )
            + self._why_no_attribution(blocked)
        )

    def _why_no_attribution(self, blocked: list[str]) -> str:
        """A tenant without attribution is told why revenue has no channel, platform or campaign."""
        reason = self.config.get("absent_metrics", {}).get("attributed_revenue")
        if not reason or not set(blocked) & {"channel", "source_platform", "campaign_id", "campaign_name"}:
            return ""
        return f" Revenue by channel, platform or campaign needs attribution: {reason}."

    def compile(self, spec: QuerySpec, limit: int | None = None) -> CompiledQuery:
        self.check_names(spec)
        model = self.route(spec)
        fields = {
            d: self.dimensions[d]["models"][model]
            for d in self.dimensions
            if model in self.dimensions[d]["models"]
        }
        dims = list(spec.dimensions)
        if spec.time_grain and "date" not in dims:
            dims.insert(0, "date")
        filters = [self._filter(model, fields, f) for f in spec.filters]
        kwargs: dict[str, Any] = {}
        if spec.time_grain:
            kwargs["time_grain"] = f"TIME_GRAIN_{spec.time_grain.upper()}"
        if spec.date_range:
            if spec.date_range.end < spec.date_range.start:
                raise QueryError("date_range.end is before date_range.start; swap them.")
            day = self._day_field(model)
            filters += [
                {"field": day, "operator": ">=", "value": spec.date_range.start},
                {"field": day, "operator": "<=", "value": spec.date_range.end},
            ]
        order = [(fields.get(o.field, o.field), o.direction) for o in spec.order_by]
        if not order:  # a stable default order: the same question always lists rows the same way
            order = [(fields[d], "asc") for d in dims]
        notes: list[str] = []
        filters += self.model_filters(model, spec.attribution_model)
        if model == ATTRIBUTED and any(self._attributed(model, m) for m in spec.metrics):
            attribution = self.config["attribution"]
            chosen = spec.attribution_model or attribution["default_model"]
            notes.append(
                f"attribution model: {chosen} ({attribution['models'][chosen]}; lookback "
                f"{attribution['lookback_days']} days); revenue no touchpoint explains is channel "
                "'unattributed'."
            )
        notes += self._short_history(spec)
        query = self.models[model].query(
            dimensions=[fields[d] for d in dims],
            measures=list(spec.metrics),
            filters=filters,
            order_by=order or None,
            limit=limit if limit is not None else spec.limit,
            **kwargs,
        )
        return CompiledQuery(
            model=model,
            sql=query.sql(),
            columns=dims + list(spec.metrics),
            notes=tuple(notes),
        )

    def model_filters(self, model: str, attribution_model: str | None = None) -> list[dict[str, Any]]:
        """Filters every read of a model needs: the channels model repeats its rows per attribution model."""
        if model != ATTRIBUTED:
            return []
        chosen = attribution_model or self.config["attribution"]["default_model"]
        return [{"field": self._internal_field(model, ATTRIBUTION_FILTER), "operator": "=", "value": chosen}]

    def _attributed(self, model: str, metric: str) -> bool:
        """Whether a metric's figure on this model depends on the attribution model."""
        spec = self.config["semantic_models"][model]
        expr = {**spec["measures"], **spec.get("calculated_measures", {})}[metric]["expr"]
        return "attributed" in expr

    def _short_history(self, spec: QuerySpec) -> list[str]:
        """New-customer figures near the first landed day count returning customers as new: say so."""
        if not any(m in NEW_CUSTOMER_METRICS for m in spec.metrics):
            return []
        first = (self.config.get("coverage", {}).get("orders") or {}).get("date_min")
        if not first:
            return []
        lookback = int(self.config.get("lookback_days", 30))
        first_day = date.fromisoformat(first)
        start = spec.date_range.start if spec.date_range else first_day
        reliable = first_day + timedelta(days=lookback)
        if start >= reliable:
            return []
        warning = (
            f"history is short: orders are landed from {first_day} only, so a customer whose earlier orders "
            "predate it counts as new; new-customer figures (new_customers, cac, returning_customers) "
            f"before {reliable} ({lookback} days after the first landed day) overstate new customers."
        )
        return [warning]

    def _day_field(self, model: str) -> str:
        """The untruncated day of a model: what date filters compare, whatever the time_grain."""
        return self._internal_field(model, DATE_FILTER)

    def _internal_field(self, model: str, name: str) -> str:
        """An internal dimension as BSL names it (a model with joins prefixes its own dimensions)."""
        return f"{model}.{name}" if self.config["semantic_models"][model].get("joins") else name

    def _filter(self, model: str, fields: dict[str, str], f: Filter) -> dict[str, Any] | Callable[[Any], Any]:
        """A BSL filter: a field/operator/value mapping, or a predicate over the table for (not) in."""
        if f.field == "date":
            fields = {**fields, "date": self._day_field(model)}
        ctype = self.column_type(model, f.field).upper()
        if f.operator in ("is null", "is not null"):
            return {"field": fields[f.field], "operator": f.operator}
        if f.operator in ("in", "not in"):
            if not f.values:
                raise QueryError(
                    f"filter on {f.field!r}: operator {f.operator!r} needs a non-empty 'values' list."
                )
            return _in_list(
                fields[f.field],
                [_checked(v, ctype, f.field) for v in f.values],
                ctype,
                negate=f.operator == "not in",
            )
        if f.value is None:
            raise QueryError(
                f"filter on {f.field!r}: operator {f.operator!r} needs a 'value' "
                f"(use 'is null' to match missing values)."
            )
        if f.operator in ("like", "ilike") and not isinstance(f.value, str):
            raise QueryError(f"filter on {f.field!r}: {f.operator!r} needs a text pattern such as '%meta%'.")
        if f.operator in ("like", "ilike") and not _is_text(ctype):
            kind = (
                "dates: use >=, <= or date_range"
                if ctype == "DATE"
                else "numbers or booleans: use =, <, > or in"
            )
            raise QueryError(
                f"filter on {f.field!r}: {f.operator!r} matches text, and {f.field!r} holds {kind}."
            )
        return {"field": fields[f.field], "operator": f.operator, "value": _coerce(f.value, ctype, f.field)}

    def dimension_field(self, dimension: str) -> tuple[str, str]:
        """(model, field) where a dimension is native, for listing its values."""
        if dimension not in self.dimensions:
            raise QueryError(suggest(dimension, list(self.dimensions), "dimension"))
        where = self.dimensions[dimension]["models"]
        model = next((m for m, f in where.items() if f in (dimension, f"{m}.{dimension}")), next(iter(where)))
        return model, where[model]


def _is_text(ctype: str) -> bool:
    return ctype in ("VARCHAR", "TEXT") or ctype.startswith("VARCHAR")


def _coerce(value: Scalar, ctype: str, field: str) -> Any:
    """Bind a filter value with the column's type, so a mistake is an agent error, not a SQL one."""
    checked = _checked(value, ctype, field)
    if isinstance(checked, str):
        # typed: boring-semantic-layer turns a bare ISO-date-like string into a timestamp literal
        return ibis.literal(checked, type="string")
    return checked


def _checked(value: Scalar, ctype: str, field: str) -> Any:
    """A filter value as the Python value of the column's type (an in-list's element), or an agent error."""
    if ctype == "DATE":
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise QueryError(f"filter on {field!r}: {value!r} is not a date; use YYYY-MM-DD.") from None
    if _is_text(ctype):
        if isinstance(value, bool):
            raise QueryError(f"filter on {field!r}: it holds text; give a text value.")
        return str(value)
    if ctype == "BOOLEAN":
        if isinstance(value, bool):
            return value
        raise QueryError(f"filter on {field!r}: it holds true/false; give a boolean.")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise QueryError(f"filter on {field!r}: it holds numbers; give a number.")
    return value


def _in_list(field: str, values: list[Any], ctype: str, negate: bool) -> Callable[[Any], Any]:
    """An in / not in filter as one list literal, ``list_contains([...], field)``: a thousand values are one
    expression node, not a thousand, so compiling stays fast (N OR-ed or IN terms cost ibis' rewrites
    time quadratic-ish in N). The SQL semantics are IN's: a null field matches neither."""
    if ctype == "DATE":
        element = "date"
    elif ctype == "BOOLEAN":
        element = "boolean"
    elif _is_text(ctype):
        element = "string"
    else:
        element = "float64" if any(isinstance(v, float) for v in values) else "int64"
    literal = ibis.literal(values, type=f"array<{element}>")

    def condition(t: Any) -> Any:
        hit = literal.contains(t[field])
        return ~hit if negate else hit

    return condition


def _ibis_type(duckdb_type: str) -> str:
    t = duckdb_type.upper()
    if t.startswith("DECIMAL"):
        return t.lower()
    return {
        "VARCHAR": "string",
        "BIGINT": "int64",
        "INTEGER": "int32",
        "DOUBLE": "float64",
        "BOOLEAN": "boolean",
        "DATE": "date",
        "TIMESTAMP WITH TIME ZONE": "timestamp('UTC')",
        "TIMESTAMP": "timestamp",
        "JSON": "json",
        "HUGEINT": "decimal(38,0)",
        "FLOAT": "float32",
    }.get(t, "string")
