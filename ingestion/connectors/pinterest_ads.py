"""Pinterest Ads (Pinterest API v5) mock: campaigns, ad groups, ads and the daily ad-level analytics.

* ``campaigns`` / ``ad_groups`` / ``ads`` - ``GET /v5/ad_accounts/{ad_account_id}/campaigns``
  (``/ad_groups``, ``/ads``) ``items``: snake_case, every id a numeric *string*, ``status``
  ACTIVE / PAUSED / ARCHIVED plus a derived ``summary_status`` (RUNNING, PAUSED, ...), budgets and
  bids as integers in *micro* currency units (``daily_spend_cap``, ``budget_in_micro_currency``,
  ``bid_in_micro_currency``), times as epoch *seconds* (``created_time``, ``start_time``), a ``type``
  discriminator ("campaign", "adgroup", "pinpromotion"). An ad promotes a pin and carries a
  ``destination_url`` whose ``utm_campaign`` is the story campaign name.
* ``ad_analytics`` - ``GET /v5/ad_accounts/{ad_account_id}/ads/analytics`` with ``granularity=DAY``:
  a JSON list, one object per ad per day, keys in UPPER_SNAKE_CASE as Pinterest sends them:
  ``AD_ID``, ``DATE`` ("YYYY-MM-DD"), the parent ``AD_GROUP_ID`` / ``CAMPAIGN_ID`` /
  ``AD_ACCOUNT_ID``, ``SPEND_IN_MICRO_DOLLAR`` (an integer: ``AdDay.spend_cents * 10_000``, exact;
  the name says dollar but it is the account currency), ``SPEND_IN_DOLLAR`` (the same as a float),
  ``PAID_IMPRESSION``, ``TOTAL_CLICKTHROUGH``, ``TOTAL_CONVERSIONS``, ``TOTAL_CHECKOUT`` and
  ``TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR``, ``CTR`` (a fraction) and ``ECPC_IN_MICRO_DOLLAR``.
  dlt lands the keys snake-cased (``spend_in_micro_dollar``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from pydantic import BaseModel, ConfigDict, Field

from ingestion.connectors._report_common import ApiRecord, delivery, iter_tree, ratio
from ingestion.story import UTM_SOURCE, AdDay, Campaign, TenantStory, rng_for

MICROS_PER_CENT = 10_000
OBJECTIVES = {"CONVERSIONS": "WEB_CONVERSION", "TRAFFIC": "CONSIDERATION", "AWARENESS": "AWARENESS"}
SUMMARY = {"ACTIVE": "RUNNING", "PAUSED": "PAUSED"}


# ---- contracts ------------------------------------------------------------------------------
class _Entity(ApiRecord):
    id: str | None = None
    ad_account_id: str | None = None
    name: str | None = None
    status: str | None = None
    summary_status: str | None = None
    created_time: int | None = None
    updated_time: int | None = None
    type: str | None = None


class PinterestCampaign(_Entity):
    objective_type: str | None = None
    daily_spend_cap: int | None = None
    lifetime_spend_cap: int | None = None
    start_time: int | None = None
    end_time: int | None = None
    is_campaign_budget_optimization: bool | None = None


class PinterestAdGroup(_Entity):
    campaign_id: str | None = None
    budget_in_micro_currency: int | None = None
    bid_in_micro_currency: int | None = None
    budget_type: str | None = None
    billable_event: str | None = None
    start_time: int | None = None


class PinterestAd(_Entity):
    campaign_id: str | None = None
    ad_group_id: str | None = None
    pin_id: str | None = None
    creative_type: str | None = None
    destination_url: str | None = None


class AdAnalyticsRow(BaseModel):
    """One ad-day of ``ads/analytics``: Pinterest's UPPER_SNAKE_CASE keys, validated by alias."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    ad_id: str | None = Field(default=None, alias="AD_ID")
    date: str | None = Field(default=None, alias="DATE")
    ad_group_id: str | None = Field(default=None, alias="AD_GROUP_ID")
    campaign_id: str | None = Field(default=None, alias="CAMPAIGN_ID")
    ad_account_id: str | None = Field(default=None, alias="AD_ACCOUNT_ID")
    spend_in_micro_dollar: int | None = Field(default=None, alias="SPEND_IN_MICRO_DOLLAR")
    spend_in_dollar: float | None = Field(default=None, alias="SPEND_IN_DOLLAR")
    paid_impression: int | None = Field(default=None, alias="PAID_IMPRESSION")
    total_clickthrough: int | None = Field(default=None, alias="TOTAL_CLICKTHROUGH")
    total_conversions: int | None = Field(default=None, alias="TOTAL_CONVERSIONS")
    total_checkout: int | None = Field(default=None, alias="TOTAL_CHECKOUT")
    total_checkout_value_in_micro_dollar: int | None = Field(default=None, alias="TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR")
    ctr: float | None = Field(default=None, alias="CTR")
    ecpc_in_micro_dollar: float | None = Field(default=None, alias="ECPC_IN_MICRO_DOLLAR")


