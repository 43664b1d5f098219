"""The REST mirror of the MCP tools, for agent frameworks and BI tools that do not speak MCP.

::

    GET  /api/v1/metrics                      list_metrics          (?search=&tenant=)
    GET  /api/v1/dimensions/{name}/values     get_dimension_values  (?search=&metric=&limit=&tenant=)
    POST /api/v1/query                        query                 (JSON body: the tool's arguments)
    GET  /api/v1/health                       pipeline_health       (?tenant=)
    POST /api/v1/tenants                      onboard_tenant        (JSON body: the tool's arguments; admin)
    GET  /api/v1/openapi.json                 OpenAPI 3.1, no token needed

One implementation: each endpoint calls the MCP tool itself (``call_tool`` of the
server), so argument validation, scope, governance, limits, metrics and every
message are the ones agents get. Same tokens (``Authorization: Bearer``), same
tenant scoping, on the same Starlette app and behind the same Host/Origin checks.
The OpenAPI document is generated from the very pydantic models the tools take and
return (``mcp_server.tools.TOOLS``), by one helper for every endpoint, so the two
faces cannot drift apart. Failures are RFC 9457 ``application/problem+json`` whose
``detail`` is the exact text an agent would read.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, ImageContent, TextContent
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from mcp_server.metrics import api_var
from mcp_server.outcomes import INVALID, classify
from mcp_server.tools import BY_NAME, ToolSpec

PREFIX = "/api/v1"
PROBLEM = "application/problem+json"
MAX_BODY_BYTES = 256 * 1024


@dataclass(frozen=True)
class Endpoint:
    """One REST face of one tool: GET endpoints take the arguments as query parameters, POST as a JSON body."""

    method: Literal["GET", "POST"]
    path: str
    tool: str
    path_argument: tuple[str, str] | None = None  # (path parameter, the tool argument it carries)
    png: bool = False  # may answer image/png (the chart) when asked with Accept

    @property
    def spec(self) -> ToolSpec:
        return BY_NAME[self.tool]


ENDPOINTS = (
    Endpoint("GET", "/metrics", "list_metrics"),
    Endpoint("GET", "/dimensions/{name}/values", "get_dimension_values", path_argument=("name", "dimension")),
    Endpoint("POST", "/query", "query", png=True),
    Endpoint("GET", "/health", "pipeline_health"),
    Endpoint("POST", "/tenants", "onboard_tenant"),
)


def tool_message(tool: str, text: str) -> str:
    """A tool's error as its own words: the SDK puts ``Error executing tool {name}: `` before
    every message an MCP client reads; a problem document's ``title`` already says what failed."""
    return text.removeprefix(f"Error executing tool {tool}: ")


def problem(status: int, title: str, detail: str, **headers: str) -> JSONResponse:
    """An RFC 9457 problem document."""
    return JSONResponse(
        {"type": "about:blank", "title": title, "status": status, "detail": detail},
        status_code=status,
        media_type=PROBLEM,
        headers=headers or None,
    )


