"""LinkedIn Marketing API (versioned, ``Linkedin-Version: 202401``) mock: campaigns and adAnalytics.

LinkedIn's hierarchy maps onto the story like the usual ad-reporting convention:
campaign group = story Campaign, campaign = story AdGroup, creative = story Ad.

* ``campaigns`` - ``GET /rest/adAccounts/{id}/adCampaigns`` elements, one per story ad group:
  numeric ``id``, ``campaignGroup`` URN of the story campaign, money as ``{amount, currencyCode}``
  with string amounts, timestamps in epoch milliseconds.
* ``ad_analytics`` - ``GET /rest/adAnalytics?q=statistics&pivots=List(CREATIVE,CAMPAIGN,CAMPAIGN_GROUP)
  &timeGranularity=DAILY``: one row per creative (story Ad) and day, rendered from the story's
  ``AdDay``. ``pivotValue`` is the creative URN; ``pivotValues`` lists the creative, campaign and
  campaign group URNs (the order of the requested pivots), so rows can be rolled up.
* ``ad_analytics_by_campaign`` - the same finder pivoted by CAMPAIGN (story AdGroup): each row is the
  exact sum of that campaign's creative rows of the day.

Money is LinkedIn's BigDecimal-as-string: ``costInLocalCurrency`` is ``AdDay.spend_cents / 100`` in
the tenant's currency; ``costInUsd`` converts it at a fixed rate per currency (rounded per creative
row, campaign rows sum the creative rows).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from pydantic import BaseModel

from ingestion.connectors._report_common import (
    ApiRecord,
    convert_cents,
    delivery,
    epoch_ms,
    money_str,
)
from ingestion.story import AdDay, TenantStory, rng_for

# fixed January 2024 reference rates (local -> USD); a mock must not fetch live FX
USD_RATES = {
    "USD": Decimal(1), "EUR": Decimal("1.09"), "GBP": Decimal("1.27"), "CAD": Decimal("0.74"),
    "AUD": Decimal("0.66"), "CHF": Decimal("1.16"), "JPY": Decimal("0.0068"), "SEK": Decimal("0.096"),
}
OBJECTIVES = {"CONVERSIONS": "WEBSITE_CONVERSION", "TRAFFIC": "WEBSITE_VISIT", "AWARENESS": "BRAND_AWARENESS"}
OPTIMIZATION = {"CONVERSIONS": "MAX_CONVERSION", "TRAFFIC": "MAX_CLICK", "AWARENESS": "MAX_IMPRESSION"}


# ---- contracts ------------------------------------------------------------------------------
class MoneyAmount(ApiRecord):
    amount: str | None = None
    currencyCode: str | None = None


class RunSchedule(ApiRecord):
    start: int | None = None


class AuditStamp(ApiRecord):
    time: int | None = None


class ChangeAuditStamps(ApiRecord):
    created: AuditStamp | None = None
    lastModified: AuditStamp | None = None


class Locale(ApiRecord):
    country: str | None = None
    language: str | None = None


class LinkedInCampaign(ApiRecord):
    id: int | None = None
    name: str | None = None
    account: str | None = None
    campaignGroup: str | None = None
    status: str | None = None
    type: str | None = None
    costType: str | None = None
    objectiveType: str | None = None
    optimizationTargetType: str | None = None
    format: str | None = None
    creativeSelection: str | None = None
    dailyBudget: MoneyAmount | None = None
    unitCost: MoneyAmount | None = None
    runSchedule: RunSchedule | None = None
    changeAuditStamps: ChangeAuditStamps | None = None
    locale: Locale | None = None
    test: bool | None = None
    offsiteDeliveryEnabled: bool | None = None
    audienceExpansionEnabled: bool | None = None


class LinkedInCampaignGroup(ApiRecord):
    """adCampaignGroups: the level the canonical star calls a campaign (its name is the utm_campaign)."""

    id: int | None = None
    name: str | None = None
    account: str | None = None
    status: str | None = None
    runSchedule: RunSchedule | None = None
    test: bool | None = None


class DateParts(ApiRecord):
    year: int | None = None
    month: int | None = None
    day: int | None = None


class DateRange(ApiRecord):
    start: DateParts | None = None
    end: DateParts | None = None


class AdAnalyticsRow(ApiRecord):
    pivot: str | None = None
    pivotValue: str | None = None
    pivotValues: list[str] | None = None
    dateRange: DateRange | None = None
    impressions: int | None = None
    clicks: int | None = None
    landingPageClicks: int | None = None
    costInLocalCurrency: str | None = None
    costInUsd: str | None = None
    externalWebsiteConversions: int | None = None
    conversionValueInLocalCurrency: str | None = None
    approximateUniqueImpressions: int | None = None


CONTRACTS: dict[str, type[BaseModel]] = {
    "campaign_groups": LinkedInCampaignGroup,
    "campaigns": LinkedInCampaign,
    "ad_analytics": AdAnalyticsRow,
    "ad_analytics_by_campaign": AdAnalyticsRow,
}


# ---- rendering ------------------------------------------------------------------------------
def urn(kind: str, id_: int) -> str:
    """LinkedIn URN of an ads entity, e.g. ``urn:li:sponsoredCreative:123``."""
    return f"urn:li:{kind}:{id_}"


def _account_urn(story: TenantStory, connector: str) -> str:
    return urn("sponsoredAccount", 500_000_000 + rng_for(story.seed, connector, "account").randrange(10**8))


def _campaigns(story: TenantStory, connector: str) -> list[dict]:
    account = _account_urn(story, connector)
    out = []
    for campaign in story.campaigns(connector):
        for group in campaign.ad_groups:
            rng = rng_for(story.seed, connector, "campaigns", group.id)
            created = epoch_ms(campaign.created)
            out.append({
                "id": group.id,
                "name": group.name,
                "account": account,
                "campaignGroup": urn("sponsoredCampaignGroup", campaign.id),
                "status": campaign.status,  # LinkedIn shares the story's ACTIVE / PAUSED vocabulary
                "type": "SPONSORED_UPDATES",
                "costType": "CPC" if campaign.objective == "TRAFFIC" else "CPM",
                "objectiveType": OBJECTIVES[campaign.objective],
                "optimizationTargetType": OPTIMIZATION[campaign.objective],
                "format": "STANDARD_UPDATE",
                "creativeSelection": "OPTIMIZED",
                "dailyBudget": {"amount": money_str(campaign.daily_budget_cents // len(campaign.ad_groups)),
                                "currencyCode": story.currency},
                "unitCost": {"amount": money_str(rng.randrange(300, 1500)), "currencyCode": story.currency},
                "runSchedule": {"start": created},
                "changeAuditStamps": {
                    "created": {"time": created},
                    "lastModified": {"time": epoch_ms(campaign.created + timedelta(days=rng.randrange(1, 30)))},
                },
                "locale": {"country": "US", "language": "en"},
                "test": False,
                "offsiteDeliveryEnabled": False,
                "audienceExpansionEnabled": rng.random() < 0.5,
            })
    return out


def _campaign_groups(story: TenantStory, connector: str) -> list[dict]:
    account = _account_urn(story, connector)
    return [{"id": c.id, "name": c.name, "account": account, "status": c.status,
             "runSchedule": {"start": epoch_ms(c.created)}, "test": False}
            for c in story.campaigns(connector)]


def _date_range(day: date) -> dict:
    parts = {"year": day.year, "month": day.month, "day": day.day}
    return {"start": dict(parts), "end": dict(parts)}


def _creative_row(story: TenantStory, connector: str, ad_day: AdDay, rate: Decimal) -> tuple[dict, int]:
    """One creative's day, plus its USD cost in cents (kept exact for the campaign roll-up)."""
    ad = ad_day.ad
    rng = rng_for(story.seed, connector, "ad_analytics", ad_day.day.isoformat(), ad.id)
    usd_cents = convert_cents(ad_day.spend_cents, rate)
    row = {
        "pivot": "CREATIVE",
        "pivotValue": urn("sponsoredCreative", ad.id),
        "pivotValues": [urn("sponsoredCreative", ad.id), urn("sponsoredCampaign", ad.ad_group_id),
                        urn("sponsoredCampaignGroup", ad.campaign_id)],
        "dateRange": _date_range(ad_day.day),
        "impressions": ad_day.impressions,
        "clicks": ad_day.clicks,
        "landingPageClicks": int(ad_day.clicks * rng.uniform(0.7, 0.95)),
        "costInLocalCurrency": money_str(ad_day.spend_cents),
        "costInUsd": money_str(usd_cents),
        "externalWebsiteConversions": ad_day.conversions,
        "conversionValueInLocalCurrency": money_str(ad_day.conversion_value_cents),
        "approximateUniqueImpressions": ad_day.reach,
    }
    return row, usd_cents


