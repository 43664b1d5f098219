{#
  The columns every engine of a kind returns, in order, with their types: read
  from the star model's contract (models/analytics/<star>.yml), the one place
  the star's columns are written down. A contract column marked
  `meta: {computed_by_factory: true}` is added by the factory, not the engines;
  `meta: {engine_column: NAME}` is a column the engines return under another name.
  Known only while executing a model (the contract lives in the manifest's graph):
  while parsing, and in a unit test (compiled without the graph), it is none.
#}
{% macro canonical_columns(kind) -%}
{%- set star = {'ad_performance': 'fct_ad_performance', 'campaigns': 'dim_campaigns',
                'orders': 'fct_orders', 'events': 'fct_events'}[kind] -%}
{%- if not execute or graph.nodes is not defined -%}{{ return(none) }}{%- endif -%}
{%- set node = graph.nodes.get('model.' ~ project_name ~ '.' ~ star) -%}
{%- if node is none -%}
    {{ exceptions.raise_compiler_error("no star model " ~ star ~ " for engine kind " ~ kind) }}
{%- endif -%}
{%- set columns = [] -%}
{%- for name, column in node.columns.items() if not column.meta.get('computed_by_factory') -%}
    {%- do columns.append((column.meta.get('engine_column', name), column.data_type)) -%}
{%- endfor -%}
{{ return(columns) }}
{%- endmacro %}
