{#
  The frame every intermediate model shares: the current tenant's slice of one
  connector in a master model (tenant isolation is this where clause), its lineage
  columns, then the model's typed columns, rendered from the payload by
  ads_extract or json_extract_commerce. `parsed` adds columns computed once in the
  source CTE (a JSON list parsed a single time) for the typed columns to use.
#}
{% macro intermediate_model(master_model, connector, columns, parsed=none) -%}
with source as (
    select *{% if parsed %},
        {{ parsed }}{% endif %}
    from {{ master_model }}
    where tenant_slug = '{{ gata_tenant() }}' and source_platform = '{{ connector }}'
)
select
    tenant_slug,
    source_platform,
    dlt_load_id,
    loaded_at,
    {{ columns | trim }}
from source
{%- endmacro %}
