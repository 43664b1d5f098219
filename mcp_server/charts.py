"""A chart of a query's rows: a Vega-Lite spec, rendered to PNG in-process and offline.

Agents in chat clients show images; BI tools and notebooks take Vega-Lite. The spec
embeds exactly the rows the answer carries (``data.values``), so the picture cannot
disagree with the numbers. Rendering uses ``vl-convert`` (Deno + Vega bundled in the
wheel: no browser, no network), about 30 ms warm here; the first render in a process
pays a few hundred ms to start its engine.

Choosing the mark: a time series (the ``date`` column) is a line, anything else a
bar; a second dimension becomes the colour; several metrics are stacked as one
panel each (their units differ). Axis titles carry the unit: the tenant's currency
for money, ``%`` for percentages.
"""

from __future__ import annotations

import threading
from typing import Any, Literal

from gata.errors import ChartError
from mcp_server.models import Chart, Column, QueryResult

ChartKind = Literal["auto", "line", "bar", "none"]
VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
WIDTH, HEIGHT = 560, 220
MAX_CHART_ROWS = 2000  # beyond this a picture is unreadable and the spec heavy
IMAGE_WHERE = "the image content block of this result (MCP); REST: the same request with Accept: image/png"
_render_lock = threading.Lock()  # vl-convert's engine is one JS runtime: one render at a time



def chart_kind(requested: ChartKind, result: QueryResult) -> Literal["line", "bar"] | None:
    """The mark to draw, or None for no chart; ChartError when the request cannot be charted."""
    if requested == "none":
        return None
    dims = [c for c in result.columns if c.role == "dimension"]
    if not dims:
        raise ChartError("a chart needs a dimension or a time_grain to plot against: add dimensions "
                         "(e.g. ['source_platform']) or a time_grain, or set chart='none'.")
    if result.row_count > MAX_CHART_ROWS:
        raise ChartError(
            f"{result.row_count} rows are too many to chart (max {MAX_CHART_ROWS}): use a coarser "
            "time_grain, filter, or set chart='none'."
        )
    if requested == "auto":
        return "line" if any(c.type == "date" for c in dims) else "bar"
    return requested


def _axis_title(column: Column, fmt: str | None) -> str:
    unit = column.unit or ("%" if fmt == "percent" else None)
    return f"{column.name} ({unit})" if unit else column.name


def _y_format(fmt: str | None) -> str | None:
    return {"percent": ".1%", "ratio": ".2f", "currency": ",.2f", "integer": ",d"}.get(fmt or "")


def vega_lite(result: QueryResult, kind: Literal["line", "bar"], title: str) -> dict[str, Any]:
    """The Vega-Lite spec of ``result`` (money axes in the columns' currency, percent axes as %)."""
    formats = {c.name: c.format for c in result.columns}
    dims = [c for c in result.columns if c.role == "dimension"]
    metrics = [c for c in result.columns if c.role == "metric"]
    date = next((c for c in dims if c.type == "date"), None)
    x = date if kind == "line" and date else dims[0]
    rest = [c for c in dims if c is not x]
    x_enc: dict[str, Any] = {
        "field": x.name,
        "type": "temporal" if x.type == "date" else "nominal",
        "title": x.name,
    }
    if x.type != "date" and kind == "bar":
        x_enc["sort"] = "-y" if len(metrics) == 1 else None

    def layer(metric: Column) -> dict[str, Any]:
        y: dict[str, Any] = {
            "field": metric.name,
            "type": "quantitative",
            "title": _axis_title(metric, formats.get(metric.name)),
        }
        axis_format = _y_format(formats.get(metric.name))
        if axis_format:
            y["axis"] = {"format": axis_format}
        encoding: dict[str, Any] = {
            "x": x_enc,
            "y": y,
            "tooltip": [
                {
                    "field": c.name,
                    "type": "temporal"
                    if c.type == "date"
                    else "quantitative"
                    if c.role == "metric"
                    else "nominal",
                }
                for c in result.columns
            ],
        }
        if rest:
            encoding["color"] = {"field": rest[0].name, "type": "nominal", "title": rest[0].name}
            if kind == "bar":
                encoding["xOffset"] = {"field": rest[0].name}
        mark: dict[str, Any] = {"type": kind, "tooltip": True}
        if kind == "line":
            mark["point"] = result.row_count <= 120
        return {"mark": mark, "encoding": encoding, "width": WIDTH, "height": HEIGHT}

    spec: dict[str, Any] = {
        "$schema": VEGA_LITE_SCHEMA,
        "title": title,
        "data": {"values": result.rows},
        "config": {"font": "Liberation Sans"},
        "background": "white",
    }
    if len(metrics) == 1:
        spec.update(layer(metrics[0]))
    else:
        spec["vconcat"] = [layer(m) for m in metrics]
        spec["resolve"] = {"scale": {"y": "independent"}}
    return spec


def title_for(result: QueryResult, name: str, currency: str) -> str:
    metrics = [c.name for c in result.columns if c.role == "metric"]
    dims = [c.name for c in result.columns if c.role == "dimension"]
    grain = f" by {', '.join(dims)}" if dims else ""
    money = f", {currency}" if currency and any(c.unit for c in result.columns if c.role == "metric") else ""
    return f"{name}: {', '.join(metrics)}{grain}{money}"


def attach_chart(result: QueryResult, requested: ChartKind, name: str, currency: str) -> QueryResult:
    """``result`` with its chart spec and rendered PNG (kept out of the JSON), if a chart was asked for."""
    kind = chart_kind(requested, result)
    if kind is None:
        return result
    spec = vega_lite(result, kind, title_for(result, name, currency))
    result.chart = Chart(kind=kind, vega_lite=spec, image=IMAGE_WHERE)
    return result.with_png(render_png(spec))


def render_png(spec: dict[str, Any]) -> bytes:
    """PNG bytes of a Vega-Lite spec, rendered offline by vl-convert."""
    import vl_convert

    with _render_lock:
        png: bytes = vl_convert.vegalite_to_png(spec, scale=1)
    return png
