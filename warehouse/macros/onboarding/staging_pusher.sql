{#
  A staging pusher: re-bundles one landed object of the current tenant
  into the standard wrapper the master models hold. Every row becomes one
  raw_data_payload JSON document: the landed columns as dlt flattened them, with
  each dlt child table folded back in as a list under its field name, so the
  payload keeps the record whole (new fields included) for logic replay.

  Routing (dataset, table, DNA, master model, children) comes from the tenant's
  scaffold files (gata_routing var), which were matched by schema DNA. The landed
  tables are read through their dbt sources (raw_{connector}, generated from the
  catalog); a child table no blueprint knows (a new list in a live payload) is read
  by its name in the routed dataset.
#}
{% macro staging_pusher(connector, object) -%}
{%- set route = gata_route(connector, object) -%}
{%- set pk = route['primary_key'] -%}
with
{{ _bundle_cte(connector, route['dataset'], route['table'], route['children'], 'bundled') }}
select
    '{{ gata_tenant() }}'::varchar as tenant_slug,
    '{{ connector }}'::varchar as source_platform,
    '{{ gata_tenant_skey() }}'::varchar as tenant_skey,
    '{{ route["dna_hash"] }}'::varchar as source_schema_hash,
    '{{ object }}'::varchar as source_object,
    bundled._dlt_load_id::varchar as dlt_load_id,
    to_timestamp(bundled._dlt_load_id::double) as loaded_at,
    md5(concat_ws('|', {% for k in pk %}bundled."{{ k }}"::varchar{{ ", " if not loop.last }}{% endfor %})) as record_key,
    to_json(bundled)::json as raw_data_payload
from bundled
{%- endmacro %}

{# CTEs folding child tables (recursively) into list columns of their parent. #}
{% macro _bundle_cte(connector, dataset, table, children, name) -%}
{%- for child in children %}
{{ _bundle_cte(connector, dataset, child['table'], child.get('children', []), name ~ '_c' ~ loop.index) }},
{{ name }}_c{{ loop.index }}_agg as (
    select _dlt_parent_id, list(c order by c._dlt_list_idx) as items
    from {{ name }}_c{{ loop.index }} c
    group by _dlt_parent_id
),
{%- endfor %}
{{ name }} as (
    select p.*{% for child in children %}, coalesce({{ name }}_c{{ loop.index }}_agg.items, []) as "{{ child['field'] }}"{% endfor %}
    from {{ _landed(connector, dataset, table) }} p
    {%- for child in children %}
    left join {{ name }}_c{{ loop.index }}_agg on {{ name }}_c{{ loop.index }}_agg._dlt_parent_id = p._dlt_id
    {%- endfor %}
)
{%- endmacro %}

{% macro _landed(connector, dataset, table) -%}
{%- if table in gata_catalog().get(connector, {}).get('tables', []) -%}
{{ source('raw_' ~ connector, table) }}
{%- else -%}
tenant."{{ dataset }}"."{{ table }}"
{%- endif -%}
{%- endmacro %}

{% macro gata_route(connector, object) -%}
    {%- for r in gata_routing() -%}
        {%- if r['connector'] == connector and r['object'] == object -%}
            {{ return(r) }}
        {%- endif -%}
    {%- endfor -%}
    {%- if execute -%}
        {{ exceptions.raise_compiler_error("no routing for " ~ connector ~ "." ~ object ~ " of tenant " ~ gata_tenant() ~ ": run `gata transform` (it scaffolds routing from the landed tables' DNA)") }}
    {%- endif -%}
    {{ return({'dataset': 'none', 'table': object, 'children': [], 'primary_key': ['none'], 'dna_hash': ''}) }}
{%- endmacro %}
