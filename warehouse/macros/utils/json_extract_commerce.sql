{#
  Extraction helpers of the ecommerce and analytics intermediate models: a model
  lists its fields as data, one (canonical_name, payload_field, kind) per line,
  and json_extract_commerce renders the typed select list from raw_data_payload.

  Kinds:
    varchar      the field as text (JSON numbers come back as their text: ids keep every digit)
    text         same, with '' -> null
    bigint, double, boolean
    money        exact decimal(18,2), cast straight from the text ("35.6300", "12.3", 137.7)
    json         the JSON value as is (objects, child-table lists)
    json_list    the JSON list, [] when absent
    ts           timestamptz from ISO 8601: an offset ("...-05:00", "+00", "Z") is honoured,
                 a string without one is UTC (WooCommerce *_gmt, Amplitude event_time);
                 also reads dlt's own rendering of a TIMESTAMPTZ ("2026-10-02 06:35:33+00")
    ts_rfc2822   timestamptz from RFC 2822 ("Thu, 01 Oct 2026 06:35:33 +0000"); falls back to ts
    epoch_s, epoch_ms, epoch_us   timestamptz from an epoch number (seconds, ms, microseconds)
#}
{% macro json_extract_commerce(fields, payload='raw_data_payload') -%}
{%- for name, path, kind in fields %}
    {{ commerce_field(payload ~ "->>'" ~ path ~ "'", kind, payload ~ "->'" ~ path ~ "'") }} as {{ name }}{{ "," if not loop.last }}
{%- endfor %}
{%- endmacro %}

{# One typed value from its text expression (and its JSON expression for the json kinds). #}
{% macro commerce_field(text_expr, kind, json_expr=none) -%}
{%- if kind == 'varchar' -%}{{ text_expr }}
{%- elif kind == 'text' -%}nullif(trim({{ text_expr }}), '')
{%- elif kind in ('bigint', 'double', 'boolean') -%}({{ text_expr }})::{{ kind }}
{%- elif kind == 'money' -%}({{ text_expr }})::decimal(18,2)
{%- elif kind == 'json' -%}{{ json_expr }}
{%- elif kind == 'json_list' -%}coalesce({{ json_expr }}, '[]'::json)
{%- elif kind == 'ts' -%}{{ commerce_ts_utc(text_expr) }}
{%- elif kind == 'ts_rfc2822' -%}
case when regexp_matches({{ text_expr }}, '^[A-Za-z]{3}, ')
     then strptime({{ text_expr }}, '%a, %d %b %Y %H:%M:%S %z')
     else {{ commerce_ts_utc(text_expr) }} end
{%- elif kind == 'epoch_s' -%}to_timestamp(({{ text_expr }})::bigint)
{%- elif kind == 'epoch_ms' -%}timezone('UTC', make_timestamp(({{ text_expr }})::bigint * 1000))
{%- elif kind == 'epoch_us' -%}timezone('UTC', make_timestamp(({{ text_expr }})::bigint))
{%- else -%}{{ exceptions.raise_compiler_error("json_extract_commerce: unknown kind " ~ kind) }}
{%- endif -%}
{%- endmacro %}

{# ISO 8601 text -> timestamptz; no offset means UTC (never the session's time zone). #}
{% macro commerce_ts_utc(text_expr) -%}
case when regexp_matches({{ text_expr }}, '(Z|[+-]\d\d(:?\d\d)?)$')
     then ({{ text_expr }})::timestamptz
     else timezone('UTC', ({{ text_expr }})::timestamp) end
{%- endmacro %}

{#
  A JSON list of records (a folded dlt child table) as a clean JSON list: only the
  listed fields, renamed and typed, dlt's bookkeeping columns dropped.
  fields: [(canonical_name, source_field, duckdb_type)], e.g. ('unit_price', 'price', 'DECIMAL(18,2)').
#}
{% macro commerce_json_list(json_expr, fields) -%}
{%- set shape = {} -%}
{%- for name, src, type in fields -%}{%- do shape.update({src: type}) -%}{%- endfor -%}
to_json(coalesce(list_transform(
    from_json(coalesce({{ json_expr }}, '[]'::json), '[{{ tojson(shape) }}]'),
    lambda li: { {%- for name, src, type in fields %}'{{ name }}': li."{{ src }}"{{ ", " if not loop.last }}{% endfor -%} }), []))
{%- endmacro %}

{#
  GA4 event_params: parse the list once (from_json), then read a key from its slot.
  params: [(canonical_name, param_key, slot)], slot in string | int | double | money.
  Double slots are read as text so money stays exact: money is the double slot cast
  to decimal(18,2) (the money kind of commerce_field).
#}
{% macro ga4_params_struct() -%}
'[{"key": "VARCHAR", "value__string_value": "VARCHAR", "value__int_value": "BIGINT", "value__double_value": "VARCHAR"}]'
{%- endmacro %}

{% macro ga4_event_params(params, list_expr) -%}
{%- for name, key, slot in params %}
    {%- set value = "list_filter(" ~ list_expr ~ ", lambda p: p.key = '" ~ key ~ "')[1].value__"
                    ~ ('double' if slot == 'money' else slot) ~ "_value" %}
    {{ commerce_field(value, 'money') if slot == 'money' else value }} as {{ name }}{{ "," if not loop.last }}
{%- endfor %}
{%- endmacro %}

{# A CASE mapping a platform's vocabulary onto canonical values; unmapped values give else_ (null). #}
{% macro commerce_case(expr, mapping, else_=none) -%}
case {{ expr }}
{%- for k, v in mapping.items() %}
    when {{ "'" ~ (k | replace("'", "''")) ~ "'" if k is string else k }} then '{{ v }}'
{%- endfor %}
    else {{ else_ if else_ is not none else 'null' }} end
{%- endmacro %}

{# URL or path -> path without scheme, host, query or fragment ('/' when empty). #}
{% macro commerce_url_path(url_expr) -%}
coalesce(nullif(regexp_extract({{ url_expr }}, '^(?:[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*)?([^?#]*)', 1), ''), case when {{ url_expr }} is not null then '/' end)
{%- endmacro %}

{# English country names of the analytics tools -> ISO 3166 alpha-2 (the story's countries); others kept. #}
{% macro commerce_country_iso2(expr) -%}
{%- set names = {'United States': 'US', 'United Kingdom': 'GB', 'Germany': 'DE', 'France': 'FR',
                 'Canada': 'CA', 'Australia': 'AU'} -%}
{{ commerce_case(expr, names, "nullif(nullif(trim(" ~ expr ~ "), ''), '(not set)')") }}
{%- endmacro %}

{#
  The frame of every ecommerce and analytics intermediate model: the tenant's rows of
  the connector's master model, its bookkeeping columns, the model's fields
  (json_extract_commerce), then the columns the model builds itself (child lists,
  GA4 event_params) as select-list SQL. A model is its field tables and this call:

    {{ commerce_intermediate(ref('platform_mm__shopify_api_v1_orders'), 'shopify', fields,
                             extra_columns=child_lists) }}

  parsed: select-list SQL added to every source row first (a list parsed once and
  read by several extra columns, e.g. GA4's event_params).
#}
{% macro commerce_intermediate(master_model, connector, fields, extra_columns=none, parsed=none) -%}
{%- set columns -%}
{{ json_extract_commerce(fields) }}{% if extra_columns %},
    {{ extra_columns }}{% endif %}
{%- endset -%}
{{ intermediate_model(master_model, connector, columns, parsed) }}
{%- endmacro %}
