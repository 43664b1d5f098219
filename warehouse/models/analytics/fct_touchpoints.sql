{{ config(alias=tenant_alias('fct', 'touchpoints')) }}
{{ build_fct_touchpoints(ref('fct_sessions'), ref('fct_events'), ref('dim_campaigns')) }}
