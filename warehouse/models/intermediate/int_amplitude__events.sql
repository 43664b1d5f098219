{{ config(alias=tenant_alias('int', 'amplitude__events'), enabled=gata_has_source('amplitude')) }}

{#- Amplitude Export API v2 events: canonical name <- payload field (dlt name), kind (see json_extract_commerce).
    event_time is the export's UTC string without offset; session_id is the session start in epoch ms. -#}
{%- set fields = [
    ('insert_id',           '_insert_id',                       'text'),
    ('event_seq',           'event_id',                         'bigint'),
    ('event_type',          'event_type',                       'text'),
    ('event_time',          'event_time',                       'ts'),
    ('user_id',             'user_id',                          'text'),
    ('device_id',           'device_id',                        'text'),
    ('amplitude_id',        'amplitude_id',                     'varchar'),
    ('session_id',          'session_id',                       'bigint'),
    ('page_path',           'event_properties__page_path',      'text'),
    ('page_url',            'event_properties__page_url',       'text'),
    ('order_id',            'event_properties__order_id',       'text'),
    ('revenue',             'event_properties__revenue',        'money'),
    ('quantity',            'event_properties__quantity',       'bigint'),
    ('utm_source',          'user_properties__utm_source',      'text'),
    ('utm_medium',          'user_properties__utm_medium',      'text'),
    ('utm_campaign',        'user_properties__utm_campaign',    'text'),
    ('country',             'country',                          'text'),
    ('region',              'region',                           'text'),
    ('city',                'city',                             'text'),
    ('platform',            'platform',                         'text'),
    ('os_name',             'os_name',                          'text'),
    ('os_version',          'os_version',                       'text'),
    ('device_family',       'device_family',                    'text'),
    ('device_type',         'device_type',                      'text'),
] -%}

{{ commerce_intermediate(ref('platform_mm__amplitude_api_v1_events'), 'amplitude', fields) }}
