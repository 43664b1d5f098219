"""TikTok Business API v1.3 mock: campaigns, ad groups, ads and the daily ad-level report.

* ``campaigns`` / ``ad_groups`` / ``ads`` - ``GET /open_api/v1.3/campaign/get/`` (``adgroup/get``,
  ``ad/get``) ``data.list`` items: snake_case, every id a numeric *string*, ``operation_status``
  ENABLE / DISABLE, ``secondary_status`` per level, ``budget`` a number, times "YYYY-MM-DD HH:MM:SS"
  (UTC). Ads carry a ``landing_page_url`` whose ``utm_campaign`` is the story campaign name.
* ``ads_reports_daily`` - ``GET /open_api/v1.3/report/integrated/get/`` with ``report_type=BASIC``,
  ``data_level=AUCTION_AD``, ``dimensions=["ad_id","stat_time_day"]``: ``data.list`` items
  ``{dimensions: {ad_id, stat_time_day: "YYYY-MM-DD 00:00:00"}, metrics: {...}}`` where EVERY metric
  value is a string, as TikTok sends them: ``spend`` "12.34" (= ``AdDay.spend_cents / 100``),
  ``impressions``/``clicks``/``reach``/``conversion``/``complete_payment`` integer strings, ``ctr`` a
  percentage ("1.23" = 1.23 %), ``cpc``/``cpm`` money strings, ``total_complete_payment_rate`` the
  purchase value (TikTok's name for it), plus the attribute metrics campaign/adgroup ids and names.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from pydantic import BaseModel

from ingestion.connectors._report_common import (
    ApiRecord,
    ad_names,
    delivery,
    iter_tree,
    money_float,
    money_str,
    ratio,
)
from ingestion.story import UTM_SOURCE, AdDay, Campaign, TenantStory, rng_for

OPERATION = {"ACTIVE": "ENABLE", "PAUSED": "DISABLE"}
OBJECTIVES = {"CONVERSIONS": "WEB_CONVERSIONS", "TRAFFIC": "TRAFFIC", "AWARENESS": "REACH"}
OPTIMIZATION = {"CONVERSIONS": "CONVERT", "TRAFFIC": "CLICK", "AWARENESS": "REACH"}
SECONDARY = {
    "campaign": {"ACTIVE": "CAMPAIGN_STATUS_ENABLE", "PAUSED": "CAMPAIGN_STATUS_DISABLE"},
    "adgroup": {"ACTIVE": "ADGROUP_STATUS_DELIVERY_OK", "PAUSED": "ADGROUP_STATUS_CAMPAIGN_DISABLE"},
    "ad": {"ACTIVE": "AD_STATUS_DELIVERY_OK", "PAUSED": "AD_STATUS_CAMPAIGN_DISABLE"},
}
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


# ---- contracts ------------------------------------------------------------------------------
class _Entity(ApiRecord):
    advertiser_id: str | None = None
    campaign_id: str | None = None
    campaign_name: str | None = None
    operation_status: str | None = None
    secondary_status: str | None = None
    create_time: str | None = None
    modify_time: str | None = None


class TikTokCampaign(_Entity):
    objective_type: str | None = None
    budget_mode: str | None = None
    budget: float | None = None


class TikTokAdGroup(_Entity):
    adgroup_id: str | None = None
    adgroup_name: str | None = None
    placement_type: str | None = None
    optimization_goal: str | None = None
    billing_event: str | None = None
    budget_mode: str | None = None
    budget: float | None = None
    schedule_start_time: str | None = None


class TikTokAd(_Entity):
    adgroup_id: str | None = None
    adgroup_name: str | None = None
    ad_id: str | None = None
    ad_name: str | None = None
    ad_format: str | None = None
    ad_text: str | None = None
    call_to_action: str | None = None
    landing_page_url: str | None = None


class ReportDimensions(ApiRecord):
    ad_id: str | None = None
    stat_time_day: str | None = None


class ReportMetrics(ApiRecord):
    campaign_id: str | None = None
    campaign_name: str | None = None
    adgroup_id: str | None = None
    adgroup_name: str | None = None
    ad_name: str | None = None
    spend: str | None = None
    impressions: str | None = None
    clicks: str | None = None
    ctr: str | None = None
    cpc: str | None = None
    cpm: str | None = None
    reach: str | None = None
    conversion: str | None = None
    complete_payment: str | None = None
    total_complete_payment_rate: str | None = None


class AdsReportRow(ApiRecord):
    dimensions: ReportDimensions | None = None
    metrics: ReportMetrics | None = None


CONTRACTS: dict[str, type[BaseModel]] = {
    "campaigns": TikTokCampaign,
    "ad_groups": TikTokAdGroup,
    "ads": TikTokAd,
    "ads_reports_daily": AdsReportRow,
}


# ---- rendering ------------------------------------------------------------------------------
def _advertiser_id(story: TenantStory, connector: str) -> str:
    return str(7_000_000_000_000_000_000 + rng_for(story.seed, connector, "advertiser").randrange(10**15))


def _base(story: TenantStory, connector: str, campaign: Campaign, level: str) -> dict:
    """Fields every TikTok entity level carries: advertiser, parent campaign, status, times."""
    created = datetime.combine(campaign.created, time(10, 0))
    return {
        "advertiser_id": _advertiser_id(story, connector),
        "campaign_id": str(campaign.id),
        "campaign_name": campaign.name,
        "operation_status": OPERATION[campaign.status],
        "secondary_status": SECONDARY[level][campaign.status],
        "create_time": created.strftime(TIME_FORMAT),
        "modify_time": (created + timedelta(days=2)).strftime(TIME_FORMAT),
    }


def _entities(story: TenantStory, connector: str) -> dict[str, list[dict]]:
    campaigns = [{
        **_base(story, connector, campaign, "campaign"),
        "objective_type": OBJECTIVES[campaign.objective],
        "budget_mode": "BUDGET_MODE_DAY",
        "budget": money_float(campaign.daily_budget_cents),
    } for campaign in story.campaigns(connector)]
    groups = [{
        **_base(story, connector, campaign, "adgroup"),
        "adgroup_id": str(group.id),
        "adgroup_name": group.name,
        "placement_type": "PLACEMENT_TYPE_AUTOMATIC",
        "optimization_goal": OPTIMIZATION[campaign.objective],
        "billing_event": "OCPM" if campaign.objective == "CONVERSIONS" else "CPC",
        "budget_mode": "BUDGET_MODE_DAY",
        "budget": money_float(campaign.daily_budget_cents // len(campaign.ad_groups)),
        "schedule_start_time": datetime.combine(campaign.created, time.min).strftime(TIME_FORMAT),
    } for campaign in story.campaigns(connector) for group in campaign.ad_groups]
    ads = [{
        **_base(story, connector, campaign, "ad"),
        "adgroup_id": str(group.id),
        "adgroup_name": group.name,
        "ad_id": str(ad.id),
        "ad_name": ad.name,
        "ad_format": "SINGLE_VIDEO",
        "ad_text": f"{campaign.name.replace('_', ' ').title()} - shop now",
        "call_to_action": "SHOP_NOW",
        "landing_page_url": f"https://{story.slug.replace('_', '-')}.example.com/?utm_source="
                            f"{UTM_SOURCE[connector]}&utm_medium=cpc&utm_campaign={campaign.name}",
    } for campaign, group, ad in iter_tree(story, connector)]
    return {"campaigns": campaigns, "ad_groups": groups, "ads": ads}


def _report_row(ad_day: AdDay, names: dict[int, tuple[str, str]]) -> dict:
    ad = ad_day.ad
    campaign_name, group_name = names[ad.id]
    spend = ad_day.spend_cents / 100
    return {
        "dimensions": {"ad_id": str(ad.id), "stat_time_day": f"{ad_day.day.isoformat()} 00:00:00"},
        "metrics": {
            "campaign_id": str(ad.campaign_id),
            "campaign_name": campaign_name,
            "adgroup_id": str(ad.ad_group_id),
            "adgroup_name": group_name,
            "ad_name": ad.name,
            "spend": money_str(ad_day.spend_cents),
            "impressions": str(ad_day.impressions),
            "clicks": str(ad_day.clicks),
            "ctr": f"{ratio(100 * ad_day.clicks, ad_day.impressions, 2):.2f}",
            "cpc": f"{ratio(spend, ad_day.clicks, 2):.2f}",
            "cpm": f"{ratio(1000 * spend, ad_day.impressions, 2):.2f}",
            "reach": str(ad_day.reach),
            "conversion": str(ad_day.conversions),
            "complete_payment": str(ad_day.conversions),
            "total_complete_payment_rate": money_str(ad_day.conversion_value_cents),
        },
    }


def generate(story: TenantStory, connector: str, start: date, end: date) -> dict[str, list[dict]]:
    """Campaigns, ad groups and ads whole; the ad-level daily report for ``start..end``."""
    names = ad_names(story, connector)
    report = [_report_row(ad_day, names) for ad_day in delivery(story, connector, start, end)]
    return {**_entities(story, connector), "ads_reports_daily": report}
