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
