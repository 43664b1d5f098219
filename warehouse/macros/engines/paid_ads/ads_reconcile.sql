{#
  Reconciliation of one ad platform (tests/reconcile_{connector}.sql): the test
  computes the platform's daily totals straight from the raw landed API tables
  (its own implementation of the unit conversions, never the payload), as a
  select of report_date, spend (exact decimal), impressions, clicks, conversions;
  this compares them with fct_ad_performance and returns every day that differs
  (spend to the cent, counts exactly, conversions to 1e-6), or that only one side has.
#}
{% macro ads_reconcile(connector, raw_daily) -%}
with raw as (
    {{ raw_daily }}
),
star as (
    select report_date, sum(spend) as spend, sum(impressions) as impressions, sum(clicks) as clicks,
           sum(conversions) as conversions
    from {{ ref('fct_ad_performance') }}
    where source_platform = '{{ connector }}'
    group by report_date
)
select
    '{{ connector }}' as source_platform,
    coalesce(raw.report_date, star.report_date) as report_date,
    raw.spend as raw_spend, star.spend as star_spend,
    raw.impressions as raw_impressions, star.impressions as star_impressions,
    raw.clicks as raw_clicks, star.clicks as star_clicks,
    raw.conversions as raw_conversions, star.conversions as star_conversions
from raw
full outer join star on star.report_date = raw.report_date
where raw.report_date is null
   or star.report_date is null
   or raw.spend is distinct from star.spend
   or raw.impressions is distinct from star.impressions
   or raw.clicks is distinct from star.clicks
   or abs(coalesce(raw.conversions, 0) - coalesce(star.conversions, 0)) > 1e-6
{%- endmacro %}

{#
  Raw daily totals of a Meta connector (Facebook / Instagram share the API): spend
  strings to decimal, conversions from the actions child table with the tenant's
  conversion action types.
#}
{% macro meta_raw_daily(connector) -%}
{%- set types = gata_logic('meta_conversion_action_types', ['offsite_conversion.fb_pixel_purchase']) -%}
select
    cast(i.date_start as date) as report_date,
    sum(cast(i.spend as decimal(18,2))) as spend,
    sum(cast(i.impressions as bigint)) as impressions,
    sum(cast(i.clicks as bigint)) as clicks,
    coalesce(sum(a.conversions), 0) as conversions
from {{ raw_table(connector, 'facebook_insights') }} i
left join (
    {%- if raw_table_exists(connector, 'facebook_insights__actions') %}
    select _dlt_parent_id, sum(cast(value as double)) as conversions
    from {{ raw_table(connector, 'facebook_insights__actions') }}
    where action_type in {{ sql_list(types) }}
    group by _dlt_parent_id
    {%- else %}
    select null::varchar as _dlt_parent_id, 0::double as conversions where false
    {%- endif %}
) a on a._dlt_parent_id = i._dlt_id
group by 1
{%- endmacro %}
