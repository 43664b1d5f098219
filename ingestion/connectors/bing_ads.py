"""Microsoft Advertising (Bing Ads) v13, rendered from the story.

* ``campaigns``, ``ad_groups``, ``ads`` - Campaign Management API entity objects, PascalCase as
  the API spells them (``Id``, ``Name``, ``Status`` Active/Paused, ``DailyBudget``, the nested
  ``BiddingScheme: {Type}``, ``StartDate: {Day, Month, Year}``, ``CpcBid: {Amount}``), plus the
  parent id (``AccountId`` / ``CampaignId`` / ``AdGroupId``) a sync adds, since the API is
  queried per parent.
* ``account_performance_report`` - Reporting API rows at daily aggregation with ad-level columns
  (``AdGroupId``, ``AdId``) so that ad grain is possible: one row per story AdDay. Ids are
  integers (longs), ``TimePeriod`` is ``YYYY-MM-DD``, ``Spend``/``Revenue``/``AverageCpc`` are
  numbers in the account currency, ``Ctr`` is a percentage, ``DeviceType`` is
  Computer/Smartphone/Tablet and ``Network`` the delivery network of the AdDay.
"""

from __future__ import annotations

import random
from datetime import date

from pydantic import BaseModel, ConfigDict

from ingestion.connectors._ads_common import Placement, account_id, account_name, amount, delivery, ratio
from ingestion.story import AdDay, Campaign, TenantStory

