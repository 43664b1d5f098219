{# Schemas are the layer names themselves (staging, platform, intermediate, analytics),
   not dbt's default target_schema_custom concatenation. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ (custom_schema_name or target.schema) | trim }}
{%- endmacro %}
