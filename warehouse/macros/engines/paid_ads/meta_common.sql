{#
  Facebook Ads and Instagram Ads: one Meta Marketing API (v19), one set of master
  models (facebook_ads_api_v1_*), told apart by source_platform. The
  intermediate models and engines of both connectors are these macros,
  parameterised by the connector.

  Canonical grain (ad-reporting convention): campaign -> campaign,
  ad set -> ad_group, ad -> ad. Conversions are the tenant's business logic:
  the sum of actions[].value whose action_type is in
  gata_logic('meta_conversion_action_types').
#}

{# ---- intermediate models ------------------------------------------------------------------- #}

{# /insights at ad level, time_increment=1: one row per ad per day; every number is a string. #}
{% macro meta_int_insights(connector) -%}
{%- set columns %}
    -- grain
    {{ ads_extract([
        ('report_date',        'date_start',         'date'),
        ('campaign_id',        'campaign_id',        'varchar'),
        ('ad_group_id',        'adset_id',           'varchar'),
        ('ad_id',              'ad_id',              'varchar'),
    ]) }},
    -- descriptive
    {{ ads_extract([
        ('campaign_name',      'campaign_name',      'varchar'),
        ('ad_group_name',      'adset_name',         'varchar'),
        ('ad_name',            'ad_name',            'varchar'),
        ('account_id',         'account_id',         'varchar'),
        ('currency',           'account_currency',   'varchar'),
        ('publisher_platform', 'publisher_platform', 'varchar'),
        ('impression_device',  'impression_device',  'varchar'),
    ]) }},
    -- metrics (strings in the API: money straight to decimal)
    {{ ads_extract([
        ('spend',              'spend',              'money'),
        ('impressions',        'impressions',        'bigint'),
        ('clicks',             'clicks',             'bigint'),
        ('inline_link_clicks', 'inline_link_clicks', 'bigint'),
        ('reach',              'reach',              'bigint'),
    ]) }},
    -- actions: [{action_type, value}], which of them are conversions is tenant logic (engine)
    {{ ads_extract([
        ('actions',            meta_action_list('actions'), 'sql'),
    ]) }}
{%- endset %}
{{ intermediate_model(ref('platform_mm__facebook_ads_api_v1_facebook_insights'), connector, columns) }}
{%- endmacro %}

{# /act_{id}/campaigns: status is the configured status (ACTIVE, PAUSED, DELETED, ARCHIVED). #}
{% macro meta_int_campaigns(connector) -%}
{%- set columns %}
    {{ ads_extract([
        ('campaign_id',        'id',                 'varchar'),
        ('campaign_name',      'name',               'varchar'),
        ('status',             'status',             'varchar'),
        ('effective_status',   'effective_status',   'varchar'),
        ('account_id',         'account_id',         'varchar'),
        ('objective',          'objective',          'varchar'),
    ]) }}
{%- endset %}
{{ intermediate_model(ref('platform_mm__facebook_ads_api_v1_campaigns'), connector, columns) }}
{%- endmacro %}

{# A Meta action list of the payload as typed structs (dlt's _dlt_* bookkeeping dropped). #}
{% macro meta_action_list(field, payload='raw_data_payload') -%}
from_json({{ payload }}->'{{ field }}', '[{"action_type": "VARCHAR", "value": "DOUBLE"}]')
{%- endmacro %}

{# ---- engines ------------------------------------------------------------------------------- #}

{# conversions of an insights row: its actions of the tenant's conversion action types #}
{% macro meta_conversions(actions='actions') -%}
{%- set types = gata_logic('meta_conversion_action_types', ['offsite_conversion.fb_pixel_purchase']) -%}
coalesce(list_sum(list_transform(
    list_filter({{ actions }}, lambda a: a.action_type in {{ sql_list(types) }}),
    lambda a: a.value)), 0)
{%- endmacro %}

{% macro meta_ad_performance(connector) -%}
{{ ads_ad_performance(connector, ref('int_' ~ connector ~ '__facebook_insights'), conversions=meta_conversions()) }}
{%- endmacro %}

{% macro meta_campaigns(connector) -%}
{{ ads_campaigns(connector, ref('int_' ~ connector ~ '__campaigns'), ref('int_' ~ connector ~ '__facebook_insights'),
                 name_column='campaign_name') }}
{%- endmacro %}
