{#
  The data-driven model's channel weights: the Markov-chain removal effect
  (Anderl et al. 2016) of each channel, as a select of (channel, removal_effect).

  Journeys are the conversion paths (ending in a conversion) and, per person, the
  sessions no path used (ending in no conversion). A first-order chain of channel
  transitions (start -> channel -> ... -> conversion | null) is estimated from them;
  P(conversion) is the probability of absorbing in conversion from start, found by
  value iteration (a few hundred steps of x <- Q x + r on a handful of states). A
  channel's removal effect is 1 - P(conversion without it) / P(conversion): its
  transitions lead to null instead. Rounded to 12 places so repeated builds (whose
  parallel float sums may differ in the last bit) give the same credits.
#}
{% macro markov_removal_effects(paths, touchpoints) -%}
with recursive journeys as (
    select order_id as journey_id, touch_index as step, channel, 'conv' as outcome
    from {{ paths }}
    union all
    select 'null:' || person_key,
        row_number() over (partition by person_key order by touch_ts, session_id), channel, 'null'
    from {{ touchpoints }}
    where session_id not in (select session_id from {{ paths }})
),
steps as (
    select *, lead(channel) over (partition by journey_id order by step) as next_channel
    from journeys
),
edges as (
    select '(start)' as state, channel as next_state from steps where step = 1
    union all
    select channel, coalesce(next_channel, outcome) from steps
),
probs as (
    select state, next_state, count(*) / sum(count(*)) over (partition by state) as p
    from edges group by 1, 2
),
scenarios as (
    select '(none)' as removed union all select distinct channel from journeys
),
iteration(k, removed, state, x) as (
    select 0, s.removed, st.state, 0.0::double
    from scenarios s cross join (select distinct state from probs) st
    union all
    select i.k + 1, i.removed, p.state,
        sum(p.p * case when p.next_state = 'conv' then 1.0
                       when p.next_state in ('null', i.removed) then 0.0
                       else coalesce(prev.x, 0.0) end)::double
    from (select distinct k, removed from iteration) i
    cross join probs p
    left join iteration prev on prev.k = i.k and prev.removed = i.removed and prev.state = p.next_state
    where i.k < 300
    group by all
),
converged as (
    select removed, x from iteration where k = 300 and state = '(start)'
)
select r.removed as channel,
    round(case when base.x > 0 then greatest(0.0, 1 - r.x / base.x) else 0.0 end, 12) as removal_effect
from converged r
cross join (select x from converged where removed = '(none)') base
where r.removed <> '(none)'
{%- endmacro %}
