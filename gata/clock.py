"""The one clock: what "today" and "now" mean everywhere in GATA.

Freshness, the accepted date window, onboarding's default history and load
timestamps all ask this module, so a test, a demo or a replay can pin the date in
one place: set ``GATA_TODAY`` (an ISO date) in the environment, or wrap code in
``pinned(day)``. Unpinned, it is the machine's clock in UTC.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

from gata.errors import ConfigError

ENV = "GATA_TODAY"
_pinned: date | None = None

def _env_day() -> date | None:
    raw = os.environ.get(ENV)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ConfigError(f"{ENV}={raw!r} is not an ISO date: set it like 2026-11-01, or unset it "
                          "to use the machine's clock") from None

def today() -> date:
    """Today's date in UTC, or the pinned day."""
    return _pinned or _env_day() or datetime.now(UTC).date()

def yesterday() -> date:
    """The last complete day: where history ends unless told otherwise."""
    return today() - timedelta(days=1)

def now() -> datetime:
    """The current UTC time; on a pinned day, the same time of day on that date."""
    real = datetime.now(UTC)
    day = _pinned or _env_day()
    return real if day is None else datetime.combine(day, real.time().replace(tzinfo=UTC))

@contextmanager
def pinned(day: date) -> Iterator[None]:
    """Within the block, ``today()`` is ``day`` (in this process)."""
    global _pinned
    before, _pinned = _pinned, day
    try:
        yield
    finally:
        _pinned = before

