{{ config(alias=tenant_alias('int', 'bing_ads__account_performance_report'), enabled=gata_has_source('bing_ads')) }}
{#
  Microsoft Advertising Reporting API rows (daily, ad-level columns): one row per
  ad per day per device type and network. Spend is a number in the account currency.
#}
{%- set columns %}
    -- grain
    {{ ads_extract([
        ('report_date',     'time_period',    'date'),
        ('campaign_id',     'campaign_id',    'varchar'),
        ('ad_group_id',     'ad_group_id',    'varchar'),
        ('ad_id',           'ad_id',          'varchar'),
        ('device_type',     'device_type',    'varchar'),
        ('network',         'network',        'varchar'),
    ]) }},
    -- descriptive
    {{ ads_extract([
        ('campaign_name',   'campaign_name',  'varchar'),
        ('campaign_status', 'campaign_status','varchar'),
        ('ad_group_name',   'ad_group_name',  'varchar'),
        ('ad_name',         'ad_title',       'varchar'),
        ('account_id',      'account_id',     'varchar'),
        ('currency',        'currency_code',  'varchar'),
    ]) }},
    -- metrics (money straight from the number's text to decimal)
    {{ ads_extract([
        ('spend',           'spend',          'money'),
        ('impressions',     'impressions',    'bigint'),
        ('clicks',          'clicks',         'bigint'),
        ('conversions',     'conversions',    'double'),
        ('revenue',         'revenue',        'money'),
    ]) }}
{%- endset %}
{{ intermediate_model(ref('platform_mm__bing_ads_api_v1_account_performance_report'), 'bing_ads', columns) }}
