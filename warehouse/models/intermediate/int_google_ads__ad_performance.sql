{{ config(alias=tenant_alias('int', 'google_ads__ad_performance'), enabled=gata_has_source('google_ads')) }}
{#
  Google Ads GAQL rows FROM ad_group_ad segmented by date and device (one row per
  ad per day per device). cost_micros / 1,000,000 = spend, in the customer's currency.
#}
{%- set columns %}
    -- grain
    {{ ads_extract([
        ('report_date',       'segments__date',             'date'),
        ('campaign_id',       'campaign__id',               'varchar'),
        ('ad_group_id',       'ad_group__id',               'varchar'),
        ('ad_id',             'ad_group_ad__ad__id',        'varchar'),
        ('device',            'segments__device',           'varchar'),
    ]) }},
    -- descriptive
    {{ ads_extract([
        ('campaign_name',     'campaign__name',             'varchar'),
        ('campaign_status',   'campaign__status',           'varchar'),
        ('ad_group_name',     'ad_group__name',             'varchar'),
        ('ad_name',           'ad_group_ad__ad__name',      'varchar'),
        ('customer_id',       'customer__id',               'varchar'),
        ('currency',          'customer__currency_code',    'varchar'),
    ]) }},
    -- metrics (cost in micros: exact decimal, never double)
    {{ ads_extract([
        ('spend',             'metrics__cost_micros',       'micros'),
        ('impressions',       'metrics__impressions',       'bigint'),
        ('clicks',            'metrics__clicks',            'bigint'),
        ('conversions',       'metrics__conversions',       'double'),
        ('conversions_value', 'metrics__conversions_value', 'money'),
    ]) }}
{%- endset %}
{{ intermediate_model(ref('platform_mm__google_ads_api_v1_ad_performance'), 'google_ads', columns) }}
