{{ config(alias=tenant_alias('int', 'mixpanel__events'), enabled=gata_has_source('mixpanel')) }}

{#- Mixpanel raw export events: canonical name <- payload field (dlt name), kind (see json_extract_commerce).
    dlt names: properties.$insert_id -> properties___insert_id; time is epoch seconds (UTC). -#}
{%- set fields = [
    ('event',               'event',                            'text'),
    ('event_time_epoch',    'properties__time',                 'bigint'),
    ('event_time',          'properties__time',                 'epoch_s'),
    ('distinct_id',         'properties__distinct_id',          'text'),
    ('insert_id',           'properties___insert_id',           'text'),
    ('device_id',           'properties___device_id',           'text'),
    ('user_id',             'properties___user_id',             'text'),
    ('browser',             'properties___browser',             'text'),
    ('browser_version',     'properties___browser_version',     'text'),
    ('current_url',         'properties___current_url',         'text'),
    ('os',                  'properties___os',                  'text'),
    ('device',              'properties___device',              'text'),
    ('city',                'properties___city',                'text'),
    ('region',              'properties___region',              'text'),
    ('country_code',        'properties__mp_country_code',      'text'),
    ('mp_lib',              'properties__mp_lib',               'text'),
    ('utm_source',          'properties__utm_source',           'text'),
    ('utm_medium',          'properties__utm_medium',           'text'),
    ('utm_campaign',        'properties__utm_campaign',         'text'),
    ('order_id',            'properties__order_id',             'text'),
    ('revenue',             'properties__revenue',              'money'),
] -%}

{{ commerce_intermediate(ref('platform_mm__mixpanel_api_v1_events'), 'mixpanel', fields) }}
