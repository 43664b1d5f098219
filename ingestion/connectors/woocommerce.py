"""WooCommerce REST API v3 (``/wp-json/wc/v3``): ``orders`` and ``products``, from the story.

Orders are the story's orders of the day for the ``woocommerce`` store, shaped like
``GET /orders`` items: money as decimal strings ("123.45"), ``number`` a string,
``date_created`` in the site's local time without offset and ``date_created_gmt``
in UTC (also without offset). ``total`` is ``Order.total_cents / 100`` = sum of
line ``total`` (after discount) + ``shipping_total`` + ``total_tax``.

The charge id is in ``transaction_id`` and in ``meta_data`` under key
``_stripe_charge_id`` (the WooCommerce Stripe gateway's key). The utm touch is in
``meta_data`` under WooCommerce Order Attribution's keys
``_wc_order_attribution_{source_type,utm_source,utm_medium,utm_campaign,referrer}``
(source_type "utm", "organic", "referral" or "typein"). All meta values are strings.

Canonical -> WooCommerce ``status``: paid -> "completed" or "processing"; pending ->
"pending" or "on-hold"; refunded -> "refunded"; voided -> "cancelled";
partially_refunded -> "completed" with a non-empty ``refunds`` list. So: completed or
processing with ``refunds == []`` is paid, completed with refunds is partially_refunded.
``refunds`` items carry ``total`` as a negative string ("-12.34").

Line items carry no ``meta_data`` / ``taxes`` lists (no lists nested in child rows).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from ingestion.connectors._store_common import (
    CITIES,
    ApiRecord,
    OrderFacts,
    iso_naive,
    money,
    order_facts,
    product_times,
    referring_site,
    shop_tz,
    store_records,
    synonym,
)
from ingestion.story import PRODUCT_NOUNS, UTC, Order, Product, TenantStory, rng_for

# canonical financial_status -> WooCommerce statuses, a synonym picked per order
STATUSES: dict[str, tuple[str, ...]] = {
    "paid": ("completed", "processing"), "pending": ("pending", "on-hold"), "refunded": ("refunded",),
    "partially_refunded": ("completed",), "voided": ("cancelled",),
}
ATTRIBUTION = "_wc_order_attribution_"


class Address(ApiRecord):
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    address_1: str | None = None
    address_2: str | None = None
    city: str | None = None
    state: str | None = None
    postcode: str | None = None
    country: str | None = None
    phone: str | None = None


class Billing(Address):
    email: str | None = None


class MetaData(ApiRecord):
    id: int | None = None
    key: str | None = None
    value: str | None = None


class LineItem(ApiRecord):
    id: int | None = None
    name: str | None = None
    product_id: int | None = None
    variation_id: int | None = None
    quantity: int | None = None
    tax_class: str | None = None
    subtotal: str | None = None
    subtotal_tax: str | None = None
    total: str | None = None
    total_tax: str | None = None
    sku: str | None = None
    price: float | None = None


class ShippingLine(ApiRecord):
    id: int | None = None
    method_title: str | None = None
    method_id: str | None = None
    total: str | None = None
    total_tax: str | None = None


class CouponLine(ApiRecord):
    id: int | None = None
    code: str | None = None
    discount: str | None = None
    discount_tax: str | None = None


class Refund(ApiRecord):
    id: int | None = None
    reason: str | None = None
    total: str | None = None


class WooOrder(ApiRecord):
    id: int | None = None
    parent_id: int | None = None
    number: str | None = None
    order_key: str | None = None
    created_via: str | None = None
    version: str | None = None
    status: str | None = None
    currency: str | None = None
    date_created: str | None = None
    date_created_gmt: str | None = None
    date_modified: str | None = None
    date_modified_gmt: str | None = None
    date_paid: str | None = None
    date_paid_gmt: str | None = None
    date_completed: str | None = None
    date_completed_gmt: str | None = None
    discount_total: str | None = None
    discount_tax: str | None = None
    shipping_total: str | None = None
    shipping_tax: str | None = None
    cart_tax: str | None = None
    total: str | None = None
    total_tax: str | None = None
    prices_include_tax: bool | None = None
    customer_id: int | None = None
    customer_note: str | None = None
    payment_method: str | None = None
    payment_method_title: str | None = None
    transaction_id: str | None = None
    cart_hash: str | None = None
    billing: Billing | None = None
    shipping: Address | None = None
    meta_data: list[MetaData] | None = None
    line_items: list[LineItem] | None = None
    shipping_lines: list[ShippingLine] | None = None
    coupon_lines: list[CouponLine] | None = None
    refunds: list[Refund] | None = None


class Category(ApiRecord):
    id: int | None = None
    name: str | None = None
    slug: str | None = None


class WooProduct(ApiRecord):
    id: int | None = None
    name: str | None = None
    slug: str | None = None
    permalink: str | None = None
    date_created: str | None = None
    date_created_gmt: str | None = None
    date_modified: str | None = None
    date_modified_gmt: str | None = None
    type: str | None = None
    status: str | None = None
    featured: bool | None = None
    catalog_visibility: str | None = None
    description: str | None = None
    short_description: str | None = None
    sku: str | None = None
    price: str | None = None
    regular_price: str | None = None
    sale_price: str | None = None
    on_sale: bool | None = None
    purchasable: bool | None = None
    virtual: bool | None = None
    downloadable: bool | None = None
    tax_status: str | None = None
    tax_class: str | None = None
    manage_stock: bool | None = None
    stock_quantity: int | None = None
    stock_status: str | None = None
    weight: str | None = None
    categories: list[Category] | None = None


CONTRACTS = {"orders": WooOrder, "products": WooProduct}


def status(order: Order, facts: OrderFacts) -> str:
    return synonym(STATUSES[order.financial_status], facts)


def _site(story: TenantStory) -> str:
    return f"https://{story.slug.replace('_', '-')}.example.com"


def _attribution(order: Order) -> list[tuple[str, str]]:
    """WooCommerce Order Attribution meta (sourcebuster values; "(direct)"/"(none)" for type-in)."""
    if order.utm_source is None:
        return []
    source_type = ("typein" if order.utm_source == "(direct)" else
                   {"organic": "organic", "referral": "referral"}.get(order.utm_medium or "", "utm"))
    pairs = [("source_type", source_type), ("utm_source", order.utm_source), ("utm_medium", order.utm_medium or "")]
    if order.utm_campaign:
        pairs.append(("utm_campaign", order.utm_campaign))
    if referrer := referring_site(order):
        pairs.append(("referrer", referrer))
    return [(ATTRIBUTION + key, value) for key, value in pairs]


def _order(story: TenantStory, connector: str, order: Order) -> dict:
    facts = order_facts(story, connector, order)
    tz, cust, woo_status = shop_tz(story), order.customer, status(order, facts)

    def local(dt: datetime | None) -> str | None:
        return iso_naive(dt, tz) if dt is not None else None

    def gmt(dt: datetime | None) -> str | None:
        return iso_naive(dt, UTC) if dt is not None else None

    completed = facts.closed_at if woo_status in ("completed", "refunded") else None
    address = {"first_name": cust.first_name, "last_name": cust.last_name, "company": "", "address_1": "",
               "address_2": "", "city": CITIES.get(cust.country, ""), "state": "", "postcode": "",
               "country": cust.country, "phone": ""}
    meta = [("_stripe_charge_id", order.charge_id), *_attribution(order)]
    digest = hashlib.md5(f"{story.seed}:{order.id}".encode()).hexdigest()
    return {
        "id": order.id, "parent_id": 0, "number": str(order.number), "order_key": f"wc_order_{digest[:13]}",
        "created_via": "checkout", "version": "8.5.2", "status": woo_status, "currency": story.currency,
        "date_created": local(order.created_at), "date_created_gmt": gmt(order.created_at),
        "date_modified": local(facts.updated_at), "date_modified_gmt": gmt(facts.updated_at),
        "date_paid": local(facts.paid_at), "date_paid_gmt": gmt(facts.paid_at),
        "date_completed": local(completed), "date_completed_gmt": gmt(completed),
        "discount_total": money(order.discount_cents), "discount_tax": money(0),
        "shipping_total": money(order.shipping_cents), "shipping_tax": money(0),
        "cart_tax": money(order.tax_cents), "total": money(order.total_cents), "total_tax": money(order.tax_cents),
        "prices_include_tax": False, "customer_id": cust.id, "customer_note": "",
        "payment_method": "stripe", "payment_method_title": "Credit Card (Stripe)", "transaction_id": order.charge_id,
        "cart_hash": digest,
        "billing": {**address, "email": cust.email},
        "shipping": address,
        "meta_data": [{"id": order.id * 10 + k, "key": key, "value": value} for k, (key, value) in enumerate(meta)],
        "line_items": [{
            "id": li.id, "name": li.product.title, "product_id": li.product.id, "variation_id": 0,
            "quantity": li.quantity, "tax_class": "", "subtotal": money(li.total_cents), "subtotal_tax": money(tax),
            "total": money(li.total_cents - discount), "total_tax": money(tax), "sku": li.product.sku,
            "price": li.product.price_cents / 100,
        } for li, discount, tax in zip(order.line_items, facts.line_discounts, facts.line_taxes, strict=True)],
        "shipping_lines": [{
            "id": order.id * 10 + 8, "method_title": "Flat rate" if order.shipping_cents else "Free shipping",
            "method_id": "flat_rate" if order.shipping_cents else "free_shipping",
            "total": money(order.shipping_cents), "total_tax": money(0),
        }],
        "coupon_lines": ([{"id": order.id * 10 + 7, "code": facts.discount_code.lower(),
                           "discount": money(order.discount_cents), "discount_tax": money(0)}]
                         if order.discount_cents else []),
        "refunds": ([{"id": order.id * 10 + 6, "reason": "", "total": money(-facts.refund_cents)}]
                    if facts.refund_cents else []),
    }


def _product(story: TenantStory, connector: str, product: Product) -> dict:
    tz = shop_tz(story)
    created, modified = product_times(product)
    rng = rng_for(story.seed, connector, "products", product.id)
    noun = product.title.split(" ", 1)[1]
    slug = product.sku.lower()
    price = money(product.price_cents)
    return {
        "id": product.id, "name": product.title, "slug": slug, "permalink": f"{_site(story)}/product/{slug}/",
        "date_created": iso_naive(created, tz), "date_created_gmt": iso_naive(created, UTC),
        "date_modified": iso_naive(modified, tz), "date_modified_gmt": iso_naive(modified, UTC),
        "type": "simple", "status": "publish", "featured": False, "catalog_visibility": "visible",
        "description": f"<p>The {product.title}.</p>", "short_description": "", "sku": product.sku,
        "price": price, "regular_price": price, "sale_price": "", "on_sale": False, "purchasable": True,
        "virtual": False, "downloadable": False, "tax_status": "taxable", "tax_class": "",
        "manage_stock": True, "stock_quantity": rng.randrange(1, 400), "stock_status": "instock",
        "weight": f"{rng.randrange(1, 40) / 10:.1f}",
        "categories": [{"id": 15 + PRODUCT_NOUNS.index(noun), "name": noun,
                        "slug": noun.lower().replace(" ", "-")}],
    }


def generate(story: TenantStory, connector: str, start: date, end: date) -> dict[str, list[dict]]:
    """Orders created on days start..end (UTC) and the whole product catalog."""
    return store_records(story, connector, start, end, _order, _product)