def _campaign_row(group_id: int, campaign_id: int, day: date, parts: list[tuple[AdDay, dict, int]]) -> dict:
    """A LinkedIn campaign's (story ad group's) day: the exact sum of its creatives' rows."""
    def total(field: str) -> int:
        return sum(row[field] for _, row, _ in parts)

    return {
        "pivot": "CAMPAIGN",
        "pivotValue": urn("sponsoredCampaign", group_id),
        "pivotValues": [urn("sponsoredCampaign", group_id), urn("sponsoredCampaignGroup", campaign_id)],
        "dateRange": _date_range(day),
        "impressions": total("impressions"),
        "clicks": total("clicks"),
        "landingPageClicks": total("landingPageClicks"),
        "costInLocalCurrency": money_str(sum(ad_day.spend_cents for ad_day, _, _ in parts)),
        "costInUsd": money_str(sum(usd for _, _, usd in parts)),
        "externalWebsiteConversions": total("externalWebsiteConversions"),
        "conversionValueInLocalCurrency": money_str(sum(d.conversion_value_cents for d, _, _ in parts)),
        "approximateUniqueImpressions": total("approximateUniqueImpressions"),
    }


def generate(story: TenantStory, connector: str, start: date, end: date) -> dict[str, list[dict]]:
    """Campaigns whole; creative and campaign analytics for each day ``start..end``."""
    rate = USD_RATES.get(story.currency, Decimal(1))
    creatives: list[dict] = []
    by_group: dict[tuple[date, int], list[tuple[AdDay, dict, int]]] = defaultdict(list)
    for ad_day in delivery(story, connector, start, end):
        row, usd_cents = _creative_row(story, connector, ad_day, rate)
        creatives.append(row)
        by_group[(ad_day.day, ad_day.ad.ad_group_id)].append((ad_day, row, usd_cents))
    by_campaign = [_campaign_row(group_id, parts[0][0].ad.campaign_id, day, parts)
                   for (day, group_id), parts in by_group.items()]
    return {
        "campaign_groups": _campaign_groups(story, connector),
        "campaigns": _campaigns(story, connector),
        "ad_analytics": creatives,
        "ad_analytics_by_campaign": by_campaign,
    }
