{#
  Factories: assemble one star table from the engines of the tenant's source mix.
  gata_engine (macros/engines/dispatch.sql) gives each connector's engine SQL, a
  select with the canonical columns of that kind, each cast here to its contract
  type. A tenant with no source of the domain still gets the table, empty, with
  the same columns and types. When the columns are not known (a unit test compiles
  without the manifest) the engines' own columns are unioned by name.
#}
{% macro engine_union(domain, kind, columns) -%}
{%- set engines = gata_sources(domain) -%}
{%- if columns is none and engines | length > 0 -%}
{%- for engine in engines %}
select * from ({{ gata_engine(engine, kind) }}) as engine_{{ loop.index }}
{{ "union all by name" if not loop.last }}
{%- endfor -%}
{%- elif engines | length == 0 %}
select {% for name, type in columns or [] %}null::{{ type }} as {{ name }}{{ ", " if not loop.last }}{% endfor %}
where false
{%- else -%}
{%- for engine in engines %}
select {% for name, type in columns %}{{ name }}::{{ type }} as {{ name }}{{ ", " if not loop.last }}{% endfor %}
from ({{ gata_engine(engine, kind) }}) as engine_{{ loop.index }}
{{ "union all" if not loop.last }}
{%- endfor -%}
{%- endif -%}
{%- endmacro %}
