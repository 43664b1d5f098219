{{ config(enabled=gata_has_source('mixpanel')) }}
{#
  Mixpanel sessions reconcile with the raw landed export, per UTC day of the session start.
  Second implementation of the inactivity rule: a raw event starts a session when its
  distinct_id has no earlier event within session_timeout_minutes before it (a NOT EXISTS
  probe on the epoch seconds, not a window); sessions = distinct session-start events,
  dated by their epoch seconds. Returns the days that differ.
#}
{%- set timeout_seconds = (gata_logic('session_timeout_minutes', 30) | int) * 60 %}
with raw as (
    select distinct properties__distinct_id as distinct_id, properties__time as t
    from "raw_{{ gata_tenant() }}__mixpanel"."events"
),
starts as (
    select r.distinct_id, r.t
    from raw r
    where not exists (
        select 1 from raw p
        where p.distinct_id = r.distinct_id
          and p.t < r.t and p.t >= r.t - {{ timeout_seconds }})
),
raw_days as (
    select cast(make_timestamp(t * 1000000) as date) as session_date, count(*) as sessions
    from starts group by 1
),
star_days as (
    select session_date, count(*) as sessions
    from {{ ref('fct_sessions') }}
    where source_platform = 'mixpanel'
    group by 1
)
select coalesce(r.session_date, s.session_date) as session_date,
    r.sessions as raw_sessions, s.sessions as star_sessions
from raw_days r
full outer join star_days s on s.session_date = r.session_date
where r.sessions is distinct from s.sessions
