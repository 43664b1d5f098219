{#
  Attribution conserves revenue and orders, under every model: each paid order's
  credits sum to 1 and its attributed revenue to its total_price, to the cent; per
  model and order date, attributed revenue over all channels (with 'unattributed')
  equals fct_orders' paid revenue, and so does the channel-performance table's.
  Returns the (model, order or date) that break it.
#}
with per_order as (
    select attribution_model, order_id, sum(credit) as credit, sum(attributed_revenue) as revenue
    from {{ ref('fct_attribution') }}
    group by 1, 2
),
orders as (
    select order_id, order_date, total_price from {{ ref('fct_orders') }} where is_paid
),
models as (
    select unnest({{ attribution_models() }}) as attribution_model
),
order_breaks as (
    select m.attribution_model, o.order_id::varchar as what, coalesce(p.credit, 0) as credit_sum,
        o.total_price as expected, p.revenue as actual
    from orders o
    cross join models m
    left join per_order p on p.order_id = o.order_id and p.attribution_model = m.attribution_model
    where p.revenue is distinct from o.total_price or abs(p.credit - 1) > 1e-9
),
daily_revenue as (
    select order_date as date, sum(total_price) as revenue from orders group by 1
),
channel_days as (
    select attribution_model, date, sum(attributed_revenue) as revenue
    from {{ ref('fct_channel_performance') }}
    group by 1, 2
    having sum(attributed_revenue) <> 0
),
day_breaks as (
    select coalesce(c.attribution_model, m.attribution_model) as attribution_model,
        'date ' || coalesce(c.date, d.date)::varchar as what, null::double as credit_sum,
        d.revenue as expected, c.revenue as actual
    from daily_revenue d
    cross join models m
    full outer join channel_days c on c.date = d.date and c.attribution_model = m.attribution_model
    where c.revenue is distinct from d.revenue
)
select * from order_breaks
union all
select * from day_breaks
