"""GATA's MCP server: one MCPServer, served over stdio or HTTP (streamable HTTP and SSE).

The scope of every call is decided here, not by tool arguments: a stdio server is
started for one tenant (or admin); an HTTP server takes it from each request's
bearer token, verified by the SDK's auth middleware (no token, an unknown or a
revoked one: 401 with ``WWW-Authenticate``). The HTTP app checks Host and Origin
headers (DNS-rebinding protection: local names with any port, plus the names an
operator allows), serves a REST mirror of the tools and Prometheus ``/metrics``, and
exposes an unauthenticated ``GET /health``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import anyio.to_thread
from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver import Context, Image, MCPServer
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.server.streamable_http import EventStore
from mcp.server.transport_security import TransportSecuritySettings
from mcp.shared.exceptions import MCPError
from mcp_types import (
    CallToolResult,
    EmptyResult,
    GetPromptResult,
    InputRequiredResult,
    Resource,
    SetLevelRequestParams,
)
from mcp_types import Tool as MCPTool
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp

from gata.settings import Paths
from gata.tokens import Scope, TokenStore
from mcp_server import prompts, resources, tools
from mcp_server.auth import GataTokenVerifier, request_scope
from mcp_server.cache import stats as cache_stats
from mcp_server.guards import validation_message
from mcp_server.hosts import HostCheckMiddleware, HostPolicy
from mcp_server.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from mcp_server.metrics import ServerMetrics
from mcp_server.models import QueryResult
from mcp_server.outcomes import classify
from mcp_server.rest import RestMirror, authenticated, is_admin, problem, unauthorized
from mcp_server.state import ServerConfig, ServerState, StateHolder
from mcp_server.tools.arguments import input_model
from mcp_server.tools.onboard_tenant import require_admin

log = logging.getLogger(__name__)

INSTRUCTIONS = """\
GATA answers marketing-analytics questions for one client (tenant) from its governed semantic layer.
1. Call list_metrics to see the metrics, dimensions, time grains and the dates covered.
2. Use get_dimension_values to find exact values to filter on (e.g. a campaign by a fragment of its name).
3. Call query with metric and dimension names from the catalog; you never send SQL or table names.
Results carry the compiled SQL, the data's freshness and a truncated flag. pipeline_health explains stale
or missing data. Your scope is fixed by the server: you only ever see your own tenant."""


def _version() -> str:
    try:
        return version("gata")
    except PackageNotFoundError:
        return "0"


@asynccontextmanager
async def lifespan(server: MCPServer[ServerState]) -> AsyncIterator[ServerState]:
    """The SDK's lifespan hook: the server's state for as long as it serves (see ``GataMCP.running``)."""
    if not isinstance(server, GataMCP):
        raise TypeError(f"the GATA lifespan serves a GataMCP, not {type(server).__name__}")
    with server.running() as state:
        yield state


class GataMCP(MCPServer[ServerState], StateHolder):
    """MCPServer whose state lives in its lifespan, whose tool and resource lists depend on the caller's
    scope, and which validates and counts every call.

    The lifespan is entered once by the HTTP app (for all its streamable HTTP sessions), once per
    connection over SSE and stdio; every entry while the server runs shares one state, closed when
    the last one leaves. A tenant-scoped session is not shown the admin-only tools (an agent should
    not be offered a tool it can never use); calling one anyway still gets a clear refusal. Every
    tool call, over MCP or the REST mirror, passes through :meth:`call_tool`, where its arguments are
    checked against the tool's model (unknown ones refused, problems named by field) and the call is
    counted for ``/metrics``.
    """

    def __init__(self, paths: Paths, fixed_scope: Scope | None, config: ServerConfig, **kwargs: Any) -> None:
        super().__init__(lifespan=lifespan, **kwargs)
        self.paths = paths
        self.fixed_scope = fixed_scope
        self.config = config
        self._entries = 0
        self.metrics = ServerMetrics(lambda: self._state)

    @contextmanager
    def running(self) -> Iterator[ServerState]:
        if self._state is None:
            self._state = ServerState(self.paths, self.fixed_scope, self.config)
        state = self._state
        self._entries += 1
        try:
            yield state
        finally:
            self._entries -= 1
            if self._entries == 0:
                self._state = None
                state.close()

    async def list_resources(self) -> list[Resource]:
        return resources.listing(self.state)

    async def list_tools(self) -> list[MCPTool]:
        listed = await super().list_tools()
        scope = request_scope(self.fixed_scope)
        if scope is not None and scope.admin:
            return listed
        return [t for t in listed if t.name not in tools.ADMIN_TOOLS]

    async def call_tool(self, name: str, arguments: dict[str, Any],
                        context: Context[ServerState, Any] | None = None) -> CallToolResult | InputRequiredResult:
        scope = request_scope(self.fixed_scope)
        who = "none" if scope is None else "admin" if scope.admin else str(scope.tenant)
        start = time.perf_counter()
        outcome = "ok"
        try:
            return await self._answer(
                name, arguments, context or Context(mcp_server=self, subscriptions=self._subscriptions), scope
            )
        except Exception as exc:
            outcome = classify(exc).kind
            raise
        finally:
            self.metrics.observe(
                name if name in tools.BY_NAME else "unknown", who, outcome, time.perf_counter() - start
            )

    async def _answer(
        self, name: str, arguments: dict[str, Any], context: Context[ServerState, Any], scope: Scope | None
    ) -> CallToolResult:
        tool = self._tool_manager.get_tool(name)
        if tool is None:
            raise ToolError(f"Unknown tool: {name}")
        model = input_model(tool.fn)
        try:
            if name in tools.ADMIN_TOOLS and scope is not None:
                require_admin(scope)  # before the arguments: a refusal should not depend on them
            if model is not None:
                model.model_validate(tool.fn_metadata.pre_parse_json(arguments))
        except ValidationError as exc:
            raise ToolError(f"Error executing tool {name}: {validation_message(exc, model)}") from exc
        except ToolError as exc:
            raise ToolError(f"Error executing tool {name}: {exc}") from exc
        answer = await tool.run(arguments, context)
        try:
            result = tool.fn_metadata.convert_result(answer)
        except Exception as exc:  # the answer does not fit the tool's own output model: our bug
            raise UnexpectedToolError(f"Error executing tool {name}") from exc
        if not isinstance(result, CallToolResult):
            raise UnexpectedToolError(f"Error executing tool {name}: no result")
        if isinstance(answer, QueryResult) and answer.png is not None:
            result.content.append(Image(data=answer.png, format="png").to_image_content())
        return result

    async def get_prompt(
        self,
        name: str,
        arguments: dict[str, Any] | None = None,
        context: Context[ServerState, Any] | None = None,
    ) -> GetPromptResult | InputRequiredResult:
        """The SDK's rendering, with the reason a prompt cannot render (and bounded arguments)."""
        prompts.check_arguments(name, arguments)
        try:
            return await super().get_prompt(name, arguments, context)
        except MCPError:
            raise
        except Exception as exc:
            raise prompts.render_error(name, exc) from exc


