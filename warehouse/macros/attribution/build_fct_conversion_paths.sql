{#
  One row per paid order x touchpoint: the order's journey, oldest touch first.
  An order's person is its converting session's (the session whose transaction_id is
  the order id), or else the store customer whose id the visitor logged in with. The
  journey is that person's sessions from lookback_days (tenants.yaml, default 30)
  before the conversion up to it; the conversion is the converting session's start,
  or the order time when no session carries the order. Orders without any
  touchpoint are absent here; fct_attribution credits them to 'unattributed'.
#}
{% macro build_fct_conversion_paths(orders, touchpoints) -%}
{%- set lookback = attribution_settings().get('lookback_days', 30) | int -%}
with converting as (
    select transaction_id as order_id, person_key, touch_ts
    from {{ touchpoints }}
    where transaction_id is not null
    qualify row_number() over (partition by transaction_id order by touch_ts, session_id) = 1
),
orders as (
    select o.tenant_slug, o.order_id, o.order_date, o.order_ts, o.total_price, o.customer_key, o.is_new_customer,
        coalesce(c.person_key, o.customer_id) as person_key,
        coalesce(c.touch_ts, o.order_ts) as converted_at
    from {{ orders }} o
    left join converting c using (order_id)
    where o.is_paid
),
paths as (
    select o.*, t.session_id, t.touch_ts, t.channel, t.source_platform, t.campaign_id, t.campaign_name,
        t.traffic_source, t.traffic_medium,
        date_diff('second', t.touch_ts, o.converted_at) / 86400.0 as days_before_conversion
    from orders o
    join {{ touchpoints }} t
      on t.person_key = o.person_key
     and t.touch_ts <= o.converted_at
     and t.touch_ts >= o.converted_at - interval {{ lookback }} day
)
select
    tenant_slug, order_id, order_date, order_ts, total_price, customer_key, is_new_customer, person_key,
    row_number() over (partition by order_id order by touch_ts, session_id)::bigint as touch_index,
    count(*) over (partition by order_id)::bigint as touch_count,
    session_id, touch_ts, days_before_conversion,
    channel, source_platform, campaign_id, campaign_name, traffic_source, traffic_medium
from paths
{%- endmacro %}
