-- Ops registry: which landed table of which tenant feeds which master model, and by which DNA.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='tenant_slug', full_refresh=false) }}
{%- set routes = gata_routing() %}
{%- if routes | length == 0 %}
select null::varchar as tenant_slug, null::varchar as connector, null::varchar as object,
       null::varchar as dataset, null::varchar as table_name, null::varchar as master_model,
       null::varchar as dna_hash, null::varchar as dna_status, now()::timestamptz as registered_at
where false
{%- else %}
select * from (values
{%- for r in routes %}
    ('{{ gata_tenant() }}', '{{ r.connector }}', '{{ r.object }}', '{{ r.dataset }}', '{{ r.table }}',
     '{{ r.master_model }}', '{{ r.dna_hash }}', '{{ r.dna_status }}', now()::timestamptz){{ "," if not loop.last }}
{%- endfor %}
) as t(tenant_slug, connector, object, dataset, table_name, master_model, dna_hash, dna_status, registered_at)
{%- endif %}
