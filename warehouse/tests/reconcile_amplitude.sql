{{ config(enabled=gata_has_source('amplitude')) }}
{#
  Amplitude sessions reconcile with the raw landed export, per UTC day of the session start:
  the number of distinct (amplitude_id, session_id) (an event with session_id -1 is a session
  of its own), dated by the session's earliest event_time (UTC).
  Returns the days that differ (macros/tests/reconcile_sessions.sql).
#}
{% set raw_sessions %}
with sessions as (
    select
        amplitude_id,
        case when session_id is null or session_id < 0 then _insert_id else session_id::varchar end as session_ref,
        min(cast(event_time as timestamp)) as started
    from {{ raw_table('amplitude', 'events') }}
    group by 1, 2
)
select cast(started as date) as session_date
from sessions
{% endset %}
{{ reconcile_sessions('amplitude', raw_sessions) }}
