{{ config(alias=tenant_alias('int', 'facebook_ads__campaigns'), enabled=gata_has_source('facebook_ads')) }}
{# Meta Marketing API campaigns of facebook_ads: the shared Meta extraction (macros/engines/paid_ads/meta_common.sql) #}
{{ meta_int_campaigns('facebook_ads') }}
