{# One row per campaign per platform. Status is canonical: active, paused, removed. #}
{% macro build_dim_campaigns() -%}
{{ engine_union('paid_ads', 'campaigns', canonical_columns('campaigns')) }}
{%- endmacro %}
