{{ config(alias=tenant_alias('int', 'facebook_ads__facebook_insights'), enabled=gata_has_source('facebook_ads')) }}
{# Meta Marketing API facebook_insights of facebook_ads: the shared Meta extraction (macros/engines/paid_ads/meta_common.sql) #}
{{ meta_int_insights('facebook_ads') }}
