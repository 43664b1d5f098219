{#
  The tenant a build runs for, and what tenants.yaml says about it.

  The runner passes these as environment variables, not --vars: dbt keeps one hash
  of all --vars and re-parses the whole project when it changes, so per-tenant vars
  forced a full parse on every build. Environment variables are tracked per file,
  so a build of another tenant re-parses only the files that read one at parse
  time, and the saved manifest (partial_parse.msgpack) is reused for the rest.
    GATA_TENANT          the slug (relation aliases: read at parse time)
    GATA_TENANT_SOURCES  the source mix as JSON (which models are enabled, which
                         engines a star unions: read at parse time)
    GATA_TENANT_CONFIG   JSON of skey, business logic, routing and load ids: read only
                         while executing, so changing it re-parses nothing
#}

{% macro gata_tenant() -%}
    {%- set slug = env_var('GATA_TENANT', '') -%}
    {%- if not slug and execute -%}
        {{ exceptions.raise_compiler_error("no tenant: GATA builds run per tenant, set GATA_TENANT, GATA_TENANT_SOURCES and GATA_TENANT_CONFIG (use `gata transform`)") }}
    {%- endif -%}
    {{ return(slug or 'none') }}
{%- endmacro %}

{# The source mix as tenants.yaml has it: {paid_ads: [...], ecommerce: [...], analytics: [...]}. #}
{% macro gata_source_mix() -%}
    {{ return(fromjson(env_var('GATA_TENANT_SOURCES', '{}'))) }}
{%- endmacro %}

{% macro gata_sources(domain=none) -%}
    {%- set mix = gata_source_mix() -%}
    {%- if domain is none -%}
        {{ return(mix.get('paid_ads', []) + mix.get('ecommerce', []) + mix.get('analytics', [])) }}
    {%- endif -%}
    {{ return(mix.get(domain, [])) }}
{%- endmacro %}

{% macro gata_has_source(connector) -%}
    {{ return(connector in gata_sources()) }}
{%- endmacro %}

{# The execution-time part of the tenant's config ({} while parsing: nothing parsed may depend on it). #}
{% macro gata_tenant_config() -%}
    {%- if not execute -%}{{ return({}) }}{%- endif -%}
    {{ return(fromjson(env_var('GATA_TENANT_CONFIG', '{}'))) }}
{%- endmacro %}

{% macro gata_logic(key=none, default=none) -%}
    {%- set logic = gata_tenant_config().get('logic', {}) -%}
    {%- if key is none -%}{{ return(logic) }}{%- endif -%}
    {{ return(logic.get(key, default)) }}
{%- endmacro %}

{% macro gata_tenant_skey() -%}
    {{ return(gata_tenant_config().get('skey', '')) }}
{%- endmacro %}

{# The tenant's DNA routing (its scaffold files): which landed table feeds which master model. #}
{% macro gata_routing() -%}
    {{ return(gata_tenant_config().get('routing', [])) }}
{%- endmacro %}

{# The newest dlt load per connector the build sees (recorded with each invocation). #}
{% macro gata_load_ids() -%}
    {{ return(gata_tenant_config().get('load_ids', {})) }}
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
