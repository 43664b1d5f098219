"""What kind of failure a tool call ended in: one classification for HTTP statuses and for operators' metrics.

A tool's failure reaches an agent as a ``ToolError`` whose ``__cause__`` chain holds
what went wrong; the REST mirror turns the same kind into an HTTP status, and the
``/metrics`` endpoint counts it, so both speak of the same outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass

from mcp.server.mcpserver.exceptions import ToolError
from pydantic import ValidationError

from gata.errors import GataError, NotBuiltError, QueryTimeout


class ScopeRefused(ToolError):
    """The session's scope may not do this (another tenant, or an admin-only tool): HTTP 403."""


@dataclass(frozen=True)
class Outcome:
    kind: str  # ok | invalid | refused | unavailable | timeout | internal
    status: int
    title: str


OK = Outcome("ok", 200, "OK")
INVALID = Outcome("invalid", 400, "Bad Request")
UNPROCESSABLE = Outcome("invalid", 422, "Unprocessable Content")
REFUSED = Outcome("refused", 403, "Forbidden")
UNAVAILABLE = Outcome("unavailable", 503, "Service Unavailable")
TIMEOUT = Outcome("timeout", 504, "Gateway Timeout")
INTERNAL = Outcome("internal", 500, "Internal Server Error")


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in seen:
        seen.append(cur)
        cur = cur.__cause__
    return seen


def classify(exc: BaseException) -> Outcome:
    """The outcome of a failed call, from the most specific exception in its cause chain."""
    chain = _chain(exc)
    if any(isinstance(e, ScopeRefused) for e in chain):
        return REFUSED
    if any(isinstance(e, QueryTimeout) for e in chain):
        return TIMEOUT
    if any(isinstance(e, NotBuiltError) for e in chain):
        return UNAVAILABLE
    if any(isinstance(e, ValidationError) for e in chain):
        return UNPROCESSABLE
    if type(exc).__name__ == "UnexpectedToolError" or not any(
        isinstance(e, ToolError | GataError) for e in chain
    ):
        return INTERNAL
    if "internal error" in str(exc):  # tools.guarded's wrapper of an unexpected exception
        return INTERNAL
    return INVALID
