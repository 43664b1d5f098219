{{ config(alias=tenant_alias('int', 'instagram_ads__facebook_insights'), enabled=gata_has_source('instagram_ads')) }}
{# Meta Marketing API facebook_insights of instagram_ads: the shared Meta extraction (macros/engines/paid_ads/meta_common.sql) #}
{{ meta_int_insights('instagram_ads') }}
