"""Mock analytics connectors (GA4, Amplitude, Mixpanel): shape, units, keys, determinism, story coherence."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest

from gata.catalog import catalog
from ingestion.connectors import connector_module
from ingestion.story import TenantStory, days_between
from tests.ingestion.landed import NAMING, flatten

ANALYTICS = ["google_analytics", "amplitude", "mixpanel"]
DAILY = {"google_analytics": "events", "amplitude": "events", "mixpanel": "events"}
DAY = date(2026, 10, 5)


@pytest.fixture(scope="module")
def story() -> TenantStory:
    return TenantStory("test_tenant", 42, 1.0, "USD", ad_connectors=["google_ads", "facebook_ads"],
                       store_connectors=["shopify", "woocommerce"])


def gen(story: TenantStory, key: str, start: date, end: date | None = None) -> dict[str, list[dict]]:
    return connector_module(key).generate(story, key, start, end or start)


def child_rows(record: dict, prefix: str = "") -> dict[str, list[dict]]:
    """Child-table name -> its rows (lists of dicts anywhere in the record)."""
    out: dict[str, list[dict]] = defaultdict(list)
    for k, v in record.items():
        name = f"{prefix}__{NAMING.normalize_identifier(k)}" if prefix else NAMING.normalize_identifier(k)
        if isinstance(v, dict):
            for n, rows in child_rows(v, name).items():
                out[n] += rows
        elif isinstance(v, list):
            assert all(isinstance(x, dict) for x in v), f"list of scalars at {name}"
            out[name] += v
    return out


def event_day(key: str, record: dict) -> date:
    if key == "google_analytics":
        return datetime.strptime(record["event_date"], "%Y%m%d").date()
    if key == "amplitude":
        return date.fromisoformat(record["event_time"][:10])
    return datetime.fromtimestamp(record["properties"]["time"], UTC).date()


def ga_param(record: dict, key: str, slot: str) -> object:
    return next((p["value"][slot] for p in record["event_params"] if p["key"] == key), None)


# ---- interface: objects, contracts, JSON --------------------------------------------------------

@pytest.mark.parametrize("key", ANALYTICS)
def test_every_object_present_and_valid(story: TenantStory, key: str) -> None:
    module = connector_module(key)
    objects = set(catalog().get(key).objects)
    assert set(module.CONTRACTS) == objects
    out = gen(story, key, DAY, DAY + timedelta(days=2))
    assert set(out) == objects
    for obj, records in out.items():
        assert records, f"{key}.{obj} is empty"
        assert json.loads(json.dumps(records)) == records  # JSON-able only
        for r in records:
            module.CONTRACTS[obj].model_validate(r)
        declared = {f.alias or name for name, f in module.CONTRACTS[obj].model_fields.items()}
        assert set().union(*(r.keys() for r in records)) <= declared, "top-level fields must be declared"


@pytest.mark.parametrize("key", ANALYTICS)
def test_contract_fields_all_optional(key: str) -> None:
    def check(model: type) -> None:
        for name, f in model.model_fields.items():
            assert not f.is_required(), f"{model.__name__}.{name}"
            for arg in getattr(f.annotation, "__args__", ()):
                inner = getattr(arg, "__args__", (arg,))[0]
                if isinstance(inner, type) and hasattr(inner, "model_fields"):
                    check(inner)
    for contract in connector_module(key).CONTRACTS.values():
        check(contract)


@pytest.mark.parametrize("key", ANALYTICS)
def test_type_stable_and_nested_fields_never_null(story: TenantStory, key: str) -> None:
    out = gen(story, key, DAY, DAY + timedelta(days=9))
    for obj, records in out.items():
        tables: dict[str, list[dict]] = {obj: records}
        for r in records:
            for name, rows in child_rows(r, obj).items():
                tables.setdefault(name, []).extend(rows)
        for table, rows in tables.items():
            types: dict[str, set[str]] = defaultdict(set)
            for r in rows:
                flat = flatten(r)
                for col, v in flat.items():
                    if v is None:
                        assert "__" not in col, f"{table}.{col}: nested fields must not be null"
                    else:
                        types[col].add(type(v).__name__)
                if rows is not records:  # child rows: every row has the same columns
                    assert set(flat) == set(flatten(rows[0])), table
            unstable = {c: t for c, t in types.items() if len(t) > 1}
            assert not unstable, f"{table}: {unstable}"


# ---- determinism --------------------------------------------------------------------------------

@pytest.mark.parametrize("key", ANALYTICS)
def test_deterministic(story: TenantStory, key: str) -> None:
    a = gen(story, key, DAY, DAY + timedelta(days=2))
    b = gen(TenantStory("test_tenant", 42, 1.0, "USD", ad_connectors=["google_ads", "facebook_ads"],
                        store_connectors=["shopify", "woocommerce"]), key, DAY, DAY + timedelta(days=2))
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


@pytest.mark.parametrize("key", ANALYTICS)
def test_day_records_do_not_depend_on_range(story: TenantStory, key: str) -> None:
    narrow = gen(story, key, DAY)
    wide = gen(story, key, DAY - timedelta(days=2), DAY + timedelta(days=2))
    daily = DAILY[key]
    assert {event_day(key, r) for r in narrow[daily]} == {DAY}
    same_day = [r for r in wide[daily] if event_day(key, r) == DAY]
    assert json.dumps(same_day, sort_keys=True) == json.dumps(narrow[daily], sort_keys=True)
    for obj in set(narrow) - {daily}:  # entities are emitted whole on every call
        assert json.dumps(narrow[obj], sort_keys=True) == json.dumps(wide[obj], sort_keys=True)


# ---- primary keys -------------------------------------------------------------------------------

@pytest.mark.parametrize("key,obj", [(k, o) for k in ANALYTICS for o in sorted(catalog().get(k).objects)])
def test_primary_keys_unique(story: TenantStory, key: str, obj: str) -> None:
    records = gen(story, key, DAY, DAY + timedelta(days=9))[obj]
    pk = catalog().get(key).objects[obj].primary_key  # landed names: `$insert_id` lands as `_insert_id`
    keys = []
    for r in records:
        flat = flatten(r)
        assert all(flat.get(c) not in (None, "") for c in pk), (pk, r)
        keys.append(tuple(flat[c] for c in pk))
    assert len(keys) == len(set(keys))


# ---- units and shape ----------------------------------------------------------------------------

def test_ga4_shape_and_units(story: TenantStory) -> None:
    sessions = {(s.user_pseudo_id, s.id): s for s in story.sessions(DAY)}
    rows = gen(story, "google_analytics", DAY)["events"]
    assert {r["event_name"] for r in rows} == {"session_start", "page_view", "view_item", "add_to_cart",
                                               "begin_checkout", "purchase"}
    by_session = defaultdict(list)
    for r in rows:
        assert r["event_date"] == DAY.strftime("%Y%m%d")
        ts = datetime.fromtimestamp(r["event_timestamp"] / 1_000_000, UTC)  # microseconds
        assert ts.date() == DAY
        assert ga_param(r, "page_location", "string_value").startswith("https://shop.example.com/")
        assert isinstance(ga_param(r, "ga_session_number", "int_value"), int)
        assert set(r["geo"]) == {"country", "region", "city"} and len(r["geo"]["country"]) > 2
        assert r["device"]["category"] in {"desktop", "mobile", "tablet"}
        by_session[(r["user_pseudo_id"], ga_param(r, "ga_session_id", "int_value"))].append(r)
    assert by_session.keys() == sessions.keys()  # (user_pseudo_id, ga_session_id) is the session
    for sid, events in by_session.items():
        s = sessions[sid]
        assert events[0]["event_name"] == "session_start"
        assert events[0]["event_timestamp"] == events[1]["event_timestamp"] == int(s.start.timestamp()) * 10**6
        assert sid[1] == events[0]["event_timestamp"] // 10**6  # ga_session_id = session start, seconds
        source = ga_param(events[0], "source", "string_value")
        assert (source or "(direct)") == s.source
        assert ga_param(events[0], "campaign", "string_value") == s.campaign
        assert all(ga_param(e, "source", "string_value") is None for e in events[2:])
        assert events[0]["traffic_source"]["source"] == s.source
        assert {e["user_id"] for e in events} == {s.user_id}
    plain = next(r for r in rows if r["event_name"] == "page_view")
    assert plain["ecommerce"]["transaction_id"] == "(not set)" and plain["items"] == []


def test_amplitude_shape_and_units(story: TenantStory) -> None:
    out = gen(story, "amplitude", DAY)
    sessions = story.sessions(DAY)
    by_session = defaultdict(list)
    for r in out["events"]:
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}", r["event_time"])
        assert r["platform"] == "Web" and isinstance(r["amplitude_id"], int)
        assert r["event_type"] in {"Page Viewed", "Product Viewed", "Product Added", "Checkout Started",
                                   "Order Completed"}
        by_session[(r["amplitude_id"], r["session_id"])].append(r)
    assert len(by_session) == len(sessions)
    for (_, session_id), events in by_session.items():
        first = datetime.strptime(events[0]["event_time"] + "+0000", "%Y-%m-%d %H:%M:%S.%f%z")
        assert session_id == int(first.timestamp() * 1000)  # epoch milliseconds of the session start
        assert len({e["device_id"] for e in events}) == 1
    users = {u["amplitude_id"]: u for u in out["users"]}
    assert len(users) == len(story.customers)
    for r in out["events"]:
        if r["user_id"] is not None:
            assert users[r["amplitude_id"]]["user_id"] == r["user_id"]


def test_mixpanel_shape_and_sessionization(story: TenantStory) -> None:
    out = gen(story, "mixpanel", DAY)
    start = int(datetime.combine(DAY, datetime.min.time(), UTC).timestamp())
    by_user = defaultdict(list)
    for r in out["events"]:
        p = r["properties"]
        assert start <= p["time"] < start + 86_400  # epoch seconds
        assert p["$current_url"].startswith("https://shop.example.com/") and len(p["mp_country_code"]) == 2
        by_user[p["distinct_id"]].append(p["time"])
    n_sessions = 0
    for times in by_user.values():
        times.sort()
        n_sessions += 1 + sum(1 for a, b in pairwise(times) if b - a > 30 * 60)
    assert n_sessions == len(story.sessions(DAY))
    people = {p["distinct_id"] for p in out["people"]}
    assert {p["properties"]["$user_id"] for p in (r for r in out["events"])} - {""} <= people
    assert all(r["properties"]["distinct_id"] in people or r["properties"]["distinct_id"].startswith("$device:")
               for r in out["events"])


# ---- coherence with the story -------------------------------------------------------------------

def _purchases(key: str, out: dict[str, list[dict]]) -> dict[str, float]:
    if key == "google_analytics":
        return {r["ecommerce"]["transaction_id"]: r["ecommerce"]["purchase_revenue"]
                for r in out["events"] if r["event_name"] == "purchase"}
    if key == "amplitude":
        return {r["event_properties"]["order_id"]: r["event_properties"]["revenue"]
                for r in out["events"] if r["event_type"] == "Order Completed"}
    return {r["properties"]["order_id"]: r["properties"]["revenue"]
            for r in out["events"] if r["event"] == "Order Completed"}


@pytest.mark.parametrize("key", ANALYTICS)
def test_purchases_reconcile_with_store_orders(story: TenantStory, key: str) -> None:
    start, end = DAY, DAY + timedelta(days=2)
    purchases = _purchases(key, gen(story, key, start, end))
    converted = {str(s.order.id): s.order for d in days_between(start, end) for s in story.sessions(d) if s.order}
    store_ids = {str(o.id) for d in days_between(start, end) for st in story.store_connectors
                 for o in story.orders(d, st)}
    assert purchases.keys() == converted.keys() and purchases.keys() <= store_ids
    for oid, rev in purchases.items():
        assert rev == converted[oid].total_cents / 100
    assert round(sum(purchases.values()) * 100) == sum(o.total_cents for o in converted.values())


@pytest.mark.parametrize("key", ANALYTICS)
def test_event_counts_match_story(story: TenantStory, key: str) -> None:
    n_events = sum(len(s.events) for s in story.sessions(DAY))
    n_sessions = len(story.sessions(DAY))
    rows = gen(story, key, DAY)[DAILY[key]]
    assert len(rows) == n_events + (n_sessions if key == "google_analytics" else 0)


def test_ga4_ids_and_utm_match_story(story: TenantStory) -> None:
    rows = gen(story, "google_analytics", DAY)["events"]
    customer_ids = {str(c.id) for c in story.customers}
    assert {r["user_id"] for r in rows} - {None} <= customer_ids
    campaigns = {c.name for ad in story.ad_connectors for c in story.campaigns(ad)}
    seen = {ga_param(r, "campaign", "string_value") for r in rows} - {None}
    assert seen and seen <= campaigns
