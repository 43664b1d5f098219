{{ config(enabled=gata_has_source('linkedin_ads')) }}
{# linkedin_ads: daily totals of the raw creative-level adAnalytics rows (dateRange
   start parts as the day, costInLocalCurrency strings to decimal) vs fct_ad_performance. #}
{% set raw_daily %}
select
    make_date(date_range__start__year, date_range__start__month, date_range__start__day) as report_date,
    sum(cast(cost_in_local_currency as decimal(18,2))) as spend,
    sum(impressions) as impressions,
    sum(clicks) as clicks,
    sum(external_website_conversions) as conversions
from {{ raw_table('linkedin_ads', 'ad_analytics') }}
group by 1
{% endset %}
{{ ads_reconcile('linkedin_ads', raw_daily) }}
