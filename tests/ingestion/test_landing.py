"""Landing with dlt into a real DuckDB file: merge, incremental days, schema DNA, drift."""

from __future__ import annotations

import json
from datetime import date

import duckdb
import pytest

from gata.catalog import catalog, dataset_name
from gata.settings import Paths
from gata.tenants import Tenant, parse_tenants
from ingestion import dna
from ingestion.landing import generate, land, land_records, land_tenant
from tests.conftest import tenant_body

START, END = date(2026, 10, 1), date(2026, 10, 3)


def make_tenant(slug: str, sources: dict[str, list[str]]) -> Tenant:
    return parse_tenants({"tenants": {slug: tenant_body(sources)}})[slug]


def snapshot(paths: Paths, tenant: str, connector: str) -> dict[str, list]:
    """Every landed table's rows (dlt bookkeeping columns excluded), sorted."""
    ds = dataset_name(tenant, connector)
    with duckdb.connect(str(paths.tenant_db(tenant)), read_only=True) as con:
        out = {}
        for table in dna.landed_tables(con, ds):
            cols = [c for c in dna.table_columns(con, ds, table) if not c.startswith("_dlt")]
            out[table] = sorted(map(repr, con.execute(
                f'select {", ".join(chr(34) + c + chr(34) for c in cols)} from "{ds}"."{table}"').fetchall()))
        return out


@pytest.mark.slow  # lands every object through dlt: a minute, kept out of the fast tier
def test_every_connector_lands_every_catalog_object_with_known_dna(home: Paths) -> None:
    # LinkedIn, Amazon, TikTok and Amplitude are used by no demo tenant: this is their proof
    first = make_tenant("test_one", {"paid_ads": ["linkedin_ads", "amazon_ads", "tiktok_ads", "bing_ads"],
                                     "ecommerce": ["woocommerce", "bigcommerce"], "analytics": ["amplitude"]})
    second = make_tenant("test_two", {"paid_ads": ["facebook_ads", "instagram_ads", "google_ads"],
                                      "ecommerce": ["shopify"], "analytics": ["google_analytics"]})
    # and every connector the catalog has beyond these lands in the third, with no edit here
    named = {*first.connectors, *second.connectors}
    third = make_tenant("test_three", {"paid_ads": [k for k in catalog().by_domain("paid_ads") if k not in named],
                                       "ecommerce": ["shopify"], "analytics": ["mixpanel"]})
    landed = set()
    for tenant in (first, second, third):
        for result in land_tenant(tenant, START, END, home):
            assert result.load_id
            assert not result.drift, [c.describe() for c in result.drift]
            landed.add(result.connector)
            with duckdb.connect(str(home.tenant_db(tenant.slug)), read_only=True) as con:
                tables = dna.landed_tables(con, result.dataset)
                for obj, spec in catalog().get(result.connector).objects.items():
                    assert obj in tables, f"{result.dataset}.{obj} not landed"
                    n = con.execute(f'select count(*) from "{result.dataset}"."{obj}"').fetchone()[0]
                    assert n > 0, f"{result.dataset}.{obj} is empty"
                    cols = dna.table_columns(con, result.dataset, obj)
                    assert set(spec.primary_key) <= set(cols), f"{obj}: primary key not landed"
    assert landed == set(catalog().connectors)
    for tenant in (first, second, third):  # each tenant's registry rows sit beside its data
        with duckdb.connect(str(home.tenant_db(tenant.slug)), read_only=True) as con:
            statuses = con.execute("select distinct tenant_slug, status from platform.schema_dna_history").fetchall()
            assert statuses == [(tenant.slug, "known")]
    with duckdb.connect(str(home.tenant_db(second.slug)), read_only=True) as con:
        routed = con.execute("select master_model from platform.connector_blueprints where connector = 'instagram_ads' "
                             "and table_name = 'facebook_insights'").fetchone()
        assert routed == ("platform_mm__facebook_ads_api_v1_facebook_insights",)


@pytest.mark.slow  # lands twice through dlt
def test_reingest_is_idempotent_and_one_more_day_only_adds_that_day(home: Paths) -> None:
    tenant = make_tenant("test_merge", {"paid_ads": ["google_ads"], "ecommerce": ["shopify"]})
    for c in tenant.connectors:
        land(tenant, c, START, END, home)
    before = {c: snapshot(home, tenant.slug, c) for c in tenant.connectors}
    for c in tenant.connectors:
        land(tenant, c, START, END, home)
    assert {c: snapshot(home, tenant.slug, c) for c in tenant.connectors} == before

    nxt = date(2026, 10, 4)
    land(tenant, "shopify", nxt, nxt, home)
    after = snapshot(home, tenant.slug, "shopify")
    new_orders = generate(tenant, "shopify", nxt, nxt)["orders"]
    assert len(after["orders"]) == len(before["shopify"]["orders"]) + len(new_orders)
    assert set(before["shopify"]["orders"]) <= set(after["orders"])  # nothing already landed changed
    assert after["products"] == before["shopify"]["products"]


def test_same_seed_and_dates_give_byte_identical_records() -> None:
    tenant = make_tenant("test_seed", {"paid_ads": ["facebook_ads"], "ecommerce": ["woocommerce"],
                                       "analytics": ["mixpanel"]})
    for c in tenant.connectors:
        a = json.dumps(generate(tenant, c, START, END), sort_keys=True)
        b = json.dumps(generate(tenant, c, START, END), sort_keys=True)
        assert a == b


def test_a_new_field_is_landed_and_reported_as_drift_naming_the_column(home: Paths) -> None:
    tenant = make_tenant("test_drift", {"ecommerce": ["shopify"]})
    records = generate(tenant, "shopify", START, END)
    for order in records["orders"]:
        order["loyalty_tier"] = "gold"
    result = land_records(tenant.slug, "shopify", records, START, END, home)
    drifted = {c.table: c for c in result.drift}
    assert set(drifted) == {"orders"}
    assert drifted["orders"].added == ["loyalty_tier"] and not drifted["orders"].removed
    ds = dataset_name(tenant.slug, "shopify")
    with duckdb.connect(str(home.tenant_db(tenant.slug)), read_only=True) as con:
        landed = con.execute(f'select count(*), count(loyalty_tier) from "{ds}".orders').fetchone()
        assert landed == (len(records["orders"]), len(records["orders"]))  # nothing dropped
        row = con.execute("select status, added_columns from platform.schema_dna_history "
                          "where tenant_slug = ? and table_name = 'orders'", [tenant.slug]).fetchone()
        assert row == ("drift", ["loyalty_tier"])


def test_a_contract_breaking_record_is_rejected_naming_record_and_field(home: Paths) -> None:
    from gata.errors import ContractError
    from ingestion.connectors import connector_module
    from ingestion.contracts import validate_records

    tenant = make_tenant("test_contract", {"ecommerce": ["shopify"]})
    records = generate(tenant, "shopify", START, END)
    records["orders"][3]["line_items"] = "not a list"
    with pytest.raises(ContractError, match=r"(?s)shopify.orders: .*nothing was landed.*record 3: field 'line_items'"):
        validate_records("shopify", "orders", connector_module("shopify").CONTRACTS["orders"], records["orders"])


@pytest.mark.slow
def test_committed_blueprints_are_current(tmp_path) -> None:
    from ingestion.library import compute_blueprints

    fresh = {(b.connector, b.table): b.dna for b in compute_blueprints(tmp_path)}
    committed = {(b.connector, b.table): b.dna for b in dna.load_blueprints()}
    assert fresh == committed, "run `gata library --write` after changing a contract or generator"
