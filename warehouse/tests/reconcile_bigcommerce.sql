{{ config(enabled=gata_has_source('bigcommerce')) }}
{#
  BigCommerce orders reconcile with the raw landed v2 orders, per UTC order day: order count
  and sum of total_inc_tax over all orders, and over paid orders (status_id 10, 2, 11, 3, 8, 9
  paid; 14 partially refunded). Raw side: date_created (RFC 2822) parsed by strptime, money
  summed at the API's 4 decimals (so a sub-cent amount lost by the star shows up).
  Returns the days that differ.
#}
with raw as (
    select
        cast(timezone('UTC', strptime(date_created, '%a, %d %b %Y %H:%M:%S %z')) as date) as order_date,
        cast(total_inc_tax as decimal(18,4)) as total_price,
        status_id in (10, 2, 11, 3, 8, 9, 14) as is_paid
    from "raw_{{ gata_tenant() }}__bigcommerce"."orders"
),
raw_days as (
    select order_date,
        count(*) as orders, sum(total_price) as gross_revenue,
        count(*) filter (where is_paid) as paid_orders,
        coalesce(sum(total_price) filter (where is_paid), 0) as revenue
    from raw group by 1
),
star_days as (
    select order_date,
        count(*) as orders, sum(total_price) as gross_revenue,
        count(*) filter (where financial_status in ('paid', 'partially_refunded')) as paid_orders,
        coalesce(sum(total_price) filter (where financial_status in ('paid', 'partially_refunded')), 0) as revenue
    from {{ ref('fct_orders') }}
    where source_platform = 'bigcommerce'
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
