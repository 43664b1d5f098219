{#
  One row per order, from every ecommerce engine. financial_status is canonical
  (paid, pending, refunded, partially_refunded, voided: engines map their
  platform's vocabulary). is_new_customer marks a customer's first ever order.
#}
{% macro build_fct_orders() -%}
with orders as (
    {{ engine_union('ecommerce', 'orders', canonical_columns('orders')) }}
)
select
    tenant_slug, source_platform, order_id,
    {{ local_date('order_ts') }} as order_date,
    total_price, currency, financial_status, customer_email, customer_id, line_items_json,
    order_ts,
    row_number() over (
        partition by coalesce(customer_id, 'email:' || lower(customer_email)) order by order_ts, order_id) = 1 as is_new_customer,
    financial_status in ('paid', 'partially_refunded') as is_paid,
    coalesce(customer_id, 'email:' || lower(customer_email)) as customer_key
from orders
{%- endmacro %}
