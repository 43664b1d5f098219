"""What the three analytics connectors (GA4, Amplitude, Mixpanel) share when rendering sessions.

The story decides who visited, when, from which source, country and device category, and
which session bought which order. It does not decide the finer facts every analytics tool
records (operating system, browser, city, device id). Those are drawn here, once, per
*visitor* (not per connector or per day), so the three tools agree with each other and a
visitor's facts never depend on which days are generated.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict

from ingestion.story import (
    COUNTRIES,
    UTC,
    Customer,
    Order,
    Session,
    TenantStory,
    days_between,
    rng_for,
    weighted,
)

BASE_URL = "https://shop.example.com"
COUNTRY_NAMES = {code: name for code, name, _ in COUNTRIES}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# (region, city) per country code; the tools resolve these from the visitor's IP
_CITIES = {
    "US": [("California", "San Francisco"), ("New York", "New York"), ("Texas", "Austin"), ("Illinois", "Chicago")],
    "GB": [("England", "London"), ("England", "Manchester"), ("Scotland", "Edinburgh")],
    "DE": [("Berlin", "Berlin"), ("Bavaria", "Munich"), ("Hamburg", "Hamburg")],
    "FR": [("Ile-de-France", "Paris"), ("Auvergne-Rhone-Alpes", "Lyon"), ("Occitanie", "Toulouse")],
    "CA": [("Ontario", "Toronto"), ("Quebec", "Montreal"), ("British Columbia", "Vancouver")],
    "AU": [("New South Wales", "Sydney"), ("Victoria", "Melbourne"), ("Queensland", "Brisbane")],
}
# operating systems per device category (GA4 spelling), then browsers per operating system
_OS = {
    "desktop": [("Windows", 0.6), ("Macintosh", 0.3), ("Linux", 0.05), ("Chrome OS", 0.05)],
    "mobile": [("iOS", 0.5), ("Android", 0.5)],
    "tablet": [("iOS", 0.6), ("Android", 0.4)],
}
_BROWSERS = {
    "Windows": [("Chrome", 0.65), ("Edge", 0.25), ("Firefox", 0.1)],
    "Macintosh": [("Safari", 0.45), ("Chrome", 0.5), ("Firefox", 0.05)],
    "Linux": [("Chrome", 0.6), ("Firefox", 0.4)],
    "Chrome OS": [("Chrome", 1.0)],
    "iOS": [("Safari", 0.8), ("Chrome", 0.2)],
    "Android": [("Chrome", 0.85), ("Samsung Internet", 0.15)],
}
# the hardware name mobile tools report; desktops have none
_MODEL = {("mobile", "iOS"): "iPhone", ("mobile", "Android"): "Android",
          ("tablet", "iOS"): "iPad", ("tablet", "Android"): "Android Tablet"}


class Contract(BaseModel):
    """Base of every analytics contract: keep unknown API fields, accept API names and aliases."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


@dataclass(frozen=True)
class Geo:
    country_code: str  # ISO-3166 alpha-2, as Mixpanel's mp_country_code
    country: str  # English name, as GA4 geo.country and Amplitude country
    region: str
    city: str


@dataclass(frozen=True)
class Tech:
    category: str  # desktop | mobile | tablet (the story's device)
    os: str  # GA4 spelling: Windows, Macintosh, Linux, Chrome OS, iOS, Android
    browser: str
    browser_version: str
    model: str  # iPhone, Android, iPad, Android Tablet; "" on desktop


def stable_hex(*parts: object) -> str:
    return hashlib.md5(":".join(map(str, parts)).encode()).hexdigest()


def stable_uuid(*parts: object) -> str:
    h = stable_hex(*parts)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:32]}"


def stable_int(lo: int, hi: int, *parts: object) -> int:
    """An int in [lo, hi) fixed by ``parts``."""
    return lo + int(stable_hex(*parts)[:15], 16) % (hi - lo)


def visitor_key(session: Session) -> str:
    """Who the visitor is: a known customer (even when not logged in) or an anonymous browser."""
    return customer_key(session.customer) if session.customer else f"v{session.user_pseudo_id}"


def customer_key(customer: Customer) -> str:
    return f"c{customer.id}"


def geo_for(story: TenantStory, key: str, country_code: str) -> Geo:
    region, city = rng_for(story.seed, "analytics", "geo", key, country_code).choice(_CITIES[country_code])
    return Geo(country_code, COUNTRY_NAMES[country_code], region, city)


def session_geo(story: TenantStory, session: Session) -> Geo:
    return geo_for(story, visitor_key(session), session.country)


def session_tech(story: TenantStory, session: Session) -> Tech:
    """The visitor's device of this category; the same visitor on the same category keeps it."""
    rng = rng_for(story.seed, "analytics", "tech", visitor_key(session), session.device)
    os = weighted(rng, _OS[session.device])[0]
    browser = weighted(rng, _BROWSERS[os])[0]
    return Tech(session.device, os, browser, f"{rng.randrange(110, 130)}.0", _MODEL.get((session.device, os), ""))


def device_id(story: TenantStory, session: Session) -> str:
    """The SDK's device id (one per visitor and device category), a UUID as the web SDKs make."""
    return stable_uuid(story.seed, "device", visitor_key(session), session.device)


def utm(session: Session) -> tuple[str, str, str]:
    """(utm_source, utm_medium, utm_campaign) of the landing URL; "" when the visit was direct."""
    if session.source == "(direct)":
        return "", "", ""
    return session.source, session.medium, session.campaign or ""


def epoch_us(ts: datetime) -> int:
    return (ts - _EPOCH) // timedelta(microseconds=1)


def revenue(order: Order | None) -> float:
    """The order total in currency units, exactly Order.total_cents / 100 (0.0 when no order)."""
    return order.total_cents / 100 if order else 0.0


def sessions_between(story: TenantStory, start: date, end: date) -> Iterator[Session]:
    """The story's sessions of days start..end, day by day in the story's order."""
    for day in days_between(start, end):
        yield from story.sessions(day)


def session_records(story: TenantStory, start: date, end: date,
                    render: Callable[[TenantStory, Session], list[dict]]) -> list[dict]:
    """The records ``render`` makes of each session of days start..end, in the story's order."""
    return [record for session in sessions_between(story, start, end) for record in render(story, session)]


def customer_geos(story: TenantStory) -> Iterator[tuple[Customer, Geo]]:
    """Every store customer (the visitors known independently of the days generated) with the
    geo the tools resolve for them."""
    for customer in story.customers:
        yield customer, geo_for(story, customer_key(customer), customer.country)
