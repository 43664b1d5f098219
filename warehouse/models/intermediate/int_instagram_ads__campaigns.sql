{{ config(alias=tenant_alias('int', 'instagram_ads__campaigns'), enabled=gata_has_source('instagram_ads')) }}
{# Meta Marketing API campaigns of instagram_ads: the shared Meta extraction (macros/engines/paid_ads/meta_common.sql) #}
{{ meta_int_campaigns('instagram_ads') }}
