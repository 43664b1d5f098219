{#
  Factories (seed 001): assemble one star table from the engines of the tenant's
  source mix. gata_engine (macros/engines/dispatch.sql) gives each connector's
  engine SQL, a select with the canonical columns of that kind. A tenant with no source of the
  domain still gets the table, empty, with the same columns and types.
#}
{% macro engine_union(domain, kind, columns) -%}
{%- set engines = gata_sources(domain) -%}
{%- if engines | length == 0 %}
select {% for name, type in columns %}null::{{ type }} as {{ name }}{{ ", " if not loop.last }}{% endfor %}
where false
{%- else -%}
{%- for engine in engines %}
select {% for name, type in columns %}{{ name }}::{{ type }} as {{ name }}{{ ", " if not loop.last }}{% endfor %}
from ({{ gata_engine(engine, kind) }}) as engine_{{ loop.index }}
{{ "union all" if not loop.last }}
{%- endfor -%}
{%- endif -%}
{%- endmacro %}

{# Canonical columns per kind: the contracts of ../shared/METRICS.md, in order. #}
{% macro canonical_columns(kind) -%}
{%- set columns = {
    'ad_performance': [
        ('tenant_slug', 'varchar'), ('source_platform', 'varchar'), ('report_date', 'date'),
        ('campaign_id', 'varchar'), ('ad_group_id', 'varchar'), ('ad_id', 'varchar'),
        ('spend', 'decimal(18,2)'), ('impressions', 'bigint'), ('clicks', 'bigint'), ('conversions', 'double')],
    'campaigns': [
        ('tenant_slug', 'varchar'), ('source_platform', 'varchar'), ('campaign_id', 'varchar'),
        ('campaign_name', 'varchar'), ('status', 'varchar')],
    'orders': [
        ('tenant_slug', 'varchar'), ('source_platform', 'varchar'), ('order_id', 'varchar'),
        ('order_ts', 'timestamptz'), ('total_price', 'decimal(18,2)'), ('currency', 'varchar'),
        ('financial_status', 'varchar'), ('customer_email', 'varchar'), ('customer_id', 'varchar'),
        ('line_items_json', 'json')],
    'events': [
        ('tenant_slug', 'varchar'), ('source_platform', 'varchar'), ('event_id', 'varchar'),
        ('event_name', 'varchar'), ('event_timestamp', 'timestamptz'), ('user_pseudo_id', 'varchar'),
        ('user_id', 'varchar'), ('session_key', 'varchar'), ('traffic_source', 'varchar'),
        ('traffic_medium', 'varchar'), ('traffic_campaign', 'varchar'), ('geo_country', 'varchar'),
        ('device_category', 'varchar'), ('page_path', 'varchar'), ('ecommerce_order_id', 'varchar'),
        ('ecommerce_revenue', 'decimal(18,2)'), ('custom_properties', 'json')],
} -%}
{{ return(columns[kind]) }}
{%- endmacro %}
