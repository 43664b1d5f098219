"""Every documented maximum on what a client may send, in one place.

Each limit is enforced where the input is parsed (pydantic models, so the tools'
input schemas carry it as ``maxItems`` / ``maxLength``) and named in the refusal,
so a careless or hostile client learns the bound instead of finding it by making
the server slow. The README's "Limits" section lists the same numbers; change
them here and there together.
"""

from __future__ import annotations

from datetime import date, timedelta

from gata import clock

MAX_METRICS = 20  # metrics in one query
MAX_DIMENSIONS = 10  # dimensions to group by in one query
MAX_FILTERS = 20  # filters in one query
MAX_ORDER_BY = 10  # order_by terms in one query
MAX_FILTER_VALUES = 1000  # values of one in / not in filter
MAX_TOTAL_FILTER_VALUES = 2000  # values across all in / not in filters of one query
MAX_TEXT = 200  # characters of a filter value, a like pattern, a search fragment, a name
MAX_LIKE_WILDCARDS = 8  # % and _ in one like / ilike pattern (each one multiplies the matching work)
MAX_PROMPT_ARGUMENT = 200  # characters of one prompt or completion argument

# dates a client may name (tenants.yaml mock_data, onboarding, query date ranges): outside this window a
# date is a typo, and far outside it the date arithmetic downstream overflows
EARLIEST_DATE = date(2000, 1, 1)


def latest_date() -> date:
    """The last date accepted anywhere: a year from today."""
    return clock.today() + timedelta(days=366)


def check_date(value: date, what: str) -> date:
    """``value`` if it lies in the accepted window, else a ValueError naming the window."""
    if not EARLIEST_DATE <= value <= latest_date():
        raise ValueError(f"{what} {value.isoformat()} is outside the accepted window "
                         f"{EARLIEST_DATE.isoformat()} to {latest_date().isoformat()} (today + 1 year)")
    return value
