{{ config(alias=tenant_alias('fct', 'channel_performance')) }}
{{ build_fct_channel_performance(ref('fct_ad_performance'), ref('dim_campaigns'), ref('fct_touchpoints'), ref('fct_attribution')) }}
