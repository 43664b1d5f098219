"""The five tools, one module each: a typed function whose docstring is the tool's description, taking
its arguments as one pydantic model and returning one (the output schema); the SDK builds the results.

``TOOLS`` lists them with what the server needs besides the function (title, annotations, whether
only admins see it); the MCP server is built with them (``build``) and the REST mirror documents
them from the same models.

Output schemas are published lean: the same constraints with every ``$ref`` written in place and
``anyOf`` of plain types as one ``type`` list. Clients validate every result against the schema
(the official Python client with ``jsonschema``), and on a ``query`` answer that walk cost about
three times more with references and unions than without.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from mcp.server.mcpserver.tools import Tool
from mcp_types import ToolAnnotations
from pydantic import BaseModel

from mcp_server.tools.arguments import input_model
from mcp_server.tools.common import READ_ONLY
from mcp_server.tools.get_dimension_values import get_dimension_values
from mcp_server.tools.list_metrics import list_metrics
from mcp_server.tools.onboard_tenant import ANNOTATIONS as ONBOARD_ANNOTATIONS
from mcp_server.tools.onboard_tenant import onboard_tenant
from mcp_server.tools.pipeline_health import pipeline_health
from mcp_server.tools.query import query


@dataclass(frozen=True)
class ToolSpec:
    fn: Callable[..., Awaitable[Any]]
    title: str
    annotations: ToolAnnotations = field(default_factory=lambda: READ_ONLY)
    admin_only: bool = False

    @property
    def name(self) -> str:
        return self.fn.__name__

    @property
    def description(self) -> str:
        return self.fn.__doc__ or ""

    @property
    def input(self) -> type[BaseModel]:
        model = input_model(self.fn)
        if model is None:
            raise TypeError(f"tool {self.name} takes no argument model")
        return model

    @property
    def output(self) -> type[BaseModel]:
        returns = inspect.signature(self.fn, eval_str=True).return_annotation
        if not (isinstance(returns, type) and issubclass(returns, BaseModel)):
            raise TypeError(f"tool {self.name} returns {returns!r}, not a pydantic model")
        return returns


TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec(list_metrics, "List metrics and dimensions"),
    ToolSpec(get_dimension_values, "Distinct values of a dimension"),
    ToolSpec(query, "Query metrics"),
    ToolSpec(pipeline_health, "Pipeline health"),
    ToolSpec(onboard_tenant, "Onboard a tenant (admin)", ONBOARD_ANNOTATIONS, admin_only=True),
)
BY_NAME = {spec.name: spec for spec in TOOLS}
ADMIN_TOOLS = frozenset(spec.name for spec in TOOLS if spec.admin_only)


def build() -> list[Tool]:
    """The SDK's tools, made from the functions (input schema, output model and schema, description)."""
    made = []
    for spec in TOOLS:
        tool = Tool.from_function(spec.fn, title=spec.title, annotations=spec.annotations)
        if tool.fn_metadata.output_schema is not None:
            tool.fn_metadata.output_schema = lean_schema(tool.fn_metadata.output_schema)
        made.append(tool)
    return made


def lean_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` without ``$defs`` (references written in place; our models do not refer to themselves)
    and with ``anyOf`` of bare types as a ``type`` list: the same instances validate."""
    defs: dict[str, Any] = schema.get("$defs", {})

    def lean(node: Any) -> Any:
        if isinstance(node, list):
            return [lean(v) for v in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return {
                **lean(defs[ref.removeprefix("#/$defs/")]),
                **{k: lean(v) for k, v in node.items() if k != "$ref"},
            }
        out = {k: lean(v) for k, v in node.items() if k != "$defs"}
        branches = out.get("anyOf")
        if isinstance(branches, list) and all(
            isinstance(b, dict) and set(b) == {"type"} and isinstance(b["type"], str) for b in branches
        ):
            del out["anyOf"]
            out["type"] = [b["type"] for b in branches]
        return out

    result: dict[str, Any] = lean(schema)
    return result
