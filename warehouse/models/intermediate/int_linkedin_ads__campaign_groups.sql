{{ config(alias=tenant_alias('int', 'linkedin_ads__campaign_groups'), enabled=gata_has_source('linkedin_ads')) }}
{#
  LinkedIn adCampaignGroups: the level the canonical star calls a campaign (its
  name is the utm_campaign). Status ACTIVE / PAUSED / DRAFT / ARCHIVED / CANCELED /
  PENDING_DELETION / REMOVED.
#}
{%- set columns %}
    {{ ads_extract([
        ('campaign_id',       'id',                  'varchar'),
        ('campaign_name',     'name',                'varchar'),
        ('status',            'status',              'varchar'),
        ('account_urn',       'account',             'varchar'),
        ('run_start',         'run_schedule__start', 'epoch_ms'),
    ]) }}
{%- endset %}
{{ intermediate_model(ref('platform_mm__linkedin_ads_api_v1_campaign_groups'), 'linkedin_ads', columns) }}
