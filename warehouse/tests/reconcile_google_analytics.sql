{{ config(enabled=gata_has_source('google_analytics')) }}
{#
  GA4 sessions reconcile with the raw landed export, per UTC day of the session start: the
  number of distinct (user_pseudo_id, ga_session_id) read from the events__event_params child
  table, dated by the earliest event_timestamp (microseconds) of the session.
  Returns the days that differ.
#}
with params as (
    select _dlt_parent_id, value__int_value as ga_session_id
    from "raw_{{ gata_tenant() }}__google_analytics"."events__event_params"
    where key = 'ga_session_id'
),
raw_sessions as (
    select e.user_pseudo_id, p.ga_session_id, min(e.event_timestamp) as start_us
    from "raw_{{ gata_tenant() }}__google_analytics"."events" e
    join params p on p._dlt_parent_id = e._dlt_id
    group by 1, 2
),
raw_days as (
    select cast(make_timestamp(start_us) as date) as session_date, count(*) as sessions
    from raw_sessions group by 1
),
star_days as (
    select session_date, count(*) as sessions
    from {{ ref('fct_sessions') }}
    where source_platform = 'google_analytics'
    group by 1
)
select coalesce(r.session_date, s.session_date) as session_date,
    r.sessions as raw_sessions, s.sessions as star_sessions
from raw_days r
full outer join star_days s on s.session_date = r.session_date
where r.sessions is distinct from s.sessions
