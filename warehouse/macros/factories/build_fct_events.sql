{# One row per analytics event, canonical across GA4, Amplitude and Mixpanel. #}
{% macro build_fct_events() -%}
with events as (
    {{ engine_union('analytics', 'events', canonical_columns('events')) }}
)
select
    tenant_slug, source_platform, event_id, event_name, event_timestamp, user_pseudo_id, user_id,
    traffic_source, traffic_medium, traffic_campaign, geo_country, device_category, page_path,
    ecommerce_order_id, ecommerce_revenue, custom_properties,
    session_key as session_id,
    {{ local_date('event_timestamp') }} as event_date
from events
{%- endmacro %}
