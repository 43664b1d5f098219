{#
  Amazon Ads (Sponsored Products) engines. Canonical grain: campaign -> campaign,
  ad group -> ad_group, product ad -> ad; cost -> spend, purchases7d -> conversions.
#}

{% macro engine_amazon_ads__ad_performance() -%}
{{ ads_ad_performance('amazon_ads', ref('int_amazon_ads__sp_advertised_product')) }}
{%- endmacro %}

{% macro engine_amazon_ads__campaigns() -%}
{{ ads_campaigns('amazon_ads', ref('int_amazon_ads__campaigns'), ref('int_amazon_ads__sp_advertised_product'),
                 name_column='campaign_name') }}
{%- endmacro %}
