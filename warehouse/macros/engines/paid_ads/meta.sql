{#
  Facebook Ads and Instagram Ads: one Meta Marketing API (v19), told apart by
  source_platform. Their field mapping is warehouse/mappings/meta.yml and their
  engine the shared ads engine; these are the Meta pieces the mapping calls.
  Conversions are the tenant's business logic: the sum of actions[].value whose
  action_type is in gata_logic('meta_conversion_action_types').
#}

{# A Meta action list of the payload as typed structs (dlt's _dlt_* bookkeeping dropped). #}
{% macro meta_action_list(field, payload='raw_data_payload') -%}
from_json({{ payload }}->'{{ field }}', '[{"action_type": "VARCHAR", "value": "DOUBLE"}]')
{%- endmacro %}

{# conversions of an insights row: its actions of the tenant's conversion action types #}
{% macro meta_conversions(actions='actions') -%}
{%- set types = gata_logic('meta_conversion_action_types', ['offsite_conversion.fb_pixel_purchase']) -%}
coalesce(list_sum(list_transform(
    list_filter({{ actions }}, lambda a: a.action_type in {{ sql_list(types) }}),
    lambda a: a.value)), 0)
{%- endmacro %}
