{# The tenant a build runs for, and what tenants.yaml says about it (passed as vars). #}

{% macro gata_tenant() -%}
    {%- set slug = var('gata_tenant') -%}
    {%- if slug is none and execute -%}
        {{ exceptions.raise_compiler_error("no tenant: GATA builds run per tenant, pass --vars '{gata_tenant: SLUG, ...}' (use `gata transform`)") }}
    {%- endif -%}
    {{ return(slug or 'none') }}
{%- endmacro %}

{% macro gata_sources(domain=none) -%}
    {%- set mix = var('gata_sources') -%}
    {%- if domain is none -%}
        {{ return(mix.get('paid_ads', []) + mix.get('ecommerce', []) + mix.get('analytics', [])) }}
    {%- endif -%}
    {{ return(mix.get(domain, [])) }}
{%- endmacro %}

{% macro gata_has_source(connector) -%}
    {{ return(connector in gata_sources()) }}
{%- endmacro %}

{% macro gata_logic(key, default=none) -%}
    {{ return(var('gata_logic').get(key, default)) }}
{%- endmacro %}

{# alias of a per-tenant relation: {prefix}_{tenant}__{name} #}
{% macro tenant_alias(prefix, name) -%}
    {{ return(prefix ~ '_' ~ gata_tenant() ~ '__' ~ name) }}
{%- endmacro %}

{# SQL list literal of strings #}
{% macro sql_list(values) -%}
    {%- if values | length == 0 -%}(null){%- else -%}({% for v in values %}'{{ v | replace("'", "''") }}'{{ ", " if not loop.last }}{% endfor %}){%- endif -%}
{%- endmacro %}
