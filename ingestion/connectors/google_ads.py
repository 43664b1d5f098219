"""Google Ads: GAQL ``searchStream`` rows of the Google Ads API v16, rendered from the story.

Every record is one GAQL result row: a nested dict per selected resource, keyed by the proto
field account (``metrics.cost_micros``, ``segments.date``, ``ad_group_ad.ad.id``), each resource
with its ``resource_name`` as the API returns it. Ids are int64 rendered as strings (the API's
JSON mapping of int64 ids); metrics are JSON numbers: impressions, clicks, ``cost_micros``
(spend * 1,000,000) as ints, conversions, conversions_value, ctr (a ratio) and average_cpc
(micros) as floats. Enums are their account: status ENABLED/PAUSED, device DESKTOP/MOBILE/TABLET.

* ``customers`` - ``FROM customer``: the tenant's one account, ``currency_code`` = story currency.
* ``campaigns``, ``ad_groups``, ``ads`` - ``FROM campaign|ad_group|ad_group_ad``, whole.
* ``ad_performance`` - ``FROM ad_group_ad`` segmented by date and device: one row per story AdDay
  (the story gives each ad one device per day).
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from ingestion.connectors._ads_common import Placement, account_id, account_name, amount, delivery, ratio
from ingestion.story import AdDay, AdGroup, Campaign, TenantStory

STATUS = {"ACTIVE": "ENABLED", "PAUSED": "PAUSED"}
DEVICE = {"desktop": "DESKTOP", "mobile": "MOBILE", "tablet": "TABLET"}
CHANNEL = {"CONVERSIONS": "SEARCH", "TRAFFIC": "SEARCH", "AWARENESS": "DISPLAY"}
BIDDING = {"CONVERSIONS": "MAXIMIZE_CONVERSIONS", "TRAFFIC": "TARGET_SPEND", "AWARENESS": "MANUAL_CPM"}
AD_GROUP_TYPE = {"SEARCH": "SEARCH_STANDARD", "DISPLAY": "DISPLAY_STANDARD"}
AD_TYPE = {"SEARCH": "RESPONSIVE_SEARCH_AD", "DISPLAY": "RESPONSIVE_DISPLAY_AD"}
TIME_ZONE = {"USD": "America/New_York", "CAD": "America/Toronto", "GBP": "Europe/London", "EUR": "Europe/Berlin",
             "AUD": "Australia/Sydney"}


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class GCustomer(_Model):
    resource_name: str | None = None
    id: str | None = None
    descriptive_name: str | None = None
    currency_code: str | None = None
    time_zone: str | None = None
    auto_tagging_enabled: bool | None = None
    manager: bool | None = None
    test_account: bool | None = None
    status: str | None = None


class GCampaign(_Model):
    resource_name: str | None = None
    id: str | None = None
    name: str | None = None
    status: str | None = None
    advertising_channel_type: str | None = None
    bidding_strategy_type: str | None = None
    start_date: str | None = None
    campaign_budget: str | None = None  # resource name of the budget


class GCampaignBudget(_Model):
    resource_name: str | None = None
    amount_micros: int | None = None


class GAdGroup(_Model):
    resource_name: str | None = None
    id: str | None = None
    name: str | None = None
    status: str | None = None
    type: str | None = None
    campaign: str | None = None  # resource name of the campaign


class GAd(_Model):
    resource_name: str | None = None
    id: str | None = None
    name: str | None = None
    type: str | None = None


class GAdGroupAd(_Model):
    resource_name: str | None = None
    status: str | None = None
    ad_group: str | None = None  # resource name of the ad group
    ad: GAd | None = None


class GSegments(_Model):
    date: str | None = None
    device: str | None = None


class GMetrics(_Model):
    impressions: int | None = None
    clicks: int | None = None
    cost_micros: int | None = None
    conversions: float | None = None
    conversions_value: float | None = None
    ctr: float | None = None
    average_cpc: float | None = None


class CustomerRow(_Model):
    customer: GCustomer | None = None


class CampaignRow(_Model):
    customer: GCustomer | None = None
    campaign: GCampaign | None = None
    campaign_budget: GCampaignBudget | None = None


class AdGroupRow(_Model):
    customer: GCustomer | None = None
    campaign: GCampaign | None = None
    ad_group: GAdGroup | None = None


class AdRow(_Model):
    customer: GCustomer | None = None
    campaign: GCampaign | None = None
    ad_group: GAdGroup | None = None
    ad_group_ad: GAdGroupAd | None = None


class AdPerformanceRow(_Model):
    customer: GCustomer | None = None
    campaign: GCampaign | None = None
    ad_group: GAdGroup | None = None
    ad_group_ad: GAdGroupAd | None = None
    segments: GSegments | None = None
    metrics: GMetrics | None = None


CONTRACTS: dict[str, type[BaseModel]] = {
    "customers": CustomerRow, "campaigns": CampaignRow, "ad_groups": AdGroupRow, "ads": AdRow,
    "ad_performance": AdPerformanceRow,
}


class _Account:
    """The tenant's customer account: its id, name and the resource names under it."""

    def __init__(self, story: TenantStory, connector: str) -> None:
        self.id = str(account_id(story, connector, 10**9, 10**10))
        self.name = account_name(story)
        self.currency = story.currency
        self.customer = f"customers/{self.id}"

    @property
    def ref(self) -> dict:
        return {"resource_name": self.customer, "id": self.id}

    def campaign(self, cid: int) -> str:
        return f"{self.customer}/campaigns/{cid}"

    def budget(self, cid: int) -> str:
        return f"{self.customer}/campaignBudgets/{cid}"

    def ad_group(self, gid: int) -> str:
        return f"{self.customer}/adGroups/{gid}"

    def ad_group_ad(self, gid: int, ad_id: int) -> str:
        return f"{self.customer}/adGroupAds/{gid}~{ad_id}"

    def ad(self, ad_id: int) -> str:
        return f"{self.customer}/ads/{ad_id}"


