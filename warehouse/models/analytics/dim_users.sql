{{ config(alias=tenant_alias('dim', 'users')) }}
{{ build_dim_users(ref('fct_events'), ref('fct_orders')) }}
