{{ config(alias=tenant_alias('fct', 'orders')) }}
{{ build_fct_orders() }}
