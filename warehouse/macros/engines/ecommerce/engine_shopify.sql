{#
  Shopify engine (orders): Admin REST orders -> canonical orders.
  - order_ts: created_at is ISO 8601 in the shop's offset ("2026-10-01T02:27:02-05:00"),
    converted to UTC by int_shopify__orders.
  - total_price: total_price (string) -> decimal(18,2), exact.
  - financial_status: Shopify's vocabulary -> canonical (authorized / partially_paid -> pending;
    expired -> voided); anything else stays null and fails the accepted_values test.
  - customer: customer.id; email from customer.email, else the order's email, lowercase.
#}
{% macro shopify_financial_status_map() -%}
{{ return({
    'paid': 'paid',
    'pending': 'pending',
    'authorized': 'pending',
    'partially_paid': 'pending',
    'refunded': 'refunded',
    'partially_refunded': 'partially_refunded',
    'voided': 'voided',
    'expired': 'voided',
}) }}
{%- endmacro %}

{% macro engine_shopify__orders() -%}
select
    tenant_slug,
    source_platform,
    order_id,
    created_at as order_ts,
    total_price,
    currency,
    {{ commerce_case('lower(financial_status)', shopify_financial_status_map()) }} as financial_status,
    lower(coalesce(customer_email, email)) as customer_email,
    customer_id,
    line_items_json
from {{ ref('int_shopify__orders') }}
{%- endmacro %}
