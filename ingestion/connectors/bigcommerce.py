"""BigCommerce REST API: v2 ``orders`` and v3 catalog ``products``, rendered from the story.

Orders are the story's orders of the day for the ``bigcommerce`` store, shaped like
``GET /v2/orders`` items: dates as RFC-2822 strings in UTC ("Sat, 03 Mar 2018
02:35:28 +0000"), money as strings with 4 decimals ("35.6300"), the payment
processor's charge id in ``payment_provider_id``, the buyer in ``billing_address``
and the line items behind a ``products: {url, resource}`` sub-resource link (as
the real v2 API does; line items are not embedded). ``total_inc_tax`` is
``Order.total_cents / 100`` = subtotal_ex_tax - discount_amount + shipping_cost_ex_tax + total_tax.

Canonical -> BigCommerce ``status_id`` / ``status`` / ``payment_status``:
paid -> 10 Completed, 2 Shipped or 11 Awaiting Fulfillment (payment "captured");
pending -> 7 Awaiting Payment or 1 Pending ("pending"); refunded -> 4 Refunded
("refunded"); partially_refunded -> 14 Partially Refunded ("partially refunded",
``refunded_amount`` > 0); voided -> 5 Cancelled ("void").

Products follow the v3 catalog (``GET /v3/catalog/products`` data items): numeric
prices, ISO 8601 dates; names are made unique, as BigCommerce requires.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from email.utils import format_datetime
from functools import partial

from ingestion.connectors._store_common import (
    CITIES,
    COUNTRY_NAMES,
    ApiRecord,
    OrderFacts,
    money,
    order_facts,
    product_times,
    store_orders,
    synonym,
)
from ingestion.story import Order, Product, TenantStory, rng_for

# canonical financial_status -> [(status_id, status)], a synonym picked per order
STATUSES: dict[str, list[tuple[int, str]]] = {
    "paid": [(10, "Completed"), (2, "Shipped"), (11, "Awaiting Fulfillment")],
    "pending": [(7, "Awaiting Payment"), (1, "Pending")],
    "refunded": [(4, "Refunded")],
    "partially_refunded": [(14, "Partially Refunded")],
    "voided": [(5, "Cancelled")],
}
PAYMENT_STATUS = {"paid": "captured", "pending": "pending", "refunded": "refunded",
                  "partially_refunded": "partially refunded", "voided": "void"}
SHIPPED_STATUS_IDS = {10, 2, 14}


class BillingAddress(ApiRecord):
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    street_1: str | None = None
    street_2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    country_iso2: str | None = None
    phone: str | None = None
    email: str | None = None


class Link(ApiRecord):
    url: str | None = None
    resource: str | None = None


class BigCommerceOrder(ApiRecord):
    id: int | None = None
    customer_id: int | None = None
    date_created: str | None = None
    date_modified: str | None = None
    date_shipped: str | None = None
    status_id: int | None = None
    status: str | None = None
    custom_status: str | None = None
    subtotal_ex_tax: str | None = None
    subtotal_inc_tax: str | None = None
    subtotal_tax: str | None = None
    base_shipping_cost: str | None = None
    shipping_cost_ex_tax: str | None = None
    shipping_cost_inc_tax: str | None = None
    shipping_cost_tax: str | None = None
    base_handling_cost: str | None = None
    total_ex_tax: str | None = None
    total_inc_tax: str | None = None
    total_tax: str | None = None
    discount_amount: str | None = None
    coupon_discount: str | None = None
    refunded_amount: str | None = None
    items_total: int | None = None
    items_shipped: int | None = None
    payment_method: str | None = None
    payment_provider_id: str | None = None
    payment_status: str | None = None
    currency_id: int | None = None
    currency_code: str | None = None
    currency_exchange_rate: str | None = None
    default_currency_code: str | None = None
    store_default_currency_code: str | None = None
    geoip_country: str | None = None
    geoip_country_iso2: str | None = None
    is_email_opt_in: bool | None = None
    is_deleted: bool | None = None
    order_is_digital: bool | None = None
    order_source: str | None = None
    channel_id: int | None = None
    customer_message: str | None = None
    staff_notes: str | None = None
    billing_address: BillingAddress | None = None
    products: Link | None = None
    shipping_addresses: Link | None = None
    coupons: Link | None = None


class CustomUrl(ApiRecord):
    url: str | None = None
    is_customized: bool | None = None


class BigCommerceProduct(ApiRecord):
    id: int | None = None
    name: str | None = None
    type: str | None = None
    sku: str | None = None
    description: str | None = None
    weight: float | None = None
    price: float | None = None
    cost_price: float | None = None
    retail_price: float | None = None
    sale_price: float | None = None
    calculated_price: float | None = None
    tax_class_id: int | None = None
    brand_id: int | None = None
    inventory_level: int | None = None
    inventory_tracking: str | None = None
    is_visible: bool | None = None
    is_featured: bool | None = None
    availability: str | None = None
    condition: str | None = None
    base_variant_id: int | None = None
    date_created: str | None = None
    date_modified: str | None = None
    custom_url: CustomUrl | None = None


CONTRACTS = {"orders": BigCommerceOrder, "products": BigCommerceProduct}


def _rfc2822(dt: datetime) -> str:
    return format_datetime(dt.astimezone(UTC))


def _store_hash(story: TenantStory) -> str:
    return hashlib.md5(f"{story.slug}:{story.seed}".encode()).hexdigest()[:10]


def status(order: Order, facts: OrderFacts) -> tuple[int, str]:
    return synonym(STATUSES[order.financial_status], facts)


def _link(story: TenantStory, order: Order, sub: str) -> dict:
    resource = f"/orders/{order.id}/{sub}"
    return {"url": f"https://api.bigcommerce.com/stores/{_store_hash(story)}/v2{resource}", "resource": resource}


def _order(story: TenantStory, connector: str, order: Order) -> dict:
    facts = order_facts(story, connector, order)
    status_id, status_name = status(order, facts)
    shipped = status_id in SHIPPED_STATUS_IDS
    cust, cur = order.customer, story.currency
    m = partial(money, places=4)  # BigCommerce renders 4 decimals
    items = sum(li.quantity for li in order.line_items)
    return {
        "id": order.id, "customer_id": cust.id,
        "date_created": _rfc2822(order.created_at), "date_modified": _rfc2822(facts.updated_at),
        "date_shipped": _rfc2822(facts.closed_at) if shipped and facts.closed_at else "",
        "status_id": status_id, "status": status_name, "custom_status": status_name,
        "subtotal_ex_tax": m(order.subtotal_cents), "subtotal_inc_tax": m(order.subtotal_cents + order.tax_cents),
        "subtotal_tax": m(order.tax_cents),
        "base_shipping_cost": m(order.shipping_cents), "shipping_cost_ex_tax": m(order.shipping_cents),
        "shipping_cost_inc_tax": m(order.shipping_cents), "shipping_cost_tax": m(0), "base_handling_cost": m(0),
        "total_ex_tax": m(order.total_cents - order.tax_cents), "total_inc_tax": m(order.total_cents),
        "total_tax": m(order.tax_cents), "discount_amount": m(order.discount_cents), "coupon_discount": m(0),
        "refunded_amount": m(facts.refund_cents),
        "items_total": items, "items_shipped": items if shipped else 0,
        "payment_method": "Credit Card", "payment_provider_id": order.charge_id,
        "payment_status": PAYMENT_STATUS[order.financial_status],
        "currency_id": 1, "currency_code": cur, "currency_exchange_rate": "1.0000000000",
        "default_currency_code": cur, "store_default_currency_code": cur,
        "geoip_country": COUNTRY_NAMES.get(cust.country, ""), "geoip_country_iso2": cust.country,
        "is_email_opt_in": facts.accepts_marketing, "is_deleted": False, "order_is_digital": False,
        "order_source": "www", "channel_id": 1, "customer_message": "", "staff_notes": "",
        "billing_address": {
            "first_name": cust.first_name, "last_name": cust.last_name, "company": "", "street_1": "",
            "street_2": "", "city": CITIES.get(cust.country, ""), "state": "", "zip": "",
            "country": COUNTRY_NAMES.get(cust.country, ""), "country_iso2": cust.country, "phone": "",
            "email": cust.email,
        },
        "products": _link(story, order, "products"),
        "shipping_addresses": _link(story, order, "shipping_addresses"),
        "coupons": _link(story, order, "coupons"),
    }


def _product(story: TenantStory, connector: str, product: Product, name: str) -> dict:
    created, modified = (t.isoformat(timespec="seconds") for t in product_times(product))
    rng = rng_for(story.seed, connector, "products", product.id)
    price = product.price_cents / 100
    return {
        "id": product.id, "name": name, "type": "physical", "sku": product.sku,
        "description": f"<p>{product.title}</p>", "weight": float(rng.randrange(1, 40)) / 10,
        "price": price, "cost_price": round(price * 0.45, 2), "retail_price": 0.0, "sale_price": 0.0,
        "calculated_price": price, "tax_class_id": 0, "brand_id": 0,
        "inventory_level": rng.randrange(0, 400), "inventory_tracking": "product",
        "is_visible": True, "is_featured": False, "availability": "available", "condition": "New",
        "base_variant_id": product.id * 10 + 1, "date_created": created, "date_modified": modified,
        "custom_url": {"url": f"/{product.sku.lower()}/", "is_customized": False},
    }


def _unique_names(products: list[Product]) -> list[str]:
    """BigCommerce rejects duplicate product names: a repeated title gets its SKU appended."""
    seen: set[str] = set()
    names = []
    for p in products:
        names.append(p.title if p.title not in seen else f"{p.title} ({p.sku})")
        seen.add(p.title)
    return names


def generate(story: TenantStory, connector: str, start: date, end: date) -> dict[str, list[dict]]:
    """Orders created on days start..end (UTC) and the whole v3 product catalog."""
    return {
        "orders": [_order(story, connector, o) for o in store_orders(story, connector, start, end)],
        "products": [_product(story, connector, p, name)
                     for p, name in zip(story.products, _unique_names(story.products), strict=True)],
    }
