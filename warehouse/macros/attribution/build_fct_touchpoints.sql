{#
  One row per session: a touchpoint of a person's journey. The person is the
  session's visitor resolved the way dim_users resolves it: every device
  (user_pseudo_id) that ever logged in with a user_id (the store's customer id) is
  that person; an anonymous device is a person of its own. Paid sessions name their
  ad platform (utm_source through the map) and the campaign whose name their
  utm_campaign carries on that platform.
#}
{% macro build_fct_touchpoints(sessions, events, campaigns) -%}
with pseudo_to_user as (
    select user_pseudo_id, max(user_id) as user_id
    from {{ events }}
    where user_pseudo_id is not null
    group by 1
),
campaigns as (
    select source_platform, campaign_name, min(campaign_id) as campaign_id
    from {{ campaigns }}
    group by 1, 2
),
grouped as (
    select s.*,
        coalesce(p.user_id, s.user_id, 'anon:' || s.user_pseudo_id) as person_key,
        {{ channel_case('s.traffic_source', 's.traffic_medium') }} as channel
    from {{ sessions }} s
    left join pseudo_to_user p using (user_pseudo_id)
),
touchpoints as (
    select g.*, {{ source_platform_case('g.traffic_source', 'g.channel') }} as ad_platform
    from grouped g
)
select
    t.tenant_slug, t.session_id, t.person_key,
    t.session_start_ts as touch_ts, t.session_date as touch_date,
    t.traffic_source, t.traffic_medium, t.traffic_campaign,
    t.channel, t.ad_platform as source_platform,
    c.campaign_id,
    case when t.ad_platform is not null then t.traffic_campaign end as campaign_name,
    t.is_conversion_session, t.transaction_id
from touchpoints t
left join campaigns c on c.source_platform = t.ad_platform and c.campaign_name = t.traffic_campaign
{%- endmacro %}
