{{ config(enabled=gata_has_source('google_analytics')) }}
{#
  GA4 sessions reconcile with the raw landed export, per UTC day of the session start: the
  number of distinct (user_pseudo_id, ga_session_id) read from the events__event_params child
  table, dated by the earliest event_timestamp (microseconds) of the session.
  Returns the days that differ (macros/tests/reconcile_sessions.sql).
#}
{% set raw_sessions %}
with params as (
    select _dlt_parent_id, value__int_value as ga_session_id
    from {{ raw_table('google_analytics', 'events__event_params') }}
    where key = 'ga_session_id'
),
sessions as (
    select e.user_pseudo_id, p.ga_session_id, min(e.event_timestamp) as start_us
    from {{ raw_table('google_analytics', 'events') }} e
    join params p on p._dlt_parent_id = e._dlt_id
    group by 1, 2
)
select cast(make_timestamp(start_us) as date) as session_date
from sessions
{% endset %}
{{ reconcile_sessions('google_analytics', raw_sessions) }}
