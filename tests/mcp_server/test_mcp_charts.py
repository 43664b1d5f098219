"""Charts: query(chart=...) returns a PNG image block (rendered offline) and a Vega-Lite spec whose data
are the rows."""

from __future__ import annotations

import base64
import io

import httpx2
from mcp_types import ImageContent
from PIL import Image

from tests.mcp_server.mcp_support import HttpServer, Session, Tokens


def chart_of(session: Session, args: dict) -> tuple[dict, dict, Image.Image]:
    result = session.call("query", args)
    assert not result.is_error, result.content[0].text
    [image] = [c for c in result.content if isinstance(c, ImageContent)]
    assert image.mime_type == "image/png"
    png = Image.open(io.BytesIO(base64.b64decode(image.data)))
    png.load()  # decodes every pixel: a broken PNG raises here
    data = result.structured_content
    assert data["chart"]["vega_lite"]["data"]["values"] == data["rows"]  # the picture is of exactly these rows
    return data, data["chart"]["vega_lite"], png


def test_time_series_is_a_line_with_currency_on_the_axis(tyrell: Session) -> None:
    data, spec, png = chart_of(tyrell, {"metrics": ["spend"], "time_grain": "day", "chart": "auto"})
    assert data["chart"]["kind"] == "line" and spec["mark"]["type"] == "line"
    assert spec["encoding"]["x"] == {"field": "date", "type": "temporal", "title": "date"}
    assert spec["encoding"]["y"]["title"] == "spend (USD)"
    assert "Tyrell" in spec["title"] and "USD" in spec["title"]
    assert png.format == "PNG" and png.width >= 400 and png.height >= 150
    assert len(png.convert("RGB").getcolors(maxcolors=1 << 20)) > 10  # something was drawn, not a blank canvas


def test_categories_are_bars_and_a_second_dimension_is_the_colour(tyrell: Session) -> None:
    data, spec, _ = chart_of(tyrell, {"metrics": ["clicks"], "dimensions": ["source_platform"], "chart": "auto"})
    assert data["chart"]["kind"] == "bar" and spec["encoding"]["x"]["field"] == "source_platform"
    _, spec, _ = chart_of(
        tyrell,
        {"metrics": ["spend"], "dimensions": ["source_platform"], "time_grain": "week", "chart": "line"},
    )
    assert spec["encoding"]["color"]["field"] == "source_platform" and spec["encoding"]["x"]["field"] == "date"
    _, spec, _ = chart_of(tyrell, {"metrics": ["spend", "ctr"], "time_grain": "week", "chart": "bar"})
    assert [panel["encoding"]["y"]["field"] for panel in spec["vconcat"]] == ["spend", "ctr"]
    # each panel its own axis: money in the tenant's currency, the ratio without one
    assert [panel["encoding"]["y"]["title"] for panel in spec["vconcat"]] == ["spend (USD)", "ctr"]


def test_no_chart_unless_asked_and_a_clear_error_when_it_cannot_be_drawn(tyrell: Session) -> None:
    plain = tyrell.call("query", {"metrics": ["spend"], "time_grain": "week"})
    assert not any(isinstance(c, ImageContent) for c in plain.content) and plain.structured_content["chart"] is None
    message = tyrell.error("query", {"metrics": ["spend"], "chart": "auto"})
    assert "needs a dimension or a time_grain" in message and "chart='none'" in message
    assert "chart" in tyrell.error("query", {"metrics": ["spend"], "time_grain": "week", "chart": "pie"})


def test_rest_serves_the_png_and_the_spec(server: HttpServer, tokens: Tokens) -> None:
    auth = {"Authorization": f"Bearer {tokens.by_tenant['tyrell_corp']}"}
    body = {"metrics": ["spend"], "dimensions": ["source_platform"], "chart": "auto"}
    png = httpx2.post(server.url + "/api/v1/query", json=body, headers={**auth, "Accept": "image/png"}, timeout=60)
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    Image.open(io.BytesIO(png.content)).load()
    spec = httpx2.post(server.url + "/api/v1/query", json=body, headers=auth, timeout=60).json()
    assert spec["chart"]["vega_lite"]["data"]["values"] == spec["rows"]
