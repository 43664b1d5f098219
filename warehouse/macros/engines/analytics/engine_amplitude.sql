{#
  Amplitude engine (events): Export API v2 events -> canonical events.
  - event_id: $insert_id (Amplitude's de-duplication id).
  - event_timestamp: event_time (UTC).
  - user_pseudo_id: amplitude_id, Amplitude's stable per-visitor id (one per browser for
    anonymous visitors, one per person once a device is merged into a user); device_id is
    per device and kept in custom_properties.
  - session_key: amplitude_id || '-' || session_id (session start, epoch ms); an event outside
    any session (session_id -1 or null) is a session of its own: amplitude_id || '-e' || $insert_id.
  - traffic: user_properties utm_source / utm_medium / utm_campaign, each event filled with its
    session's first non-empty values.
  - geo_country: country English name -> ISO-2 for the story's countries, else the name.
  - device_category: device_type (Browser SDK hardware name): iPad / tablets -> tablet;
    iPhone / Android phones -> mobile; Windows, Mac, Linux, Chromebook -> desktop;
    otherwise by device_family (iOS / Android -> mobile, else desktop).
  - ecommerce: event_properties.order_id ('' -> null) and .revenue (exact decimal) on order events.
#}
{% macro engine_amplitude__events() -%}
with events as (

    select
        *,
        case when session_id is null or session_id < 0
             then amplitude_id || '-e' || insert_id
             else amplitude_id || '-' || session_id::varchar end as session_key
    from {{ ref('int_amplitude__events') }}

),

session_traffic as (

    {{ session_traffic('events', 'utm_source', 'utm_medium', 'utm_campaign', 'event_time, insert_id') }}

)

select
    tenant_slug,
    source_platform,
    insert_id as event_id,
    event_type as event_name,
    event_time as event_timestamp,
    amplitude_id as user_pseudo_id,
    user_id,
    session_key,
    session_source as traffic_source,
    session_medium as traffic_medium,
    session_campaign as traffic_campaign,
    {{ commerce_country_iso2('country') }} as geo_country,
    case
        when device_type ilike '%ipad%' or device_type ilike '%tablet%' then 'tablet'
        when device_type ilike '%iphone%' or device_type in ('Android', 'Android Phone') then 'mobile'
        when device_type in ('Windows', 'Mac', 'Linux', 'Chromebook') then 'desktop'
        when device_family in ('iOS', 'Android') then 'mobile'
        else 'desktop'
    end as device_category,
    coalesce(page_path, {{ commerce_url_path('page_url') }}) as page_path,
    order_id as ecommerce_order_id,
    case when order_id is not null then revenue end as ecommerce_revenue,
    json_object(
        'device_id', device_id,
        'session_id', session_id,
        'os', device_family,
        'browser', os_name,
        'browser_version', os_version,
        'device_type', device_type,
        'region', region,
        'city', city,
        'quantity', quantity
    ) as custom_properties
from session_traffic
{%- endmacro %}
