{#
  One row per ad per day per platform, from every paid-ads engine of the tenant.
  campaign_key (platform:campaign id) is the one-column join key to dim_campaigns
  that the semantic layer needs.
#}
{% macro build_fct_ad_performance() -%}
select *, source_platform || ':' || campaign_id as campaign_key
from ({{ engine_union('paid_ads', 'ad_performance', canonical_columns('ad_performance')) }}) as ads
{%- endmacro %}
