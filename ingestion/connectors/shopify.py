"""Shopify Admin REST API (2024-01): ``orders`` and ``products``, rendered from the story.

Orders are the story's orders of the day for the ``shopify`` store, shaped like
``GET /admin/api/2024-01/orders.json`` items: money as decimal strings ("123.45"),
times as ISO 8601 in the shop's zone with its offset, the payment processor's
charge id in ``note_attributes`` (name ``stripe_charge_id``), the utm touch as the
query string of ``landing_site``. ``total_price`` is ``Order.total_cents / 100``.

Canonical -> Shopify ``financial_status``: paid -> "paid"; pending -> "pending" or
"authorized" (both read back as pending); refunded -> "refunded"; partially_refunded
-> "partially_refunded"; voided -> "voided" (and ``cancelled_at`` is set).
Refunds are visible as ``total_price - current_total_price``.

Products are the story's catalog (``GET /products.json``), one default variant each;
the handle is the SKU in lower case, so ``/products/{handle}`` matches analytics page paths.
"""

from __future__ import annotations

from datetime import date, datetime

from ingestion.connectors._store_common import (
    CITIES,
    COUNTRY_NAMES,
    ApiRecord,
    OrderFacts,
    customer_created,
    iso_offset,
    landing_site,
    money,
    order_facts,
    product_times,
    referring_site,
    shop_tz,
    store_records,
    synonym,
)
from ingestion.story import Order, Product, TenantStory, rng_for

# canonical financial_status -> Shopify financial_status, a synonym picked per order
STATUSES: dict[str, tuple[str, ...]] = {
    "paid": ("paid",), "pending": ("pending", "authorized"), "refunded": ("refunded",),
    "partially_refunded": ("partially_refunded",), "voided": ("voided",),
}


class Address(ApiRecord):
    first_name: str | None = None
    last_name: str | None = None
    name: str | None = None
    city: str | None = None
    country: str | None = None
    country_code: str | None = None


class DefaultAddress(Address):
    id: int | None = None
    customer_id: int | None = None
    default: bool | None = None


class OrderCustomer(ApiRecord):
    id: int | None = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    state: str | None = None
    verified_email: bool | None = None
    currency: str | None = None
    tags: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    admin_graphql_api_id: str | None = None
    default_address: DefaultAddress | None = None


class LineItem(ApiRecord):
    id: int | None = None
    admin_graphql_api_id: str | None = None
    product_id: int | None = None
    variant_id: int | None = None
    sku: str | None = None
    title: str | None = None
    name: str | None = None
    variant_title: str | None = None
    vendor: str | None = None
    quantity: int | None = None
    price: str | None = None
    total_discount: str | None = None
    requires_shipping: bool | None = None
    taxable: bool | None = None
    gift_card: bool | None = None


class NoteAttribute(ApiRecord):
    name: str | None = None
    value: str | None = None


class DiscountCode(ApiRecord):
    code: str | None = None
    amount: str | None = None
    type: str | None = None


class ShippingLine(ApiRecord):
    id: int | None = None
    title: str | None = None
    code: str | None = None
    source: str | None = None
    price: str | None = None
    discounted_price: str | None = None


class TaxLine(ApiRecord):
    title: str | None = None
    rate: float | None = None
    price: str | None = None


class Money(ApiRecord):
    amount: str | None = None
    currency_code: str | None = None


class MoneySet(ApiRecord):
    shop_money: Money | None = None
    presentment_money: Money | None = None


