{#
  Observability: every build writes its model results,
  test results and model definitions into platform tables, attributed to the
  tenant it ran for and to the dlt load ids that fed it. pipeline_health reads
  these tables; nothing parses logs.
#}
{% macro create_observability_tables() -%}
create schema if not exists platform;
create table if not exists platform.obs_invocations (
    invocation_id varchar, tenant_slug varchar, command varchar, started_at timestamptz,
    finished_at timestamptz, status varchar, models_pass integer, models_error integer,
    models_skip integer, tests_pass integer, tests_fail integer, tests_warn integer,
    tests_skip integer, dlt_load_ids json, business_logic json, dbt_version varchar);
create table if not exists platform.obs_node_results (
    invocation_id varchar, tenant_slug varchar, unique_id varchar, node_name varchar,
    resource_type varchar, relation varchar, status varchar, failures integer,
    execution_time double, rows_affected bigint, message varchar, finished_at timestamptz);
create table if not exists platform.obs_model_definitions (
    invocation_id varchar, tenant_slug varchar, unique_id varchar, node_name varchar,
    relation varchar, materialized varchar, contract_enforced boolean, columns json,
    description varchar, checksum varchar, captured_at timestamptz);
{%- endmacro %}

{% macro _sql_str(value) -%}
{%- if value is none -%}null{%- else -%}'{{ (value | string) | replace("'", "''") }}'{%- endif -%}
{%- endmacro %}

{% macro capture_run_results(results) -%}
{%- if execute -%}
{%- set tenant = gata_tenant() -%}
{%- set counts = {'mp': 0, 'me': 0, 'ms': 0, 'tp': 0, 'tf': 0, 'tw': 0, 'ts': 0} -%}
{%- set rows = [] -%}
{%- for r in results -%}
    {%- set n = r.node -%}
    {%- set status = r.status | string -%}
    {%- if n.resource_type in ('model', 'seed', 'snapshot') -%}
        {%- if status == 'success' -%}{%- do counts.update({'mp': counts.mp + 1}) -%}
        {%- elif status == 'skipped' -%}{%- do counts.update({'ms': counts.ms + 1}) -%}
        {%- else -%}{%- do counts.update({'me': counts.me + 1}) -%}{%- endif -%}
    {%- elif n.resource_type in ('test', 'unit_test') -%}
        {%- if status == 'pass' -%}{%- do counts.update({'tp': counts.tp + 1}) -%}
        {%- elif status == 'warn' -%}{%- do counts.update({'tw': counts.tw + 1}) -%}
        {%- elif status == 'skipped' -%}{%- do counts.update({'ts': counts.ts + 1}) -%}
        {%- else -%}{%- do counts.update({'tf': counts.tf + 1}) -%}{%- endif -%}
    {%- endif -%}
    {%- set rel = (n.schema ~ '.' ~ (n.alias or n.name)) if n.resource_type == 'model' else none -%}
    {%- set affected = r.adapter_response.get('rows_affected') if r.adapter_response else none -%}
    {%- do rows.append("(" ~ _sql_str(invocation_id) ~ ", " ~ _sql_str(tenant) ~ ", " ~ _sql_str(n.unique_id) ~ ", "
        ~ _sql_str(n.name) ~ ", " ~ _sql_str(n.resource_type) ~ ", " ~ _sql_str(rel) ~ ", " ~ _sql_str(status) ~ ", "
        ~ (r.failures if r.failures is not none else 'null') ~ ", " ~ (r.execution_time or 0) ~ ", "
        ~ (affected if affected is not none and affected >= 0 else 'null') ~ ", " ~ _sql_str((r.message or '')[:2000]) ~ ", now())") -%}
{%- endfor -%}
{%- set overall = 'success' if (counts.me + counts.tf) == 0 else 'error' -%}
insert into platform.obs_invocations values (
    {{ _sql_str(invocation_id) }}, {{ _sql_str(tenant) }}, {{ _sql_str(flags.WHICH) }},
    {{ _sql_str(run_started_at.isoformat()) }}::timestamptz, now(), '{{ overall }}',
    {{ counts.mp }}, {{ counts.me }}, {{ counts.ms }}, {{ counts.tp }}, {{ counts.tf }}, {{ counts.tw }}, {{ counts.ts }},
    {{ _sql_str(tojson(gata_load_ids())) }}::json, {{ _sql_str(tojson(gata_logic())) }}::json,
    {{ _sql_str(dbt_version) }});
{% if rows %}
insert into platform.obs_node_results values
{{ rows | join(",\n") }};
{% endif %}
{%- set defs = [] -%}
{%- for r in results if r.node.resource_type == 'model' -%}
    {%- set n = r.node -%}
    {%- set cols = {} -%}
    {%- for name, c in n.columns.items() -%}{%- do cols.update({name: c.data_type}) -%}{%- endfor -%}
    {%- do defs.append("(" ~ _sql_str(invocation_id) ~ ", " ~ _sql_str(tenant) ~ ", " ~ _sql_str(n.unique_id) ~ ", "
        ~ _sql_str(n.name) ~ ", " ~ _sql_str(n.schema ~ '.' ~ (n.alias or n.name)) ~ ", "
        ~ _sql_str(n.config.materialized) ~ ", " ~ (n.contract.enforced | string | lower) ~ ", "
        ~ _sql_str(tojson(cols)) ~ "::json, " ~ _sql_str(n.description) ~ ", " ~ _sql_str(n.checksum.checksum) ~ ", now())") -%}
{%- endfor -%}
{% if defs %}
insert into platform.obs_model_definitions values
{{ defs | join(",\n") }};
{% endif %}
{%- endif -%}
{%- endmacro %}