STATUS = {"ACTIVE": "Active", "PAUSED": "Paused"}
DEVICE_TYPE = {"desktop": "Computer", "mobile": "Smartphone", "tablet": "Tablet"}
CAMPAIGN_TYPE = {"CONVERSIONS": "Search", "TRAFFIC": "Search", "AWARENESS": "Audience"}
BIDDING_SCHEME = {"CONVERSIONS": "MaxConversions", "TRAFFIC": "MaxClicks", "AWARENESS": "ManualCpm"}
AD_TYPE = {"Search": "ResponsiveSearch", "Audience": "ResponsiveAd"}
AD_GROUP_NETWORK = {"Search": "OwnedAndOperatedAndSyndicatedSearch", "Audience": "OwnedAndOperatedOnly"}
SEARCH_NETWORKS = ("Microsoft sites and select traffic", "Syndicated search partners")
TIME_ZONE = {
    "USD": "EasternTimeUSCanada",
    "CAD": "EasternTimeUSCanada",
    "EUR": "AmsterdamBerlinBernRomeStockholmVienna",
    "AUD": "CanberraMelbourneSydney",
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class BingBiddingScheme(_Model):
    Type: str | None = None


class BingDate(_Model):
    Day: int | None = None
    Month: int | None = None
    Year: int | None = None


class BingBid(_Model):
    Amount: float | None = None


class BingCampaign(_Model):
    Id: int | None = None
    AccountId: int | None = None
    Name: str | None = None
    Status: str | None = None
    CampaignType: str | None = None
    BudgetType: str | None = None
    DailyBudget: float | None = None
    TimeZone: str | None = None
    BiddingScheme: BingBiddingScheme | None = None


class BingAdGroup(_Model):
    Id: int | None = None
    CampaignId: int | None = None
    Name: str | None = None
    Status: str | None = None
    StartDate: BingDate | None = None
    CpcBid: BingBid | None = None
    Language: str | None = None
    Network: str | None = None


class BingAd(_Model):
    Id: int | None = None
    AdGroupId: int | None = None
    Type: str | None = None
    Status: str | None = None
    EditorialStatus: str | None = None
    Path1: str | None = None


class AccountPerformanceRow(_Model):
    TimePeriod: str | None = None
    AccountId: int | None = None
    AccountName: str | None = None
    AccountNumber: str | None = None
    CampaignId: int | None = None
    CampaignName: str | None = None
    CampaignStatus: str | None = None
    AdGroupId: int | None = None
    AdGroupName: str | None = None
    AdId: int | None = None
    AdTitle: str | None = None
    DeviceType: str | None = None
    Network: str | None = None
    Impressions: int | None = None
    Clicks: int | None = None
    Spend: float | None = None
    Ctr: float | None = None
    AverageCpc: float | None = None
    Conversions: float | None = None
    Revenue: float | None = None
    CurrencyCode: str | None = None


CONTRACTS: dict[str, type[BaseModel]] = {
    "campaigns": BingCampaign,
    "ad_groups": BingAdGroup,
    "ads": BingAd,
    "account_performance_report": AccountPerformanceRow,
}


def generate(story: TenantStory, connector: str, start: date, end: date) -> dict[str, list[dict]]:
    """Campaigns, ad groups and ads whole; the performance report for start..end."""
    account = account_id(story, connector, 100_000_000, 200_000_000)
    account_cols = {
        "AccountId": account,
        "AccountName": account_name(story),
        "AccountNumber": f"F{account % 10**7:07d}",
    }
    campaigns = story.campaigns(connector)
    return {
        "campaigns": [_campaign(c, account, story.currency) for c in campaigns],
        "ad_groups": [
            {
                "Id": g.id,
                "CampaignId": c.id,
                "Name": g.name,
                "Status": "Active",
                "StartDate": {"Day": c.created.day, "Month": c.created.month, "Year": c.created.year},
                "CpcBid": {"Amount": amount(40 + g.id % 160)},
                "Language": "English",
                "Network": AD_GROUP_NETWORK[CAMPAIGN_TYPE[c.objective]],
            }
            for c in campaigns
            for g in c.ad_groups
        ],
        "ads": [
            {
                "Id": ad.id,
                "AdGroupId": ad.ad_group_id,
                "Type": AD_TYPE[CAMPAIGN_TYPE[c.objective]],
                "Status": "Active",
                "EditorialStatus": "Active",
                "Path1": c.name.split("_")[-1][:15],
            }
            for c in campaigns
            for ad in c.ads
        ],
        "account_performance_report": [
            {**account_cols, **_report_row(ad_day, where, rng), "CurrencyCode": story.currency}
            for ad_day, where, rng in delivery(story, connector, "account_performance_report", start, end)
        ],
    }


def _campaign(camp: Campaign, account: int, currency: str) -> dict:
    return {
        "Id": camp.id,
        "AccountId": account,
        "Name": camp.name,
        "Status": STATUS[camp.status],
        "CampaignType": CAMPAIGN_TYPE[camp.objective],
        "BudgetType": "DailyBudgetStandard",
        "DailyBudget": amount(camp.daily_budget_cents),
        "TimeZone": TIME_ZONE.get(currency, "GreenwichMeanTimeDublinEdinburghLisbonLondon"),
        "BiddingScheme": {"Type": BIDDING_SCHEME[camp.objective]},
    }


def _report_row(ad_day: AdDay, where: Placement, rng: random.Random) -> dict:
    """The AdDay's columns; audience campaigns run on the Audience network, search ones mostly on
    Microsoft's own sites (one draw per row, so every row consumes the RNG alike)."""
    camp = where.campaign
    search_network = SEARCH_NETWORKS[0] if rng.random() < 0.85 else SEARCH_NETWORKS[1]
    return {
        "TimePeriod": ad_day.day.isoformat(),
        "CampaignId": camp.id,
        "CampaignName": camp.name,
        "CampaignStatus": STATUS[camp.status],
        "AdGroupId": where.ad_group.id,
        "AdGroupName": where.ad_group.name,
        "AdId": ad_day.ad.id,
        "AdTitle": ad_day.ad.name,
        "DeviceType": DEVICE_TYPE[ad_day.device],
        "Network": "Audience" if CAMPAIGN_TYPE[camp.objective] == "Audience" else search_network,
        "Impressions": ad_day.impressions,
        "Clicks": ad_day.clicks,
        "Spend": amount(ad_day.spend_cents),
        "Ctr": round(ratio(ad_day.clicks, ad_day.impressions, 100), 2),
        "AverageCpc": round(ratio(ad_day.spend_cents, ad_day.clicks, 0.01), 2),
        "Conversions": float(ad_day.conversions),
        "Revenue": amount(ad_day.conversion_value_cents),
    }
