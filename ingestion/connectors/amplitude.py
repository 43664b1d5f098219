"""Amplitude, rendered as the Export API v2 (``GET /api/2/export``) event JSON lines, plus users.

``events``: one per event of ``story.sessions(day)``. Shape decisions:

* ``session_id`` is the session start in epoch MILLISECONDS (Amplitude's own definition) and
  identifies the session together with the visitor (``amplitude_id``); ``event_time`` is the
  export's "YYYY-MM-DD HH:MM:SS.ffffff" UTC string.
* ``amplitude_id`` is stable per visitor: per store customer for known customers (Amplitude
  merges a device into the user once it logs in), per browser for anonymous ones.
  ``user_id`` is the store customer id (string) when the visitor logged in, else null.
* Browser SDK conventions: ``platform`` "Web", ``os_name``/``os_version`` are the BROWSER
  name/version, ``device_family`` the operating system, ``device_type`` the hardware
  ("Windows", "Mac", "Linux", "Chromebook", "Apple iPhone", "Android", "Apple iPad",
  "Android Tablet"). ``country`` is the English country name.
* ``event_properties`` is type-stable: ``{page_path, page_url, order_id, revenue, quantity}``
  with order_id "" / revenue 0.0 / quantity 0 when the event carries no order;
  ``user_properties`` holds the session's ``utm_source/utm_medium/utm_campaign`` ("" when absent).

``users``: one per store customer (the only visitors the story knows independently of the
days generated), shaped like the Dashboard REST API's user ``userData``; anonymous visitors
exist only in ``events``.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from ingestion.connectors._analytics_common import (
    BASE_URL,
    Contract,
    customer_geos,
    customer_key,
    device_id,
    revenue,
    session_geo,
    session_records,
    session_tech,
    stable_int,
    stable_uuid,
    utm,
    visitor_key,
)
from ingestion.story import Session, TenantStory

EVENT_TYPES = {"page_view": "Page Viewed", "view_item": "Product Viewed", "add_to_cart": "Product Added",
               "begin_checkout": "Checkout Started", "purchase": "Order Completed"}
_OS_FAMILY = {"Macintosh": "Mac OS X"}
_DESKTOP_TYPE = {"Windows": "Windows", "Macintosh": "Mac", "Linux": "Linux", "Chrome OS": "Chromebook"}


class EventProperties(Contract):
    page_path: str | None = None
    page_url: str | None = None
    order_id: str | None = None
    revenue: float | None = None
    quantity: int | None = None


class UserProperties(Contract):
    utm_source: str | None = None
    utm_medium: str | None = None
    utm_campaign: str | None = None


class AmplitudeEvent(Contract):
    insert_id: str | None = Field(default=None, alias="$insert_id")
    event_id: int | None = None
    event_type: str | None = None
    event_time: str | None = None
    client_event_time: str | None = None
    user_id: str | None = None
    device_id: str | None = None
    amplitude_id: int | None = None
    session_id: int | None = None
    event_properties: EventProperties | None = None
    user_properties: UserProperties | None = None
    country: str | None = None
    region: str | None = None
    city: str | None = None
    platform: str | None = None
    os_name: str | None = None
    os_version: str | None = None
    device_family: str | None = None
    device_type: str | None = None


class UserProfileProperties(Contract):
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None


class AmplitudeUser(Contract):
    amplitude_id: int | None = None
    canonical_amplitude_id: int | None = None
    user_id: str | None = None
    country: str | None = None
    region: str | None = None
    city: str | None = None
    platform: str | None = None
    properties: UserProfileProperties | None = None


CONTRACTS = {"events": AmplitudeEvent, "users": AmplitudeUser}


def _amplitude_id(story: TenantStory, key: str) -> int:
    return stable_int(10**11, 10**12, story.seed, "amplitude_id", key)


def _session_events(story: TenantStory, session: Session) -> list[dict]:
    geo, tech = session_geo(story, session), session_tech(story, session)
    source, medium, campaign = utm(session)
    amplitude_id = _amplitude_id(story, visitor_key(session))
    device_type = tech.model.replace("iP", "Apple iP") if tech.model else _DESKTOP_TYPE[tech.os]
    rows = []
    for n, event in enumerate(session.events, start=1):
        when = event.ts.strftime("%Y-%m-%d %H:%M:%S.%f")
        order = event.order
        rows.append({
            "$insert_id": stable_uuid(story.seed, "amplitude", amplitude_id, when, event.name),
            "event_id": n, "event_type": EVENT_TYPES[event.name], "event_time": when, "client_event_time": when,
            "user_id": session.user_id, "device_id": device_id(story, session), "amplitude_id": amplitude_id,
            "session_id": int(session.start.timestamp()) * 1000,
            "event_properties": {"page_path": event.page_path, "page_url": BASE_URL + event.page_path,
                                 "order_id": str(order.id) if order else "", "revenue": revenue(order),
                                 "quantity": sum(li.quantity for li in order.line_items) if order else 0},
            "user_properties": {"utm_source": source, "utm_medium": medium, "utm_campaign": campaign},
            "country": geo.country, "region": geo.region, "city": geo.city, "platform": "Web",
            "os_name": tech.browser, "os_version": tech.browser_version,
            "device_family": _OS_FAMILY.get(tech.os, tech.os), "device_type": device_type,
        })
    return rows


def _users(story: TenantStory) -> list[dict]:
    out = []
    for customer, geo in customer_geos(story):
        aid = _amplitude_id(story, customer_key(customer))
        out.append({"amplitude_id": aid, "canonical_amplitude_id": aid, "user_id": str(customer.id),
                    "country": geo.country, "region": geo.region, "city": geo.city, "platform": "Web",
                    "properties": {"email": customer.email, "first_name": customer.first_name,
                                   "last_name": customer.last_name}})
    return out


def generate(story: TenantStory, connector: str, start: date, end: date) -> dict[str, list[dict]]:
    """Export API events of days start..end, and every known user."""
    return {"events": session_records(story, start, end, _session_events), "users": _users(story)}
