{#
  TikTok Ads engines. Canonical grain: campaign -> campaign, ad group -> ad_group,
  ad -> ad; metric strings cast (spend exact to decimal), conversion -> conversions.
  Status: ENABLE -> active, DISABLE -> paused, deleted (secondary status) -> removed.
#}

{% macro engine_tiktok_ads__ad_performance() -%}
{{ ads_ad_performance('tiktok_ads', ref('int_tiktok_ads__ads_reports_daily')) }}
{%- endmacro %}

{% macro engine_tiktok_ads__campaigns() -%}
{{ ads_campaigns('tiktok_ads', ref('int_tiktok_ads__campaigns'), ref('int_tiktok_ads__ads_reports_daily'),
                 name_column='campaign_name') }}
{%- endmacro %}
