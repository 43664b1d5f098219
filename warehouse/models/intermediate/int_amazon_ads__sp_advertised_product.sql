{{ config(alias=tenant_alias('int', 'amazon_ads__sp_advertised_product'), enabled=gata_has_source('amazon_ads')) }}
{#
  Amazon Ads v3 Sponsored Products report spAdvertisedProduct, DAILY: one row per
  product ad per day; ids and money are JSON numbers (cost in the campaign budget currency).
#}
{%- set columns %}
    -- grain
    {{ ads_extract([
        ('report_date',       'date',                           'date'),
        ('campaign_id',       'campaign_id',                    'varchar'),
        ('ad_group_id',       'ad_group_id',                    'varchar'),
        ('ad_id',             'ad_id',                          'varchar'),
    ]) }},
    -- descriptive
    {{ ads_extract([
        ('campaign_name',     'campaign_name',                  'varchar'),
        ('ad_group_name',     'ad_group_name',                  'varchar'),
        ('advertised_asin',   'advertised_asin',                'varchar'),
        ('advertised_sku',    'advertised_sku',                 'varchar'),
        ('currency',          'campaign_budget_currency_code',  'varchar'),
    ]) }},
    -- metrics: cost -> spend, purchases7d -> conversions
    {{ ads_extract([
        ('spend',             'cost',                           'money'),
        ('impressions',       'impressions',                    'bigint'),
        ('clicks',            'clicks',                         'bigint'),
        ('conversions',       'purchases7d',                    'double'),
        ('sales',             'sales7d',                        'money'),
        ('units_sold',        'units_sold_clicks7d',            'bigint'),
    ]) }}
{%- endset %}
{{ intermediate_model(ref('platform_mm__amazon_ads_api_v1_sp_advertised_product'), 'amazon_ads', columns) }}
