"""The REST mirror of the MCP tools, for agent frameworks and BI tools that do not speak MCP.

::

    GET  /api/v1/metrics                      list_metrics          (?search=&tenant=)
    GET  /api/v1/dimensions/{name}/values     get_dimension_values  (?search=&metric=&limit=&tenant=)
    POST /api/v1/query                        query                 (JSON body: the tool's arguments)
    GET  /api/v1/health                       pipeline_health       (?tenant=)
    POST /api/v1/tenants                      onboard_tenant        (JSON body: the onboarding request; admin)
    GET  /api/v1/openapi.json                 OpenAPI 3.1, no token needed

One implementation: each endpoint calls the MCP tool itself (``GataMCP.call_tool``),
so argument validation, scope, governance, limits, metrics and every message are the
ones agents get. Same tokens (``Authorization: Bearer``), same tenant scoping, on the
same Starlette app and behind the same Host/Origin checks. The OpenAPI document is
built from the tools' own input and output schemas (the pydantic models the tools
are declared with), so the two faces cannot drift apart. Failures are RFC 9457
``application/problem+json`` whose ``detail`` is the exact text an agent would read.
"""

from __future__ import annotations

import base64
import copy
import json
import re
from typing import TYPE_CHECKING, Any

from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, ImageContent, TextContent
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from mcp_server.metrics import api_var
from mcp_server.outcomes import INVALID, classify

if TYPE_CHECKING:
    from mcp_server.server import GataMCP

PREFIX = "/api/v1"
PROBLEM = "application/problem+json"
MAX_BODY_BYTES = 256 * 1024


def problem(status: int, title: str, detail: str, **headers: str) -> JSONResponse:
    """An RFC 9457 problem document."""
    return JSONResponse({"type": "about:blank", "title": title, "status": status, "detail": detail},
                        status_code=status, media_type=PROBLEM, headers=headers or None)


def unauthorized() -> JSONResponse:
    return problem(401, "Unauthorized", "send a valid bearer token: 'Authorization: Bearer <token>' "
                   "(create one with `gata token create --tenant SLUG`).",
                   **{"WWW-Authenticate": 'Bearer error="invalid_token"'})


def authenticated(request: Request) -> bool:
    return isinstance(request.scope.get("user"), AuthenticatedUser)


def is_admin(request: Request) -> bool:
    user = request.scope.get("user")
    return isinstance(user, AuthenticatedUser) and bool((user.access_token.claims or {}).get("admin"))


class RestMirror:
    """The endpoints, bound to one server."""

    def __init__(self, mcp: GataMCP) -> None:
        self.mcp = mcp

    def routes(self) -> list[Route]:
        return [
            Route(f"{PREFIX}/metrics", self.list_metrics, methods=["GET"]),
            Route(PREFIX + "/dimensions/{name}/values", self.dimension_values, methods=["GET"]),
            Route(f"{PREFIX}/query", self.query, methods=["POST"]),
            Route(f"{PREFIX}/health", self.health, methods=["GET"]),
            Route(f"{PREFIX}/tenants", self.onboard, methods=["POST"]),
            Route(f"{PREFIX}/openapi.json", self.openapi, methods=["GET"]),
        ]

    # ---- endpoints -------------------------------------------------------------------------------------
    async def list_metrics(self, request: Request) -> Response:
        return await self._call(request, "list_metrics", self._query_args(request, "list_metrics"))

    async def dimension_values(self, request: Request) -> Response:
        args = self._query_args(request, "get_dimension_values")
        if isinstance(args, dict):
            args["dimension"] = request.path_params["name"]
        return await self._call(request, "get_dimension_values", args)

    async def query(self, request: Request) -> Response:
        return await self._call(request, "query", await _json_body(request))

    async def health(self, request: Request) -> Response:
        return await self._call(request, "pipeline_health", self._query_args(request, "pipeline_health"))

    async def onboard(self, request: Request) -> Response:
        body = await _json_body(request)
        return await self._call(request, "onboard_tenant", {"request": body} if isinstance(body, dict) else body)

    async def openapi(self, _: Request) -> Response:
        return JSONResponse(openapi_document(self.mcp))

    # ---- the one path into the tools ---------------------------------------------------------------------
    async def _call(self, request: Request, tool: str, args: dict[str, Any] | Response) -> Response:
        if not authenticated(request):
            return unauthorized()
        if isinstance(args, Response):
            return args
        token = api_var.set("rest")
        try:
            result = await self.mcp.call_tool(tool, args, Context(mcp_server=self.mcp))
        except ToolError as exc:
            outcome = classify(exc)
            return problem(outcome.status, outcome.title, str(exc))
        finally:
            api_var.reset(token)
        if not isinstance(result, CallToolResult) or result.structured_content is None:
            text = next((c.text for c in getattr(result, "content", []) if isinstance(c, TextContent)), "")
            return problem(INVALID.status, INVALID.title, text or f"{tool} returned no data")
        if "image/png" in request.headers.get("accept", ""):
            png = next((c for c in result.content if isinstance(c, ImageContent)), None)
            if png is None:
                return problem(406, "Not Acceptable", "this answer has no chart: ask with \"chart\": \"auto\" "
                               "(or 'line' or 'bar') and group by a dimension or a time_grain, or accept "
                               "application/json.")
            return Response(base64.b64decode(png.data), media_type="image/png")
        return JSONResponse(result.structured_content)


    def _query_args(self, request: Request, tool: str) -> dict[str, Any] | Response:
        """Query parameters as tool arguments; integers where the tool's schema wants one, so the
        arguments (and any message about them) are exactly what an MCP client would send."""
        found = self.mcp._tool_manager.get_tool(tool)
        properties = found.parameters.get("properties", {}) if found else {}
        args: dict[str, Any] = {}
        for key, value in request.query_params.multi_items():
            if key in args:
                return problem(400, "Bad Request", f"query parameter {key!r} is given twice: give it once.")
            args[key] = int(value) if _wants_integer(properties.get(key, {})) and _INT_RE.match(value) else value
        return args


