{#
  Mixpanel engine (events): raw export events -> canonical events, sessionized here.
  - event_id: properties.$insert_id.
  - event_timestamp: properties.time, epoch seconds UTC.
  - user_pseudo_id: $device_id, the browser's stable id (distinct_id switches from
    "$device:<id>" to the customer id at login, so it is not stable); distinct_id when absent.
  - user_id: $user_id ('' -> null).
  - session_key: Mixpanel has no session id. Per distinct_id, ordered by time, a new session
    starts when the gap to the previous event exceeds gata_logic('session_timeout_minutes')
    minutes; session_key = distinct_id || '-' || epoch seconds of the session's first event.
  - traffic: utm_source / utm_medium / utm_campaign (persisted on the visit's events),
    each event filled with its session's first non-empty values.
  - geo_country: mp_country_code (ISO-2). device_category: $device iPad / tablets -> tablet,
    other non-empty $device (iPhone, Android) -> mobile, none -> desktop unless $os is iOS/Android.
  - ecommerce: order_id ('' -> null) and revenue (exact decimal) on order events.
#}
{% macro engine_mixpanel__events() -%}
{%- set timeout_seconds = (gata_logic('session_timeout_minutes', 30) | int) * 60 -%}
with events as (

    select
        *,
        coalesce(distinct_id, '$device:' || device_id) as session_owner
    from {{ ref('int_mixpanel__events') }}

),

gaps as (

    select
        *,
        event_time_epoch - lag(event_time_epoch) over (
            partition by session_owner order by event_time_epoch, insert_id) as seconds_since_previous
    from events

),

session_starts as (

    select
        *,
        case when seconds_since_previous is null or seconds_since_previous > {{ timeout_seconds }}
             then event_time_epoch end as session_start_epoch
    from gaps

),

sessionized as (

    select
        *,
        session_owner || '-' || max(session_start_epoch) over (
            partition by session_owner order by event_time_epoch, insert_id
            rows between unbounded preceding and current row)::varchar as session_key
    from session_starts

),

session_traffic as (

    {{ session_traffic('sessionized', 'utm_source', 'utm_medium', 'utm_campaign', 'event_time_epoch, insert_id') }}

)

select
    tenant_slug,
    source_platform,
    insert_id as event_id,
    event as event_name,
    event_time as event_timestamp,
    coalesce(device_id, replace(distinct_id, '$device:', '')) as user_pseudo_id,
    user_id,
    session_key,
    session_source as traffic_source,
    session_medium as traffic_medium,
    session_campaign as traffic_campaign,
    upper(country_code) as geo_country,
    case
        when device ilike '%ipad%' or device ilike '%tablet%' then 'tablet'
        when device is not null then 'mobile'
        when os in ('iOS', 'Android') then 'mobile'
        else 'desktop'
    end as device_category,
    {{ commerce_url_path('current_url') }} as page_path,
    order_id as ecommerce_order_id,
    case when order_id is not null then revenue end as ecommerce_revenue,
    json_object(
        'distinct_id', distinct_id,
        'os', os,
        'browser', browser,
        'browser_version', browser_version,
        'device', device,
        'region', region,
        'city', city,
        'mp_lib', mp_lib
    ) as custom_properties
from session_traffic
{%- endmacro %}
