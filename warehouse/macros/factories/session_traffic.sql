{#
  A session's traffic on every one of its events: the first non-empty source,
  medium and campaign of the session, in the order the source stamps its events.
  Analytics sources put UTM values on the landing hit only (GA4) or on the events
  of a visit (Amplitude, Mixpanel); filling each event with its session's first
  values makes the session's first event always carry them, which first-touch
  sessions and touchpoints read. `order_by` is the source's own event order
  (timestamp, then a tiebreaker id), so the fill is deterministic.
#}
{% macro session_traffic(relation, source, medium, campaign, order_by, session_key='session_key') -%}
    select
        *,
        first_value({{ source }} ignore nulls) over session_window as session_source,
        first_value({{ medium }} ignore nulls) over session_window as session_medium,
        first_value({{ campaign }} ignore nulls) over session_window as session_campaign
    from {{ relation }}
    window session_window as (
        partition by {{ session_key }} order by {{ order_by }}
        rows between unbounded preceding and unbounded following)
{%- endmacro %}
