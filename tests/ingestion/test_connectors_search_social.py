"""Mock generators of the Meta (Facebook, Instagram), Google Ads and Bing Ads connectors."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from gata.catalog import catalog
from ingestion.connectors import bing_ads, connector_module, google_ads, meta
from ingestion.story import TenantStory
from tests.ingestion.landed import NAMING, flatten

CONNECTORS = ["facebook_ads", "instagram_ads", "google_ads", "bing_ads"]
DAY = date(2025, 6, 4)  # a Wednesday; the ranges below cross a weekend
START, END = DAY - timedelta(days=1), DAY + timedelta(days=1)


@pytest.fixture(scope="module")
def story() -> TenantStory:
    return TenantStory("test_tenant", 42, 1.0, "USD", ad_connectors=list(CONNECTORS), store_connectors=["shopify"])


def _generate(story: TenantStory, connector: str, start: date = START, end: date = END) -> dict[str, list[dict]]:
    return connector_module(connector).generate(story, connector, start, end)


def _daily_objects(connector: str) -> list[str]:
    return [name for name, spec in catalog().get(connector).objects.items() if spec.incremental]


def _children(record: dict) -> list[tuple[str, dict]]:
    """(child table, row) for every list of dicts in a record (Meta ``actions``, ...)."""
    return [(NAMING.normalize_identifier(key), child) for key, value in record.items() if isinstance(value, list)
            for child in value]


def _dumps(records: object) -> str:
    return json.dumps(records, sort_keys=True)


def _story_day_totals(story: TenantStory, connector: str, day: date) -> dict[str, int]:
    ad_days = story.ad_days(connector, day)
    return {"spend_cents": sum(a.spend_cents for a in ad_days), "impressions": sum(a.impressions for a in ad_days),
            "clicks": sum(a.clicks for a in ad_days), "conversions": sum(a.conversions for a in ad_days),
            "value_cents": sum(a.conversion_value_cents for a in ad_days)}


# ---- interface, contracts, determinism -----------------------------------------------------------

@pytest.mark.parametrize("connector", CONNECTORS)
def test_every_catalog_object_is_generated_and_validates(story: TenantStory, connector: str) -> None:
    module = connector_module(connector)
    out = _generate(story, connector)
    assert set(out) == set(catalog().get(connector).objects) == set(module.CONTRACTS)
    for obj, records in out.items():
        assert records, f"{connector}.{obj} is empty"
        json.dumps(records)  # JSON-able: no Decimal, no datetime
        for record in records:
            module.CONTRACTS[obj].model_validate(record)


@pytest.mark.parametrize("connector", CONNECTORS)
def test_contracts_never_require_a_field(connector: str) -> None:
    for contract in connector_module(connector).CONTRACTS.values():
        assert all(not f.is_required() for f in contract.model_fields.values())
        contract.model_validate({})


@pytest.mark.parametrize("connector", CONNECTORS)
def test_fields_are_type_stable(story: TenantStory, connector: str) -> None:
    """A landed column always carries one JSON type; nested dict sub-fields are always present."""
    for obj, records in _generate(story, connector, DAY - timedelta(days=4), DAY + timedelta(days=4)).items():
        types: dict[str, set[str]] = {}
        shapes = {tuple(sorted(flatten(r))) for r in records}
        assert len(shapes) == 1, f"{connector}.{obj} records differ in columns"
        for record in records:
            columns = [*flatten(record).items()]
            columns += [(f"{table}.{c}", v) for table, child in _children(record) for c, v in flatten(child).items()]
            for column, value in columns:
                if value is not None:
                    types.setdefault(column, set()).add(type(value).__name__)
        unstable = {c: t for c, t in types.items() if len(t) > 1}
        assert not unstable, f"{connector}.{obj}: {unstable}"


@pytest.mark.parametrize("connector", CONNECTORS)
def test_deterministic_and_days_independent_of_range(story: TenantStory, connector: str) -> None:
    assert _dumps(_generate(story, connector)) == _dumps(_generate(story, connector))
    alone = _generate(story, connector, DAY, DAY)
    wide = _generate(story, connector, DAY - timedelta(days=2), DAY + timedelta(days=2))
    fresh_story = TenantStory("test_tenant", 42, 1.0, "USD", ad_connectors=list(CONNECTORS),
                              store_connectors=["shopify"])
    assert _dumps(_generate(fresh_story, connector)) == _dumps(_generate(story, connector))
    for obj in _daily_objects(connector):
        column = catalog().get(connector).objects[obj].incremental
        in_wide = [r for r in wide[obj] if flatten(r)[column] == DAY.isoformat()]
        assert in_wide and _dumps(in_wide) == _dumps(alone[obj])
    for obj in set(alone) - set(_daily_objects(connector)):  # entities come whole on every call
        assert _dumps(alone[obj]) == _dumps(wide[obj])


@pytest.mark.parametrize("connector", CONNECTORS)
def test_primary_keys_are_present_and_unique_over_ten_days(story: TenantStory, connector: str) -> None:
    out = _generate(story, connector, DAY, DAY + timedelta(days=9))
    for obj, spec in catalog().get(connector).objects.items():
        keys = []
        for record in out[obj]:
            flat = flatten(record)
            assert all(flat.get(k) not in (None, "") for k in spec.primary_key), (obj, spec.primary_key, flat)
            keys.append(tuple(flat[k] for k in spec.primary_key))
        assert len(keys) == len(set(keys)), f"{connector}.{obj} repeats a primary key"


def test_one_report_row_per_ad_day(story: TenantStory) -> None:
    for connector in CONNECTORS:
        out = _generate(story, connector)
        n_ad_days = sum(len(story.ad_days(connector, START + timedelta(days=i))) for i in range(3))
        for obj in _daily_objects(connector):
            assert len(out[obj]) == n_ad_days


# ---- Meta (Facebook, Instagram) ------------------------------------------------------------------

def _action_total(rows: list[dict], field: str, action_type: str) -> Decimal:
    """Sum of one action type's values over insights rows (``actions`` or ``action_values``)."""
    return sum((Decimal(a["value"]) for r in rows for a in r[field] if a["action_type"] == action_type), Decimal(0))


