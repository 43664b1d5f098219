{{ config(alias=tenant_alias('int', 'amazon_ads__campaigns'), enabled=gata_has_source('amazon_ads')) }}
{# Amazon Ads v3 /sp/campaigns/list items: state ENABLED / PAUSED / ARCHIVED. #}
select
    tenant_slug,
    source_platform,
    dlt_load_id,
    loaded_at,
    {{ ads_extract([
        ('campaign_id',       'campaign_id',                    'varchar'),
        ('campaign_name',     'name',                           'varchar'),
        ('status',            'state',                          'varchar'),
        ('serving_status',    'extended_data__serving_status',  'varchar'),
        ('targeting_type',    'targeting_type',                 'varchar'),
        ('daily_budget',      'budget__budget',                 'money'),
    ]) }}
from {{ ref('platform_mm__amazon_ads_api_v1_campaigns') }}
where tenant_slug = '{{ gata_tenant() }}'
  and source_platform = 'amazon_ads'
