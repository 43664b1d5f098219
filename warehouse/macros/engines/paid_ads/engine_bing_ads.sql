{#
  Microsoft Advertising (Bing Ads) engines. Canonical grain: campaign -> campaign,
  ad group -> ad_group, ad -> ad; device type and network rows summed to one row
  per ad per day; Spend (account currency) -> spend, Conversions -> conversions.
#}

{% macro engine_bing_ads__ad_performance() -%}
{{ ads_ad_performance('bing_ads', ref('int_bing_ads__account_performance_report')) }}
{%- endmacro %}

{% macro engine_bing_ads__campaigns() -%}
{{ ads_campaigns('bing_ads', ref('int_bing_ads__campaigns'), ref('int_bing_ads__account_performance_report'),
                 name_column='campaign_name', status_column='campaign_status') }}
{%- endmacro %}
