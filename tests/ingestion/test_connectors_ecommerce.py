"""Mock generators of the ecommerce connectors: shape, contracts, determinism, keys, money."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email.utils import parsedate_to_datetime
from functools import cache
from urllib.parse import parse_qs, urlparse

import pytest

from gata.catalog import catalog
from ingestion.connectors import bigcommerce, shopify, woocommerce
from ingestion.story import Order, TenantStory
from tests.ingestion.landed import flatten

STORES = {"shopify": shopify, "bigcommerce": bigcommerce, "woocommerce": woocommerce}
START, END = date(2026, 10, 5), date(2026, 10, 7)
TOTAL_FIELD = {"shopify": "total_price", "bigcommerce": "total_inc_tax", "woocommerce": "total"}


@cache
def story(currency: str = "USD") -> TenantStory:
    return TenantStory("test_tenant", 42, 1.0, currency, ad_connectors=["facebook_ads", "google_ads"],
                       store_connectors=list(STORES))


@cache
def records(connector: str, start: date = START, end: date = END, currency: str = "USD") -> dict[str, list[dict]]:
    return STORES[connector].generate(story(currency), connector, start, end)


def story_orders(connector: str, start: date = START, end: date = END) -> dict[int, Order]:
    s = story()
    return {o.id: o for d in range((end - start).days + 1) for o in s.orders(start + timedelta(days=d), connector)}


def canonical_status(connector: str, rec: dict) -> str:
    """The documented platform -> canonical financial_status mapping, read back from a record."""
    if connector == "shopify":
        return {"authorized": "pending"}.get(rec["financial_status"], rec["financial_status"])
    if connector == "bigcommerce":
        return {10: "paid", 2: "paid", 11: "paid", 7: "pending", 1: "pending", 4: "refunded",
                14: "partially_refunded", 5: "voided"}[rec["status_id"]]
    status = rec["status"]
    if status == "completed" and rec["refunds"]:
        return "partially_refunded"
    return {"completed": "paid", "processing": "paid", "pending": "pending", "on-hold": "pending",
            "refunded": "refunded", "cancelled": "voided"}[status]


def charge_id(connector: str, rec: dict) -> str:
    if connector == "shopify":
        return next(a["value"] for a in rec["note_attributes"] if a["name"] == "stripe_charge_id")
    if connector == "bigcommerce":
        return rec["payment_provider_id"]
    return next(m["value"] for m in rec["meta_data"] if m["key"] == "_stripe_charge_id")


def order_time_utc(connector: str, rec: dict) -> datetime:
    if connector == "shopify":
        return datetime.fromisoformat(rec["created_at"]).astimezone(UTC)
    if connector == "bigcommerce":
        return parsedate_to_datetime(rec["date_created"]).astimezone(UTC)
    return datetime.fromisoformat(rec["date_created_gmt"]).replace(tzinfo=UTC)


def customer_email(connector: str, rec: dict) -> str:
    return {"shopify": lambda: rec["customer"]["email"], "bigcommerce": lambda: rec["billing_address"]["email"],
            "woocommerce": lambda: rec["billing"]["email"]}[connector]()


@pytest.mark.parametrize("connector", STORES)
def test_every_catalog_object_is_generated_and_valid(connector):
    out = records(connector)
    objects = set(catalog().get(connector).objects)
    assert set(out) == objects == set(STORES[connector].CONTRACTS)
    for obj, rows in out.items():
        assert rows, f"{connector}.{obj} is empty"
        contract = STORES[connector].CONTRACTS[obj]
        declared = {f.alias or name for name, f in contract.model_fields.items()}
        for row in rows:
            contract.model_validate(row)
            assert set(row) <= declared, f"{obj}: undeclared fields {set(row) - declared}"
        json.dumps(rows)  # JSON-able


@pytest.mark.parametrize("connector", STORES)
def test_type_stable_and_nested_fields_never_null(connector):
    for obj, rows in records(connector, START, START + timedelta(days=9)).items():
        types: dict[str, set[str]] = {}
        for row in rows:
            for key, value in flatten(row).items():
                if "__" in key:
                    assert value is not None, f"{obj}.{key} is null inside a nested dict"
                if value is not None:
                    types.setdefault(key, set()).add(type(value).__name__)
            for value in row.values():  # child rows of lists: flat dicts, no nulls, no nested lists
                if isinstance(value, list):
                    for child in value:
                        assert isinstance(child, dict)
                        assert all(v is not None and not isinstance(v, (list, dict)) for v in child.values())
        unstable = {k: t for k, t in types.items() if len(t) > 1}
        assert not unstable, f"{connector}.{obj}: {unstable}"


@pytest.mark.parametrize("connector", STORES)
def test_deterministic_and_days_independent_of_range(connector):
    s = story()
    day = START + timedelta(days=1)
    again = STORES[connector].generate(s, connector, START, END)
    assert json.dumps(records(connector), sort_keys=True) == json.dumps(again, sort_keys=True)
    alone = STORES[connector].generate(s, connector, day, day)
    wide = STORES[connector].generate(s, connector, day - timedelta(days=2), day + timedelta(days=2))
    ids = {o["id"] for o in alone["orders"]}
    assert [o for o in wide["orders"] if o["id"] in ids] == alone["orders"]
    assert alone["products"] == wide["products"]


@pytest.mark.parametrize("connector", STORES)
def test_primary_keys_unique_over_ten_days(connector):
    out = records(connector, START, START + timedelta(days=9))
    for obj, spec in catalog().get(connector).objects.items():
        keys = [tuple(flatten(row)[k] for k in spec.primary_key) for row in out[obj]]
        assert all(None not in k for k in keys)
        assert len(keys) == len(set(keys)), f"{connector}.{obj} duplicate keys"
        if spec.incremental:
            assert all(flatten(row)[spec.incremental] for row in out[obj])


@pytest.mark.parametrize("connector", STORES)
def test_orders_reconcile_with_the_story(connector):
    by_id = story_orders(connector)
    rows = records(connector)["orders"]
    assert sorted(r["id"] for r in rows) == sorted(by_id)
    for rec in rows:
        order = by_id[rec["id"]]
        assert Decimal(rec[TOTAL_FIELD[connector]]) == Decimal(order.total_cents) / 100
        assert canonical_status(connector, rec) == order.financial_status
        assert charge_id(connector, rec) == order.charge_id
        assert order_time_utc(connector, rec) == order.created_at
        assert customer_email(connector, rec) == order.customer.email
    landed = sum(Decimal(r[TOTAL_FIELD[connector]]) for r in rows)
    assert landed == Decimal(sum(o.total_cents for o in by_id.values())) / 100


@pytest.mark.parametrize("connector", STORES)
def test_customers_recur_and_every_status_appears(connector):
    rows = records(connector, START, START + timedelta(days=9))["orders"]
    emails = Counter(customer_email(connector, r) for r in rows)
    assert emails.most_common(1)[0][1] > 1
    assert {canonical_status(connector, r) for r in rows} == {
        "paid",
        "pending",
        "refunded",
        "partially_refunded",
        "voided",
    }


def test_shopify_shape():
    by_id = story_orders("shopify")
    money = re.compile(r"^\d+\.\d{2}$")
    for rec in records("shopify")["orders"]:
        order = by_id[rec["id"]]
        assert rec["name"] == f"#{order.number}"
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", rec["created_at"])
        for field in ("total_price", "subtotal_price", "total_tax", "total_discounts", "current_total_price"):
            assert money.match(rec[field]), field
        items = sum(Decimal(li["price"]) * li["quantity"] for li in rec["line_items"])
        assert items == Decimal(rec["total_line_items_price"])
        assert sum(Decimal(li["total_discount"]) for li in rec["line_items"]) == Decimal(rec["total_discounts"])
        shipping = Decimal(rec["total_shipping_price_set"]["shop_money"]["amount"])
        assert Decimal(rec["subtotal_price"]) + Decimal(rec["total_tax"]) + shipping == Decimal(rec["total_price"])
        assert (rec["cancelled_at"] is not None) == (order.financial_status == "voided")
        assert bool(rec["discount_codes"]) == bool(order.discount_cents)
        query = parse_qs(urlparse(rec["landing_site"]).query)
        if order.utm_campaign:
            assert query["utm_campaign"] == [order.utm_campaign]
            assert query["utm_source"] == [order.utm_source]
        refunded = Decimal(rec["total_price"]) - Decimal(rec["current_total_price"])
        assert (refunded > 0) == (order.financial_status in ("refunded", "partially_refunded", "voided"))
    handles = {p["handle"] for p in records("shopify")["products"]}
    assert {p.sku.lower() for p in story().products} == handles


def test_bigcommerce_shape():
    money4 = re.compile(r"^\d+\.\d{4}$")
    rfc2822 = re.compile(r"^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d \+0000$")
    for rec in records("bigcommerce")["orders"]:
        assert rfc2822.match(rec["date_created"]) and rfc2822.match(rec["date_modified"])
        for field in (
            "subtotal_ex_tax",
            "subtotal_inc_tax",
            "total_ex_tax",
            "total_inc_tax",
            "total_tax",
            "discount_amount",
            "shipping_cost_inc_tax",
            "refunded_amount",
        ):
            assert money4.match(rec[field]), field
        assert Decimal(rec["total_ex_tax"]) + Decimal(rec["total_tax"]) == Decimal(rec["total_inc_tax"])
        assert Decimal(rec["subtotal_ex_tax"]) - Decimal(rec["discount_amount"]) + Decimal(
            rec["shipping_cost_ex_tax"]
        ) == Decimal(rec["total_ex_tax"])
        assert rec["products"]["resource"] == f"/orders/{rec['id']}/products"
        assert rec["products"]["url"].endswith(rec["products"]["resource"])
        assert rec["status"] == dict(s for opts in bigcommerce.STATUSES.values() for s in opts)[rec["status_id"]]
    for product in records("bigcommerce")["products"]:
        assert isinstance(product["price"], float)
    names = [p["name"] for p in records("bigcommerce")["products"]]
    assert len(names) == len(set(names))


def test_woocommerce_shape():
    by_id = story_orders("woocommerce")
    naive = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$")
    for rec in records("woocommerce")["orders"]:
        order = by_id[rec["id"]]
        assert isinstance(rec["number"], str) and rec["number"] == str(order.number)
        assert naive.match(rec["date_created"]) and naive.match(rec["date_created_gmt"])
        lines = sum(Decimal(li["total"]) for li in rec["line_items"])
        assert lines + Decimal(rec["shipping_total"]) + Decimal(rec["total_tax"]) == Decimal(rec["total"])
        assert sum(Decimal(li["subtotal"]) for li in rec["line_items"]) - lines == Decimal(rec["discount_total"])
        refunded = -sum(Decimal(r["total"]) for r in rec["refunds"])
        assert (refunded == Decimal(rec["total"])) == (order.financial_status == "refunded")
        meta = {m["key"]: m["value"] for m in rec["meta_data"]}
        assert rec["transaction_id"] == meta["_stripe_charge_id"] == order.charge_id
        assert meta.get("_wc_order_attribution_utm_campaign") == order.utm_campaign
        if order.utm_source:
            assert meta["_wc_order_attribution_utm_source"] == order.utm_source


def test_site_local_time_follows_the_shop_zone():
    rec = records("woocommerce", currency="EUR")["orders"][0]
    local = datetime.fromisoformat(rec["date_created"])
    gmt = datetime.fromisoformat(rec["date_created_gmt"])
    assert local - gmt == timedelta(hours=1)
    assert records("shopify", currency="EUR")["orders"][0]["created_at"].endswith("+01:00")
    assert records("bigcommerce", currency="EUR")["orders"][0]["currency_code"] == "EUR"
