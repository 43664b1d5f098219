{{ config(alias=tenant_alias('int', 'linkedin_ads__ad_analytics'), enabled=gata_has_source('linkedin_ads')) }}
{#
  LinkedIn adAnalytics (pivots CREATIVE, CAMPAIGN, CAMPAIGN_GROUP; DAILY): one row
  per creative per day. pivot_values lists the creative, campaign and campaign
  group URNs; ids are the numbers after the last ':'. Canonical grain (ad-reporting
  convention): campaign group -> campaign, campaign -> ad_group, creative -> ad.
  costInLocalCurrency is a decimal string in the account's currency.
#}
{%- set columns %}
    -- grain
    {{ ads_extract([
        ('report_date',       linkedin_date('date_range__start'),                 'sql'),
        ('campaign_id',       linkedin_pivot_id('sponsoredCampaignGroup'),        'sql'),
        ('ad_group_id',       linkedin_pivot_id('sponsoredCampaign'),             'sql'),
        ('ad_id',             'pivot_value',                                      'urn_id'),
    ]) }},
    -- descriptive
    {{ ads_extract([
        ('pivot',             'pivot',                                            'varchar'),
        ('creative_urn',      'pivot_value',                                      'varchar'),
    ]) }},
    -- metrics
    {{ ads_extract([
        ('spend',             'cost_in_local_currency',                           'money'),
        ('spend_usd',         'cost_in_usd',                                      'money'),
        ('impressions',       'impressions',                                      'bigint'),
        ('clicks',            'clicks',                                           'bigint'),
        ('landing_page_clicks', 'landing_page_clicks',                            'bigint'),
        ('conversions',       'external_website_conversions',                     'double'),
        ('conversion_value',  'conversion_value_in_local_currency',               'money'),
    ]) }}
{%- endset %}
{{ intermediate_model(ref('platform_mm__linkedin_ads_api_v1_ad_analytics'), 'linkedin_ads', columns) }}
