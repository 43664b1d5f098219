"""``onboard_tenant`` (admin only): a new client, landed, built, described and published, with progress.

Its arguments are onboarding's own ``OnboardRequest`` fields, flat (``slug``, ``name``,
``sources``, ...), the same request ``gata onboard`` and ``POST /api/v1/tenants`` take.
"""

from __future__ import annotations

import logging
from typing import Any

import anyio.from_thread
from mcp.server.mcpserver import Context
from mcp_types import ToolAnnotations

from gata.tokens import Scope
from mcp_server.guards import guarded
from mcp_server.outcomes import ScopeRefused
from mcp_server.state import state_of
from mcp_server.tools.arguments import model_arguments
from pipeline.onboarding import OnboardRequest, OnboardResult, onboard

log = logging.getLogger(__name__)
ANNOTATIONS = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True,
                              open_world_hint=False)


def require_admin(scope: Scope) -> None:
    """Onboarding changes what the server serves: only an admin session may do it."""
    if not scope.admin:
        raise ScopeRefused(
            f"onboard_tenant needs admin scope; this session is {scope.describe()}. Use an admin "
            "token (`gata token create --admin`) or a stdio server started with `gata serve --admin`."
        )


@model_arguments(OnboardRequest)
async def onboard_tenant(args: OnboardRequest, ctx: Context[Any, Any]) -> OnboardResult:
    """Admin only. Onboard a new client (or change an existing one's sources): land its data, build its
    models, generate its semantic layer and publish it, reporting progress; nothing changes if any step
    fails. Returns the tables built and the metrics now available (and a token when create_token)."""
    state = state_of(ctx)
    require_admin(state.scope())

    def progress(done: float, total: float | None, message: str) -> None:
        try:
            anyio.from_thread.run(ctx.report_progress, done, total, message)
        except (
            Exception
        ):  # a client that went away (or a REST caller, who has no progress channel) must not abort it
            log.debug("progress notification failed", exc_info=True)

    return await guarded("onboard_tenant", lambda: onboard(args, state.paths, progress))
