-- Satellite: every version of a tenant's business logic the reporting layer was built with.
-- A new row only when the config changes (its hash differs from the tenant's latest).
{{ config(materialized='incremental', full_refresh=false) }}
{%- set logic = tojson(gata_logic(), sort_keys=true) %}
{%- set sources = tojson(gata_source_mix(), sort_keys=true) %}
with current_config as (
    select
        '{{ gata_tenant() }}'::varchar as tenant_slug,
        '{{ gata_tenant_skey() }}'::varchar as tenant_skey,
        '{{ logic | replace("'", "''") }}'::json as business_logic,
        '{{ sources | replace("'", "''") }}'::json as source_mix,
        md5('{{ (logic ~ sources) | replace("'", "''") }}') as config_hash,
        now()::timestamptz as valid_from
)
select * from current_config
{% if is_incremental() %}
where config_hash is distinct from (
    select config_hash from {{ this }} where tenant_slug = '{{ gata_tenant() }}'
    order by valid_from desc limit 1)
{% endif %}
