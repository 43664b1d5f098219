{{ config(alias=tenant_alias('int', 'tiktok_ads__ads_reports_daily'), enabled=gata_has_source('tiktok_ads')) }}
{#
  TikTok Business API v1.3 report/integrated/get (BASIC, AUCTION_AD, dimensions
  ad_id + stat_time_day): one row per ad per day; EVERY metric is a string.
#}
{%- set columns %}
    -- grain
    {{ ads_extract([
        ('report_date',       'dimensions__stat_time_day',             'date'),
        ('campaign_id',       'metrics__campaign_id',                  'varchar'),
        ('ad_group_id',       'metrics__adgroup_id',                   'varchar'),
        ('ad_id',             'dimensions__ad_id',                     'varchar'),
    ]) }},
    -- descriptive
    {{ ads_extract([
        ('campaign_name',     'metrics__campaign_name',                'varchar'),
        ('ad_group_name',     'metrics__adgroup_name',                 'varchar'),
        ('ad_name',           'metrics__ad_name',                      'varchar'),
    ]) }},
    -- metrics (strings): conversion -> conversions
    {{ ads_extract([
        ('spend',             'metrics__spend',                        'money'),
        ('impressions',       'metrics__impressions',                  'bigint'),
        ('clicks',            'metrics__clicks',                       'bigint'),
        ('reach',             'metrics__reach',                        'bigint'),
        ('conversions',       'metrics__conversion',                   'double'),
        ('purchase_value',    'metrics__total_complete_payment_rate',  'money'),
    ]) }}
{%- endset %}
{{ intermediate_model(ref('platform_mm__tiktok_ads_api_v1_ads_reports_daily'), 'tiktok_ads', columns) }}
