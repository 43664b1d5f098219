{#
  Google Ads engines. Canonical grain: campaign -> campaign, ad group -> ad_group,
  ad (ad_group_ad.ad) -> ad; device segments summed to one row per ad per day;
  spend = cost_micros / 1,000,000 (exact); conversions = metrics.conversions.
#}

{% macro engine_google_ads__ad_performance() -%}
{{ ads_ad_performance('google_ads', ref('int_google_ads__ad_performance')) }}
{%- endmacro %}

{% macro engine_google_ads__campaigns() -%}
{{ ads_campaigns('google_ads', ref('int_google_ads__campaigns'), ref('int_google_ads__ad_performance'),
                 name_column='campaign_name', status_column='campaign_status') }}
{%- endmacro %}
