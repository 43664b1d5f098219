"""GATA's MCP server: one MCPServer, served over stdio or HTTP (streamable HTTP and SSE).

The scope of every call is decided here, not by tool arguments: a stdio server is
started for one tenant (or admin); an HTTP server takes it from each request's
bearer token, verified by the SDK's auth middleware (no token, an unknown or a
revoked one: 401 with ``WWW-Authenticate``). The HTTP app checks Host and Origin
headers against the address it listens on (DNS-rebinding protection) and exposes
an unauthenticated ``GET /health``.
"""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from mcp.shared.exceptions import MCPError
from mcp_types import Resource
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from gata.settings import Paths
from mcp_server import prompts, resources, tools
from mcp_server.auth import GataTokenVerifier, Scope, TokenStore
from mcp_server.cache import stats as cache_stats
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


class GataMCP(MCPServer):
    """MCPServer whose resource list depends on the caller's scope."""

    def __init__(self, gata: Gata, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.gata = gata

    async def list_resources(self) -> list[Resource]:
        return resources.listing(self.gata)

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
    tools.register(mcp, gata)
    resources.register(mcp, gata)
    prompts.register(mcp, gata)
    return mcp


def _host_for_url(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def transport_security(host: str, port: int) -> TransportSecuritySettings:
    """Accept only requests addressed to this server (Host) from pages of this server (Origin)."""
    hosts = {"127.0.0.1", "localhost", _host_for_url(host)} - {"0.0.0.0", "[::]"}
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=sorted(f"{h}:{port}" for h in hosts),
        allowed_origins=sorted(f"http://{h}:{port}" for h in hosts))


def http_app(mcp: GataMCP, host: str = "127.0.0.1", port: int = 8765) -> Starlette:
    """Streamable HTTP at /mcp, SSE at /sse (posting to /messages/), GET /health; bearer auth on MCP routes."""
    security = transport_security(host, port)
    streamable = mcp.streamable_http_app(transport_security=security, host=host)
    sse = mcp.sse_app(transport_security=security, host=host)
    routes: list[Route | Mount] = [r for r in streamable.routes if getattr(r, "path", None) == "/mcp"]
    routes += [r for r in sse.routes if getattr(r, "path", None) in ("/sse", "/messages")]

    async def health(_: Request) -> JSONResponse:
        snap = mcp.gata.snapshots.peek()
        return JSONResponse({"status": "ok" if snap else "no data published",
                             "snapshot": snap.version if snap else None,
                             "published_at": snap.published_at.isoformat() if snap else None,
                             "caches": cache_stats()})

    routes.append(Route("/health", health, methods=["GET"]))
    middleware: list[Middleware] = list(streamable.user_middleware)
    return Starlette(routes=routes, middleware=middleware, lifespan=lambda app: mcp.session_manager.run())
