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

{# A landed raw table of the current tenant, in its own database: tenant."raw_{tenant}__{connector}"."{table}" #}
{% macro raw_table(connector, table) -%}
tenant."raw_{{ gata_tenant() }}__{{ connector }}"."{{ table }}"
{%- endmacro %}

{# Whether a raw landed table exists (dlt creates a child table only once a list had items). #}
{% macro raw_table_exists(connector, table) -%}
{%- if not execute -%}{{ return(true) }}{%- endif -%}
{%- set rel = adapter.get_relation(database='tenant', schema='raw_' ~ gata_tenant() ~ '__' ~ connector,
                                   identifier=table) -%}
{{ return(rel is not none) }}
{%- endmacro %}

{# SQL list literal of strings #}
{% macro sql_list(values) -%}
    {%- if values | length == 0 -%}(null){%- else -%}({% for v in values %}'{{ v | replace("'", "''") }}'{{ ", " if not loop.last }}{% endfor %}){%- endif -%}
{%- endmacro %}

{# The tenant's calendar day of a timestamptz: tenants.yaml `timezone` decides where a day starts. #}
{% macro local_date(ts) -%}
cast({{ ts }} at time zone '{{ gata_logic('timezone', 'UTC') | replace("'", "''") }}' as date)
{%- endmacro %}