def generate(story: TenantStory, connector: str, start: date, end: date) -> dict[str, list[dict]]:
    """Customer, campaigns, ad groups and ads whole; ad_performance for start..end."""
    account = _Account(story, connector)
    campaigns = story.campaigns(connector)
    return {
        "customers": [{"customer": {
            **account.ref, "descriptive_name": account.name,
            "currency_code": account.currency, "time_zone": TIME_ZONE.get(account.currency, "Etc/UTC"),
            "auto_tagging_enabled": True, "manager": False, "test_account": False, "status": "ENABLED"}}],
        "campaigns": [{"customer": account.ref, "campaign": _campaign(c, account),
                       "campaign_budget": {"resource_name": account.budget(c.id),
                                           "amount_micros": c.daily_budget_cents * 10_000}} for c in campaigns],
        "ad_groups": [{"customer": account.ref, "campaign": _campaign_ref(c, account),
                       "ad_group": {**_ad_group_ref(g, account), "status": "ENABLED",
                                    "type": AD_GROUP_TYPE[CHANNEL[c.objective]],
                                    "campaign": account.campaign(c.id)}}
                      for c in campaigns for g in c.ad_groups],
        "ads": [{"customer": account.ref, "campaign": _campaign_ref(c, account),
                 "ad_group": {"resource_name": account.ad_group(ad.ad_group_id), "id": str(ad.ad_group_id)},
                 "ad_group_ad": {"resource_name": account.ad_group_ad(ad.ad_group_id, ad.id), "status": "ENABLED",
                                 "ad_group": account.ad_group(ad.ad_group_id),
                                 "ad": {"resource_name": account.ad(ad.id), "id": str(ad.id), "name": ad.name,
                                        "type": AD_TYPE[CHANNEL[c.objective]]}}}
                for c in campaigns for ad in c.ads],
        "ad_performance": [_performance(ad_day, where, account)
                           for ad_day, where, _ in delivery(story, connector, "ad_performance", start, end)],
    }


def _campaign_ref(camp: Campaign, account: _Account) -> dict:
    return {"resource_name": account.campaign(camp.id), "id": str(camp.id)}


def _ad_group_ref(group: AdGroup, account: _Account) -> dict:
    return {"resource_name": account.ad_group(group.id), "id": str(group.id), "name": group.name}


def _campaign(camp: Campaign, account: _Account) -> dict:
    return {**_campaign_ref(camp, account), "name": camp.name, "status": STATUS[camp.status],
            "advertising_channel_type": CHANNEL[camp.objective], "bidding_strategy_type": BIDDING[camp.objective],
            "start_date": camp.created.isoformat(), "campaign_budget": account.budget(camp.id)}


def _performance(ad_day: AdDay, where: Placement, account: _Account) -> dict:
    """One GAQL row of ad_group_ad x segments.date x segments.device."""
    camp, ad = where.campaign, ad_day.ad
    cost_micros = ad_day.spend_cents * 10_000
    return {
        "customer": {**account.ref, "descriptive_name": account.name, "currency_code": account.currency},
        "campaign": {**_campaign_ref(camp, account), "name": camp.name, "status": STATUS[camp.status]},
        "ad_group": _ad_group_ref(where.ad_group, account),
        "ad_group_ad": {"resource_name": account.ad_group_ad(ad.ad_group_id, ad.id),
                        "ad": {"resource_name": account.ad(ad.id), "id": str(ad.id), "name": ad.name}},
        "segments": {"date": ad_day.day.isoformat(), "device": DEVICE[ad_day.device]},
        "metrics": {"impressions": ad_day.impressions, "clicks": ad_day.clicks, "cost_micros": cost_micros,
                    "conversions": float(ad_day.conversions),
                    "conversions_value": amount(ad_day.conversion_value_cents),
                    "ctr": ratio(ad_day.clicks, ad_day.impressions),
                    "average_cpc": ratio(cost_micros, ad_day.clicks)},
    }
