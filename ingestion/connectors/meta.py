"""Facebook Ads and Instagram Ads: the Meta Marketing API v19.0, rendered from the story.

Both connectors are the same Graph API; they differ only by the insights breakdown
``publisher_platform`` ("facebook" or "instagram"), and each renders its own story campaigns.

* ``campaigns``, ``ad_sets``, ``ads`` - the ``/act_{id}/campaigns|adsets|ads`` edges: numeric
  ids as strings, ``status`` ACTIVE/PAUSED, ``effective_status`` CAMPAIGN_PAUSED on the children
  of a paused campaign, budgets as strings in the currency's minor unit (cents), times as
  ``2025-01-05T09:12:00+0000``.
* ``facebook_insights`` - ``/insights`` at ad level, ``time_increment=1``, breakdowns
  ``publisher_platform,impression_device``: one row per story AdDay. As the Graph API does, every
  number is a string (``"spend": "12.34"``, ``"impressions": "1834"``, ``"ctr"`` in percent).
  ``actions`` / ``action_values`` are lists of ``{action_type, value}``; the story's conversions
  are ``offsite_conversion.fb_pixel_purchase`` and other action types (link clicks, add to cart,
  on-Facebook shop purchases, the omni roll-up) carry other values, so which types a tenant counts
  as conversions matters. Zero-valued action types are left out, as the API does.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict

from ingestion.connectors._ads_common import Placement, account_id, created_at, decimal_str, delivery, ratio
from ingestion.story import AdDay, Campaign, TenantStory

PUBLISHER_PLATFORM = {"facebook_ads": "facebook", "instagram_ads": "instagram"}
# v19 only creates ODAX ("outcome") objectives
OBJECTIVE = {"CONVERSIONS": "OUTCOME_SALES", "TRAFFIC": "OUTCOME_TRAFFIC", "AWARENESS": "OUTCOME_AWARENESS"}
OPTIMIZATION_GOAL = {"CONVERSIONS": "OFFSITE_CONVERSIONS", "TRAFFIC": "LINK_CLICKS", "AWARENESS": "REACH"}
# the story's device, as the impression_device breakdown spells it (phones and tablets by OS)
IMPRESSION_DEVICE = {"desktop": ("desktop",), "mobile": ("iphone", "android_smartphone"),
                     "tablet": ("ipad", "android_tablet")}
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S+0000"


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class MetaCampaign(_Model):
    id: str | None = None
    account_id: str | None = None
    name: str | None = None
    status: str | None = None
    effective_status: str | None = None
    objective: str | None = None
    buying_type: str | None = None
    daily_budget: str | None = None  # minor currency unit (cents), as a string
    created_time: str | None = None
    start_time: str | None = None
    updated_time: str | None = None


class MetaTargeting(_Model):
    age_min: int | None = None
    age_max: int | None = None


class MetaAdSet(_Model):
    id: str | None = None
    account_id: str | None = None
    campaign_id: str | None = None
    name: str | None = None
    status: str | None = None
    effective_status: str | None = None
    optimization_goal: str | None = None
    billing_event: str | None = None
    targeting: MetaTargeting | None = None
    created_time: str | None = None
    start_time: str | None = None
    updated_time: str | None = None


class MetaCreativeRef(_Model):
    id: str | None = None


class MetaAd(_Model):
    id: str | None = None
    account_id: str | None = None
    campaign_id: str | None = None
    adset_id: str | None = None
    name: str | None = None
    status: str | None = None
    effective_status: str | None = None
    creative: MetaCreativeRef | None = None
    created_time: str | None = None
    updated_time: str | None = None


class MetaAction(_Model):
    action_type: str | None = None
    value: str | None = None  # a count, or money for action_values, as a string


class MetaInsight(_Model):
    account_id: str | None = None
    account_currency: str | None = None
    campaign_id: str | None = None
    campaign_name: str | None = None
    adset_id: str | None = None
    adset_name: str | None = None
    ad_id: str | None = None
    ad_name: str | None = None
    date_start: str | None = None
    date_stop: str | None = None
    publisher_platform: str | None = None
    impression_device: str | None = None
    impressions: str | None = None
    clicks: str | None = None
    inline_link_clicks: str | None = None
    reach: str | None = None
    frequency: str | None = None
    spend: str | None = None
    ctr: str | None = None
    cpc: str | None = None
    cpm: str | None = None
    actions: list[MetaAction] | None = None
    action_values: list[MetaAction] | None = None


CONTRACTS: dict[str, type[BaseModel]] = {
    "campaigns": MetaCampaign, "ad_sets": MetaAdSet, "ads": MetaAd, "facebook_insights": MetaInsight,
}


def generate(story: TenantStory, connector: str, start: date, end: date) -> dict[str, list[dict]]:
    """Campaigns, ad sets and ads whole; insights for start..end, one row per AdDay."""
    if connector not in PUBLISHER_PLATFORM:
        raise ValueError(f"meta renders facebook_ads and instagram_ads, not {connector!r}")
    account = str(account_id(story, connector, 10**14, 10**15))
    campaigns = story.campaigns(connector)
    return {
        "campaigns": [_campaign(c, account) for c in campaigns],
        "ad_sets": [_ad_set(c, g.id, g.name, account) for c in campaigns for g in c.ad_groups],
        "ads": [_ad(c, ad.ad_group_id, ad.id, ad.name, account) for c in campaigns for ad in c.ads],
        "facebook_insights": [
            _insight(ad_day, where, rng, account, story.currency, PUBLISHER_PLATFORM[connector])
            for ad_day, where, rng in delivery(story, connector, "facebook_insights", start, end)
        ],
    }


def _times(camp: Campaign, entity_id: int) -> dict[str, str]:
    """created/start/updated times: children are created minutes after their campaign, edited later."""
    created = created_at(camp.created, camp.id) + timedelta(seconds=(entity_id - camp.id) * 37)
    updated = created + timedelta(days=entity_id % 23, minutes=entity_id % 600)
    return {"created_time": created.strftime(TIME_FORMAT), "start_time": created.strftime(TIME_FORMAT),
            "updated_time": updated.strftime(TIME_FORMAT)}


def _child_effective_status(camp: Campaign) -> str:
    return "CAMPAIGN_PAUSED" if camp.status == "PAUSED" else "ACTIVE"


def _campaign(camp: Campaign, account: str) -> dict:
    return {"id": str(camp.id), "account_id": account, "name": camp.name, "status": camp.status,
            "effective_status": camp.status, "objective": OBJECTIVE[camp.objective], "buying_type": "AUCTION",
            "daily_budget": str(camp.daily_budget_cents), **_times(camp, camp.id)}


def _ad_set(camp: Campaign, group_id: int, name: str, account: str) -> dict:
    times = _times(camp, group_id)
    return {"id": str(group_id), "account_id": account, "campaign_id": str(camp.id), "name": name,
            "status": "ACTIVE", "effective_status": _child_effective_status(camp),
            "optimization_goal": OPTIMIZATION_GOAL[camp.objective], "billing_event": "IMPRESSIONS",
            "targeting": {"age_min": 18 + group_id % 3 * 7, "age_max": 65}, **times}


def _ad(camp: Campaign, group_id: int, ad_id: int, name: str, account: str) -> dict:
    times = _times(camp, ad_id)
    del times["start_time"]
    return {"id": str(ad_id), "account_id": account, "campaign_id": str(camp.id), "adset_id": str(group_id),
            "name": name, "status": "ACTIVE", "effective_status": _child_effective_status(camp),
            "creative": {"id": str(ad_id * 1000 + 17)}, **times}


def _insight(ad_day: AdDay, where: Placement, rng: random.Random, account: str, currency: str,
             platform: str) -> dict:
    """One ad-day insights row; draws the same number of values from ``rng`` for every row."""
    imp, clicks, spend = ad_day.impressions, ad_day.clicks, ad_day.spend_cents
    link_clicks = int(clicks * rng.uniform(0.75, 0.95))
    engagement = clicks + int(imp * rng.uniform(0.002, 0.012))
    landing_views = int(link_clicks * rng.uniform(0.55, 0.9))
    add_to_cart = ad_day.conversions + int(link_clicks * rng.uniform(0.02, 0.08))
    onsite = rng.randrange(0, ad_day.conversions // 3 + 2)
    onsite_value = onsite * rng.randrange(3000, 15000)
    device = rng.choice(IMPRESSION_DEVICE[ad_day.device])
    counts = [("post_engagement", engagement), ("link_click", link_clicks), ("landing_page_view", landing_views),
              ("offsite_conversion.fb_pixel_add_to_cart", add_to_cart),
              ("offsite_conversion.fb_pixel_purchase", ad_day.conversions),
              ("onsite_conversion.purchase", onsite), ("omni_purchase", ad_day.conversions + onsite)]
    values = [("offsite_conversion.fb_pixel_purchase", ad_day.conversion_value_cents),
              ("onsite_conversion.purchase", onsite_value),
              ("omni_purchase", ad_day.conversion_value_cents + onsite_value)]
    return {
        "account_id": account, "account_currency": currency,
        "campaign_id": str(where.campaign.id), "campaign_name": where.campaign.name,
        "adset_id": str(where.ad_group.id), "adset_name": where.ad_group.name,
        "ad_id": str(ad_day.ad.id), "ad_name": ad_day.ad.name,
        "date_start": ad_day.day.isoformat(), "date_stop": ad_day.day.isoformat(),
        "publisher_platform": platform, "impression_device": device,
        "impressions": str(imp), "clicks": str(clicks), "inline_link_clicks": str(link_clicks),
        "reach": str(ad_day.reach),
        "frequency": f"{ratio(imp, ad_day.reach):.6f}" if ad_day.reach else None,
        "spend": decimal_str(spend),
        "ctr": f"{ratio(clicks, imp, 100):.6f}",
        "cpc": f"{ratio(spend, clicks, 0.01):.6f}" if clicks else None,
        "cpm": f"{ratio(spend, imp, 10):.6f}",
        "actions": [{"action_type": t, "value": str(v)} for t, v in counts if v],
        "action_values": [{"action_type": t, "value": decimal_str(v)} for t, v in values if v],
    }
