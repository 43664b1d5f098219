{{ config(enabled=gata_has_source('facebook_ads')) }}
{# facebook_ads: daily spend, impressions, clicks and conversions (the tenant's action types)
   from the raw landed insights and their actions child table, vs fct_ad_performance. #}
{{ ads_reconcile('facebook_ads', meta_raw_daily('facebook_ads')) }}
