{{ config(alias=tenant_alias('int', 'tiktok_ads__campaigns'), enabled=gata_has_source('tiktok_ads')) }}
{#
  TikTok campaign/get items: operation_status ENABLE / DISABLE; a deleted campaign
  keeps its last operation_status and says CAMPAIGN_STATUS_DELETE in secondary_status,
  so status is DELETE then.
#}
{%- set columns %}
    {{ ads_extract([
        ('campaign_id',       'campaign_id',       'varchar'),
        ('campaign_name',     'campaign_name',     'varchar'),
        ('status',            "case when raw_data_payload->>'secondary_status' = 'CAMPAIGN_STATUS_DELETE' then 'DELETE'"
                              ~ " else raw_data_payload->>'operation_status' end", 'sql'),
        ('operation_status',  'operation_status',  'varchar'),
        ('secondary_status',  'secondary_status',  'varchar'),
        ('objective_type',    'objective_type',    'varchar'),
        ('advertiser_id',     'advertiser_id',     'varchar'),
        ('daily_budget',      'budget',            'money'),
    ]) }}
{%- endset %}
{{ intermediate_model(ref('platform_mm__tiktok_ads_api_v1_campaigns'), 'tiktok_ads', columns) }}
