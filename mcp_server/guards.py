"""What every tool call goes through: its blocking work in a thread, under the request's deadline, and
every failure turned into a ``ToolError`` an agent can act on.

Anything unexpected is logged here with its traceback and reported as a short
internal error with a reference, never a stack trace. Compiled SQL is checked to
name only the caller's tenant's tables before it runs (defence in depth: the
semantic layer already compiles only declared metrics and dimensions).
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Iterable
from typing import TypeVar

import anyio
import anyio.to_thread
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, ValidationError

from gata.errors import GataError, QueryTimeout
from gata.strict import unknown_field
from mcp_server.executor import Deadline
from semantic_configs.semantics import TenantSemantics

log = logging.getLogger(__name__)
T = TypeVar("T")

INTERNAL = "internal error"
GRACE_S = 0.05  # how long past its deadline a request may take to stop on its own before it is abandoned
MAX_ARGUMENT_TEXT = 2000


async def guarded(name: str, fn: Callable[[], T], deadline: Deadline | None = None) -> T:
    """Run blocking work in a thread; turn every failure into a ToolError an agent can act on.

    With a ``deadline`` the agent gets its answer or the time-limit error by the deadline (plus
    ``GRACE_S``) whatever stage the work is in: a running DuckDB query is interrupted by the
    deadline itself; pure-Python work that cannot be interrupted is abandoned to finish on its own
    (the input limits keep it short). A cancelled request (``notifications/cancelled``, a client
    that disconnected) interrupts its query the same way.
    """
    try:
        if deadline is None:
            return await anyio.to_thread.run_sync(fn)
        try:
            with anyio.fail_after(max(deadline.remaining(), 0) + GRACE_S):
                return await anyio.to_thread.run_sync(fn, abandon_on_cancel=True)
        except TimeoutError:
            deadline.expire()
            raise deadline.error() from None
        except anyio.get_cancelled_exc_class():
            deadline.cancel()
            raise
        finally:
            deadline.close()
    except ToolError:
        raise
    except QueryTimeout as exc:
        raise ToolError(f"{exc}: narrow the date_range, add filters, or group by fewer dimensions.") from exc
    except GataError as exc:
        raise ToolError(str(exc)) from exc
    except ValidationError as exc:
        raise ToolError(validation_message(exc)) from exc
    except Exception as exc:
        ref = secrets.token_hex(4)
        log.exception("%s failed (ref %s)", name, ref)
        raise ToolError(f"{INTERNAL} in {name} (the server logged it as ref {ref}); simplify the request or "
                        "ask the operator to check the server log.") from exc


def validation_message(exc: ValidationError, model: type[BaseModel] | None = None) -> str:
    """The first few problems, by field; never the (possibly huge) input itself."""
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"]) or "arguments"
        if err["type"] == "extra_forbidden" and model is not None and len(err["loc"]) == 1:
            parts.append(f"{where} {unknown_field(str(err['loc'][0]), model.model_fields)}")
            continue
        parts.append(f"{where}: {err['msg']}")
    return "invalid arguments: " + "; ".join(parts)


def no_nul(values: Iterable[object], what: str) -> None:
    """Text arguments are names and fragments: bounded, and never a NUL (which DuckDB and logs mishandle)."""
    for v in values:
        if isinstance(v, str) and ("\x00" in v or len(v) > MAX_ARGUMENT_TEXT):
            raise ToolError(f"{what}: text must be under {MAX_ARGUMENT_TEXT} characters and contain no NUL "
                            "characters.")


_TABLE_RE = re.compile(r'"analytics"\."([^"]+)"|\banalytics\.("?)(\w+)\2')
_LITERAL_RE = re.compile(r"'(?:[^']|'')*'")


def check_tables(sql: str, semantics: TenantSemantics) -> None:
    """Defence in depth: compiled SQL may name only this tenant's declared star tables."""
    allowed = {spec["table"] for spec in semantics.config["tables"].values()}
    sql = _LITERAL_RE.sub("''", sql)  # filter values are data, not table references
    named = {a or c for a, _, c in _TABLE_RE.findall(sql)}
    if not named or not named <= allowed or re.search(r"\bplatform\.|\"platform\"\.", sql):
        raise RuntimeError(
            f"compiled SQL touches tables outside tenant {semantics.tenant}: {sorted(named - allowed)}"
        )
