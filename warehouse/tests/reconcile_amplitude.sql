{{ config(enabled=gata_has_source('amplitude')) }}
{#
  Amplitude sessions reconcile with the raw landed export, per UTC day of the session start:
  the number of distinct (amplitude_id, session_id) (an event with session_id -1 is a session
  of its own), dated by the session's earliest event_time (UTC).
  Returns the days that differ.
#}
with raw_sessions as (
    select
        amplitude_id,
        case when session_id is null or session_id < 0 then _insert_id else session_id::varchar end as session_ref,
        min(cast(event_time as timestamp)) as started
    from "raw_{{ gata_tenant() }}__amplitude"."events"
    group by 1, 2
),
raw_days as (
    select cast(started as date) as session_date, count(*) as sessions
    from raw_sessions group by 1
),
star_days as (
    select session_date, count(*) as sessions
    from {{ ref('fct_sessions') }}
    where source_platform = 'amplitude'
    group by 1
)
select coalesce(r.session_date, s.session_date) as session_date,
    r.sessions as raw_sessions, s.sessions as star_sessions
from raw_days r
full outer join star_days s on s.session_date = r.session_date
where r.sessions is distinct from s.sessions
