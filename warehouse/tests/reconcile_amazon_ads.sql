{{ config(enabled=gata_has_source('amazon_ads')) }}
{# amazon_ads: daily totals of the raw spAdvertisedProduct rows (cost, a number,
   taken to whole cents per row and summed as integers; purchases7d as conversions)
   vs fct_ad_performance. #}
{% set raw_daily %}
select
    cast("date" as date) as report_date,
    sum(cast(round(cost * 100) as bigint)) * 0.01 as spend,
    sum(impressions) as impressions,
    sum(clicks) as clicks,
    sum(purchases7d) as conversions
from {{ raw_table('amazon_ads', 'sp_advertised_product') }}
group by 1
{% endset %}
{{ ads_reconcile('amazon_ads', raw_daily) }}
