{# One row per ad per day per platform, from every paid-ads engine of the tenant. #}
{% macro build_fct_ad_performance() -%}
{{ engine_union('paid_ads', 'ad_performance', canonical_columns('ad_performance')) }}
{%- endmacro %}
