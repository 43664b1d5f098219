{#
  Reconciliation of one analytics tool (tests/reconcile_{connector}.sql): the test
  rebuilds the sessions from the raw landed export with its own implementation of the
  tool's session rule (never the payload), as a select of one row per raw session:
  session_date, the UTC day of the session start. This compares the number of sessions
  per day with fct_sessions and returns the days that differ.
#}
{% macro reconcile_sessions(connector, raw_sessions_sql) -%}
with raw_sessions as (
    {{ raw_sessions_sql }}
),
raw_days as (
    select session_date, count(*) as sessions
    from raw_sessions group by 1
),
star_days as (  -- by UTC day, as the raw side: session_date itself is in the tenant's timezone
    select cast(session_start_ts at time zone 'UTC' as date) as session_date, count(*) as sessions
    from {{ ref('fct_sessions') }}
    where source_platform = '{{ connector }}'
    group by 1
)
select coalesce(r.session_date, s.session_date) as session_date,
    r.sessions as raw_sessions, s.sessions as star_sessions
from raw_days r
full outer join star_days s on s.session_date = r.session_date
where r.sessions is distinct from s.sessions
{%- endmacro %}
