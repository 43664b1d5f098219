{{ config(enabled=gata_has_source('bing_ads')) }}
{# bing_ads: daily totals of the raw report rows (Spend, a number, taken to whole
   cents per row and summed as integers) vs fct_ad_performance. #}
{% set raw_daily %}
select
    cast(time_period as date) as report_date,
    sum(cast(round(spend * 100) as bigint)) * 0.01 as spend,
    sum(impressions) as impressions,
    sum(clicks) as clicks,
    sum(conversions) as conversions
from {{ raw_table('bing_ads', 'account_performance_report') }}
group by 1
{% endset %}
{{ ads_reconcile('bing_ads', raw_daily) }}
