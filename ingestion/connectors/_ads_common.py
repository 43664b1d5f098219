"""Helpers shared by the Meta, Google Ads and Bing Ads generators.

The three platforms render the same story facts (campaigns, ad groups, ads, one AdDay per
ad per day) in their own vocabulary; what they have in common lives here so that each
connector module only says how its API spells things.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ingestion.story import UTC, AdDay, AdGroup, Campaign, TenantStory, days_between, rng_for


@dataclass(frozen=True)
class Placement:
    """Where an ad sits: its campaign and ad group (report rows repeat their ids and names)."""

    campaign: Campaign
    ad_group: AdGroup


def placements(story: TenantStory, connector: str) -> dict[int, Placement]:
    """Ad id -> campaign and ad group, for every ad of the connector."""
    return {ad.id: Placement(camp, group)
            for camp in story.campaigns(connector) for group in camp.ad_groups for ad in group.ads}


def delivery(story: TenantStory, connector: str, obj: str, start: date,
             end: date) -> Iterator[tuple[AdDay, Placement, random.Random]]:
    """Each AdDay of start..end with its placement and the RNG of (seed, connector, object, day).

    The RNG is drawn afresh per day, so a day's rows never depend on which other days are in
    the range; callers must draw the same number of values for every AdDay.
    """
    where = placements(story, connector)
    for day in days_between(start, end):
        rng = rng_for(story.seed, connector, obj, day.isoformat())
        for ad_day in story.ad_days(connector, day):
            yield ad_day, where[ad_day.ad.id], rng


def account_id(story: TenantStory, connector: str, low: int, high: int) -> int:
    """A stable advertiser account id for the tenant on one platform (the story has none)."""
    return rng_for(story.seed, connector, "account").randrange(low, high)


def account_name(story: TenantStory) -> str:
    """The advertiser account's display name ("tyrell_corp" -> "Tyrell Corp")."""
    return story.slug.replace("_", " ").title()


def decimal_str(cents: int) -> str:
    """Exact cents as a two-decimal string ("12.34"), never through a float."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def amount(cents: int) -> float:
    """Exact cents as a JSON number in currency units (round-trips: round(x * 100) == cents)."""
    return round(cents / 100, 2)


def ratio(numerator: float, denominator: float, scale: float = 1.0) -> float:
    """numerator / denominator * scale, 0.0 when the denominator is 0 (no delivery, no rate)."""
    return numerator / denominator * scale if denominator else 0.0


def created_at(day: date, entity_id: int) -> datetime:
    """A stable creation instant on ``day`` for an entity, spread over business hours by id."""
    return datetime.combine(day, time(8), UTC) + timedelta(seconds=entity_id * 7919 % (10 * 3600))
