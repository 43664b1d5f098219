{{ config(alias=tenant_alias('int', 'google_ads__campaigns'), enabled=gata_has_source('google_ads')) }}
{# Google Ads GAQL rows FROM campaign: status ENABLED / PAUSED / REMOVED. #}
select
    tenant_slug,
    source_platform,
    dlt_load_id,
    loaded_at,
    {{ ads_extract([
        ('campaign_id',       'campaign__id',                       'varchar'),
        ('campaign_name',     'campaign__name',                     'varchar'),
        ('status',            'campaign__status',                   'varchar'),
        ('channel_type',      'campaign__advertising_channel_type', 'varchar'),
        ('customer_id',       'customer__id',                       'varchar'),
        ('daily_budget',      'campaign_budget__amount_micros',     'micros'),
    ]) }}
from {{ ref('platform_mm__google_ads_api_v1_campaigns') }}
where tenant_slug = '{{ gata_tenant() }}'
  and source_platform = 'google_ads'
