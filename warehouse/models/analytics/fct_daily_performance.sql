{{ config(alias=tenant_alias('fct', 'daily_performance')) }}
{{ build_fct_daily_performance(ref('fct_ad_performance'), ref('fct_orders'), ref('fct_sessions')) }}
