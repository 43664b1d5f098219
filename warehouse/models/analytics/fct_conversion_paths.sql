{{ config(alias=tenant_alias('fct', 'conversion_paths')) }}
{{ build_fct_conversion_paths(ref('fct_orders'), ref('fct_touchpoints')) }}
