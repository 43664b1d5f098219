{{ config(alias=tenant_alias('int', 'google_analytics__events'), enabled=gata_has_source('google_analytics')) }}

{#- GA4 BigQuery-export events: canonical name <- payload field (dlt name), kind (see json_extract_commerce) -#}
{%- set fields = [
    ('event_date',                  'event_date',                   'text'),
    ('event_timestamp_us',          'event_timestamp',              'bigint'),
    ('event_timestamp',             'event_timestamp',              'epoch_us'),
    ('event_name',                  'event_name',                   'text'),
    ('user_pseudo_id',              'user_pseudo_id',               'text'),
    ('user_id',                     'user_id',                      'text'),
    ('platform',                    'platform',                     'text'),
    ('stream_id',                   'stream_id',                    'text'),
    ('traffic_source_name',         'traffic_source__name',         'text'),
    ('traffic_source_medium',       'traffic_source__medium',       'text'),
    ('traffic_source_source',       'traffic_source__source',       'text'),
    ('geo_country',                 'geo__country',                 'text'),
    ('geo_region',                  'geo__region',                  'text'),
    ('geo_city',                    'geo__city',                    'text'),
    ('device_category',             'device__category',             'text'),
    ('device_operating_system',     'device__operating_system',     'text'),
    ('device_browser',              'device__browser',              'text'),
    ('device_browser_version',      'device__browser_version',      'text'),
    ('ecommerce_transaction_id',    'ecommerce__transaction_id',    'text'),
    ('ecommerce_purchase_revenue',  'ecommerce__purchase_revenue',  'money'),
    ('ecommerce_total_item_quantity', 'ecommerce__total_item_quantity', 'bigint'),
] -%}

{#- event_params: canonical name <- param key, value slot (GA4 keeps each key in one slot; money: the
    double slot as exact decimal) -#}
{%- set params = [
    ('ga_session_id',           'ga_session_id',        'int'),
    ('ga_session_number',       'ga_session_number',    'int'),
    ('page_location',           'page_location',        'string'),
    ('param_source',            'source',               'string'),
    ('param_medium',            'medium',               'string'),
    ('param_campaign',          'campaign',             'string'),
    ('param_transaction_id',    'transaction_id',       'string'),
    ('param_currency',          'currency',             'string'),
    ('param_value',             'value',                'money'),
] -%}

{#- the event_params list, parsed once per event -#}
{%- set parsed -%}
from_json(coalesce(raw_data_payload->'event_params', '[]'::json), {{ ga4_params_struct() }}) as _params
{%- endset -%}

{{ commerce_intermediate(ref('platform_mm__google_analytics_api_v1_events'), 'google_analytics', fields,
                         extra_columns=ga4_event_params(params, '_params'), parsed=parsed) }}
