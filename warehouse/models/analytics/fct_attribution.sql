{{ config(alias=tenant_alias('fct', 'attribution')) }}
{{ build_fct_attribution(ref('fct_orders'), ref('fct_conversion_paths'), ref('fct_touchpoints')) }}
