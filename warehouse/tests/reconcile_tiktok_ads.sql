{{ config(enabled=gata_has_source('tiktok_ads')) }}
{# tiktok_ads: daily totals of the raw report rows (every metric a string: spend to
   decimal, counts to integers; conversion as conversions) vs fct_ad_performance. #}
{% set raw_daily %}
select
    cast(dimensions__stat_time_day as date) as report_date,
    sum(cast(metrics__spend as decimal(18,2))) as spend,
    sum(cast(metrics__impressions as bigint)) as impressions,
    sum(cast(metrics__clicks as bigint)) as clicks,
    sum(cast(metrics__conversion as double)) as conversions
from {{ raw_table('tiktok_ads', 'ads_reports_daily') }}
group by 1
{% endset %}
{{ ads_reconcile('tiktok_ads', raw_daily) }}
