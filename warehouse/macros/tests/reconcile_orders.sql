{#
  Reconciliation of one store (tests/reconcile_{connector}.sql): the test reads the
  raw landed orders with its own implementation of the platform's conventions (never
  the payload), as a select of one row per order: order_date (the UTC day),
  total_price (exact decimal) and is_paid (paid or partially refunded). This compares,
  per order day, the order count and sum of total_price over all orders and over paid
  orders with fct_orders (paid there: financial_status paid or partially_refunded),
  and returns the days that differ.
#}
{% macro reconcile_orders(connector, raw_orders_sql) -%}
with raw as (
    {{ raw_orders_sql }}
),
raw_days as (
    select order_date,
        count(*) as orders, sum(total_price) as gross_revenue,
        count(*) filter (where is_paid) as paid_orders,
        coalesce(sum(total_price) filter (where is_paid), 0) as revenue
    from raw group by 1
),
star_days as (  -- by UTC day, as the raw side: order_date itself is in the tenant's timezone
    select cast(order_ts at time zone 'UTC' as date) as order_date,
        count(*) as orders, sum(total_price) as gross_revenue,
        count(*) filter (where financial_status in ('paid', 'partially_refunded')) as paid_orders,
        coalesce(sum(total_price) filter (where financial_status in ('paid', 'partially_refunded')), 0) as revenue
    from {{ ref('fct_orders') }}
    where source_platform = '{{ connector }}'
    group by 1
)
select coalesce(r.order_date, s.order_date) as order_date,
    r.orders as raw_orders, s.orders as star_orders,
    r.gross_revenue as raw_gross_revenue, s.gross_revenue as star_gross_revenue,
    r.paid_orders as raw_paid_orders, s.paid_orders as star_paid_orders,
    r.revenue as raw_revenue, s.revenue as star_revenue
from raw_days r
full outer join star_days s on s.order_date = r.order_date
where r.orders is distinct from s.orders
   or r.gross_revenue is distinct from s.gross_revenue
   or r.paid_orders is distinct from s.paid_orders
   or r.revenue is distinct from s.revenue
{%- endmacro %}