class ShopifyOrder(ApiRecord):
    id: int | None = None
    admin_graphql_api_id: str | None = None
    name: str | None = None
    order_number: int | None = None
    email: str | None = None
    contact_email: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    processed_at: str | None = None
    closed_at: str | None = None
    cancelled_at: str | None = None
    cancel_reason: str | None = None
    currency: str | None = None
    presentment_currency: str | None = None
    total_price: str | None = None
    subtotal_price: str | None = None
    total_line_items_price: str | None = None
    total_tax: str | None = None
    total_discounts: str | None = None
    total_outstanding: str | None = None
    current_total_price: str | None = None
    total_shipping_price_set: MoneySet | None = None
    taxes_included: bool | None = None
    financial_status: str | None = None
    fulfillment_status: str | None = None
    confirmed: bool | None = None
    buyer_accepts_marketing: bool | None = None
    landing_site: str | None = None
    referring_site: str | None = None
    source_name: str | None = None
    tags: str | None = None
    test: bool | None = None
    customer: OrderCustomer | None = None
    billing_address: Address | None = None
    line_items: list[LineItem] | None = None
    note_attributes: list[NoteAttribute] | None = None
    discount_codes: list[DiscountCode] | None = None
    shipping_lines: list[ShippingLine] | None = None
    tax_lines: list[TaxLine] | None = None


class Variant(ApiRecord):
    id: int | None = None
    product_id: int | None = None
    title: str | None = None
    price: str | None = None
    sku: str | None = None
    position: int | None = None
    option1: str | None = None
    inventory_policy: str | None = None
    inventory_management: str | None = None
    fulfillment_service: str | None = None
    inventory_item_id: int | None = None
    inventory_quantity: int | None = None
    grams: int | None = None
    taxable: bool | None = None
    requires_shipping: bool | None = None
    created_at: str | None = None
    updated_at: str | None = None
    admin_graphql_api_id: str | None = None


class ShopifyProduct(ApiRecord):
    id: int | None = None
    admin_graphql_api_id: str | None = None
    title: str | None = None
    handle: str | None = None
    body_html: str | None = None
    vendor: str | None = None
    product_type: str | None = None
    status: str | None = None
    tags: str | None = None
    published_scope: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    published_at: str | None = None
    variants: list[Variant] | None = None


CONTRACTS = {"orders": ShopifyOrder, "products": ShopifyProduct}


def _gid(kind: str, id_: int) -> str:
    return f"gid://shopify/{kind}/{id_}"


def _vendor(story: TenantStory) -> str:
    return story.slug.replace("_", " ").title()


def _variant_id(product: Product) -> int:
    return product.id * 10 + 1


def financial_status(order: Order, facts: OrderFacts) -> str:
    return synonym(STATUSES[order.financial_status], facts)


def _fulfillment_status(order: Order, facts: OrderFacts) -> str | None:
    """Shopify sends null while unfulfilled; paid orders ship within a few hours to days."""
    if order.financial_status == "partially_refunded" or (order.financial_status == "paid" and facts.variant < 0.8):
        return "fulfilled"
    return None


