"""The server's state: where data lives, the fixed scope (stdio), the limits and the published snapshots.

It is made by the server's lifespan (``GataMCP``) and reaches a tool through its
``Context``, as the SDK's examples do (``ctx.request_context.lifespan_context``).
Nothing here is a module global: two servers in one process (the tests run
several) each have their own.

Scope is decided by the session, never by a tool argument: ``ServerState.scope``
reads it from the request's bearer token (HTTP) or the server's own (stdio), and
``tenant_for`` turns an optional ``tenant`` argument into the one tenant a call
may read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError

from gata.settings import Paths
from gata.tokens import Scope
from mcp_server.auth import request_scope
from mcp_server.outcomes import ScopeRefused
from mcp_server.snapshot import Snapshot, SnapshotManager
from semantic_configs.semantics import suggest


@dataclass(frozen=True)
class ServerConfig:
    query_timeout_s: float = 30.0
    max_response_bytes: int = 1_000_000


class ServerState:
    """What every call works with; one per running server, closed when the server stops."""

    def __init__(self, paths: Paths, fixed_scope: Scope | None, config: ServerConfig) -> None:
        self.paths = paths
        self.fixed_scope = fixed_scope
        self.config = config
        self.snapshots = SnapshotManager(paths)

    def close(self) -> None:
        self.snapshots.close()

    def scope(self) -> Scope:
        scope = request_scope(self.fixed_scope)
        if scope is None:  # HTTP without a verified token never reaches a tool; belt and braces
            raise ToolError("this request carries no credentials: send a bearer token (gata token create)")
        return scope

    def visible_tenants(self, scope: Scope, snap: Snapshot) -> list[str]:
        if scope.admin:
            return snap.tenants
        return [scope.tenant] if scope.tenant in snap.configs else []

    def tenant_for(self, scope: Scope, snap: Snapshot, tenant: str | None) -> str:
        """The tenant this call reads: the scope's own, or (admin only) the one named."""
        if scope.admin:
            if tenant is None:
                raise ToolError("admin scope: say which tenant to read with tenant=...; tenants: "
                                + (", ".join(snap.tenants) or "none published yet"))
            if tenant not in snap.configs:
                raise ToolError(suggest(tenant, snap.tenants, "tenant"))
            return tenant
        if tenant is not None and tenant != scope.tenant:
            raise ScopeRefused(
                f"this session is scoped to tenant {scope.tenant!r} ({scope.via}) and cannot read "
                f"tenant {tenant!r}; omit 'tenant' to read {scope.tenant!r}."
            )
        if scope.tenant is None or scope.tenant not in snap.configs:
            raise ToolError(
                f"tenant {scope.tenant!r} (this session's scope) has no published data in snapshot "
                f"{snap.version}: build it with `gata build --tenant {scope.tenant}` or onboard it."
            )
        return scope.tenant


class StateHolder:
    """Where a running server keeps its state for the callers that are not MCP requests (the REST
    mirror, ``/health``, ``/metrics``, completions): they share the object MCP requests get."""

    _state: ServerState | None = None

    @property
    def state(self) -> ServerState:
        if self._state is None:
            raise RuntimeError("the server is not running: its state exists only inside its lifespan")
        return self._state


def state_of(ctx: Context[Any, Any]) -> ServerState:
    """The state of the server running this call: the lifespan context of an MCP request; a REST call
    (which has no MCP request) reads the same object from the server."""
    try:
        found = ctx.request_context.lifespan_context
    except ValueError:  # no MCP request: the REST mirror calling the tool
        server = ctx.mcp_server
        if not isinstance(server, StateHolder):
            raise
        found = server.state
    if not isinstance(found, ServerState):
        raise TypeError(f"the lifespan context is {type(found).__name__}, not the GATA server's state")
    return found
