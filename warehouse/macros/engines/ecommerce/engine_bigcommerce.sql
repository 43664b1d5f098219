{#
  BigCommerce engine (orders): v2 orders -> canonical orders.
  - order_ts: date_created is RFC 2822 ("Thu, 01 Oct 2026 06:35:33 +0000"), parsed with its offset.
  - total_price: total_inc_tax (string with 4 decimals, "35.6300") -> decimal(18,2).
  - financial_status from status_id: 10 Completed, 2 Shipped, 11 Awaiting Fulfillment (and
    3 Partially Shipped, 8 Awaiting Pickup, 9 Awaiting Shipment: payment captured) -> paid;
    7 Awaiting Payment, 1 Pending (and 0 Incomplete, 12 Manual Verification Required) -> pending;
    4 Refunded -> refunded; 14 Partially Refunded -> partially_refunded;
    5 Cancelled (and 6 Declined) -> voided. Others stay null and fail the accepted_values test.
  - customer: customer_id (0 = guest -> null); email from billing_address.email, lowercase.
  - line items are not embedded in v2 orders (a products sub-resource link): '[]'.
#}
{% macro bigcommerce_status_map() -%}
{{ return({
    10: 'paid', 2: 'paid', 11: 'paid', 3: 'paid', 8: 'paid', 9: 'paid',
    7: 'pending', 1: 'pending', 0: 'pending', 12: 'pending',
    4: 'refunded',
    14: 'partially_refunded',
    5: 'voided', 6: 'voided',
}) }}
{%- endmacro %}

{% macro engine_bigcommerce__orders() -%}
select
    tenant_slug,
    source_platform,
    order_id,
    created_at as order_ts,
    total_inc_tax as total_price,
    currency,
    {{ commerce_case('status_id', bigcommerce_status_map()) }} as financial_status,
    lower(billing_email) as customer_email,
    nullif(customer_id, '0') as customer_id,
    '[]'::json as line_items_json
from {{ ref('int_bigcommerce__orders') }}
{%- endmacro %}
