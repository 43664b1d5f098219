"""Mock generators of LinkedIn Ads, Amazon Ads (Sponsored Products) and TikTok Ads.

Checks that every catalog object is rendered, validates against its contract, is deterministic
and day-independent, has unique primary keys (as dlt-normalized landed columns), is shaped like
the real API, and reconciles to the cent with the tenant story.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from gata.catalog import catalog
from ingestion.connectors import amazon_ads, connector_module, linkedin_ads, tiktok_ads
from ingestion.story import TenantStory, days_between
from tests.ingestion.landed import flatten

CONNECTORS = ["linkedin_ads", "amazon_ads", "tiktok_ads"]
START, END = date(2025, 3, 3), date(2025, 3, 5)


def make_story(currency: str = "USD") -> TenantStory:
    return TenantStory("test_tenant", 42, 1.0, currency, ad_connectors=CONNECTORS, store_connectors=["shopify"])


STORY = make_story()


def _linkedin_day(r: dict) -> date:
    return date(**r["dateRange"]["start"])


# daily objects and how to read a record's day
DAILY: dict[tuple[str, str], Callable[[dict], date]] = {
    ("linkedin_ads", "ad_analytics"): _linkedin_day,
    ("linkedin_ads", "ad_analytics_by_campaign"): _linkedin_day,
    ("amazon_ads", "sp_advertised_product"): lambda r: date.fromisoformat(r["date"]),
    ("tiktok_ads", "ads_reports_daily"): lambda r: datetime.strptime(
        r["dimensions"]["stat_time_day"], "%Y-%m-%d %H:%M:%S").date(),
}


def generate(connector: str, start: date = START, end: date = END, story: TenantStory = STORY) -> dict:
    return connector_module(connector).generate(story, connector, start, end)


def dumps(payload: object) -> str:
    return json.dumps(payload, sort_keys=True)


# ---- generic properties -----------------------------------------------------------------------
@pytest.mark.parametrize("connector", CONNECTORS)
def test_every_catalog_object_is_rendered_and_valid(connector: str) -> None:
    module = connector_module(connector)
    objects = set(catalog().get(connector).objects)
    assert set(module.CONTRACTS) == objects
    out = generate(connector)
    assert set(out) == objects
    for obj, records in out.items():
        assert records, f"{connector}.{obj} is empty"
        contract = module.CONTRACTS[obj]
        for record in records:
            contract.model_validate(record)
            assert json.loads(json.dumps(record)) == record  # plain JSON types only
        for field in contract.model_fields:  # the contract is all-optional (no forced NOT NULL)
            assert not contract.model_fields[field].is_required()


@pytest.mark.parametrize("connector", CONNECTORS)
def test_fields_are_type_stable(connector: str) -> None:
    for obj, records in generate(connector, START, START + timedelta(days=9)).items():
        types: dict[str, set[str]] = defaultdict(set)
        columns = [flatten(r) for r in records]
        for cols in columns:
            for name, value in cols.items():
                if value is not None:
                    types[name].add(type(value).__name__)
        assert all(len(t) == 1 for t in types.values()), (obj, dict(types))
        # nested sub-fields are never omitted: every record has the same flattened columns
        assert len({tuple(sorted(c)) for c in columns}) == 1, obj


@pytest.mark.parametrize("connector", CONNECTORS)
def test_deterministic_and_days_independent(connector: str) -> None:
    assert dumps(generate(connector)) == dumps(generate(connector))
    day = date(2025, 3, 4)
    alone = generate(connector, day, day)
    wide = generate(connector, day - timedelta(days=2), day + timedelta(days=2))
    for obj in alone:
        day_of = DAILY.get((connector, obj))
        if day_of is None:  # entity objects are emitted whole on every call
            assert dumps(alone[obj]) == dumps(wide[obj])
            continue
        assert {day_of(r) for r in alone[obj]} == {day}
        assert dumps(alone[obj]) == dumps([r for r in wide[obj] if day_of(r) == day])
        assert {day_of(r) for r in wide[obj]} == set(days_between(day - timedelta(days=2), day + timedelta(days=2)))


@pytest.mark.parametrize("connector", CONNECTORS)
def test_primary_keys_unique_over_ten_days(connector: str) -> None:
    out = generate(connector, START, START + timedelta(days=9))
    for obj, spec in catalog().get(connector).objects.items():
        keys = []
        for record in out[obj]:
            cols = flatten(record)
            assert all(cols.get(k) is not None for k in spec.primary_key), (obj, spec.primary_key, cols)
            keys.append(tuple(cols[k] for k in spec.primary_key))
        assert len(keys) == len(set(keys)), obj
        if spec.incremental:
            assert all(flatten(r).get(spec.incremental) is not None for r in out[obj])


@pytest.mark.parametrize("connector", CONNECTORS)
def test_delivery_counts_reconcile_with_story(connector: str) -> None:
    """Every story AdDay appears exactly once at ad grain, with its impressions and clicks."""
    out = generate(connector)
    rows = {
        "linkedin_ads": lambda: [(r["pivotValue"].rsplit(":", 1)[1], _linkedin_day(r), r["impressions"],
                                  r["clicks"], r["externalWebsiteConversions"]) for r in out["ad_analytics"]],
        "amazon_ads": lambda: [(str(r["adId"]), date.fromisoformat(r["date"]), r["impressions"], r["clicks"],
                                r["purchases7d"]) for r in out["sp_advertised_product"]],
        "tiktok_ads": lambda: [(r["dimensions"]["ad_id"], DAILY[(connector, "ads_reports_daily")](r),
                                int(r["metrics"]["impressions"]), int(r["metrics"]["clicks"]),
                                int(r["metrics"]["conversion"])) for r in out["ads_reports_daily"]],
    }[connector]()
    expected = [(str(d.ad.id), d.day, d.impressions, d.clicks, d.conversions)
                for day in days_between(START, END) for d in STORY.ad_days(connector, day)]
    assert sorted(rows) == sorted(expected)


# ---- LinkedIn ---------------------------------------------------------------------------------
def test_linkedin_shape_and_hierarchy() -> None:
    out = linkedin_ads.generate(STORY, "linkedin_ads", START, END)
    campaigns = {c["id"]: c for c in out["campaigns"]}
    story_groups = {g.id: (c, g) for c in STORY.campaigns("linkedin_ads") for g in c.ad_groups}
    assert set(campaigns) == set(story_groups)  # LinkedIn campaign = story ad group
    for cid, campaign in campaigns.items():
        story_campaign, group = story_groups[cid]
        assert isinstance(cid, int)
        assert campaign["name"] == group.name
        assert campaign["campaignGroup"] == f"urn:li:sponsoredCampaignGroup:{story_campaign.id}"
        assert campaign["account"].startswith("urn:li:sponsoredAccount:")
        assert campaign["status"] == story_campaign.status
        assert isinstance(campaign["dailyBudget"]["amount"], str)
        assert campaign["runSchedule"]["start"] > 1_500_000_000_000  # epoch milliseconds
    row = out["ad_analytics"][0]
    assert row["pivotValue"].startswith("urn:li:sponsoredCreative:")
    assert row["pivotValues"][0] == row["pivotValue"]
    assert row["pivotValues"][1].startswith("urn:li:sponsoredCampaign:")
    assert row["dateRange"]["start"] == row["dateRange"]["end"]
    for field in ("costInLocalCurrency", "costInUsd", "conversionValueInLocalCurrency"):
        assert isinstance(row[field], str) and Decimal(row[field]) >= 0
    assert all(r["landingPageClicks"] <= r["clicks"] for r in out["ad_analytics"])
    assert all(r["pivotValue"].startswith("urn:li:sponsoredCampaign:") for r in out["ad_analytics_by_campaign"])


def test_linkedin_money_reconciles_and_campaign_rows_sum_creatives() -> None:
    story = make_story("EUR")
    out = linkedin_ads.generate(story, "linkedin_ads", START, END)
    for day in days_between(START, END):
        creatives = [r for r in out["ad_analytics"] if _linkedin_day(r) == day]
        ad_days = story.ad_days("linkedin_ads", day)
        assert sum(Decimal(r["costInLocalCurrency"]) for r in creatives) == Decimal(
            sum(d.spend_cents for d in ad_days)) / 100
        assert sum(Decimal(r["conversionValueInLocalCurrency"]) for r in creatives) == Decimal(
            sum(d.conversion_value_cents for d in ad_days)) / 100
    for r in out["ad_analytics"]:  # EUR -> USD at the fixed rate, to the cent
        local = Decimal(r["costInLocalCurrency"])
        assert abs(Decimal(r["costInUsd"]) - local * linkedin_ads.USD_RATES["EUR"]) <= Decimal("0.005")
    # each campaign (story ad group) row equals the sum of its creatives, metric by metric
    group_of = {f"urn:li:sponsoredCreative:{ad.id}": f"urn:li:sponsoredCampaign:{ad.ad_group_id}"
                for c in story.campaigns("linkedin_ads") for ad in c.ads}
    sums: dict[tuple, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    metrics = ["impressions", "clicks", "landingPageClicks", "costInLocalCurrency", "costInUsd",
               "externalWebsiteConversions", "conversionValueInLocalCurrency"]
    for r in out["ad_analytics"]:
        for m in metrics:
            sums[(group_of[r["pivotValue"]], _linkedin_day(r))][m] += Decimal(r[m])
    by_campaign = {(r["pivotValue"], _linkedin_day(r)): r for r in out["ad_analytics_by_campaign"]}
    assert set(by_campaign) == set(sums)
    for key, row in by_campaign.items():
        assert {m: Decimal(row[m]) for m in metrics} == sums[key], key


# ---- Amazon -----------------------------------------------------------------------------------
def test_amazon_shape_and_vocabulary() -> None:
    out = amazon_ads.generate(STORY, "amazon_ads", START, END)
    status = {str(c.id): c.status for c in STORY.campaigns("amazon_ads")}
    for c in out["campaigns"]:
        assert isinstance(c["campaignId"], str)
        assert c["state"] == {"ACTIVE": "ENABLED", "PAUSED": "PAUSED"}[status[c["campaignId"]]]
        assert c["budget"]["budgetType"] == "DAILY" and isinstance(c["budget"]["budget"], float)
    ads = {a["adId"]: a for a in out["product_ads"]}
    skus = {p.sku for p in STORY.products}
    assert all(a["sku"] in skus and len(a["asin"]) == 10 for a in ads.values())
    for r in out["sp_advertised_product"]:
        assert isinstance(r["adId"], int) and isinstance(r["cost"], float)  # report ids are numbers
        ad = ads[str(r["adId"])]  # report rows join the product ads on the id
        assert (r["advertisedAsin"], r["advertisedSku"]) == (ad["asin"], ad["sku"])
        assert str(r["adGroupId"]) == ad["adGroupId"] and str(r["campaignId"]) == ad["campaignId"]
        assert r["unitsSoldClicks7d"] >= r["purchases7d"]
        datetime.strptime(r["date"], "%Y-%m-%d")


def test_amazon_money_reconciles() -> None:
    out = amazon_ads.generate(STORY, "amazon_ads", START, END)
    for day in days_between(START, END):
        rows = [r for r in out["sp_advertised_product"] if r["date"] == day.isoformat()]
        ad_days = STORY.ad_days("amazon_ads", day)
        assert round(sum(r["cost"] for r in rows) * 100) == sum(d.spend_cents for d in ad_days)
        assert round(sum(r["sales7d"] for r in rows) * 100) == sum(d.conversion_value_cents for d in ad_days)
    by_key = {(d.ad.id, d.day.isoformat()): d for day in days_between(START, END)
              for d in STORY.ad_days("amazon_ads", day)}
    for r in out["sp_advertised_product"]:  # per row, cost is exactly the cents / 100
        assert f"{r['cost']:.2f}" == f"{by_key[(r['adId'], r['date'])].spend_cents / 100:.2f}"


# ---- TikTok -----------------------------------------------------------------------------------
def test_tiktok_shape_strings_everywhere() -> None:
    out = tiktok_ads.generate(STORY, "tiktok_ads", START, END)
    for obj, id_fields in {"campaigns": ["campaign_id", "advertiser_id"],
                           "ad_groups": ["adgroup_id", "campaign_id"],
                           "ads": ["ad_id", "adgroup_id", "campaign_id"]}.items():
        for record in out[obj]:
            assert all(isinstance(record[f], str) and record[f].isdigit() for f in id_fields)
            assert record["operation_status"] in {"ENABLE", "DISABLE"}
    for ad in out["ads"]:
        assert f"utm_campaign={ad['campaign_name']}" in ad["landing_page_url"]
    for row in out["ads_reports_daily"]:
        assert set(row) == {"dimensions", "metrics"}
        assert row["dimensions"]["stat_time_day"].endswith(" 00:00:00")
        assert all(isinstance(v, str) for v in row["metrics"].values())
        m = row["metrics"]
        if int(m["impressions"]):  # ctr is a percentage with two places
            assert Decimal(m["ctr"]) == round(Decimal(100 * int(m["clicks"])) / int(m["impressions"]), 2)


def test_tiktok_money_reconciles() -> None:
    out = tiktok_ads.generate(STORY, "tiktok_ads", START, END)
    day_of = DAILY[("tiktok_ads", "ads_reports_daily")]
    for day in days_between(START, END):
        rows = [r for r in out["ads_reports_daily"] if day_of(r) == day]
        ad_days = STORY.ad_days("tiktok_ads", day)
        assert sum(Decimal(r["metrics"]["spend"]) for r in rows) == Decimal(sum(d.spend_cents for d in ad_days)) / 100
        assert sum(Decimal(r["metrics"]["total_complete_payment_rate"]) for r in rows) == Decimal(
            sum(d.conversion_value_cents for d in ad_days)) / 100
