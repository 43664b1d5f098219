"""The five tools, one module each: a typed function whose docstring is the tool's description, taking
its arguments as one pydantic model and returning one (the output schema); the SDK builds the results.

``TOOLS`` lists them with what the server needs besides the function (title, annotations, whether
only admins see it); the MCP server registers them from it and the REST mirror documents them from
the same models.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from mcp.server.mcpserver import MCPServer
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


def register(mcp: MCPServer[Any]) -> None:
    for spec in TOOLS:
        mcp.tool(title=spec.title, annotations=spec.annotations)(spec.fn)
