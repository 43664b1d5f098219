{#
  One row per attribution model x paid order x touchpoint, with the touchpoint's
  credit (an order's credits sum to 1 under every model) and its attributed revenue
  in cents that sum exactly to the order's total_price: each touchpoint gets the
  floor of its share in cents and the cents left over go to the largest remainders
  (ties: the earlier touch). A paid order without touchpoints gets one row per model
  in channel 'unattributed', so revenue is never dropped. The attribution date is
  the order date.

  Models: first_touch, last_touch, last_non_direct (the last touch that is not
  'direct', or the last touch when all are), linear, position_based (40% first, 40%
  last, 20% shared by the middle; one touch 100%, two 50/50), time_decay (weight
  halves every half_life_days before the conversion), data_driven (each touchpoint
  weighted by its channel's Markov removal effect shared among the order's touches
  of that channel; linear when no channel of the path has an effect).
#}
{% macro build_fct_attribution(orders, paths, touchpoints) -%}
{%- set half_life = attribution_settings().get('half_life_days', 7) | float -%}
with removal as (
    {{ markov_removal_effects(paths, touchpoints) }}
),
weighted as (
    select p.*,
        max(touch_index) filter (where channel <> 'direct') over (partition by order_id) as last_non_direct_index,
        pow(0.5, days_before_conversion / {{ half_life }}) as decay_weight,
        coalesce(r.removal_effect, 0) / count(*) over (partition by order_id, p.channel) as markov_weight
    from {{ paths }} p
    left join removal r using (channel)
),
credits as (
    select *,
        (touch_index = 1)::int::double as first_touch,
        (touch_index = touch_count)::int::double as last_touch,
        (touch_index = coalesce(last_non_direct_index, touch_count))::int::double as last_non_direct,
        1.0 / touch_count as linear,
        case when touch_count = 1 then 1.0
             when touch_count = 2 then 0.5
             when touch_index in (1, touch_count) then 0.4
             else 0.2 / (touch_count - 2) end as position_based,
        decay_weight / sum(decay_weight) over (partition by order_id) as time_decay,
        case when sum(markov_weight) over (partition by order_id) > 0
             then markov_weight / sum(markov_weight) over (partition by order_id)
             else 1.0 / touch_count end as data_driven
    from weighted
),
touched as (
    unpivot credits
    on {{ attribution_models() | join(', ') }}
    into name attribution_model value credit
),
untouched as (
    select m.attribution_model, o.*
    from {{ orders }} o
    cross join (select unnest({{ attribution_models() }}) as attribution_model) m
    where o.is_paid and o.order_id not in (select order_id from {{ paths }})
),
credited as (
    select attribution_model, tenant_slug, order_id, order_date, total_price, customer_key, is_new_customer,
        touch_index, touch_count, session_id, channel, source_platform, campaign_id, campaign_name,
        round(credit, 12) as credit
    from touched
    union all
    select attribution_model, tenant_slug, order_id, order_date, total_price, customer_key, is_new_customer,
        0, 0, null, 'unattributed', null, null, null, 1.0
    from untouched
),
cents as (
    select *,
        cast(round(total_price * 100) as bigint) as order_cents,
        cast(round(total_price * 100) as bigint) * credit as share_cents,
        floor(cast(round(total_price * 100) as bigint) * credit)::bigint as floor_cents
    from credited
),
allotted as (
    select *,
        order_cents - sum(floor_cents) over (partition by attribution_model, order_id) as leftover_cents,
        row_number() over (partition by attribution_model, order_id
                           order by share_cents - floor_cents desc, touch_index) as remainder_rank
    from cents
)
select
    tenant_slug, attribution_model, order_id, order_date, customer_key, is_new_customer,
    touch_index::bigint as touch_index, touch_count::bigint as touch_count, session_id,
    channel, source_platform, campaign_id, campaign_name,
    credit::double as credit,
    cast(cast(floor_cents + (remainder_rank <= leftover_cents)::int as decimal(18,2)) * 0.01 as decimal(18,2))
        as attributed_revenue
from allotted
{%- endmacro %}
