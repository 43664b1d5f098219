-- Satellite: each distinct schema DNA a tenant's landed tables have had, with when it was first seen.
{{ config(materialized='incremental', full_refresh=false) }}
with seen as (
    select tenant_slug, connector, dataset, table_name, dna_hash, status,
           added_columns, removed_columns, retyped_columns,
           min(seen_at) as first_seen_at, arg_min(load_id, seen_at) as first_load_id
    from platform.schema_dna_history
    where tenant_slug = '{{ gata_tenant() }}'
    group by all
)
select * from seen
{% if is_incremental() %}
where not exists (
    select 1 from {{ this }} h
    where h.tenant_slug = seen.tenant_slug and h.dataset = seen.dataset
      and h.table_name = seen.table_name and h.dna_hash = seen.dna_hash)
{% endif %}