def _order(story: TenantStory, connector: str, order: Order) -> dict:
    facts = order_facts(story, connector, order)
    tz, cur, cust = shop_tz(story), story.currency, order.customer

    def at(dt: datetime | None) -> str | None:
        return iso_offset(dt, tz) if dt is not None else None

    shipping = money(order.shipping_cents)
    fulfillment = _fulfillment_status(order, facts)
    fulfilled = fulfillment == "fulfilled"
    address = {
        "first_name": cust.first_name,
        "last_name": cust.last_name,
        "name": f"{cust.first_name} {cust.last_name}",
        "city": CITIES.get(cust.country, ""),
        "country": COUNTRY_NAMES.get(cust.country, ""),
        "country_code": cust.country,
    }
    return {
        "id": order.id,
        "admin_graphql_api_id": _gid("Order", order.id),
        "name": f"#{order.number}",
        "order_number": order.number,
        "email": cust.email,
        "contact_email": cust.email,
        "created_at": at(order.created_at),
        "updated_at": at(facts.updated_at),
        "processed_at": at(order.created_at),
        "closed_at": at(facts.closed_at if fulfilled or order.financial_status == "refunded" else None),
        "cancelled_at": at(facts.cancelled_at),
        "cancel_reason": "declined" if facts.cancelled_at else None,
        "currency": cur,
        "presentment_currency": cur,
        "total_price": money(order.total_cents),
        "subtotal_price": money(order.subtotal_cents - order.discount_cents),
        "total_line_items_price": money(order.subtotal_cents),
        "total_tax": money(order.tax_cents),
        "total_discounts": money(order.discount_cents),
        "total_outstanding": money(order.total_cents if order.financial_status == "pending" else 0),
        "current_total_price": money(0 if facts.cancelled_at else order.total_cents - facts.refund_cents),
        "total_shipping_price_set": {
            "shop_money": {"amount": shipping, "currency_code": cur},
            "presentment_money": {"amount": shipping, "currency_code": cur},
        },
        "taxes_included": False,
        "financial_status": financial_status(order, facts),
        "fulfillment_status": fulfillment,
        "confirmed": True,
        "buyer_accepts_marketing": facts.accepts_marketing,
        "landing_site": landing_site(order),
        "referring_site": referring_site(order),
        "source_name": "web",
        "tags": "",
        "test": False,
        "customer": {
            "id": cust.id,
            "email": cust.email,
            "first_name": cust.first_name,
            "last_name": cust.last_name,
            "state": "enabled",
            "verified_email": True,
            "currency": cur,
            "tags": "",
            "created_at": at(customer_created(story, cust)),
            "updated_at": at(order.created_at),
            "admin_graphql_api_id": _gid("Customer", cust.id),
            "default_address": {"id": cust.id * 10 + 1, "customer_id": cust.id, **address, "default": True},
        },
        "billing_address": address,
        "line_items": [
            {
                "id": li.id,
                "admin_graphql_api_id": _gid("LineItem", li.id),
                "product_id": li.product.id,
                "variant_id": _variant_id(li.product),
                "sku": li.product.sku,
                "title": li.product.title,
                "name": li.product.title,
                "variant_title": "",
                "vendor": _vendor(story),
                "quantity": li.quantity,
                "price": money(li.product.price_cents),
                "total_discount": money(discount),
                "requires_shipping": True,
                "taxable": True,
                "gift_card": False,
            }
            for li, discount in zip(order.line_items, facts.line_discounts, strict=True)
        ],
        "note_attributes": [{"name": "stripe_charge_id", "value": order.charge_id}],
        "discount_codes": (
            [{"code": facts.discount_code, "amount": money(order.discount_cents), "type": "percentage"}]
            if order.discount_cents
            else []
        ),
        "shipping_lines": [
            {
                "id": order.id * 10 + 9,
                "title": "Standard" if order.shipping_cents else "Free Shipping",
                "code": "standard" if order.shipping_cents else "free",
                "source": "shopify",
                "price": shipping,
                "discounted_price": shipping,
            }
        ],
        "tax_lines": [{"title": "Sales Tax", "rate": 0.08, "price": money(order.tax_cents)}],
    }


def _product(story: TenantStory, connector: str, product: Product) -> dict:
    tz = shop_tz(story)
    created, updated = (iso_offset(t, tz) for t in product_times(product))
    rng = rng_for(story.seed, connector, "products", product.id)
    variant_id = _variant_id(product)
    return {
        "id": product.id,
        "admin_graphql_api_id": _gid("Product", product.id),
        "title": product.title,
        "handle": product.sku.lower(),
        "body_html": f"<p>The {product.title}, by {_vendor(story)}.</p>",
        "vendor": _vendor(story),
        "product_type": product.title.split(" ", 1)[1],
        "status": "active",
        "tags": "",
        "published_scope": "web",
        "created_at": created,
        "updated_at": updated,
        "published_at": created,
        "variants": [
            {
                "id": variant_id,
                "product_id": product.id,
                "title": "Default Title",
                "price": money(product.price_cents),
                "sku": product.sku,
                "position": 1,
                "option1": "Default Title",
                "inventory_policy": "deny",
                "inventory_management": "shopify",
                "fulfillment_service": "manual",
                "inventory_item_id": variant_id + 7,
                "inventory_quantity": rng.randrange(0, 400),
                "grams": rng.randrange(100, 2000),
                "taxable": True,
                "requires_shipping": True,
                "created_at": created,
                "updated_at": updated,
                "admin_graphql_api_id": _gid("ProductVariant", variant_id),
            }
        ],
    }


def generate(story: TenantStory, connector: str, start: date, end: date) -> dict[str, list[dict]]:
    """Orders created on days start..end (UTC) and the whole product catalog."""
    return store_records(story, connector, start, end, _order, _product)
