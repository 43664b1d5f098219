{{ config(enabled=gata_has_source('mixpanel')) }}
{#
  Mixpanel sessions reconcile with the raw landed export, per UTC day of the session start.
  Second implementation of the inactivity rule: a raw event starts a session when its
  distinct_id has no earlier event within session_timeout_minutes before it (a NOT EXISTS
  probe on the epoch seconds, not a window); sessions = distinct session-start events,
  dated by their epoch seconds. Returns the days that differ (macros/tests/reconcile_sessions.sql).
#}
{%- set timeout_seconds = (gata_logic('session_timeout_minutes', 30) | int) * 60 %}
{% set raw_sessions %}
with events as (
    select distinct properties__distinct_id as distinct_id, properties__time as t
    from {{ raw_table('mixpanel', 'events') }}
),
starts as (
    select r.distinct_id, r.t
    from events r
    where not exists (
        select 1 from events p
        where p.distinct_id = r.distinct_id
          and p.t < r.t and p.t >= r.t - {{ timeout_seconds }})
)
select cast(make_timestamp(t * 1000000) as date) as session_date
from starts
{% endset %}
{{ reconcile_sessions('mixpanel', raw_sessions) }}
