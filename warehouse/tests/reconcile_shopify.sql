{{ config(enabled=gata_has_source('shopify')) }}
{#
  Shopify orders reconcile with the raw landed orders, per UTC order day: order count and
  sum of total_price over all orders, and over paid orders (paid, partially_refunded).
  Raw side: created_at parsed with its offset by strptime, total_price cast from the string.
  Returns the days that differ (macros/tests/reconcile_orders.sql).
#}
{% set raw_orders %}
select
    cast(timezone('UTC', strptime(created_at, '%Y-%m-%dT%H:%M:%S%z')) as date) as order_date,
    cast(total_price as decimal(18,2)) as total_price,
    financial_status in ('paid', 'partially_refunded') as is_paid
from {{ raw_table('shopify', 'orders') }}
{% endset %}
{{ reconcile_orders('shopify', raw_orders) }}