@pytest.mark.parametrize("connector", ["facebook_ads", "instagram_ads"])
def test_meta_insights_shape_and_reconciliation(story: TenantStory, connector: str) -> None:
    out = _generate(story, connector)
    rows = out["facebook_insights"]
    platform = {"facebook_ads": "facebook", "instagram_ads": "instagram"}[connector]
    for row in rows:
        assert row["publisher_platform"] == platform
        assert row["date_start"] == row["date_stop"]
        assert re.fullmatch(r"\d+\.\d{2}", row["spend"])
        assert row["impressions"].isdigit() and row["ad_id"].isdigit() and row["account_id"].isdigit()
        assert int(row["inline_link_clicks"]) <= int(row["clicks"])
        assert row["impression_device"] in {"desktop", "iphone", "android_smartphone", "ipad", "android_tablet"}
        assert all(set(a) == {"action_type", "value"} and a["value"].isdigit() for a in row["actions"])
    for i in range(3):
        day = START + timedelta(days=i)
        day_rows = [r for r in rows if r["date_start"] == day.isoformat()]
        totals = _story_day_totals(story, connector, day)
        pixel_purchase = "offsite_conversion.fb_pixel_purchase"
        assert sum(Decimal(r["spend"]) for r in day_rows) * 100 == totals["spend_cents"]
        assert sum(int(r["impressions"]) for r in day_rows) == totals["impressions"]
        assert sum(int(r["clicks"]) for r in day_rows) == totals["clicks"]
        assert _action_total(day_rows, "actions", pixel_purchase) == totals["conversions"]
        assert _action_total(day_rows, "action_values", pixel_purchase) * 100 == totals["value_cents"]
    # other action types carry other values, so the tenant's choice of action types matters
    link_clicks = _action_total(rows, "actions", "link_click")
    omni = _action_total(rows, "actions", "omni_purchase")
    pixel = _action_total(rows, "actions", "offsite_conversion.fb_pixel_purchase")
    assert link_clicks > pixel and omni > pixel
    assert {a["action_type"] for r in rows for a in r["actions"]} >= {
        "link_click", "landing_page_view", "offsite_conversion.fb_pixel_purchase", "onsite_conversion.purchase"}


def test_meta_entities_and_platform_separation(story: TenantStory) -> None:
    fb, ig = _generate(story, "facebook_ads"), _generate(story, "instagram_ads")
    for out, connector in ((fb, "facebook_ads"), (ig, "instagram_ads")):
        campaigns = {c["id"]: c for c in out["campaigns"]}
        assert {c["id"] for c in campaigns.values()} == {str(c.id) for c in story.campaigns(connector)}
        assert all(re.fullmatch(r"\d+", c["daily_budget"]) for c in campaigns.values())  # cents, as a string
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000", c["created_time"]) for c in campaigns.values())
        for child in out["ad_sets"] + out["ads"]:
            parent = campaigns[child["campaign_id"]]
            expected = "CAMPAIGN_PAUSED" if parent["status"] == "PAUSED" else "ACTIVE"
            assert child["effective_status"] == expected
        assert {a["adset_id"] for a in out["ads"]} <= {s["id"] for s in out["ad_sets"]}
    # the two connectors share master models, so their ids must never collide
    for obj in ("campaigns", "ad_sets", "ads"):
        assert not {r["id"] for r in fb[obj]} & {r["id"] for r in ig[obj]}
    with pytest.raises(ValueError):
        meta.generate(story, "google_ads", START, END)


