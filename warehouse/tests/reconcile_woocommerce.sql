{{ config(enabled=gata_has_source('woocommerce')) }}
{#
  WooCommerce orders reconcile with the raw landed orders, per UTC order day: order count and
  sum of total over all orders, and over paid orders (status processing or completed, with or
  without refunds: paid + partially_refunded). Raw side: the day is the first 10 characters
  of date_created_gmt (UTC wall clock), total cast from the string.
  Returns the days that differ (macros/tests/reconcile_orders.sql).
#}
{% set raw_orders %}
select
    cast(left(cast(date_created_gmt as varchar), 10) as date) as order_date,
    cast(total as decimal(18,2)) as total_price,
    status in ('processing', 'completed') as is_paid
from {{ raw_table('woocommerce', 'orders') }}
{% endset %}
{{ reconcile_orders('woocommerce', raw_orders) }}
