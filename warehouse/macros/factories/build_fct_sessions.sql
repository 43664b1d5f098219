{#
  One row per session, from the tenant's event stream. Engines decide what a
  session is (GA4's ga_session_id, Amplitude's session_id, Mixpanel's 30-minute
  inactivity window from tenants.yaml); here a session gets its first-touch
  traffic source ((direct) / (none) when absent) and is a conversion session when
  any of its events is one of the tenant's conversion_events.
#}
{% macro build_fct_sessions(events_relation) -%}
{%- set conversion_events = gata_logic('conversion_events', []) -%}
with events as (
    select * from {{ events_relation }}
),
ranked as (
    select *, row_number() over (partition by session_id order by event_timestamp, event_id) as event_rank
    from events
),
first_touch as (
    select session_id, traffic_source, traffic_medium, traffic_campaign, geo_country, device_category
    from ranked where event_rank = 1
),
sessions as (
    select
        any_value(tenant_slug) as tenant_slug,
        any_value(source_platform) as source_platform,
        session_id,
        arg_min(user_pseudo_id, event_timestamp) as user_pseudo_id,
        max(user_id) as user_id,
        min(event_timestamp) as session_start_ts,
        max(event_timestamp) as session_end_ts,
        count(*) as events_in_session,
        bool_or(event_name in {{ sql_list(conversion_events) }}) as is_conversion_session,
        sum(case when event_name in {{ sql_list(conversion_events) }} then coalesce(ecommerce_revenue, 0) else 0 end) as session_revenue,
        max(case when event_name in {{ sql_list(conversion_events) }} then nullif(ecommerce_order_id, '') end) as transaction_id
    from events
    group by session_id
)
select
    s.tenant_slug, s.source_platform, s.session_id, s.user_pseudo_id, s.user_id,
    s.session_start_ts, s.session_end_ts,
    cast(date_diff('second', s.session_start_ts, s.session_end_ts) as bigint) as session_duration_seconds,
    s.events_in_session,
    coalesce(nullif(f.traffic_source, ''), '(direct)') as traffic_source,
    coalesce(nullif(f.traffic_medium, ''), '(none)') as traffic_medium,
    nullif(f.traffic_campaign, '') as traffic_campaign,
    f.geo_country, f.device_category,
    s.is_conversion_session,
    cast(s.session_revenue as decimal(18,2)) as session_revenue,
    s.transaction_id,
    {{ local_date('s.session_start_ts') }} as session_date
from sessions s
join first_touch f using (session_id)
{%- endmacro %}
