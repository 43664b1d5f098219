-- Hub key registry: one row per tenant ever built, with its surrogate key.
{{ config(materialized='incremental', unique_key='tenant_slug', incremental_strategy='delete+insert', full_refresh=false) }}
select
    '{{ gata_tenant() }}'::varchar as tenant_slug,
    '{{ gata_tenant_skey() }}'::varchar as tenant_skey,
    {% if is_incremental() %}
    coalesce((select min(first_built_at) from {{ this }} where tenant_slug = '{{ gata_tenant() }}'), now())
    {% else %}now(){% endif %}::timestamptz as first_built_at,
    now()::timestamptz as last_built_at
