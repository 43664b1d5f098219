{{ config(alias=tenant_alias('int', 'amazon_ads__campaigns'), enabled=gata_has_source('amazon_ads')) }}
{# Amazon Ads v3 /sp/campaigns/list items: state ENABLED / PAUSED / ARCHIVED. #}
{%- set columns %}
    {{ ads_extract([
        ('campaign_id',       'campaign_id',                    'varchar'),
        ('campaign_name',     'name',                           'varchar'),
        ('status',            'state',                          'varchar'),
        ('serving_status',    'extended_data__serving_status',  'varchar'),
        ('targeting_type',    'targeting_type',                 'varchar'),
        ('daily_budget',      'budget__budget',                 'money'),
    ]) }}
{%- endset %}
{{ intermediate_model(ref('platform_mm__amazon_ads_api_v1_campaigns'), 'amazon_ads', columns) }}
