{#
  One row per day: every additive figure of the star on one date spine. Blended
  metrics (roas, cac, cost_per_session) combine facts that share no key but the
  date; summing them here and dividing sums at any grain (day, week, month, ...)
  is exact, where a join of the facts would fan out.
#}
{% macro build_fct_daily_performance(ads, orders, sessions) -%}
with ads as (
    select report_date as date, sum(spend) as spend, sum(impressions) as impressions,
           sum(clicks) as clicks, sum(conversions) as conversions
    from {{ ads }} group by 1
),
orders as (
    select order_date as date, count(*) as orders,
           count(*) filter (where is_paid) as paid_orders,
           coalesce(sum(total_price) filter (where is_paid), 0) as revenue,
           sum(total_price) as gross_revenue,
           count(*) filter (where is_new_customer) as new_customers
    from {{ orders }} group by 1
),
sessions as (
    select session_date as date, count(*) as sessions,
           count(*) filter (where is_conversion_session) as converting_sessions,
           sum(session_revenue) as session_revenue
    from {{ sessions }} group by 1
),
spine as (
    select date from ads union select date from orders union select date from sessions
)
select
    '{{ gata_tenant() }}'::varchar as tenant_slug,
    spine.date,
    coalesce(ads.spend, 0)::decimal(18,2) as spend,
    coalesce(ads.impressions, 0)::bigint as impressions,
    coalesce(ads.clicks, 0)::bigint as clicks,
    coalesce(ads.conversions, 0)::double as conversions,
    coalesce(orders.orders, 0)::bigint as orders,
    coalesce(orders.paid_orders, 0)::bigint as paid_orders,
    coalesce(orders.revenue, 0)::decimal(18,2) as revenue,
    coalesce(orders.gross_revenue, 0)::decimal(18,2) as gross_revenue,
    coalesce(orders.new_customers, 0)::bigint as new_customers,
    coalesce(sessions.sessions, 0)::bigint as sessions,
    coalesce(sessions.converting_sessions, 0)::bigint as converting_sessions,
    coalesce(sessions.session_revenue, 0)::decimal(18,2) as session_revenue
from spine
left join ads using (date)
left join orders using (date)
left join sessions using (date)
{%- endmacro %}