def build_server(
    paths: Paths,
    scope: Scope | None = None,
    *,
    http: bool = False,
    host: str = "127.0.0.1",
    port: int = 8765,
    config: ServerConfig | None = None,
) -> GataMCP:
    """The MCP server. Over stdio pass the fixed ``scope``; over HTTP (``http=True``) tokens decide it."""
    if http and scope is not None:
        raise ValueError("over HTTP the bearer token decides the scope; --tenant/--admin apply to stdio only")
    if not http and scope is None:
        raise ValueError("a stdio server needs a scope: --tenant SLUG or --admin")
    auth: dict[str, Any] = {}
    if http:
        base = f"http://{_host_for_url(host)}:{port}"
        auth = {
            "token_verifier": GataTokenVerifier(TokenStore(paths.tokens_file)),
            "auth": AuthSettings(issuer_url=base, resource_server_url=None),
        }
    mcp = GataMCP(
        paths,
        scope,
        config or ServerConfig(),
        name="gata",
        title="GATA governed marketing analytics",
        instructions=INSTRUCTIONS,
        version=_version(),
        log_level="WARNING",
        tools=tools.build(),
        **auth,
    )
    mcp._lowlevel_server.add_request_handler("logging/setLevel", SetLevelRequestParams, _set_log_level)
    resources.register(mcp)
    prompts.register(mcp)
    return mcp


async def _set_log_level(_ctx: Any, params: SetLevelRequestParams) -> EmptyResult:
    """``logging/setLevel``: accepted (clients send it after initialize and treat "method not found" as a
    broken server). GATA sends clients no log messages, only progress notifications, so there is
    nothing to filter; the server's own log stays on stderr."""
    log.debug("client asked for log level %s", params.level)
    return EmptyResult()


def _host_for_url(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def http_app(
    mcp: GataMCP,
    host: str = "127.0.0.1",
    port: int = 8765,
    policy: HostPolicy | None = None,
    *,
    event_store: EventStore | None = None,
    retry_interval: int | None = None,
) -> Starlette:
    """Streamable HTTP at /mcp, SSE at /sse (posting to /messages/), the REST mirror under /api/v1,
    ``/metrics`` (admin token) and ``GET /health``; bearer auth on everything but /health and the
    OpenAPI document; Host/Origin checked on every request (:mod:`mcp_server.hosts`). The app's
    lifespan is the server's: its state exists while the app serves. ``event_store`` and
    ``retry_interval`` make streamable-HTTP streams resumable (the conformance fixtures use them)."""
    policy = policy or HostPolicy.build(host)
    # HostCheckMiddleware below guards every route (the SDK's check would cover /mcp and /sse only)
    security = TransportSecuritySettings(enable_dns_rebinding_protection=False)
    streamable = mcp.streamable_http_app(
        transport_security=security, host=host, event_store=event_store, retry_interval=retry_interval
    )
    sse = mcp.sse_app(transport_security=security, host=host)
    routes: list[BaseRoute] = [r for r in streamable.routes if getattr(r, "path", None) == "/mcp"]
    routes += [r for r in sse.routes if getattr(r, "path", None) in ("/sse", "/messages")]

    async def health(_: Request) -> JSONResponse:
        snap = mcp.state.snapshots.peek()
        return JSONResponse(
            {
                "status": "ok" if snap else "no data published",
                "snapshot": snap.version if snap else None,
                "published_at": snap.published_at.isoformat() if snap else None,
                "caches": cache_stats(),
            }
        )

    async def metrics(request: Request) -> Response:
        if not authenticated(request):
            return unauthorized()
        if not is_admin(request):
            return problem(
                403,
                "Forbidden",
                "/metrics names every tenant: scrape it with an admin token (`gata token create --admin`).",
            )
        body = await anyio.to_thread.run_sync(mcp.metrics.render)
        return Response(body, media_type=METRICS_CONTENT_TYPE)

    routes.append(Route("/health", health, methods=["GET"]))
    routes.append(Route("/metrics", metrics, methods=["GET"]))
    routes += RestMirror(mcp).routes()
    middleware: list[Middleware] = [
        Middleware(HostCheckMiddleware, policy=policy),
        *streamable.user_middleware,
    ]

    @asynccontextmanager
    async def serving(_: ASGIApp) -> AsyncIterator[None]:
        async with mcp.session_manager.run():
            yield

    return Starlette(routes=routes, middleware=middleware, lifespan=serving)
