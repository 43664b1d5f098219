{#
  GA4 engine (events): BigQuery-export rows -> canonical events.
  - event_id: md5(user_pseudo_id | event_timestamp | event_name), GA4's own row key.
  - event_timestamp: event_timestamp INT microseconds UTC.
  - session_key: user_pseudo_id || '-' || ga_session_id (event_params, int slot).
  - traffic: event_params source / medium / campaign sit only on the session's landing hits;
    every event gets its session's first non-empty values (window over session_key), so the
    session's first event always carries them. Direct visits have none (null).
  - geo_country: geo.country English name -> ISO-2 for the story's countries, else the name.
  - device_category: device.category (desktop / mobile / tablet).
  - page_path: path of the page_location param.
  - ecommerce: ecommerce.transaction_id ("(not set)" -> null, else the transaction_id param)
    and ecommerce.purchase_revenue (exact decimal) on events with an order id.
#}
{% macro engine_google_analytics__events() -%}
with events as (

    select
        *,
        user_pseudo_id || '-' || ga_session_id::varchar as session_key,
        coalesce(nullif(ecommerce_transaction_id, '(not set)'), nullif(param_transaction_id, '(not set)')) as order_id
    from {{ ref('int_google_analytics__events') }}

),

session_traffic as (

    {{ session_traffic('events', 'param_source', 'param_medium', 'param_campaign', 'event_timestamp_us, event_name') }}

)

select
    tenant_slug,
    source_platform,
    md5(concat_ws('|', user_pseudo_id, event_timestamp_us::varchar, event_name)) as event_id,
    event_name,
    event_timestamp,
    user_pseudo_id,
    user_id,
    session_key,
    session_source as traffic_source,
    session_medium as traffic_medium,
    session_campaign as traffic_campaign,
    {{ commerce_country_iso2('geo_country') }} as geo_country,
    lower(device_category) as device_category,
    {{ commerce_url_path('page_location') }} as page_path,
    order_id as ecommerce_order_id,
    case when order_id is not null then coalesce(ecommerce_purchase_revenue, param_value) end as ecommerce_revenue,
    json_object(
        'ga_session_id', ga_session_id,
        'ga_session_number', ga_session_number,
        'os', device_operating_system,
        'browser', device_browser,
        'region', geo_region,
        'city', geo_city,
        'user_first_source', traffic_source_source,
        'user_first_medium', traffic_source_medium,
        'user_first_campaign', traffic_source_name
    ) as custom_properties
from session_traffic
{%- endmacro %}
