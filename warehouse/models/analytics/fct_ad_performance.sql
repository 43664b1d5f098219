{{ config(alias=tenant_alias('fct', 'ad_performance')) }}
{{ build_fct_ad_performance() }}
