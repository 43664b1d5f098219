{{ config(alias=tenant_alias('dim', 'campaigns')) }}
{{ build_dim_campaigns() }}
