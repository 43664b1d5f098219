{{ config(enabled=gata_has_source('google_ads')) }}
{# google_ads: daily totals of the raw GAQL rows (cost_micros summed as integers,
   / 1,000,000 exactly, rounded to the cent) vs fct_ad_performance. #}
{% set raw_daily %}
select
    cast(segments__date as date) as report_date,
    round(cast(sum(metrics__cost_micros) as decimal(38,0)) * 0.000001, 2) as spend,
    sum(metrics__impressions) as impressions,
    sum(metrics__clicks) as clicks,
    sum(metrics__conversions) as conversions
from {{ raw_table('google_ads', 'ad_performance') }}
group by 1
{% endset %}
{{ ads_reconcile('google_ads', raw_daily) }}
