"""One coherent, deterministic story per tenant, which every connector renders.

Connectors do not invent data on their own: the ad platforms render the story's
campaigns and daily delivery, the stores render its orders, the analytics tools
render its sessions. That is what makes the demo worth querying: campaign names
come back as ``utm_campaign``, converting sessions carry real order ids, orders
carry the payment processor's charge id, customers return and sometimes log in.

Everything is anchored to dates, never to the clock: a day's records come from an
RNG seeded with (tenant seed, what, day), so landing one more day never changes
the days already landed, and the same seed gives byte-identical records. Ids are
keyed by connector name, never by a connector's position in a list: adding a
connector to the catalog or to a tenant changes no other connector's ids.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property

from gata.catalog import catalog

EPOCH = date(2020, 1, 1)

CAMPAIGN_THEMES = [
    "spring_sale", "summer_launch", "back_to_school", "black_friday", "holiday_gifts",
    "brand_awareness", "retargeting_cart", "new_arrivals", "loyalty_push", "clearance",
    "prospecting_lookalike", "video_views", "app_installs", "flash_sale", "vip_early_access",
]
PRODUCT_NOUNS = [
    "Runner Sneaker", "Canvas Tote", "Wool Beanie", "Denim Jacket", "Leather Wallet",
    "Travel Mug", "Desk Lamp", "Yoga Mat", "Water Bottle", "Rain Shell", "Bluetooth Speaker",
    "Phone Case", "Sunglasses", "Backpack", "Hoodie", "Chino Pants", "Linen Shirt", "Cap",
]
PRODUCT_ADJECTIVES = ["Classic", "Pro", "Eco", "Ultra", "Urban", "Trail", "Nova", "Prime"]
FIRST_NAMES = ["ava", "liam", "mia", "noah", "zoe", "eli", "ivy", "leo", "ada", "max", "una", "kai",
               "nia", "sam", "ora", "ben", "lea", "tom", "eva", "jon"]
LAST_NAMES = ["smith", "garcia", "chen", "khan", "muller", "rossi", "dubois", "silva", "kim",
              "novak", "haddad", "okafor", "larsen", "ito", "walsh", "moreau"]
COUNTRIES = [("US", "United States", 0.45), ("GB", "United Kingdom", 0.15), ("DE", "Germany", 0.12),
             ("FR", "France", 0.1), ("CA", "Canada", 0.1), ("AU", "Australia", 0.08)]
DEVICES = [("desktop", 0.45), ("mobile", 0.45), ("tablet", 0.10)]
# utm_source each ad platform stamps on its landing pages (its catalog row says)
UTM_SOURCE = {key: source for source, key in catalog().utm_sources().items()}
ORGANIC_SOURCES = [("google", "organic"), ("(direct)", "(none)"), ("newsletter", "email"),
                   ("bing", "organic"), ("twitter.com", "referral")]
# canonical funnel; analytics connectors map these to their own vocabulary
FUNNEL = ["page_view", "view_item", "add_to_cart", "begin_checkout", "purchase"]
FINANCIAL_STATUSES = [("paid", 0.82), ("pending", 0.06), ("refunded", 0.05),
                      ("partially_refunded", 0.04), ("voided", 0.03)]


def rng_for(*parts: object) -> random.Random:
    """A stable RNG for a tuple of parts (Python's hash() is salted per process; md5 is not)."""
    digest = hashlib.md5(":".join(map(str, parts)).encode()).hexdigest()
    return random.Random(int(digest[:16], 16))


def name_slot(name: str, slots: int = 97) -> int:
    """A stable number in 0..slots-1 for a connector name: its ids' block, the same whatever
    other connectors exist (a test keeps the catalog's blocks distinct per domain)."""
    return int(hashlib.md5(name.encode()).hexdigest()[:8], 16) % slots


def weighted(rng: random.Random, options: list[tuple]) -> tuple:
    return rng.choices(options, weights=[o[-1] for o in options], k=1)[0]


def days_between(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


@dataclass(frozen=True)
class Ad:
    id: int
    name: str
    ad_group_id: int
    campaign_id: int


@dataclass(frozen=True)
class AdGroup:
    id: int
    name: str
    campaign_id: int
    ads: tuple[Ad, ...]


@dataclass(frozen=True)
class Campaign:
    id: int
    name: str  # reused verbatim as utm_campaign in analytics
    status: str  # ACTIVE | PAUSED (connectors map to their vocabulary)
    objective: str
    daily_budget_cents: int
    created: date
    ad_groups: tuple[AdGroup, ...]

    @property
    def ads(self) -> list[Ad]:
        return [ad for g in self.ad_groups for ad in g.ads]


@dataclass(frozen=True)
class AdDay:
    """One ad's delivery on one day, in exact units (cents, counts)."""

    ad: Ad
    day: date
    impressions: int
    clicks: int
    spend_cents: int
    conversions: int
    conversion_value_cents: int
    reach: int
    device: str


@dataclass(frozen=True)
class Customer:
    id: int
    email: str
    first_name: str
    last_name: str
    country: str


@dataclass(frozen=True)
class Product:
    id: int
    title: str
    sku: str
    price_cents: int
    created: date


@dataclass(frozen=True)
class LineItem:
    id: int
    product: Product
    quantity: int

    @property
    def total_cents(self) -> int:
        return self.product.price_cents * self.quantity


@dataclass(frozen=True)
class Order:
    id: int
    number: int
    created_at: datetime
    customer: Customer
    line_items: tuple[LineItem, ...]
    discount_cents: int
    tax_cents: int
    shipping_cents: int
    financial_status: str  # canonical: paid, pending, refunded, partially_refunded, voided
    charge_id: str
    utm_source: str | None
    utm_medium: str | None
    utm_campaign: str | None

    @property
    def subtotal_cents(self) -> int:
        return sum(li.total_cents for li in self.line_items)

    @property
    def total_cents(self) -> int:
        return self.subtotal_cents - self.discount_cents + self.tax_cents + self.shipping_cents


@dataclass(frozen=True)
class Event:
    name: str  # canonical funnel name (see FUNNEL)
    ts: datetime
    page_path: str
    order: Order | None = None


@dataclass(frozen=True)
class Session:
    """A visit; ``number`` counts the visitor's sessions that day (GA's ga_session_number)."""

    id: int  # session start, epoch seconds (GA4's ga_session_id is exactly this)
    user_pseudo_id: str
    user_id: str | None  # set when the visitor logged in: the store's customer id
    customer: Customer | None
    number: int
    source: str
    medium: str
    campaign: str | None
    country: str
    device: str
    events: tuple[Event, ...] = field(default_factory=tuple)

    @property
    def start(self) -> datetime:
        return self.events[0].ts

    @property
    def order(self) -> Order | None:
        return next((e.order for e in self.events if e.order is not None), None)


class TenantStory:
    """The facts of one tenant's business, from which every connector's records are drawn."""

    def __init__(self, slug: str, seed: int, volume: float, currency: str,
                 ad_connectors: list[str], store_connectors: list[str]) -> None:
        self.slug = slug
        self.seed = seed
        self.volume = volume
        self.currency = currency
        self.ad_connectors = ad_connectors
        self.store_connectors = store_connectors

    # ---- static entities (from the seed only) ---------------------------------------------
    def campaigns(self, connector: str) -> list[Campaign]:
        return self._campaigns[connector]

    @cached_property
    def _campaigns(self) -> dict[str, list[Campaign]]:
        out: dict[str, list[Campaign]] = {}
        for connector in sorted(set(self.ad_connectors) | set(UTM_SOURCE)):
            rng = rng_for(self.seed, "campaigns", connector)
            themes = rng.sample(CAMPAIGN_THEMES, k=min(len(CAMPAIGN_THEMES), 3 + int(2 * min(self.volume, 4))))
            campaigns = []
            base = 10_000_000 * (name_slot(connector) + 1) + rng.randrange(1_000_000) * 10
            for i, theme in enumerate(themes):
                cid = base + i * 1000
                groups = []
                for g in range(2):
                    gid = cid + 100 * (g + 1)
                    ads = tuple(
                        Ad(id=gid + a + 1, name=f"{theme}_ad_{g + 1}{'ab'[a]}", ad_group_id=gid, campaign_id=cid)
                        for a in range(2)
                    )
                    groups.append(
                        AdGroup(id=gid, name=f"{theme}_{['broad', 'lookalike'][g]}", campaign_id=cid, ads=ads)
                    )
                campaigns.append(
                    Campaign(
                        id=cid,
                        name=f"{self.slug}_{theme}",
                        status="PAUSED" if rng.random() < 0.2 else "ACTIVE",
                        objective=rng.choice(["CONVERSIONS", "TRAFFIC", "AWARENESS"]),
                        daily_budget_cents=rng.randrange(50, 500) * 100,
                        created=date(2025, 1, 1) + timedelta(days=rng.randrange(300)),
                        ad_groups=tuple(groups),
                    )
                )
            out[connector] = campaigns
        return out

    @cached_property
    def customers(self) -> list[Customer]:
        rng = rng_for(self.seed, "customers")
        n = max(60, int(400 * self.volume))
        out = []
        for i in range(n):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            out.append(
                Customer(
                    id=5_000_000 + self.seed % 1000 * 10_000 + i,
                    email=f"{first}.{last}{i}@example.com",
                    first_name=first.title(),
                    last_name=last.title(),
                    country=weighted(rng, COUNTRIES)[0],
                )
            )
        return out

    @cached_property
    def products(self) -> list[Product]:
        rng = rng_for(self.seed, "products")
        out = []
        for i in range(24):
            name = f"{rng.choice(PRODUCT_ADJECTIVES)} {PRODUCT_NOUNS[i % len(PRODUCT_NOUNS)]}"
            out.append(
                Product(
                    id=800_000 + i * 7,
                    title=name,
                    sku=f"SKU-{self.seed % 1000:03d}-{i:04d}",
                    price_cents=rng.randrange(9, 180) * 100 + rng.choice([0, 50, 99]),
                    created=date(2024, 6, 1) + timedelta(days=rng.randrange(400)),
                )
            )
        return out

    def _all_campaign_names(self) -> list[tuple[str, str, str]]:
        """(utm_source, utm_medium, utm_campaign) for the tenant's own ad platforms."""
        return [
            (UTM_SOURCE[c], "cpc" if c != "linkedin_ads" else "paid_social", camp.name)
            for c in self.ad_connectors
            for camp in self.campaigns(c)
        ]

    # ---- daily facts ----------------------------------------------------------------------
    def ad_days(self, connector: str, day: date) -> list[AdDay]:
        rng = rng_for(self.seed, "ads", connector, day.isoformat())
        weekday = 1.15 if day.weekday() < 5 else 0.8
        out = []
        for camp in self.campaigns(connector):
            if camp.status == "PAUSED" and rng.random() < 0.7:
                continue
            for ad in camp.ads:
                impressions = int(rng.randrange(200, 4000) * self.volume * weekday)
                if impressions == 0:
                    continue
                clicks = int(impressions * rng.uniform(0.004, 0.035))
                spend_cents = int(clicks * rng.uniform(25, 180)) + rng.randrange(0, 100)
                conversions = int(clicks * rng.uniform(0.0, 0.08))
                out.append(
                    AdDay(
                        ad=ad,
                        day=day,
                        impressions=impressions,
                        clicks=clicks,
                        spend_cents=spend_cents,
                        conversions=conversions,
                        conversion_value_cents=conversions * rng.randrange(3000, 15000),
                        reach=int(impressions * rng.uniform(0.6, 0.95)),
                        device=weighted(rng, DEVICES)[0],
                    )
                )
        return out

    def orders(self, day: date, store: str) -> list[Order]:
        """The day's orders in one store (``store`` is the ecommerce connector key)."""
        return self._orders(day, store)

    def _orders(self, day: date, store: str) -> list[Order]:
        rng = rng_for(self.seed, "orders", store, day.isoformat())
        weekday = 1.1 if day.weekday() < 5 else 0.85
        n = max(1, int(rng.uniform(14, 26) * self.volume * weekday))
        day_no = (day - EPOCH).days
        campaigns = self._all_campaign_names()
        customers = self.customers
        out = []
        for i in range(n):
            oid = 4_000_000_000 + name_slot(store) * 1_000_000_000 + day_no * 100_000 + i
            # a skewed choice makes some customers return again and again
            cust = customers[
                min(len(customers) - 1, int(rng.paretovariate(1.2) * 3) - 3 + rng.randrange(len(customers)) // 4)
            ]
            items = tuple(
                LineItem(id=oid * 10 + k, product=rng.choice(self.products), quantity=rng.choice([1, 1, 1, 2, 3]))
                for k in range(rng.choice([1, 1, 2, 3]))
            )
            subtotal = sum(li.total_cents for li in items)
            discount = subtotal // 10 if rng.random() < 0.2 else 0
            src: str | None
            med: str | None
            camp: str | None
            if campaigns and rng.random() < 0.55:
                src, med, camp = rng.choice(campaigns)
            elif rng.random() < 0.5:
                src, med, camp = (*rng.choice(ORGANIC_SOURCES), None)
            else:
                src = med = camp = None
            seconds = rng.randrange(6 * 3600, 23 * 3600)
            out.append(
                Order(
                    id=oid,
                    number=1000 + day_no * 100 + i,
                    created_at=datetime.combine(day, datetime.min.time(), UTC) + timedelta(seconds=seconds),
                    customer=cust,
                    line_items=items,
                    discount_cents=discount,
                    tax_cents=(subtotal - discount) * 8 // 100,
                    shipping_cents=0 if subtotal > 7500 else 599,
                    financial_status=weighted(rng, FINANCIAL_STATUSES)[0],
                    charge_id=f"ch_{hashlib.md5(f'{self.seed}:{oid}'.encode()).hexdigest()[:24]}",
                    utm_source=src,
                    utm_medium=med,
                    utm_campaign=camp,
                )
            )
        return sorted(out, key=lambda o: (o.created_at, o.id))

    def sessions(self, day: date) -> list[Session]:
        """The day's web sessions; every store order with an online touch gets a converting session."""
        rng = rng_for(self.seed, "sessions", day.isoformat())
        campaigns = self._all_campaign_names()
        orders = [o for s in self.store_connectors for o in self.orders(day, s)]
        n_browse = int(rng.uniform(110, 170) * self.volume)
        sessions: list[Session] = []
        start_of_day = datetime.combine(day, datetime.min.time(), UTC)
        # visitors: ~30% are known customers (they log in), the rest anonymous
        for i in range(n_browse + len(orders)):
            order = orders[i - n_browse] if i >= n_browse else None
            if order is not None:
                cust: Customer | None = order.customer
                src, med, camp = (order.utm_source or "(direct)", order.utm_medium or "(none)", order.utm_campaign)
                start = order.created_at - timedelta(seconds=rng.randrange(120, 1500))
                if start.date() != day:
                    start = start_of_day + timedelta(seconds=rng.randrange(60, 600))
            else:
                cust = rng.choice(self.customers) if rng.random() < 0.3 else None
                if campaigns and rng.random() < 0.5:
                    src, med, camp = rng.choice(campaigns)
                else:
                    src, med = rng.choice(ORGANIC_SOURCES)
                    camp = None
                start = start_of_day + timedelta(seconds=rng.randrange(0, 22 * 3600))
            pseudo = (
                f"{cust.id % 100000:05d}.{self.seed % 997}"
                if cust
                else f"{rng.randrange(10**9, 10**10)}.{rng.randrange(10**9, 10**10)}"
            )
            depth = len(FUNNEL) if order else rng.choice([1, 1, 1, 2, 2, 3, 4])
            events, ts = [], start
            for step in range(depth):
                name = FUNNEL[step] if order or step < len(FUNNEL) - 1 else "page_view"
                page = {
                    "page_view": "/",
                    "view_item": f"/products/{rng.choice(self.products).sku.lower()}",
                    "add_to_cart": "/cart",
                    "begin_checkout": "/checkout",
                    "purchase": "/checkout/thank-you",
                }[name]
                events.append(Event(name=name, ts=ts, page_path=page, order=order if name == "purchase" else None))
                ts = ts + timedelta(seconds=rng.randrange(5, 600))
            if order:  # the purchase event lands when the order is created
                events[-1] = Event(
                    name="purchase",
                    ts=max(order.created_at, events[-2].ts + timedelta(seconds=1)),
                    page_path="/checkout/thank-you",
                    order=order,
                )
            sessions.append(
                Session(
                    id=int(start.timestamp()),
                    user_pseudo_id=pseudo,
                    user_id=str(cust.id) if cust and (order or rng.random() < 0.5) else None,
                    customer=cust,
                    number=1,
                    source=src,
                    medium=med,
                    campaign=camp,
                    country=(cust.country if cust else weighted(rng, COUNTRIES)[0]),
                    device=weighted(rng, DEVICES)[0],
                    events=tuple(events),
                )
            )
        # a visitor's sessions the same day must be > 30 min apart to stay distinct sessions
        # under inactivity-based sessionization; drop the ones that would merge
        by_user: dict[str, list[Session]] = {}
        for s in sorted(sessions, key=lambda s: (s.user_pseudo_id, s.start)):
            prev = by_user.setdefault(s.user_pseudo_id, [])
            if prev and s.start - prev[-1].events[-1].ts < timedelta(minutes=45):
                if s.order is None:
                    continue
                # keep converting sessions; move the earlier browse session out of the way
                if prev[-1].order is None:
                    prev.pop()
                else:
                    continue
            prev.append(s)
        kept = [s for group in by_user.values() for s in group]
        # number sessions per visitor (ga_session_number) and keep session ids unique per visitor
        out = []
        for group in by_user.values():
            for n, s in enumerate(group, start=1):
                out.append(Session(**{**s.__dict__, "number": n}))
        assert len(out) == len(kept)
        return sorted(out, key=lambda s: (s.start, s.user_pseudo_id))

    def converted_orders(self, day: date) -> set[int]:
        return {s.order.id for s in self.sessions(day) if s.order is not None}
