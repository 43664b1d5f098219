"""What the three store generators (Shopify, BigCommerce, WooCommerce) share.

The story fixes an order's money and canonical ``financial_status``; each platform
then renders it in its own vocabulary. The facts a store adds on top of the story
(when the order was last updated or cancelled, how much a partial refund gave back,
which discount code was used, which platform synonym of a status was picked) are
drawn here once per order, from an RNG seeded by (seed, connector, "orders", order
id), so one day's records never depend on which other days are rendered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import TypeVar
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict

from ingestion.story import COUNTRIES, Customer, Order, Product, TenantStory, days_between, rng_for

T = TypeVar("T")

# A shop reports local time in a fixed offset derived from its currency (no DST,
# so the rendering stays a pure function of the story). The warehouse must convert
# to UTC: the story's order day is the UTC day.
_SHOP_UTC_OFFSET_HOURS = {"USD": -5, "CAD": -5, "EUR": 1, "GBP": 0, "AUD": 10}
COUNTRY_NAMES = {code: name for code, name, _ in COUNTRIES}
CITIES = {"US": "New York", "GB": "London", "DE": "Berlin", "FR": "Paris", "CA": "Toronto", "AU": "Sydney"}
DISCOUNT_CODES = ["WELCOME10", "SAVE10", "VIP10"]
# where a visitor coming from a given utm_source was referred from
REFERRERS = {
    "facebook": "https://www.facebook.com/", "instagram": "https://l.instagram.com/",
    "google": "https://www.google.com/", "bing": "https://www.bing.com/",
    "linkedin": "https://www.linkedin.com/", "amazon": "https://www.amazon.com/",
    "tiktok": "https://www.tiktok.com/", "twitter.com": "https://t.co/",
}


class ApiRecord(BaseModel):
    """Base of every store contract: unknown API fields are kept, aliases accepted by name."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


def store_orders(story: TenantStory, connector: str, start: date, end: date) -> list[Order]:
    """The story's orders in this store created on the UTC days start..end."""
    return [order for day in days_between(start, end) for order in story.orders(day, connector)]


def store_records(story: TenantStory, connector: str, start: date, end: date,
                  order_record: Callable[[TenantStory, str, Order], dict],
                  product_record: Callable[[TenantStory, str, Product], dict]) -> dict[str, list[dict]]:
    """Orders created on days start..end (UTC) and the whole product catalog, each record
    rendered by the platform's ``order_record`` / ``product_record``."""
    return {
        "orders": [order_record(story, connector, o) for o in store_orders(story, connector, start, end)],
        "products": [product_record(story, connector, p) for p in story.products],
    }


def money(cents: int, places: int = 2) -> str:
    """Exact decimal string of a cent amount: 12345 -> "123.45" (places=4: "123.4500")."""
    sign, cents = ("-" if cents < 0 else ""), abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}{'0' * (places - 2)}"


def shop_tz(story: TenantStory) -> timezone:
    return timezone(timedelta(hours=_SHOP_UTC_OFFSET_HOURS.get(story.currency, 0)))


def iso_offset(dt: datetime, tz: timezone) -> str:
    """ISO 8601 in the shop's zone with its offset: "2026-10-01T09:12:44-05:00"."""
    return dt.astimezone(tz).isoformat(timespec="seconds")


def iso_naive(dt: datetime, tz: timezone) -> str:
    """ISO 8601 wall-clock time in ``tz`` without an offset (WooCommerce style)."""
    return dt.astimezone(tz).replace(tzinfo=None).isoformat(timespec="seconds")


def entity_time(day: date, key: int) -> datetime:
    """A fixed UTC time on ``day`` for an entity (products, customers have only a date)."""
    return datetime.combine(day, datetime.min.time(), UTC) + timedelta(seconds=9 * 3600 + key % 28_800)


