{{ config(alias=tenant_alias('int', 'bing_ads__campaigns'), enabled=gata_has_source('bing_ads')) }}
{# Microsoft Advertising Campaign Management campaigns: Status Active / Paused / BudgetPaused / Suspended / Deleted. #}
select
    tenant_slug,
    source_platform,
    dlt_load_id,
    loaded_at,
    {{ ads_extract([
        ('campaign_id',     'id',             'varchar'),
        ('campaign_name',   'name',           'varchar'),
        ('status',          'status',         'varchar'),
        ('campaign_type',   'campaign_type',  'varchar'),
        ('account_id',      'account_id',     'varchar'),
        ('daily_budget',    'daily_budget',   'money'),
    ]) }}
from {{ ref('platform_mm__bing_ads_api_v1_campaigns') }}
where tenant_slug = '{{ gata_tenant() }}'
  and source_platform = 'bing_ads'
