{#
  Factories: assemble one star table from the engines of the tenant's source mix.
  An engine is a macro named engine_{connector}__{kind}; it returns a select with
  the canonical columns of that kind (canonical_columns), each cast here to its
  contract type. A tenant with no source of the domain still gets the table,
  empty, with the same columns and types. When the columns are not known (a unit
  test compiles without the manifest) the engines' own columns are unioned by name.
#}
{% macro engine_union(domain, kind, columns) -%}
{%- set engines = [] -%}
{%- for connector in gata_sources(domain) -%}
    {%- set name = 'engine_' ~ connector ~ '__' ~ kind -%}
    {%- if name in context -%}
        {%- do engines.append(context[name]) -%}
    {%- elif execute -%}
        {{ exceptions.raise_compiler_error("no engine macro " ~ name ~ " for " ~ connector) }}
    {%- endif -%}
{%- endfor -%}
{%- if columns is none and engines | length > 0 -%}
{%- for engine in engines %}
select * from ({{ engine() }}) as engine_{{ loop.index }}
{{ "union all by name" if not loop.last }}
{%- endfor -%}
{%- elif engines | length == 0 %}
select {% for name, type in columns or [] %}null::{{ type }} as {{ name }}{{ ", " if not loop.last }}{% endfor %}
where false
{%- else -%}
{%- for engine in engines %}
select {% for name, type in columns %}{{ name }}::{{ type }} as {{ name }}{{ ", " if not loop.last }}{% endfor %}
from ({{ engine() }}) as engine_{{ loop.index }}
{{ "union all" if not loop.last }}
{%- endfor -%}
{%- endif -%}
{%- endmacro %}
