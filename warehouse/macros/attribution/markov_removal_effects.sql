{#
  The data-driven model's channel weights: the Markov-chain removal effect
  (Anderl et al. 2016) of each channel, as a select of (channel, removal_effect).

  Journeys are the conversion paths (ending in a conversion) and, per person, the
  sessions no path used (ending in no conversion). A first-order chain of channel
  transitions (start -> channel -> ... -> conversion | null) is estimated from them,
  conversion and null absorbing. P(conversion) is the start -> conversion entry of
  the transition matrix raised to the 1024th power (ten squarings: converged to
  far below a cent even for a state that loops on itself nine times in ten). A
  channel's removal effect is 1 - P(conversion without it) / P(conversion), where
  transitions into it lead to null instead. Rounded to 12 places so repeated
  builds (whose parallel float sums may differ in the last bit) credit the same.
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
powers(k, removed, state, next_state, p) as (
    select 0, s.removed, t.state, case when t.next_state = s.removed then 'null' else t.next_state end,
        sum(t.p)::double
    from scenarios s
    cross join (select state, next_state, p from probs
                union all select 'conv', 'conv', 1.0 union all select 'null', 'null', 1.0) t
    where t.state <> s.removed
    group by all
    union all
    select a.k + 1, a.removed, a.state, b.next_state, sum(a.p * b.p)::double
    from powers a
    join powers b on b.removed = a.removed and b.state = a.next_state
    where a.k < 10
    group by all
),
converged as (
    select s.removed, coalesce(max(p.p), 0.0) as x
    from scenarios s
    left join powers p on p.removed = s.removed and p.k = 10 and p.state = '(start)' and p.next_state = 'conv'
    group by 1
)
select r.removed as channel,
    round(case when base.x > 0 then greatest(0.0, 1 - r.x / base.x) else 0.0 end, 12) as removal_effect
from converged r
cross join (select x from converged where removed = '(none)') base
where r.removed <> '(none)'
{%- endmacro %}
