"""Mixpanel, rendered as the Raw Data Export API v2 (``GET /api/2.0/export``) JSON lines, plus people.

``events``: ``{event, properties: {...}}``, one per event of ``story.sessions(day)``, at the
event's own time. Mixpanel has NO session id: the warehouse sessionizes a ``distinct_id``'s
events by 30 minutes of inactivity, which recovers the story's sessions exactly (the story
keeps a visitor's sessions more than 30 minutes apart). Shape decisions:

* ``properties.time`` is epoch SECONDS (UTC); ``$insert_id`` a 32-hex de-duplication id.
* ``distinct_id`` follows simplified ID merge: the store customer id (string) once the
  visitor logged in, else ``"$device:<$device_id>"``; ``$user_id`` is "" when anonymous.
* The JS SDK persists the landing URL's UTM parameters on every event of the visit:
  ``utm_source/utm_medium/utm_campaign`` ("" when absent, i.e. direct traffic).
* ``order_id`` ("" when none) and ``revenue`` (Order.total_cents / 100, 0.0 when none) are on
  every event; only "Order Completed" has them set.
* ``$os`` ("Windows", "Mac OS X", "Linux", "Chrome OS", "iOS", "Android"), ``$browser``,
  ``$device`` ("iPhone", "Android", "iPad", "Android Tablet"; "" on desktop as Mixpanel sets
  none), ``mp_country_code`` ISO alpha-2, ``$city``, ``$region``.

``people``: one Engage profile per store customer (``distinct_id`` = customer id string,
matching logged-in events), emitted whole on every call.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from ingestion.connectors._analytics_common import (
    BASE_URL,
    Contract,
    customer_geos,
    device_id,
    revenue,
    session_geo,
    session_records,
    session_tech,
    stable_hex,
    utm,
)
from ingestion.story import Session, TenantStory

EVENT_NAMES = {"page_view": "Page Viewed", "view_item": "Product Viewed", "add_to_cart": "Added to Cart",
               "begin_checkout": "Checkout Started", "purchase": "Order Completed"}
_OS = {"Macintosh": "Mac OS X"}


class EventProperties(Contract):
    time: int | None = None
    distinct_id: str | None = None
    insert_id: str | None = Field(default=None, alias="$insert_id")
    device_id: str | None = Field(default=None, alias="$device_id")
    user_id: str | None = Field(default=None, alias="$user_id")
    browser: str | None = Field(default=None, alias="$browser")
    browser_version: float | None = Field(default=None, alias="$browser_version")
    current_url: str | None = Field(default=None, alias="$current_url")
    os: str | None = Field(default=None, alias="$os")
    device: str | None = Field(default=None, alias="$device")
    city: str | None = Field(default=None, alias="$city")
    region: str | None = Field(default=None, alias="$region")
    mp_country_code: str | None = None
    mp_lib: str | None = None
    utm_source: str | None = None
    utm_medium: str | None = None
    utm_campaign: str | None = None
    order_id: str | None = None
    revenue: float | None = None


class MixpanelEvent(Contract):
    event: str | None = None
    properties: EventProperties | None = None


class PeopleProperties(Contract):
    email: str | None = Field(default=None, alias="$email")
    first_name: str | None = Field(default=None, alias="$first_name")
    last_name: str | None = Field(default=None, alias="$last_name")
    name: str | None = Field(default=None, alias="$name")
    country_code: str | None = Field(default=None, alias="$country_code")
    city: str | None = Field(default=None, alias="$city")
    region: str | None = Field(default=None, alias="$region")


class MixpanelPerson(Contract):
    distinct_id: str | None = None
    properties: PeopleProperties | None = None


CONTRACTS = {"events": MixpanelEvent, "people": MixpanelPerson}


def _session_events(story: TenantStory, session: Session) -> list[dict]:
    geo, tech = session_geo(story, session), session_tech(story, session)
    source, medium, campaign = utm(session)
    device = device_id(story, session)
    distinct_id = session.user_id or f"$device:{device}"
    rows = []
    for event in session.events:
        seconds = int(event.ts.timestamp())
        name = EVENT_NAMES[event.name]
        rows.append({"event": name, "properties": {
            "time": seconds, "distinct_id": distinct_id,
            "$insert_id": stable_hex(story.seed, "mixpanel", distinct_id, seconds, name),
            "$device_id": device, "$user_id": session.user_id or "",
            "$browser": tech.browser, "$browser_version": float(tech.browser_version),
            "$current_url": BASE_URL + event.page_path, "$os": _OS.get(tech.os, tech.os), "$device": tech.model,
            "$city": geo.city, "$region": geo.region, "mp_country_code": geo.country_code, "mp_lib": "web",
            "utm_source": source, "utm_medium": medium, "utm_campaign": campaign,
            "order_id": str(event.order.id) if event.order else "", "revenue": revenue(event.order),
        }})
    return rows


def _people(story: TenantStory) -> list[dict]:
    return [{"distinct_id": str(c.id), "properties": {
        "$email": c.email, "$first_name": c.first_name, "$last_name": c.last_name,
        "$name": f"{c.first_name} {c.last_name}", "$country_code": c.country, "$city": geo.city,
        "$region": geo.region}} for c, geo in customer_geos(story)]


def generate(story: TenantStory, connector: str, start: date, end: date) -> dict[str, list[dict]]:
    """Raw export events of days start..end, and every known person."""
    return {"events": session_records(story, start, end, _session_events), "people": _people(story)}
