{#
  A master model: the multi-tenant sink of one connector object.
  A build pushes the current tenant's slice only: rows whose dlt load is newer
  than what the master already holds for that tenant and platform, merged on
  (tenant_slug, source_platform, record_key) so a re-run changes nothing.
  full_refresh is disabled on these models: they hold every tenant's history.
#}
{% macro master_model(master_model_id, object) -%}
{%- set pushers = [] -%}
{%- for connector in gata_sources() -%}
    {%- if gata_master_model_id(connector) == master_model_id -%}
        {%- do pushers.append(connector) -%}
    {%- endif -%}
{%- endfor -%}
{{ config(
    incremental_strategy='delete+insert',
    unique_key=['tenant_slug', 'source_platform', 'record_key'],
    enabled=(pushers | length > 0),
) }}
{%- for connector in pushers %}
select s.* from {{ ref('stg_' ~ connector ~ '__' ~ object) }} s
{%- if is_incremental() %}
where s.dlt_load_id > coalesce((
    select max(m.dlt_load_id) from {{ this }} m
    where m.tenant_slug = '{{ gata_tenant() }}' and m.source_platform = '{{ connector }}'), '')
{%- endif %}
{{ "union all" if not loop.last }}
{%- endfor %}
{%- endmacro %}

{# master_model_id of a connector, from the catalog (the scaffold's generated gata_catalog()) #}
{% macro gata_master_model_id(connector) -%}
    {{ return(gata_catalog().get(connector, {}).get('master_model_id')) }}
{%- endmacro %}
