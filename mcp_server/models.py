"""What the tools return: pydantic models, so every tool has an output schema and structured content.

Field descriptions are written for the agent reading the schema, not for us.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, PrivateAttr, WithJsonSchema

from pipeline.health import HealthReport

Value = str | int | float | bool | None
ColumnType = Literal["date", "string", "integer", "number", "boolean"]


class SnapshotInfo(BaseModel):
    version: str = Field(description="Published snapshot the answer comes from (changes after each build).")
    published_at: datetime = Field(description="When that snapshot was published (UTC).")


class Freshness(BaseModel):
    last_load_at: datetime | None = Field(
        description="When the tenant's newest successful source landing finished (UTC); null if never loaded."
    )
    snapshot: SnapshotInfo


# ---- list_metrics ------------------------------------------------------------------------------------
class MetricInfo(BaseModel):
    name: str = Field(description="Use this name in query(metrics=[...]).")
    description: str
    kind: Literal["base", "ratio"] = Field(description="ratio metrics are ratios of sums over the group.")
    format: str = Field(description="currency, integer, number, ratio or percent.")
    unit: str | None = Field(default=None, description="Currency code for money metrics.")
    dimensions: list[str] = Field(description="Dimensions this metric can be grouped or filtered by.")
    inputs: list[str] | None = Field(default=None, description="The metrics a ratio divides.")


class DimensionInfo(BaseModel):
    name: str = Field(description="Use this name in query(dimensions=[...]) or in filters.")
    description: str
    distinct_values: int | None = Field(default=None, description="How many distinct values it has.")
    values: list[str] | None = Field(
        default=None,
        description="All its values when there are at most 12; otherwise call get_dimension_values.",
    )
    grains: list[str] | None = Field(
        default=None, description="For date: the time_grain values query accepts."
    )


class Coverage(BaseModel):
    date_min: str | None = Field(description="First day with data (YYYY-MM-DD).")
    date_max: str | None = Field(description="Last day with data (YYYY-MM-DD).")


class AttributionInfo(BaseModel):
    default_model: str = Field(description="The model query uses when attribution_model is left out.")
    models: dict[str, str] = Field(description="query(attribution_model=...) values, with what each credits.")
    lookback_days: int = Field(
        description="Sessions up to this many days before an order are its touchpoints."
    )


def attribution_catalog(config: dict[str, Any]) -> AttributionInfo | None:
    info = config.get("attribution")
    return (
        AttributionInfo(**{k: info[k] for k in ("default_model", "models", "lookback_days")})
        if info
        else None
    )


class MetricCatalog(BaseModel):
    tenant: str
    name: str = Field(description="The client's display name.")
    currency: str
    metrics: list[MetricInfo]
    dimensions: list[DimensionInfo]
    time_grains: list[str] = Field(description="Values accepted by query(time_grain=...).")
    coverage: Coverage = Field(description="Date range covered by the tenant's data.")
    snapshot: SnapshotInfo
    note: str | None = Field(default=None, description="How the list was narrowed, if it was.")
    attribution: AttributionInfo | None = Field(
        default=None,
        description="Attribution models for metrics answered by channel; null when the tenant has no "
        "analytics and ecommerce source to attribute with.",
    )


# ---- get_dimension_values ----------------------------------------------------------------------------
class DimensionValue(BaseModel):
    value: Value = Field(description="A value to use in a filter on this dimension (null = missing).")
    count: int = Field(description="Rows carrying it (see counted_in).")


class DimensionValues(BaseModel):
    tenant: str
    dimension: str
    counted_in: str = Field(description="Which table the counts are rows of.")
    search: str | None = Field(description="The case-insensitive fragment the values were narrowed by.")
    values: list[DimensionValue] = Field(description="Most frequent first.")
    truncated: bool = Field(
        description="True when more values matched than were returned: raise limit or search."
    )
    sql: str = Field(description="The compiled SQL, for transparency.")
    snapshot: SnapshotInfo


# ---- query -------------------------------------------------------------------------------------------
class Column(BaseModel):
    name: str = Field(description="Catalog name of the dimension or metric (the key in each row).")
    role: Literal["dimension", "metric"]
    type: ColumnType
    unit: str | None = Field(default=None, description="Currency code of money metrics.")
    format: str | None = Field(
        default=None, description="Metrics: currency, integer, number, ratio or percent."
    )


class Chart(BaseModel):
    kind: Literal["line", "bar"] = Field(description="line for a time series, bar for categories.")
    vega_lite: dict[str, Any] = Field(
        description="Vega-Lite v5 spec of the chart; its data.values are the rows."
    )
    image: str = Field(description="Where the rendered PNG is.")


class QueryResult(BaseModel):
    tenant: str
    columns: list[Column] = Field(description="Output columns in order, with types.")
    # cells are typed by `columns`; an untyped cell keeps the schema cheap for clients that validate results
    rows: Annotated[list[dict[str, Any]], WithJsonSchema({"type": "array", "items": {"type": "object"}})] = (
        Field(
            description="One object per row, keyed by column name: strings, numbers, booleans or null, as `columns` "
            "says. Dates are YYYY-MM-DD (the first day of the "
            "period with a time_grain); money is in the tenant's currency; ratios are null when the "
            "denominator is zero."
        )
    )
    row_count: int = Field(description="Rows returned.")
    truncated: bool = Field(description="True when more rows existed than were returned.")
    truncated_reason: str | None = Field(
        default=None, description="Why rows were cut (limit or response size)."
    )
    limit: int = Field(description="The row limit applied.")
    empty_reason: str | None = Field(
        default=None, description="When nothing matched: which filter emptied the result."
    )
    notes: list[str] = Field(
        default_factory=list, description="Adjustments made to the request (e.g. a clamped limit)."
    )
    sql: str = Field(description="The compiled SQL that ran (read-only), for transparency.")
    freshness: Freshness
    chart: Chart | None = Field(default=None, description="With chart='auto'|'line'|'bar': the chart's spec.")
    _png: bytes | None = PrivateAttr(
        default=None
    )  # the rendered chart, sent as an image block, never as JSON

    @property
    def png(self) -> bytes | None:
        """The rendered chart, if one was asked for: an image block beside the JSON, never inside it."""
        return self._png

    def with_png(self, png: bytes) -> QueryResult:
        self._png = png
        return self


# ---- pipeline_health ---------------------------------------------------------------------------------
class PipelineHealth(BaseModel):
    reports: list[HealthReport] = Field(
        description="One report per tenant: the caller's tenant, or every tenant for an admin who names none."
    )
    snapshot: SnapshotInfo
