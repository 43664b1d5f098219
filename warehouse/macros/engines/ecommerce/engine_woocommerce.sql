{#
  WooCommerce engine (orders): REST v3 orders -> canonical orders.
  - order_ts: date_created_gmt (UTC, no offset) read as UTC.
  - total_price: total (string) -> decimal(18,2).
  - financial_status: processing / completed -> paid, or partially_refunded when the order
    has refunds; pending / on-hold (and checkout-draft) -> pending; refunded -> refunded;
    cancelled / failed -> voided. Others stay null and fail the accepted_values test.
  - customer: customer_id (0 = guest -> null); email from billing.email, lowercase.
#}
{% macro woocommerce_status_map() -%}
{{ return({
    'processing': 'paid',
    'completed': 'paid',
    'pending': 'pending',
    'on-hold': 'pending',
    'checkout-draft': 'pending',
    'refunded': 'refunded',
    'cancelled': 'voided',
    'failed': 'voided',
}) }}
{%- endmacro %}

{% macro engine_woocommerce__orders() -%}
select
    tenant_slug,
    source_platform,
    order_id,
    created_at as order_ts,
    total as total_price,
    currency,
    case
        when lower(status) in ('processing', 'completed') and refunds_count > 0 then 'partially_refunded'
        else {{ commerce_case('lower(status)', woocommerce_status_map()) }}
    end as financial_status,
    lower(billing_email) as customer_email,
    nullif(customer_id, '0') as customer_id,
    line_items_json
from {{ ref('int_woocommerce__orders') }}
{%- endmacro %}
