"""Amazon Ads API v3 Sponsored Products mock: campaigns, ad groups, product ads, daily report.

* ``campaigns`` / ``ad_groups`` / ``product_ads`` - the ``POST /sp/campaigns/list`` (and ``/sp/adGroups/list``,
  ``/sp/productAds/list``) items: camelCase, ids as strings (the v3 management API sends them as
  strings), ``state`` ENABLED / PAUSED, budgets and bids as JSON numbers, ``extendedData`` timestamps ISO.
  Every story ad is a product ad for one of the store's products (ASIN + the store's SKU).
* ``sp_advertised_product`` - rows of the v3 report ``reportTypeId=spAdvertisedProduct``,
  ``timeUnit=DAILY`` (the downloaded JSON): ids as integers (the reporting API sends numbers),
  ``date`` "YYYY-MM-DD", ``cost`` = ``AdDay.spend_cents / 100`` as a number, ``purchases7d`` =
  AdDay conversions, ``sales7d`` = conversion value, ``unitsSoldClicks7d`` >= purchases.
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
    ratio,
)
from ingestion.story import Ad, Campaign, Product, TenantStory, rng_for

STATES = {"ACTIVE": "ENABLED", "PAUSED": "PAUSED"}
SERVING = {"ACTIVE": "CAMPAIGN_STATUS_ENABLED", "PAUSED": "CAMPAIGN_PAUSED"}


# ---- contracts ------------------------------------------------------------------------------
class Budget(ApiRecord):
    budget: float | None = None
    budgetType: str | None = None


class DynamicBidding(ApiRecord):
    strategy: str | None = None


class ExtendedData(ApiRecord):
    creationDateTime: str | None = None
    lastUpdateDateTime: str | None = None
    servingStatus: str | None = None


class SpCampaign(ApiRecord):
    campaignId: str | None = None
    name: str | None = None
    state: str | None = None
    targetingType: str | None = None
    startDate: str | None = None
    budget: Budget | None = None
    dynamicBidding: DynamicBidding | None = None
    extendedData: ExtendedData | None = None


class SpAdGroup(ApiRecord):
    adGroupId: str | None = None
    campaignId: str | None = None
    name: str | None = None
    state: str | None = None
    defaultBid: float | None = None
    extendedData: ExtendedData | None = None


class SpProductAd(ApiRecord):
    adId: str | None = None
    adGroupId: str | None = None
    campaignId: str | None = None
    asin: str | None = None
    sku: str | None = None
    state: str | None = None
    extendedData: ExtendedData | None = None


class SpAdvertisedProductRow(ApiRecord):
    date: str | None = None
    campaignId: int | None = None
    campaignName: str | None = None
    campaignBudgetCurrencyCode: str | None = None
    adGroupId: int | None = None
    adGroupName: str | None = None
    adId: int | None = None
    advertisedAsin: str | None = None
    advertisedSku: str | None = None
    impressions: int | None = None
    clicks: int | None = None
    cost: float | None = None
    costPerClick: float | None = None
    clickThroughRate: float | None = None
    purchases7d: int | None = None
    sales7d: float | None = None
    unitsSoldClicks7d: int | None = None


CONTRACTS: dict[str, type[BaseModel]] = {
    "campaigns": SpCampaign,
    "ad_groups": SpAdGroup,
    "product_ads": SpProductAd,
    "sp_advertised_product": SpAdvertisedProductRow,
}


# ---- rendering ------------------------------------------------------------------------------
def advertised_product(story: TenantStory, ad: Ad) -> Product:
    """The store product a story ad advertises (stable: chosen by the ad id)."""
    return story.products[ad.id % len(story.products)]


def asin(product: Product) -> str:
    """A 10-character ASIN-like id ("B0" + 8 digits) for a store product."""
    return f"B0{product.id:08d}"


def _extended(campaign: Campaign) -> dict:
    created = datetime.combine(campaign.created, time(9, 30))
    return {
        "creationDateTime": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "lastUpdateDateTime": (created + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "servingStatus": SERVING[campaign.status],
    }


def _entities(story: TenantStory, connector: str) -> dict[str, list[dict]]:
    campaigns, groups, ads = [], [], []
    for campaign in story.campaigns(connector):
        extended = _extended(campaign)
        campaigns.append({
            "campaignId": str(campaign.id),
            "name": campaign.name,
            "state": STATES[campaign.status],
            "targetingType": "MANUAL" if campaign.objective == "CONVERSIONS" else "AUTO",
            "startDate": campaign.created.isoformat(),
            "budget": {"budget": money_float(campaign.daily_budget_cents), "budgetType": "DAILY"},
            "dynamicBidding": {"strategy": "LEGACY_FOR_SALES"},
            "extendedData": extended,
        })
        for group in campaign.ad_groups:
            rng = rng_for(story.seed, connector, "ad_groups", group.id)
            groups.append({
                "adGroupId": str(group.id), "campaignId": str(campaign.id), "name": group.name,
                "state": STATES[campaign.status], "defaultBid": money_float(rng.randrange(40, 250)),
                "extendedData": extended,
            })
    for campaign, group, ad in iter_tree(story, connector):
        product = advertised_product(story, ad)
        ads.append({
            "adId": str(ad.id), "adGroupId": str(group.id), "campaignId": str(campaign.id),
            "asin": asin(product), "sku": product.sku, "state": STATES[campaign.status],
            "extendedData": _extended(campaign),
        })
    return {"campaigns": campaigns, "ad_groups": groups, "product_ads": ads}


def _report(story: TenantStory, connector: str, start: date, end: date) -> list[dict]:
    names = ad_names(story, connector)
    rows = []
    for ad_day in delivery(story, connector, start, end):
        ad = ad_day.ad
        product = advertised_product(story, ad)
        rng = rng_for(story.seed, connector, "sp_advertised_product", ad_day.day.isoformat(), ad.id)
        campaign_name, group_name = names[ad.id]
        rows.append({
            "date": ad_day.day.isoformat(),
            "campaignId": ad.campaign_id,
            "campaignName": campaign_name,
            "campaignBudgetCurrencyCode": story.currency,
            "adGroupId": ad.ad_group_id,
            "adGroupName": group_name,
            "adId": ad.id,
            "advertisedAsin": asin(product),
            "advertisedSku": product.sku,
            "impressions": ad_day.impressions,
            "clicks": ad_day.clicks,
            "cost": money_float(ad_day.spend_cents),
            "costPerClick": ratio(ad_day.spend_cents / 100, ad_day.clicks, 2),
            "clickThroughRate": ratio(ad_day.clicks, ad_day.impressions, 4),
            "purchases7d": ad_day.conversions,
            "sales7d": money_float(ad_day.conversion_value_cents),
            "unitsSoldClicks7d": ad_day.conversions + sum(rng.random() < 0.25 for _ in range(ad_day.conversions)),
        })
    return rows


def generate(story: TenantStory, connector: str, start: date, end: date) -> dict[str, list[dict]]:
    """Campaigns, ad groups and product ads whole; the advertised-product report for ``start..end``."""
    return {**_entities(story, connector), "sp_advertised_product": _report(story, connector, start, end)}