# ---- Google Ads ----------------------------------------------------------------------------------

def test_google_ads_gaql_shape_and_reconciliation(story: TenantStory) -> None:
    out = _generate(story, "google_ads")
    (customer,) = out["customers"]
    assert customer["customer"]["currency_code"] == story.currency
    assert re.fullmatch(r"\d{10}", customer["customer"]["id"])
    assert {r["campaign"]["status"] for r in out["campaigns"]} <= {"ENABLED", "PAUSED"}
    assert all(r["campaign_budget"]["amount_micros"] % 10_000 == 0 for r in out["campaigns"])
    rows = out["ad_performance"]
    for row in rows:
        assert isinstance(row["metrics"]["cost_micros"], int) and isinstance(row["ad_group_ad"]["ad"]["id"], str)
        assert row["segments"]["device"] in {"DESKTOP", "MOBILE", "TABLET"}
        assert row["customer"]["currency_code"] == story.currency
        assert row["ad_group_ad"]["resource_name"].endswith(f"{row['ad_group']['id']}~{row['ad_group_ad']['ad']['id']}")
    for i in range(3):
        day = START + timedelta(days=i)
        day_rows = [r for r in rows if r["segments"]["date"] == day.isoformat()]
        totals = _story_day_totals(story, "google_ads", day)
        assert sum(r["metrics"]["cost_micros"] for r in day_rows) == totals["spend_cents"] * 10_000
        assert sum(r["metrics"]["impressions"] for r in day_rows) == totals["impressions"]
        assert sum(r["metrics"]["clicks"] for r in day_rows) == totals["clicks"]
        assert sum(r["metrics"]["conversions"] for r in day_rows) == totals["conversions"]
        assert sum(round(r["metrics"]["conversions_value"] * 100) for r in day_rows) == totals["value_cents"]
    by_ad = {(r["segments"]["date"], int(r["ad_group_ad"]["ad"]["id"])): r for r in rows}
    for ad_day in story.ad_days("google_ads", DAY):
        row = by_ad[(DAY.isoformat(), ad_day.ad.id)]
        assert row["metrics"]["cost_micros"] / 1_000_000 == ad_day.spend_cents / 100
    assert google_ads.CONTRACTS["ad_performance"].model_validate(rows[0]).metrics.cost_micros == \
        rows[0]["metrics"]["cost_micros"]


# ---- Bing Ads ------------------------------------------------------------------------------------

def test_bing_ads_report_shape_and_reconciliation(story: TenantStory) -> None:
    out = _generate(story, "bing_ads")
    rows = out["account_performance_report"]
    required = {"TimePeriod", "AccountId", "AccountName", "CampaignId", "CampaignName", "AdGroupId", "AdId",
                "DeviceType", "Network", "Impressions", "Clicks", "Spend", "Conversions", "Revenue", "CurrencyCode"}
    for row in rows:
        assert required <= set(row)
        assert row["DeviceType"] in {"Computer", "Smartphone", "Tablet"}
        assert row["Network"] in {"Microsoft sites and select traffic", "Syndicated search partners", "Audience"}
        assert isinstance(row["AdId"], int) and isinstance(row["Spend"], float)
        assert row["CurrencyCode"] == story.currency
    for i in range(3):
        day = START + timedelta(days=i)
        day_rows = [r for r in rows if r["TimePeriod"] == day.isoformat()]
        totals = _story_day_totals(story, "bing_ads", day)
        assert sum(round(r["Spend"] * 100) for r in day_rows) == totals["spend_cents"]
        assert sum(r["Impressions"] for r in day_rows) == totals["impressions"]
        assert sum(r["Clicks"] for r in day_rows) == totals["clicks"]
        assert sum(r["Conversions"] for r in day_rows) == totals["conversions"]
        assert sum(round(r["Revenue"] * 100) for r in day_rows) == totals["value_cents"]
    assert {c["Status"] for c in out["campaigns"]} <= {"Active", "Paused"}
    assert {g["CampaignId"] for g in out["ad_groups"]} <= {c["Id"] for c in out["campaigns"]}
    assert {a["AdGroupId"] for a in out["ads"]} <= {g["Id"] for g in out["ad_groups"]}
    assert all(set(g["StartDate"]) == {"Day", "Month", "Year"} for g in out["ad_groups"])
    assert bing_ads.CONTRACTS["campaigns"].model_validate(out["campaigns"][0]).BiddingScheme is not None
