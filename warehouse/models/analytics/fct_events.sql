{{ config(alias=tenant_alias('fct', 'events')) }}
{{ build_fct_events() }}
