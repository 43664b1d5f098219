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
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import anyio.to_thread
from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.streamable_http import EventStore
from mcp.server.transport_security import TransportSecuritySettings
from mcp.shared.exceptions import MCPError
from mcp_types import CallToolResult, EmptyResult, InputRequiredResult, Resource, SetLevelRequestParams
from mcp_types import Tool as MCPTool
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from gata.settings import Paths
from gata.tokens import Scope, TokenStore
from mcp_server import prompts, resources, tools
from mcp_server.auth import GataTokenVerifier, request_scope
from mcp_server.cache import stats as cache_stats
from mcp_server.hosts import HostCheckMiddleware, HostPolicy
from mcp_server.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from mcp_server.metrics import ServerMetrics
from mcp_server.outcomes import classify
from mcp_server.rest import RestMirror, authenticated, is_admin, problem, unauthorized
from mcp_server.tools import Gata, ServerConfig

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


ADMIN_TOOLS = frozenset({"onboard_tenant"})


class GataMCP(MCPServer):
    """MCPServer whose tool and resource lists depend on the caller's scope, and which counts every call.

    A tenant-scoped session is not shown the admin-only tools (an agent should not be
    offered a tool it can never use); calling one anyway still gets the tool's own
    refusal. Every tool call, over MCP or the REST mirror, passes through
    :meth:`call_tool`, where it is counted for ``/metrics``.
    """

    def __init__(self, gata: Gata, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.gata = gata
        self.metrics = ServerMetrics(gata)

    async def list_resources(self) -> list[Resource]:
        return resources.listing(self.gata)

    async def list_tools(self) -> list[MCPTool]:
        listed = await super().list_tools()
        scope = request_scope(self.gata.fixed_scope)
        if scope is not None and scope.admin:
            return listed
        return [t for t in listed if t.name not in ADMIN_TOOLS]

    async def call_tool(self, name: str, arguments: dict[str, Any],
                        context: Context[Any, Any] | None = None) -> CallToolResult | InputRequiredResult:
        scope = request_scope(self.gata.fixed_scope)
        who = "none" if scope is None else "admin" if scope.admin else str(scope.tenant)
        tool = name if self._tool_manager.get_tool(name) else "unknown"
        start = time.perf_counter()
        outcome = "ok"
        try:
            return await super().call_tool(name, arguments, context)
        except Exception as exc:
            outcome = classify(exc).kind
            raise
        finally:
            self.metrics.observe(tool, who, outcome, time.perf_counter() - start)
    async def get_prompt(self, name: str, arguments: dict[str, Any] | None = None,
                         context: Any = None) -> Any:
        """The SDK's rendering, with the reason a prompt cannot render (and bounded arguments)."""
        prompts.check_arguments(name, arguments)
        try:
            return await super().get_prompt(name, arguments, context)
        except MCPError:
            raise
        except Exception as exc:
            raise prompts.render_error(name, exc) from exc


def build_server(paths: Paths, scope: Scope | None = None, *, http: bool = False, host: str = "127.0.0.1",
                 port: int = 8765, config: ServerConfig | None = None) -> GataMCP:
    """The MCP server. Over stdio pass the fixed ``scope``; over HTTP (``http=True``) tokens decide it."""
    if http and scope is not None:
        raise ValueError("over HTTP the bearer token decides the scope; --tenant/--admin apply to stdio only")
    if not http and scope is None:
        raise ValueError("a stdio server needs a scope: --tenant SLUG or --admin")
    gata = Gata(paths, scope, config)
    auth: dict[str, object] = {}
    if http:
        base = f"http://{_host_for_url(host)}:{port}"
        auth = {"token_verifier": GataTokenVerifier(TokenStore(paths.tokens_file)),
                "auth": AuthSettings(issuer_url=base, resource_server_url=None)}
    mcp = GataMCP(gata, name="gata", title="GATA governed marketing analytics", instructions=INSTRUCTIONS,
                  version=_version(), log_level="WARNING", **auth)
    mcp._lowlevel_server.add_request_handler("logging/setLevel", SetLevelRequestParams, _set_log_level)
    tools.register(mcp, gata)
    resources.register(mcp, gata)
    prompts.register(mcp, gata)
    return mcp


async def _set_log_level(_ctx: Any, params: SetLevelRequestParams) -> EmptyResult:
    """``logging/setLevel``: accepted (clients send it after initialize and treat "method not found" as a
    broken server). GATA sends clients no log messages, only progress notifications, so there is
    nothing to filter; the server's own log stays on stderr."""
    log.debug("client asked for log level %s", params.level)
    return EmptyResult()


def _host_for_url(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def http_app(mcp: GataMCP, host: str = "127.0.0.1", port: int = 8765, policy: HostPolicy | None = None, *,
             event_store: EventStore | None = None, retry_interval: int | None = None) -> Starlette:
    """Streamable HTTP at /mcp, SSE at /sse (posting to /messages/), the REST mirror under /api/v1,
    ``/metrics`` (admin token) and ``GET /health``; bearer auth on everything but /health and the
    OpenAPI document; Host/Origin checked on every request (:mod:`mcp_server.hosts`). ``event_store`` and
    ``retry_interval`` make streamable-HTTP streams resumable (the conformance fixtures use them)."""
    policy = policy or HostPolicy.build(host)
    # HostCheckMiddleware below guards every route (the SDK's check would cover /mcp and /sse only)
    security = TransportSecuritySettings(enable_dns_rebinding_protection=False)
    streamable = mcp.streamable_http_app(transport_security=security, host=host, event_store=event_store,
                                         retry_interval=retry_interval)
    sse = mcp.sse_app(transport_security=security, host=host)
    routes: list[Route | Mount] = [r for r in streamable.routes if getattr(r, "path", None) == "/mcp"]
    routes += [r for r in sse.routes if getattr(r, "path", None) in ("/sse", "/messages")]

    async def health(_: Request) -> JSONResponse:
        snap = mcp.gata.snapshots.peek()
        return JSONResponse({"status": "ok" if snap else "no data published",
                             "snapshot": snap.version if snap else None,
                             "published_at": snap.published_at.isoformat() if snap else None,
                             "caches": cache_stats()})

    async def metrics(request: Request) -> Response:
        if not authenticated(request):
            return unauthorized()
        if not is_admin(request):
            return problem(403, "Forbidden", "/metrics names every tenant: scrape it with an admin token "
                           "(`gata token create --admin`).")
        body = await anyio.to_thread.run_sync(mcp.metrics.render)
        return Response(body, media_type=METRICS_CONTENT_TYPE)

    routes.append(Route("/health", health, methods=["GET"]))
    routes.append(Route("/metrics", metrics, methods=["GET"]))
    routes += RestMirror(mcp).routes()
    middleware: list[Middleware] = [Middleware(HostCheckMiddleware, policy=policy), *streamable.user_middleware]
    return Starlette(routes=routes, middleware=middleware, lifespan=lambda app: mcp.session_manager.run())
