{# One row per campaign per platform. Status is canonical: active, paused, removed. #}
{% macro build_dim_campaigns() -%}
select *, source_platform || ':' || campaign_id as campaign_key
from ({{ engine_union('paid_ads', 'campaigns', canonical_columns('campaigns')) }}) as campaigns
{%- endmacro %}
