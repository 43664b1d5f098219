"""Refusing what we do not know: unknown field names, with the closest known one as a hint.

Shared by tenants.yaml, onboarding requests (CLI and MCP) and tool arguments, so a
misspelt field is refused everywhere with the same kind of message.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(name: object, known: Iterable[str]) -> str:
    """' (did you mean 'x'?)' when a known name is close to ``name``, else ''."""
    close = difflib.get_close_matches(str(name), sorted(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def unknown_field(name: object, known: Iterable[str]) -> str:
    known = sorted(known)
    return f"is not a known field{did_you_mean(name, known)}; known fields: {', '.join(known)}"
