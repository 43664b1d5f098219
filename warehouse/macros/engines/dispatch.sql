{#
  Engine dispatch, from the catalog: the SQL of one connector's engine of one kind
  (ad_performance, campaigns, orders, events), with the canonical columns of that kind.
  A paid-ads connector's catalog row names the objects the shared ads engine reads
  (engine: delivery, campaigns, name and status columns), so an ad platform needs no
  engine SQL of its own; an ecommerce or analytics connector has its engine macro
  engine_{connector}__{kind} in engines/{domain}/.
#}
{% macro gata_engine(connector, kind) -%}
{%- set spec = gata_catalog().get(connector, {}).get('engine') -%}
{%- if spec and kind == 'ad_performance' -%}
{{ ads_ad_performance(connector, ref('int_' ~ connector ~ '__' ~ spec['delivery'])) }}
{%- elif spec and kind == 'campaigns' -%}
{{ ads_campaigns(connector, ref('int_' ~ connector ~ '__' ~ spec['campaigns']),
                 ref('int_' ~ connector ~ '__' ~ spec['delivery']),
                 name_column=spec['name_column'], status_column=spec['status_column']) }}
{%- else -%}
{%- set name = 'engine_' ~ connector ~ '__' ~ kind -%}
{%- if name in context -%}
{{ context[name]() }}
{%- elif execute -%}
{{ exceptions.raise_compiler_error("no engine for " ~ connector ~ " (" ~ kind ~ "): a paid_ads catalog row needs engine:, other connectors a macro " ~ name) }}
{%- endif -%}
{%- endif -%}
{%- endmacro %}

{# Every catalog connector of one domain (e.g. the accepted source_platform values of the star). #}
{% macro gata_connectors(domain) -%}
{%- set keys = [] -%}
{%- for key, row in gata_catalog().items() | sort -%}
    {%- if row['domain'] == domain -%}{%- do keys.append(key) -%}{%- endif -%}
{%- endfor -%}
{{ return(keys) }}
{%- endmacro %}