def unauthorized() -> JSONResponse:
    return problem(
        401,
        "Unauthorized",
        "send a valid bearer token: 'Authorization: Bearer <token>' "
        "(create one with `gata token create --tenant SLUG`).",
        **{"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


def authenticated(request: Request) -> bool:
    return isinstance(request.scope.get("user"), AuthenticatedUser)


def is_admin(request: Request) -> bool:
    user = request.scope.get("user")
    return isinstance(user, AuthenticatedUser) and bool((user.access_token.claims or {}).get("admin"))


class RestMirror:
    """The endpoints, bound to one server."""

    def __init__(self, mcp: MCPServer[Any]) -> None:
        self.mcp = mcp

    def routes(self) -> list[Route]:
        routes = [Route(PREFIX + e.path, self._handler(e), methods=[e.method]) for e in ENDPOINTS]
        return [*routes, Route(f"{PREFIX}/openapi.json", self.openapi, methods=["GET"])]

    async def openapi(self, _: Request) -> Response:
        return JSONResponse(openapi_document(self.mcp.version or "0"))

    def _handler(self, endpoint: Endpoint) -> Callable[[Request], Awaitable[Response]]:
        async def handle(request: Request) -> Response:
            args = (
                await _json_body(request)
                if endpoint.method == "POST"
                else _query_args(request, endpoint.spec)
            )
            if isinstance(args, dict) and endpoint.path_argument is not None:
                param, argument = endpoint.path_argument
                args[argument] = request.path_params[param]
            return await self._call(request, endpoint, args)

        return handle

    # ---- the one path into the tools ---------------------------------------------------------------------
    async def _call(self, request: Request, endpoint: Endpoint, args: dict[str, Any] | Response) -> Response:
        if not authenticated(request):
            return unauthorized()
        if isinstance(args, Response):
            return args
        token = api_var.set("rest")
        try:
            result = await self.mcp.call_tool(endpoint.tool, args, Context(mcp_server=self.mcp))
        except ToolError as exc:
            outcome = classify(exc)
            return problem(outcome.status, outcome.title, tool_message(endpoint.tool, str(exc)))
        finally:
            api_var.reset(token)
        if not isinstance(result, CallToolResult) or result.structured_content is None:
            text = next((c.text for c in getattr(result, "content", []) if isinstance(c, TextContent)), "")
            return problem(INVALID.status, INVALID.title, text or f"{endpoint.tool} returned no data")
        if endpoint.png and "image/png" in request.headers.get("accept", ""):
            png = next((c for c in result.content if isinstance(c, ImageContent)), None)
            if png is None:
                return problem(
                    406,
                    "Not Acceptable",
                    'this answer has no chart: ask with "chart": "auto" '
                    "(or 'line' or 'bar') and group by a dimension or a time_grain, or accept "
                    "application/json.",
                )
            return Response(base64.b64decode(png.data), media_type="image/png")
        return JSONResponse(result.structured_content)


_INT_RE = re.compile(r"^-?[0-9]{1,30}$")


def _query_args(request: Request, spec: ToolSpec) -> dict[str, Any] | Response:
    """Query parameters as tool arguments; integers where the tool's model wants one, so the
    arguments (and any message about them) are exactly what an MCP client would send."""
    properties = spec.input.model_json_schema().get("properties", {})
    args: dict[str, Any] = {}
    for key, value in request.query_params.multi_items():
        if key in args:
            return problem(400, "Bad Request", f"query parameter {key!r} is given twice: give it once.")
        args[key] = int(value) if _wants_integer(properties.get(key, {})) and _INT_RE.match(value) else value
    return args


def _wants_integer(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "integer" or any(s.get("type") == "integer" for s in schema.get("anyOf", []))


async def _json_body(request: Request) -> dict[str, Any] | Response:
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        return problem(413, "Content Too Large", f"the request body is over {MAX_BODY_BYTES} bytes.")
    try:
        data = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return problem(
            400,
            "Bad Request",
            "the body is not JSON: send a JSON object with "
            "'Content-Type: application/json' (see /api/v1/openapi.json).",
        )
    if not isinstance(data, dict):
        return problem(400, "Bad Request", "the body must be a JSON object of the tool's arguments.")
    return data


# ---- OpenAPI -----------------------------------------------------------------------------------------------
REF = "#/components/schemas/{model}"
PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details; `detail` is the message an agent would read.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
    },
    "required": ["type", "title", "status", "detail"],
}
ERRORS = {
    "400": "The request is wrong (unknown metric, bad filter, ...): `detail` says how to fix it.",
    "401": "No valid bearer token.",
    "403": "The token's scope may not do this (another tenant, or an admin-only operation).",
    "422": "Arguments of the wrong shape or type.",
    "503": "No data has been published yet.",
    "504": "The query ran past the time limit and was cancelled.",
}


def openapi_document(version: str) -> dict[str, Any]:
    """OpenAPI 3.1 of the REST mirror: every model the tools take or return becomes one component schema
    (generated together, so shared parts are defined once and name clashes are resolved), and each
    endpoint one operation (``_operation``)."""
    wanted: list[tuple[type[BaseModel], JsonSchemaMode]] = []
    for e in ENDPOINTS:
        wanted += [(e.spec.input, "validation"), (e.spec.output, "serialization")]
    refs, top = models_json_schema(wanted, ref_template=REF)
    schemas: dict[str, Any] = {**top.get("$defs", {}), "Problem": PROBLEM_SCHEMA}
    paths: dict[str, dict[str, Any]] = {}
    for e in ENDPOINTS:
        body = refs[(e.spec.input, "validation")]
        inputs = schemas[body["$ref"].rsplit("/", 1)[1]]
        paths.setdefault(PREFIX + e.path, {})[e.method.lower()] = _operation(
            e, inputs, refs[(e.spec.output, "serialization")]
        )
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "GATA REST API",
            "version": version,
            "description": "The REST mirror of GATA's MCP tools: same tokens, same tenant scoping, same "
            "answers and messages. Errors are RFC 9457 problem documents.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from `gata token create`.",
                }
            },
        },
    }


def _operation(e: Endpoint, inputs: dict[str, Any], output: dict[str, Any]) -> dict[str, Any]:
    """One endpoint's operation: its tool's title and description, its arguments (a JSON body, or query and
    path parameters), the tool's output as the 200 answer, and the problem documents."""
    ok: dict[str, Any] = {"application/json": {"schema": output}}
    if e.png:
        ok["image/png"] = {"schema": {"type": "string", "contentMediaType": "image/png"}}
    responses: dict[str, Any] = {"200": {"description": "The tool's structured result.", "content": ok}}
    for code, text in ERRORS.items():
        responses[code] = {
            "description": text,
            "content": {PROBLEM: {"schema": {"$ref": REF.format(model="Problem")}}},
        }
    op: dict[str, Any] = {
        "operationId": e.tool,
        "summary": e.spec.title,
        "description": e.spec.description,
        "responses": responses,
        "security": [{"bearer": []}],
    }
    if e.method == "POST":
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": inputs}}}
        return op
    required = set(inputs.get("required", []))
    params = []
    for name, schema in inputs.get("properties", {}).items():
        where, shown = "query", name
        if e.path_argument is not None and name == e.path_argument[1]:
            where, shown = "path", e.path_argument[0]
        params.append(
            {
                "name": shown,
                "in": where,
                "required": where == "path" or name in required,
                "schema": schema,
                **({"description": schema["description"]} if "description" in schema else {}),
            }
        )
    op["parameters"] = params
    return op
