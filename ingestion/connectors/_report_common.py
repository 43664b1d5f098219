"""Helpers shared by the report-style ad connectors (LinkedIn, Amazon, TikTok).

These platforms all render the same story facts (campaign tree, daily ``AdDay`` delivery in
exact cents); only their vocabulary differs. The helpers here keep money exact (integer cents
in, decimal strings or 2-place floats out) so sums reconcile with the story to the cent.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel, ConfigDict

from ingestion.story import Ad, AdDay, AdGroup, Campaign, TenantStory, days_between


class ApiRecord(BaseModel):
    """Base of every contract: unknown API fields are kept, never rejected."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


def money_str(cents: int) -> str:
    """Exact decimal string with two places, e.g. 1234 -> "12.34" (APIs that send money as text)."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def money_float(cents: int) -> float:
    """Money as a JSON number with two places (1234 -> 12.34; the float repr is the short one)."""
    return round(cents / 100, 2)


def ratio(numerator: float, denominator: float, places: int) -> float:
    """A rounded ratio that is 0.0 rather than an error when nothing was delivered."""
    return round(numerator / denominator, places) if denominator else 0.0


def convert_cents(cents: int, rate: Decimal) -> int:
    """Cents converted at ``rate`` and rounded half-up to whole cents."""
    return int((Decimal(cents) * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def epoch_ms(day: date) -> int:
    """Midnight UTC of ``day`` in epoch milliseconds (LinkedIn's timestamp unit)."""
    return int(datetime.combine(day, time.min, UTC).timestamp() * 1000)


def iter_tree(story: TenantStory, connector: str) -> Iterator[tuple[Campaign, AdGroup, Ad]]:
    """Every (campaign, ad group, ad) of the connector's account, in story order."""
    for campaign in story.campaigns(connector):
        for group in campaign.ad_groups:
            for ad in group.ads:
                yield campaign, group, ad


def ad_names(story: TenantStory, connector: str) -> dict[int, tuple[str, str]]:
    """Ad id -> (campaign name, ad group name), for report rows that repeat their parents' names."""
    return {ad.id: (campaign.name, group.name) for campaign, group, ad in iter_tree(story, connector)}


def delivery(story: TenantStory, connector: str, start: date, end: date) -> Iterator[AdDay]:
    """The story's ad delivery for each day ``start..end``; each day is computed on its own."""
    for day in days_between(start, end):
        yield from story.ad_days(connector, day)
