{{ config(alias=tenant_alias('int', 'google_ads__campaigns'), enabled=gata_has_source('google_ads')) }}
{# Google Ads GAQL rows FROM campaign: status ENABLED / PAUSED / REMOVED. #}
{%- set columns %}
    {{ ads_extract([
        ('campaign_id',       'campaign__id',                       'varchar'),
        ('campaign_name',     'campaign__name',                     'varchar'),
        ('status',            'campaign__status',                   'varchar'),
        ('channel_type',      'campaign__advertising_channel_type', 'varchar'),
        ('customer_id',       'customer__id',                       'varchar'),
        ('daily_budget',      'campaign_budget__amount_micros',     'micros'),
    ]) }}
{%- endset %}
{{ intermediate_model(ref('platform_mm__google_ads_api_v1_campaigns'), 'google_ads', columns) }}