def customer_created(story: TenantStory, customer: Customer) -> datetime:
    """When the customer's account was opened: fixed per customer, before the demo periods."""
    days = rng_for(story.seed, "customer_created", customer.id).randrange(500)
    return entity_time(date(2024, 1, 1) + timedelta(days=days), customer.id)


def product_times(product: Product) -> tuple[datetime, datetime]:
    """(created, last modified) of a catalog product, fixed per product."""
    created = entity_time(product.created, product.id)
    return created, created + timedelta(days=product.id % 45, hours=product.id % 7)


def allocate(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` cents proportionally to ``weights``; the last share takes the rounding."""
    base = sum(weights) or 1
    shares = [total * w // base for w in weights[:-1]]
    return [*shares, total - sum(shares)]


def utm_params(order: Order) -> dict[str, str]:
    """The order's utm_* parameters (none for direct / unknown traffic)."""
    if order.utm_source is None or order.utm_source == "(direct)":
        return {}
    params = {"utm_source": order.utm_source, "utm_medium": order.utm_medium or ""}
    if order.utm_campaign:
        params["utm_campaign"] = order.utm_campaign
    return params


def landing_site(order: Order) -> str:
    """Landing path with the utm query string when the order has a utm touch: "/?utm_source=..."."""
    params = utm_params(order)
    return f"/?{urlencode(params)}" if params else "/"


def referring_site(order: Order) -> str | None:
    return REFERRERS.get(order.utm_source or "")


@dataclass(frozen=True)
class OrderFacts:
    """Store-side facts of one order beyond the story (all deterministic per order)."""

    refund_cents: int  # 0, the total (refunded) or a part of it (partially_refunded)
    updated_at: datetime  # last change: payment, fulfilment, refund or cancellation
    paid_at: datetime | None
    closed_at: datetime | None  # shipped / completed
    refunded_at: datetime | None
    cancelled_at: datetime | None  # voided orders only
    variant: float  # in [0, 1): picks between a platform's synonyms of one canonical status
    discount_code: str  # "" when the order has no discount
    line_discounts: tuple[int, ...]  # order discount allocated to the line items
    line_taxes: tuple[int, ...]  # order tax allocated to the line items
    accepts_marketing: bool


def order_facts(story: TenantStory, connector: str, order: Order) -> OrderFacts:
    rng = rng_for(story.seed, connector, "orders", order.id)
    status, total, created = order.financial_status, order.total_cents, order.created_at
    variant = rng.random()
    paid_at = created + timedelta(seconds=rng.randrange(2, 60)) if status not in ("pending", "voided") else None
    closed_at = created + timedelta(hours=rng.randrange(4, 72)) if paid_at is not None else None
    refunded_at = closed_at + timedelta(days=rng.randrange(1, 12)) if closed_at and "refunded" in status else None
    cancelled_at = created + timedelta(minutes=rng.randrange(10, 600)) if status == "voided" else None
    refund = {"refunded": total, "partially_refunded": max(1, min(total - 1, round(total * rng.uniform(0.1, 0.6))))}
    line_totals = [li.total_cents for li in order.line_items]
    events = [t for t in (created, paid_at, closed_at, refunded_at, cancelled_at) if t is not None]
    return OrderFacts(
        refund_cents=refund.get(status, 0), updated_at=max(events) + timedelta(seconds=rng.randrange(1, 30)),
        paid_at=paid_at, closed_at=closed_at, refunded_at=refunded_at, cancelled_at=cancelled_at, variant=variant,
        discount_code=rng.choice(DISCOUNT_CODES) if order.discount_cents else "",
        line_discounts=tuple(allocate(order.discount_cents, line_totals)),
        line_taxes=tuple(allocate(order.tax_cents, line_totals)),
        accepts_marketing=rng.random() < 0.4,
    )


def synonym(options: Sequence[T], facts: OrderFacts) -> T:
    """One of a platform's synonyms for a canonical status, fixed per order."""
    return options[int(facts.variant * len(options))]
