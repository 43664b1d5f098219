"""Pinterest Ads, the fourteenth connector, end to end.

It was added as a generator (ingestion/connectors/pinterest_ads.py), one catalog row, one field
mapping and the recomputed blueprints: no engine, staging, master or intermediate file of its own.
These tests show it lands contract-valid records, builds into the star and reconciles to the cent
with its raw landed records, and that its arrival changes no other connector's ids or numbers.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

import ingestion.story as story_module
from gata.settings import Paths
from ingestion.connectors import connector_module
from ingestion.contracts import validate_records
from ingestion.story import TenantStory
from tests import raw_truth
from tests.conftest import demo_env, run_gata, tenant_body, tenant_db, write_tenants

ROOT = Path(__file__).resolve().parents[2]
START, END = date(2026, 10, 29), date(2026, 10, 31)


def _records(slug: str, body: dict) -> dict[str, str]:
    """Every connector's records of one tenant for START..END, as canonical JSON per connector."""
    mix = body["sources"]
    story = TenantStory(slug, body["mock_data"]["seed"], body["mock_data"]["volume"], "USD",
                        ad_connectors=mix.get("paid_ads", []), store_connectors=mix.get("ecommerce", []))
    return {c: json.dumps(connector_module(c).generate(story, c, START, END), sort_keys=True, default=str)
            for domain in ("paid_ads", "ecommerce", "analytics") for c in mix.get(domain, [])}


def test_records_are_contract_valid_and_shaped_like_the_v5_api() -> None:
    story = TenantStory("pinny", 5, 0.5, "USD", ["pinterest_ads"], ["shopify"])
    module = connector_module("pinterest_ads")
    out = module.generate(story, "pinterest_ads", START, END)
    for obj, rows in out.items():
        validate_records("pinterest_ads", obj, module.CONTRACTS[obj], rows)
    row = out["ad_analytics"][0]
    assert set(row) >= {"AD_ID", "DATE", "SPEND_IN_MICRO_DOLLAR", "PAID_IMPRESSION", "TOTAL_CLICKTHROUGH"}
    assert isinstance(row["AD_ID"], str) and isinstance(row["SPEND_IN_MICRO_DOLLAR"], int)
    # micro-currency is exact: the story's cents times 10,000
    days = [d for day in (START, START + timedelta(days=1), END) for d in story.ad_days("pinterest_ads", day)]
    assert sum(r["SPEND_IN_MICRO_DOLLAR"] for r in out["ad_analytics"]) == sum(d.spend_cents for d in days) * 10_000
    assert {c["status"] for c in out["campaigns"]} <= {"ACTIVE", "PAUSED", "ARCHIVED"}
    assert all("utm_source=pinterest" in a["destination_url"] for a in out["ads"])


def test_adding_it_to_the_catalog_changes_no_existing_tenants_records(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ids are keyed by connector name: with or without pinterest_ads among the ad platforms the
    story knows, every demo tenant's records are byte-identical (positional ids shifted TikTok's)."""
    demo = yaml.safe_load((ROOT / "tenants.yaml").read_text())["tenants"]
    demo["cyberdyne"] = tenant_body({"paid_ads": ["linkedin_ads", "amazon_ads", "tiktok_ads"],
                                     "ecommerce": ["woocommerce"], "analytics": ["amplitude"]}, seed=4004)
    with_pinterest = {slug: _records(slug, body) for slug, body in demo.items()}
    without = {k: v for k, v in story_module.UTM_SOURCE.items() if k != "pinterest_ads"}
    assert without != story_module.UTM_SOURCE
    monkeypatch.setattr(story_module, "UTM_SOURCE", without)
    assert {slug: _records(slug, body) for slug, body in demo.items()} == with_pinterest


def test_adding_it_to_a_tenant_changes_none_of_its_other_ad_platforms_records() -> None:
    plain = tenant_body({"paid_ads": ["tiktok_ads", "google_ads"], "ecommerce": ["shopify"]}, seed=42)
    pinny = tenant_body({"paid_ads": ["pinterest_ads", "tiktok_ads", "google_ads"], "ecommerce": ["shopify"]},
                        seed=42)
    before, after = _records("same", plain), _records("same", pinny)
    assert before["tiktok_ads"] == after["tiktok_ads"] and before["google_ads"] == after["google_ads"]


def _daily(con, tenant: str, platform: str) -> dict[date, tuple[Decimal, int, int]]:
    return {d: (s, i, c) for d, s, i, c in con.execute(
        f'select report_date, sum(spend), sum(impressions), sum(clicks) from analytics."fct_{tenant}__ad_performance" '
        "where source_platform = ? group by 1", [platform]).fetchall()}


@pytest.mark.slow
def test_a_tenant_using_it_builds_and_reconciles_to_the_cent(home: Paths) -> None:
    env = {**demo_env(home.home.parent), "GATA_HOME": str(home.home), "GATA_TENANTS_FILE": str(home.tenants_file)}
    mix = {"paid_ads": ["facebook_ads", "google_ads"], "ecommerce": ["shopify"], "analytics": ["google_analytics"]}
    write_tenants(home.tenants_file, {
        "plain": tenant_body(mix, seed=77, days=3),
        "pinny": tenant_body({**mix, "paid_ads": ["pinterest_ads", *mix["paid_ads"]]}, seed=77, days=3),
    })
    run_gata("ingest", env=env)
    run_gata("transform", env=env)  # exits non-zero on any failed model or dbt test

    with tenant_db(home, "pinny") as pinny, tenant_db(home, "plain") as plain:
        star = _daily(pinny, "pinny", "pinterest_ads")
        assert len(star) == 3
        for day, (spend, impressions, clicks) in star.items():
            raw = raw_truth.ads(pinny, "pinny", "pinterest_ads", day, day)
            assert (spend, impressions, clicks) == (raw["spend"], raw["impressions"], raw["clicks"]), day
        totals = raw_truth.ads(pinny, "pinny", "pinterest_ads", START, END)
        assert sum(s for s, _, _ in star.values()) == totals["spend"] > 0

        # every delivered campaign is in dim_campaigns with a canonical status
        orphans, statuses = pinny.execute(
            'select count(*) filter (where d.campaign_key is null), list(distinct d.status) '
            'from analytics."fct_pinny__ad_performance" f left join analytics."dim_pinny__campaigns" d '
            "using (campaign_key) where f.source_platform = 'pinterest_ads'").fetchone()
        assert orphans == 0 and set(statuses) <= {"active", "paused", "removed"}

        # the same tenant without it: every other ad platform's rows are the same, ids and numbers
        columns = (
            "source_platform, report_date, campaign_id, ad_group_id, ad_id, spend, impressions, clicks, conversions"
        )
        for platform in mix["paid_ads"]:
            rows = [
                con.execute(
                    f'select {columns} from analytics."fct_{t}__ad_performance" where source_platform = ? order by all',
                    [platform],
                ).fetchall()
                for con, t in ((pinny, "pinny"), (plain, "plain"))
            ]
            assert rows[0] == rows[1] and rows[0], platform
