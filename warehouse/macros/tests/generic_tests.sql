{# Tenant isolation: a tenant relation holds exactly one tenant, the one it was built for. #}
{% test tenant_isolated(model, column_name='tenant_slug') %}
select {{ column_name }}, count(*) as rows_of_other_tenant
from {{ model }}
where {{ column_name }} is distinct from '{{ gata_tenant() }}'
group by 1
{% endtest %}

{# The grain holds: no two rows share these columns. #}
{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as n
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}

{# Not null, every listed column of the model in one scan: a row per column holding nulls, with how many.
   One test per model rather than dbt's not_null per column: each test is a dbt node with
   its own fixed cost, and a star has ten such columns. #}
{% test not_null_columns(model, columns) %}
with nulls as (
    select
    {%- for column in columns %}
        count(*) filter (where {{ adapter.quote(column) }} is null) as n{{ loop.index }}{{ "," if not loop.last }}
    {%- endfor %}
    from {{ model }}
)
{%- for column in columns %}
select '{{ column }}' as null_column, n{{ loop.index }} as null_rows from nulls where n{{ loop.index }} > 0
{{ "union all" if not loop.last }}
{%- endfor %}
{% endtest %}
