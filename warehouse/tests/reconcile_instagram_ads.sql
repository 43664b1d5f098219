{{ config(enabled=gata_has_source('instagram_ads')) }}
{# instagram_ads: daily spend, impressions, clicks and conversions (the tenant's action types)
   from the raw landed insights and their actions child table, vs fct_ad_performance. #}
{{ ads_reconcile('instagram_ads', meta_raw_daily('instagram_ads')) }}
