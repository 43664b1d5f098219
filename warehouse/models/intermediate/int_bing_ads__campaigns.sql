{{ config(alias=tenant_alias('int', 'bing_ads__campaigns'), enabled=gata_has_source('bing_ads')) }}
{# Microsoft Advertising Campaign Management campaigns: Status Active / Paused / BudgetPaused / Suspended / Deleted. #}
{%- set columns %}
    {{ ads_extract([
        ('campaign_id',     'id',             'varchar'),
        ('campaign_name',   'name',           'varchar'),
        ('status',          'status',         'varchar'),
        ('campaign_type',   'campaign_type',  'varchar'),
        ('account_id',      'account_id',     'varchar'),
        ('daily_budget',    'daily_budget',   'money'),
    ]) }}
{%- endset %}
{{ intermediate_model(ref('platform_mm__bing_ads_api_v1_campaigns'), 'bing_ads', columns) }}
