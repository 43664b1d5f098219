{{ config(enabled=gata_has_source('bigcommerce')) }}
{#
  BigCommerce orders reconcile with the raw landed v2 orders, per UTC order day: order count
  and sum of total_inc_tax over all orders, and over paid orders (status_id 10, 2, 11, 3, 8, 9
  paid; 14 partially refunded). Raw side: date_created (RFC 2822) parsed by strptime, money
  summed at the API's 4 decimals (so a sub-cent amount lost by the star shows up).
  Returns the days that differ (macros/tests/reconcile_orders.sql).
#}
{% set raw_orders %}
select
    cast(timezone('UTC', strptime(date_created, '%a, %d %b %Y %H:%M:%S %z')) as date) as order_date,
    cast(total_inc_tax as decimal(18,4)) as total_price,
    status_id in (10, 2, 11, 3, 8, 9, 14) as is_paid
from {{ raw_table('bigcommerce', 'orders') }}
{% endset %}
{{ reconcile_orders('bigcommerce', raw_orders) }}
