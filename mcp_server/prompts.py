"""Prompts for common analyses, with argument completion from the tenant's own values.

- ``weekly_channel_review(weeks, platform?)``: paid performance by platform and week;
- ``campaign_review(campaign, weeks)``: one campaign's trend and efficiency.

The prompts only write instructions naming the tools and exact arguments (dates
computed from the tenant's data coverage); the numbers come from ``query`` calls
the agent makes, under the same governance as any other call.
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import date, timedelta
from typing import Any

import anyio.to_thread
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.shared.exceptions import MCPError
from mcp_types import (
    INVALID_PARAMS,
    Completion,
    CompletionArgument,
    CompletionContext,
    PromptReference,
    ResourceTemplateReference,
)
from pydantic import ValidationError

from gata import clock
from gata.errors import GataError, NotBuiltError, QueryError
from gata.limits import MAX_PROMPT_ARGUMENT
from mcp_server.auth import request_scope
from mcp_server.guards import validation_message
from mcp_server.resources import visible
from mcp_server.state import ServerState, StateHolder, state_of
from mcp_server.tools.get_dimension_values import DimensionValuesArgs, dimension_values

log = logging.getLogger(__name__)
PAID = ["spend", "impressions", "clicks", "conversions", "ctr", "cpc", "cpa"]
MAX_COMPLETIONS = 100


def check_arguments(name: str, arguments: dict[str, Any] | None) -> None:
    """Refuse an oversized argument by name and size, before rendering (and without echoing it)."""
    for key, value in (arguments or {}).items():
        if len(str(key)) > MAX_PROMPT_ARGUMENT or len(str(value)) > MAX_PROMPT_ARGUMENT:
            raise MCPError(INVALID_PARAMS, f"cannot render prompt {name[:MAX_PROMPT_ARGUMENT]!r}: argument "
                                           f"{str(key)[:40]!r} is {len(str(value))} characters long; prompt "
                                           f"arguments may be at most {MAX_PROMPT_ARGUMENT}")


def render_error(name: str, exc: BaseException) -> MCPError:
    """Why a prompt could not render, for the client: the SDK would only say that it failed."""
    cause = exc
    while cause.__cause__ is not None:
        cause = cause.__cause__
    if isinstance(cause, ValidationError):
        reason = validation_message(cause)
    elif isinstance(cause, ToolError | QueryError | NotBuiltError | GataError | ValueError):
        reason = str(cause)
    else:
        ref = secrets.token_hex(4)
        log.error("prompt %s failed (ref %s)", name, ref, exc_info=cause)
        reason = f"internal error (the server logged it as ref {ref})"
    return MCPError(INVALID_PARAMS, f"cannot render prompt {name[:MAX_PROMPT_ARGUMENT]!r}: {reason}")


def _config(state: ServerState, tenant: str | None) -> dict[str, Any]:
    scope = request_scope(state.fixed_scope)
    if scope is None:
        raise ValueError("no credentials on this request")
    with state.snapshots.use() as snap:
        return snap.configs[state.tenant_for(scope, snap, tenant or None)]


def _window(config: dict[str, Any], weeks: int) -> tuple[date, date]:
    cov = config.get("coverage", {})
    end_s = (cov.get("ad_performance") or cov.get("daily") or {}).get("date_max")
    end = date.fromisoformat(end_s) if end_s else clock.today()
    return end - timedelta(days=7 * weeks - 1), end


def _call(tool: str, args: dict[str, Any]) -> str:
    return f"`{tool}` with arguments `{json.dumps(args)}`"


def weekly_channel_review_text(config: dict[str, Any], weeks: int, platform: str | None) -> str:
    weeks = max(1, min(int(weeks), 52))
    start, end = _window(config, weeks)
    metrics = [m for m in PAID if m in config["metrics"]]
    if not metrics:
        return f"{config.get('name')} has no paid-ads data, so there is no channel performance to review."
    args: dict[str, Any] = {"metrics": metrics, "dimensions": ["source_platform"], "time_grain": "week",
                            "date_range": {"start": start.isoformat(), "end": end.isoformat()}}
    if platform:
        args["filters"] = [{"field": "source_platform", "operator": "=", "value": platform}]
    steps = [f"1. Call {_call('query', args)}."]
    if "roas" in config["metrics"]:
        blended = {"metrics": ["revenue", "spend", "roas"], "time_grain": "week",
                   "date_range": args["date_range"]}
        steps.append(f"2. Call {_call('query', blended)} for the blended return on ad spend.")
    steps.append(
        f"{len(steps) + 1}. Summarise week over week for each platform: spend, CTR, CPC and CPA trends, "
        "the best and the worst platform by CPA, and anything unusual. Quote the numbers, state the "
        f"currency ({config.get('currency')}), and say how fresh the data is (the result's freshness)."
    )
    focus = f" on {platform}" if platform else " by platform"
    return (
        f"Review the paid channel performance of {config.get('name')}{focus} for the {weeks} week(s) "
        f"{start} to {end}.\n\n" + "\n".join(steps)
    )


def campaign_review_text(config: dict[str, Any], campaign: str, weeks: int) -> str:
    weeks = max(1, min(int(weeks), 52))
    start, end = _window(config, weeks)
    metrics = [m for m in PAID if m in config["metrics"]]
    if "campaign_name" not in config["dimensions"] or not metrics:
        return f"{config.get('name')} has no campaigns to review."
    args = {
        "metrics": metrics,
        "dimensions": ["source_platform"],
        "time_grain": "week",
        "filters": [{"field": "campaign_name", "operator": "=", "value": campaign}],
        "date_range": {"start": start.isoformat(), "end": end.isoformat()},
    }
    return (
        f"Review campaign {campaign!r} of {config.get('name')} over {start} to {end}.\n\n"
        "1. If unsure of the exact name, call "
        f"{_call('get_dimension_values', {'dimension': 'campaign_name', 'search': campaign})}.\n"
        f"2. Call {_call('query', args)}.\n"
        "3. Compare its CPA and CTR with the account's (the same query without the campaign filter) and "
        "recommend whether to scale, keep or pause it, with the numbers that justify it."
    )


def register(mcp: MCPServer[Any]) -> None:
    @mcp.prompt(title="Weekly channel review")
    def weekly_channel_review(
        ctx: Context[Any, Any], weeks: int = 4, platform: str | None = None, tenant: str | None = None
    ) -> str:
        """Weekly paid-channel performance review: spend, CTR, CPC and CPA by platform and week (admins name
        the tenant)."""
        return weekly_channel_review_text(_config(state_of(ctx), tenant), weeks, platform)

    @mcp.prompt(title="Campaign review")
    def campaign_review(campaign: str, ctx: Context[Any, Any], weeks: int = 4, tenant: str | None = None) -> str:
        """One campaign's weekly trend and efficiency against the account, with a recommendation."""
        return campaign_review_text(_config(state_of(ctx), tenant), campaign, weeks)

    @mcp.completion()  # type: ignore[no-untyped-call, untyped-decorator]  # the SDK leaves this decorator unannotated
    async def complete(
        ref: PromptReference | ResourceTemplateReference,
        argument: CompletionArgument,
        context: CompletionContext | None,
    ) -> Completion | None:
        if len(argument.value or "") > MAX_PROMPT_ARGUMENT:
            return Completion(values=[], total=0, has_more=False)  # nothing can start with that
        typed = (argument.value or "").lower()
        given = (context.arguments if context and context.arguments else {}) or {}
        if not isinstance(mcp, StateHolder):  # completions get no Context: the state comes from the server
            return None
        state = mcp.state
        if argument.name == "tenant":
            values = [t for t in visible(state) if typed in t]
        elif isinstance(ref, PromptReference) and argument.name in ("platform", "campaign"):
            dimension = "source_platform" if argument.name == "platform" else "campaign_name"
            scope = request_scope(state.fixed_scope)
            if scope is None:
                return None
            try:
                args = DimensionValuesArgs(
                    dimension=dimension,
                    search=typed or None,
                    limit=MAX_COMPLETIONS,
                    tenant=given.get("tenant"),
                )
                result = await anyio.to_thread.run_sync(lambda: dimension_values(state, scope, args))
            except Exception:  # noqa: BLE001 - completion is a convenience: no suggestions rather than an error
                return None
            values = [str(v.value) for v in result.values if v.value is not None]
        else:
            return None
        return Completion(values=values[:MAX_COMPLETIONS], total=len(values), has_more=len(values) > MAX_COMPLETIONS)
