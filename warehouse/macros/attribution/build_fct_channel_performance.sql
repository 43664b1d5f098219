{#
  Channel economics on conformed dimensions: one row per attribution model x date x
  channel x source_platform x campaign. Ad delivery (spend, impressions, clicks,
  platform conversions), sessions (touchpoints) and attributed orders and revenue
  share no key but these dimensions, so each fact is summed to them first and the
  sums are put side by side (drill-across); ratios over any grouping (roas, cpa,
  cac) are then ratios of sums. Delivery and sessions do not depend on the model
  and repeat under each one: a query reads exactly one model (the semantic layer
  always filters attribution_model).

  Dates: ads in the ad account's own day, sessions and orders in the tenant's
  timezone. Spend's channel is its platform's paid channel (its utm_source as
  paid traffic). Unattributed revenue is channel 'unattributed'.
#}
{% macro build_fct_channel_performance(ads, campaigns, touchpoints, attribution) -%}
with models as (
    select unnest({{ attribution_models() }}) as attribution_model
),
ads as (
    select a.report_date as date, {{ platform_channel_case('a.source_platform') }} as channel,
        a.source_platform, a.campaign_id, c.campaign_name,
        sum(a.spend) as spend, sum(a.impressions) as impressions, sum(a.clicks) as clicks,
        sum(a.conversions) as conversions
    from {{ ads }} a
    left join {{ campaigns }} c using (campaign_key)
    group by all
),
sessions as (
    select touch_date as date, channel, source_platform, campaign_id, campaign_name, count(*) as sessions
    from {{ touchpoints }}
    group by all
),
attributed as (
    select attribution_model, order_date as date, channel, source_platform, campaign_id, campaign_name,
        sum(attributed_revenue) as attributed_revenue, sum(credit) as attributed_orders,
        coalesce(sum(credit) filter (where is_new_customer), 0) as attributed_new_customers
    from {{ attribution }}
    group by all
),
facts as (
    select m.attribution_model, ads.* from ads cross join models m
    union all by name
    select m.attribution_model, sessions.* from sessions cross join models m
    union all by name
    select * from attributed
)
select
    '{{ gata_tenant() }}'::varchar as tenant_slug,
    attribution_model, date, channel, source_platform, campaign_id, campaign_name,
    coalesce(sum(spend), 0)::decimal(18,2) as spend,
    coalesce(sum(impressions), 0)::bigint as impressions,
    coalesce(sum(clicks), 0)::bigint as clicks,
    coalesce(sum(conversions), 0)::double as conversions,
    coalesce(sum(sessions), 0)::bigint as sessions,
    coalesce(sum(attributed_revenue), 0)::decimal(18,2) as attributed_revenue,
    -- fractional counts rounded to 9 places: parallel float sums must not differ between builds
    round(coalesce(sum(attributed_orders), 0), 9)::double as attributed_orders,
    round(coalesce(sum(attributed_new_customers), 0), 9)::double as attributed_new_customers
from facts
group by all
{%- endmacro %}