_INT_RE = re.compile(r"^-?[0-9]{1,30}$")


def _wants_integer(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "integer" or any(s.get("type") == "integer" for s in schema.get("anyOf", []))


async def _json_body(request: Request) -> dict[str, Any] | Response:
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        return problem(413, "Content Too Large", f"the request body is over {MAX_BODY_BYTES} bytes.")
    try:
        data = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return problem(400, "Bad Request", "the body is not JSON: send a JSON object with "
                       "'Content-Type: application/json' (see /api/v1/openapi.json).")
    if not isinstance(data, dict):
        return problem(400, "Bad Request", "the body must be a JSON object of the tool's arguments.")
    return data


# ---- OpenAPI -----------------------------------------------------------------------------------------------
PROBLEM_SCHEMA = {
    "type": "object", "description": "RFC 9457 problem details; `detail` is the message an agent would read.",
    "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                   "detail": {"type": "string"}},
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


class _Components:
    """Collects the tools' ``$defs`` into ``components/schemas``, renaming a clash (two models, one name)."""

    def __init__(self) -> None:
        self.schemas: dict[str, Any] = {"Problem": PROBLEM_SCHEMA}

    def add(self, schema: dict[str, Any], owner: str) -> dict[str, Any]:
        schema = copy.deepcopy(schema)
        defs = schema.pop("$defs", {})
        same = {name: name for name in defs}
        names = {name: name if self.schemas.get(name, _rewrite(body, same)) == _rewrite(body, same)
                 else f"{owner}_{name}" for name, body in defs.items()}
        for name, body in defs.items():
            self.schemas[names[name]] = _rewrite(body, names)
        return _rewrite(schema, names)


def _rewrite(node: Any, names: dict[str, str]) -> Any:
    """``#/$defs/X`` references as ``#/components/schemas/<new name of X>``."""
    if isinstance(node, dict):
        return {key: f"#/components/schemas/{names.get(value[8:], value[8:])}"
                if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/")
                else _rewrite(value, names) for key, value in node.items()}
    if isinstance(node, list):
        return [_rewrite(v, names) for v in node]
    return node


def openapi_document(mcp: GataMCP) -> dict[str, Any]:
    """OpenAPI 3.1 of the REST mirror, from the tools' own JSON Schemas."""
    components = _Components()
    tools = {t.name: t for t in mcp._tool_manager.list_tools()}

    def io(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
        tool = tools[name]
        return (components.add(tool.parameters, name), components.add(tool.output_schema or {}, name))

    def responses(output: dict[str, Any], png: bool = False) -> dict[str, Any]:
        ok: dict[str, Any] = {"application/json": {"schema": output}}
        if png:
            ok["image/png"] = {"schema": {"type": "string", "contentMediaType": "image/png"}}
        out: dict[str, Any] = {"200": {"description": "The tool's structured result.", "content": ok}}
        for code, text in ERRORS.items():
            out[code] = {"description": text,
                         "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
        return out

    def query_params(inputs: dict[str, Any], skip: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        required = set(inputs.get("required", []))
        return [{"name": k, "in": "query", "required": k in required, "schema": v,
                 **({"description": v["description"]} if "description" in v else {})}
                for k, v in inputs.get("properties", {}).items() if k not in skip]

    paths: dict[str, Any] = {}
    secured = [{"bearer": []}]
    inputs, output = io("list_metrics")
    paths[f"{PREFIX}/metrics"] = {"get": {
        "operationId": "list_metrics", "summary": tools["list_metrics"].title,
        "description": tools["list_metrics"].description, "parameters": query_params(inputs),
        "responses": responses(output), "security": secured}}
    inputs, output = io("get_dimension_values")
    dim = inputs["properties"]["dimension"]
    paths[PREFIX + "/dimensions/{name}/values"] = {"get": {
        "operationId": "get_dimension_values", "summary": tools["get_dimension_values"].title,
        "description": tools["get_dimension_values"].description,
        "parameters": [{"name": "name", "in": "path", "required": True, "schema": dim,
                        "description": dim.get("description", "")}, *query_params(inputs, skip=("dimension",))],
        "responses": responses(output), "security": secured}}
    inputs, output = io("query")
    paths[f"{PREFIX}/query"] = {"post": {
        "operationId": "query", "summary": tools["query"].title, "description": tools["query"].description,
        "requestBody": {"required": True, "content": {"application/json": {"schema": inputs}}},
        "responses": responses(output, png=True), "security": secured}}
    inputs, output = io("pipeline_health")
    paths[f"{PREFIX}/health"] = {"get": {
        "operationId": "pipeline_health", "summary": tools["pipeline_health"].title,
        "description": tools["pipeline_health"].description, "parameters": query_params(inputs),
        "responses": responses(output), "security": secured}}
    inputs, output = io("onboard_tenant")
    paths[f"{PREFIX}/tenants"] = {"post": {
        "operationId": "onboard_tenant", "summary": tools["onboard_tenant"].title,
        "description": tools["onboard_tenant"].description,
        "requestBody": {"required": True, "content": {"application/json": {"schema": inputs["properties"]["request"]}}},
        "responses": responses(output), "security": secured}}
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {"title": "GATA REST API", "version": mcp.version or "0",
                 "description": "The REST mirror of GATA's MCP tools: same tokens, same tenant scoping, same "
                                "answers and messages. Errors are RFC 9457 problem documents."},
        "paths": paths,
        "components": {"schemas": components.schemas,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                                      "description": "A token from `gata token create`."}}},
    }
