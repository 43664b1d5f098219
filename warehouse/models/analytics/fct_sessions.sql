{{ config(alias=tenant_alias('fct', 'sessions')) }}
{{ build_fct_sessions(ref('fct_events')) }}
