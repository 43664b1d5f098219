{# Facebook Ads engines: the shared Meta engine (meta_common.sql) for facebook_ads. #}

{% macro engine_facebook_ads__ad_performance() -%}
{{ meta_ad_performance('facebook_ads') }}
{%- endmacro %}

{% macro engine_facebook_ads__campaigns() -%}
{{ meta_campaigns('facebook_ads') }}
{%- endmacro %}
