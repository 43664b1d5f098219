{# Instagram Ads engines: the shared Meta engine (meta_common.sql) for instagram_ads. #}

{% macro engine_instagram_ads__ad_performance() -%}
{{ meta_ad_performance('instagram_ads') }}
{%- endmacro %}

{% macro engine_instagram_ads__campaigns() -%}
{{ meta_campaigns('instagram_ads') }}
{%- endmacro %}
