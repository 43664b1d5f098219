"""Google Analytics 4, rendered as rows of the GA4 BigQuery export (``events_YYYYMMDD`` tables).

One row per event of ``story.sessions(day)``, plus a ``session_start`` row opening every
session (same timestamp as its first ``page_view``; the key (user_pseudo_id, event_timestamp,
event_name) stays unique because the names differ). Shape decisions:

* ``event_timestamp`` is INT microseconds UTC, ``event_date`` "YYYYMMDD".
* ``event_params`` is GA4's list of ``{key, value: {string_value, int_value, double_value}}``.
  Each key always uses the same slot (ints: ga_session_id, ga_session_number; doubles: value;
  strings: everything else); the unused slots hold "" / 0 / 0.0 instead of GA4's nulls, so
  the landed columns never depend on the data (the warehouse reads a key from its slot).
* ``source``/``medium``/``campaign`` params sit only on the session's first events
  (session_start and the first page_view, which share a timestamp), as GA4 records the
  session's traffic on its landing hit; direct visits carry none (the warehouse defaults to
  (direct)/(none)), visits without a campaign carry no ``campaign``.
* ``traffic_source`` is GA4's first-touch record; the story knows no earlier touch, so it is
  the session's own source.
* ``ecommerce`` is present on every row: purchases carry the store order id as
  ``transaction_id`` (string) and ``purchase_revenue`` = Order.total_cents / 100; other rows
  carry "(not set)" and zeros (GA4 would send null: the nested fields must stay present).
* ``items`` (list of dicts, landed as a child table) lists the order's line items on
  purchases and is empty otherwise.
"""

from __future__ import annotations

from datetime import date
from functools import partial

from ingestion.connectors._analytics_common import (
    BASE_URL,
    Contract,
    epoch_us,
    revenue,
    session_geo,
    session_records,
    session_tech,
    stable_int,
)
from ingestion.story import Order, Session, TenantStory

EVENT_NAMES = {"page_view": "page_view", "view_item": "view_item", "add_to_cart": "add_to_cart",
               "begin_checkout": "begin_checkout", "purchase": "purchase"}
# traffic_source.name when the visit had no campaign, by medium
_NO_CAMPAIGN_NAME = {"(none)": "(direct)", "organic": "(organic)", "referral": "(referral)"}


class ParamValue(Contract):
    string_value: str | None = None
    int_value: int | None = None
    double_value: float | None = None


class EventParam(Contract):
    key: str | None = None
    value: ParamValue | None = None


class TrafficSource(Contract):
    name: str | None = None
    medium: str | None = None
    source: str | None = None


class GeoInfo(Contract):
    country: str | None = None
    region: str | None = None
    city: str | None = None


class DeviceInfo(Contract):
    category: str | None = None
    operating_system: str | None = None
    browser: str | None = None
    browser_version: str | None = None


class Ecommerce(Contract):
    transaction_id: str | None = None
    purchase_revenue: float | None = None
    total_item_quantity: int | None = None
    unique_items: int | None = None
    tax_value: float | None = None
    shipping_value: float | None = None


class Item(Contract):
    item_id: str | None = None
    item_name: str | None = None
    price: float | None = None
    quantity: int | None = None
    item_revenue: float | None = None


class Ga4Event(Contract):
    event_date: str | None = None
    event_timestamp: int | None = None
    event_name: str | None = None
    user_pseudo_id: str | None = None
    user_id: str | None = None
    platform: str | None = None
    stream_id: str | None = None
    event_params: list[EventParam] | None = None
    traffic_source: TrafficSource | None = None
    geo: GeoInfo | None = None
    device: DeviceInfo | None = None
    ecommerce: Ecommerce | None = None
    items: list[Item] | None = None


CONTRACTS = {"events": Ga4Event}


def _param(key: str, value: str | float) -> dict:
    """One event_params entry; the value goes to the slot of its type, the others stay empty."""
    return {"key": key, "value": {
        "string_value": value if isinstance(value, str) else "",
        "int_value": value if isinstance(value, int) else 0,
        "double_value": value if isinstance(value, float) else 0.0,
    }}


def _ecommerce(order: Order | None) -> dict:
    if order is None:
        return {"transaction_id": "(not set)", "purchase_revenue": 0.0, "total_item_quantity": 0,
                "unique_items": 0, "tax_value": 0.0, "shipping_value": 0.0}
    return {"transaction_id": str(order.id), "purchase_revenue": revenue(order),
            "total_item_quantity": sum(li.quantity for li in order.line_items),
            "unique_items": len({li.product.id for li in order.line_items}),
            "tax_value": order.tax_cents / 100, "shipping_value": order.shipping_cents / 100}


def _items(order: Order | None) -> list[dict]:
    if order is None:
        return []
    return [{"item_id": li.product.sku, "item_name": li.product.title, "price": li.product.price_cents / 100,
             "quantity": li.quantity, "item_revenue": li.total_cents / 100} for li in order.line_items]


def _session_rows(story: TenantStory, session: Session, stream_id: str, currency: str) -> list[dict]:
    geo, tech = session_geo(story, session), session_tech(story, session)
    common = {
        "user_pseudo_id": session.user_pseudo_id, "user_id": session.user_id, "platform": "WEB",
        "stream_id": stream_id,
        "traffic_source": {"name": session.campaign or _NO_CAMPAIGN_NAME.get(session.medium, "(not set)"),
                           "medium": session.medium, "source": session.source},
        "geo": {"country": geo.country, "region": geo.region, "city": geo.city},
        "device": {"category": tech.category, "operating_system": tech.os, "browser": tech.browser,
                   "browser_version": tech.browser_version},
    }
    traffic = []
    if session.source != "(direct)":
        traffic = [_param("source", session.source), _param("medium", session.medium)]
        traffic += [_param("campaign", session.campaign)] if session.campaign else []
    first = session.events[0]
    rows = []
    for i, (name, event) in enumerate([("session_start", first)]
                                      + [(EVENT_NAMES[e.name], e) for e in session.events]):
        params = [_param("ga_session_id", session.id), _param("ga_session_number", session.number),
                  _param("page_location", BASE_URL + event.page_path)]
        params += traffic if i <= 1 else []
        order = event.order if name == "purchase" else None
        if order is not None:
            params += [_param("transaction_id", str(order.id)), _param("value", revenue(order)),
                       _param("currency", currency)]
        rows.append({"event_date": event.ts.strftime("%Y%m%d"), "event_timestamp": epoch_us(event.ts),
                     "event_name": name, **common, "event_params": params,
                     "ecommerce": _ecommerce(order), "items": _items(order)})
    return rows


def generate(story: TenantStory, connector: str, start: date, end: date) -> dict[str, list[dict]]:
    """GA4 export rows for the events of days start..end (one export table per day, concatenated)."""
    stream_id = str(stable_int(10**9, 10**10, story.seed, connector, "stream_id"))
    return {"events": session_records(story, start, end,
                                      partial(_session_rows, stream_id=stream_id, currency=story.currency))}