CONTRACTS: dict[str, type[BaseModel]] = {
    "campaigns": PinterestCampaign,
    "ad_groups": PinterestAdGroup,
    "ads": PinterestAd,
    "ad_analytics": AdAnalyticsRow,
}


# ---- rendering ------------------------------------------------------------------------------
def _ad_account_id(story: TenantStory, connector: str) -> str:
    return str(549_000_000_000 + rng_for(story.seed, connector, "ad_account").randrange(10**9))


def _epoch(day: date, hour: int = 9) -> int:
    return int(datetime.combine(day, time(hour), UTC).timestamp())


def _base(story: TenantStory, connector: str, campaign: Campaign, entity_id: int, name: str, kind: str) -> dict:
    """Fields every Pinterest ads entity carries: ids as strings, status, epoch-second times."""
    return {
        "id": str(entity_id),
        "ad_account_id": _ad_account_id(story, connector),
        "name": name,
        "status": campaign.status,
        "summary_status": SUMMARY[campaign.status],
        "created_time": _epoch(campaign.created),
        "updated_time": _epoch(campaign.created + timedelta(days=2)),
        "type": kind,
    }


def _entities(story: TenantStory, connector: str) -> dict[str, list[dict]]:
    campaigns = [{
        **_base(story, connector, campaign, campaign.id, campaign.name, "campaign"),
        "objective_type": OBJECTIVES[campaign.objective],
        "daily_spend_cap": campaign.daily_budget_cents * MICROS_PER_CENT,
        "lifetime_spend_cap": None,
        "start_time": _epoch(campaign.created, 0),
        "end_time": None,
        "is_campaign_budget_optimization": False,
    } for campaign in story.campaigns(connector)]
    groups = [{
        **_base(story, connector, campaign, group.id, group.name, "adgroup"),
        "campaign_id": str(campaign.id),
        "budget_in_micro_currency": campaign.daily_budget_cents // len(campaign.ad_groups) * MICROS_PER_CENT,
        "bid_in_micro_currency": 1_500_000,
        "budget_type": "DAILY",
        "billable_event": "CLICKTHROUGH" if campaign.objective != "AWARENESS" else "IMPRESSION",
        "start_time": _epoch(campaign.created, 0),
    } for campaign in story.campaigns(connector) for group in campaign.ad_groups]
    ads = [{
        **_base(story, connector, campaign, ad.id, ad.name, "pinpromotion"),
        "campaign_id": str(campaign.id),
        "ad_group_id": str(group.id),
        "pin_id": str(1_128_000_000_000_000_000 + ad.id),
        "creative_type": "REGULAR",
        "destination_url": f"https://{story.slug.replace('_', '-')}.example.com/?utm_source="
                           f"{UTM_SOURCE[connector]}&utm_medium=cpc&utm_campaign={campaign.name}",
    } for campaign, group, ad in iter_tree(story, connector)]
    return {"campaigns": campaigns, "ad_groups": groups, "ads": ads}


def _analytics_row(ad_day: AdDay, account: str) -> dict:
    ad = ad_day.ad
    spend_micros = ad_day.spend_cents * MICROS_PER_CENT
    return {
        "AD_ID": str(ad.id),
        "DATE": ad_day.day.isoformat(),
        "AD_GROUP_ID": str(ad.ad_group_id),
        "CAMPAIGN_ID": str(ad.campaign_id),
        "AD_ACCOUNT_ID": account,
        "SPEND_IN_MICRO_DOLLAR": spend_micros,
        "SPEND_IN_DOLLAR": ad_day.spend_cents / 100,
        "PAID_IMPRESSION": ad_day.impressions,
        "TOTAL_CLICKTHROUGH": ad_day.clicks,
        "TOTAL_CONVERSIONS": ad_day.conversions,
        "TOTAL_CHECKOUT": ad_day.conversions,
        "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR": ad_day.conversion_value_cents * MICROS_PER_CENT,
        "CTR": ratio(ad_day.clicks, ad_day.impressions, 6),
        "ECPC_IN_MICRO_DOLLAR": ratio(spend_micros, ad_day.clicks, 2),
    }


def generate(story: TenantStory, connector: str, start: date, end: date) -> dict[str, list[dict]]:
    """Campaigns, ad groups and ads whole; the ad-level daily analytics for ``start..end``."""
    account = _ad_account_id(story, connector)
    analytics = [_analytics_row(ad_day, account) for ad_day in delivery(story, connector, start, end)]
    return {**_entities(story, connector), "ad_analytics": analytics}
