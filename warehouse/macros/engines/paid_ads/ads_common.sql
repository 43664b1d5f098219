{#
  Shared pieces of the paid-ads engines (ad_performance and campaigns kinds).
  Each connector's intermediate models map its API onto canonical names
  (report_date, campaign_id, ad_group_id, ad_id, spend, impressions, clicks,
  conversions; campaign_id, campaign_name, status); these macros turn them into
  the canonical_columns of each kind.
#}

{#
  Campaign status vocabulary of every ad platform -> canonical status, as data
  (matched case-insensitively). A value missing here comes out null, which the
  dim_campaigns contract (not_null, accepted_values) reports, so a new platform
  status is noticed rather than guessed.
    Google Ads ENABLED/PAUSED/REMOVED; Meta ACTIVE/PAUSED/DELETED/ARCHIVED;
    Bing Active/Paused/BudgetPaused/BudgetAndManualPaused/Suspended/Deleted;
    LinkedIn ACTIVE/PAUSED/DRAFT/COMPLETED/ARCHIVED/CANCELED/PENDING_DELETION/REMOVED;
    Amazon ENABLED/PAUSED/ARCHIVED; TikTok ENABLE/DISABLE/DELETE.
#}
{% macro ads_status_vocabulary() -%}
{{ return({
    'active': ['ENABLED', 'ACTIVE', 'ENABLE'],
    'paused': ['PAUSED', 'DISABLE', 'DISABLED', 'BUDGETPAUSED', 'BUDGETANDMANUALPAUSED', 'SUSPENDED',
               'DRAFT', 'COMPLETED'],
    'removed': ['REMOVED', 'DELETED', 'DELETE', 'ARCHIVED', 'CANCELED', 'PENDING_DELETION'],
}) }}
{%- endmacro %}

{% macro ads_canonical_status(expr) -%}
case
{%- for canonical, values in ads_status_vocabulary().items() %}
    when upper(trim({{ expr }})) in {{ sql_list(values) }} then '{{ canonical }}'
{%- endfor %}
end
{%- endmacro %}

{#
  ad_performance of one connector: its delivery rows rolled up to the canonical
  grain (one row per ad per day; a platform reporting by device or network has
  several rows per ad-day). `conversions` is the SQL of the row's conversions.
#}
{% macro ads_ad_performance(connector, delivery, conversions='conversions') -%}
select
    '{{ gata_tenant() }}' as tenant_slug,
    '{{ connector }}' as source_platform,
    report_date,
    campaign_id,
    ad_group_id,
    ad_id,
    coalesce(sum(spend), 0)::decimal(18,2) as spend,
    coalesce(sum(impressions), 0)::bigint as impressions,
    coalesce(sum(clicks), 0)::bigint as clicks,
    coalesce(sum({{ conversions }}), 0)::double as conversions
from {{ delivery }}
group by report_date, campaign_id, ad_group_id, ad_id
{%- endmacro %}

{#
  campaigns of one connector: the platform's campaign list (latest version of
  each campaign), plus any campaign that has delivery but is missing from the
  list (Meta's campaign edges leave deleted campaigns out, their insights keep
  them), so every ad_performance row has its campaign. Such a campaign takes its
  name and status from the delivery rows when they carry them (name_column,
  status_column), else its id as name and status 'removed'.
#}
{% macro ads_campaigns(connector, campaigns, delivery, name_column=none, status_column=none) -%}
with listed as (
    select campaign_id, campaign_name, status
    from {{ campaigns }}
    where campaign_id is not null
    qualify row_number() over (partition by campaign_id order by dlt_load_id desc, loaded_at desc) = 1
),
delivered as (
    select
        campaign_id,
        {{ "arg_max(" ~ name_column ~ ", report_date)" if name_column else "null::varchar" }} as campaign_name,
        {{ "arg_max(" ~ status_column ~ ", report_date)" if status_column else "null::varchar" }} as status
    from {{ delivery }}
    where campaign_id is not null
    group by campaign_id
),
campaigns as (
    select campaign_id, campaign_name, status from listed
    union all
    select d.campaign_id, coalesce(d.campaign_name, d.campaign_id), coalesce(d.status, 'REMOVED')
    from delivered d
    where d.campaign_id not in (select campaign_id from listed)
)
select
    '{{ gata_tenant() }}' as tenant_slug,
    '{{ connector }}' as source_platform,
    campaign_id,
    campaign_name,
    {{ ads_canonical_status('status') }} as status
from campaigns
{%- endmacro %}
