{#
  The one extraction DSL of the intermediate models: a typed value read from a
  master model's raw_data_payload. A connector's field mapping
  (warehouse/mappings/<connector>.yml) lists (canonical name, payload field, kind)
  and the scaffold renders each line as {{ json_value(field, kind) }} as name, so
  every connector's money, dates and ids are read the same way.

  Kinds (how the value is read and cast):
    varchar      the value as text (JSON numbers come back as their digits: ids keep every digit)
    text         same, with '' -> null
    bigint, double, boolean
    money        a decimal string or JSON number, cast straight to decimal(18,2)
                 (exact to the cent, never through double: "35.6300", "12.3", 137.7)
    micros       an integer in millionths of the currency (Google cost_micros):
                 exact decimal(38,0) x 0.000001, then decimal(18,2)
    date         a day: 'YYYY-MM-DD', 'YYYY-MM-DD HH:MM:SS' (the day as written) or a
                 timestamp with an offset as dlt renders TIMESTAMPTZ (the UTC day)
    ts           timestamptz from ISO 8601: an offset ("...-05:00", "+00", "Z") is honoured,
                 a string without one is UTC (WooCommerce *_gmt, Amplitude event_time)
    ts_rfc2822   timestamptz from RFC 2822 ("Thu, 01 Oct 2026 06:35:33 +0000"); falls back to ts
    epoch_s, epoch_ms, epoch_us   timestamptz from an epoch number (seconds, ms, microseconds)
    urn_id       the id after the last ':' of a URN (urn:li:sponsoredCampaign:123 -> 123)
    json         the JSON value itself (objects, child-table lists)
    json_list    the JSON list, [] when absent
  A mapping line of kind sql is a SQL expression used as is (values built from several fields).
#}
{% macro json_value(path, kind, payload='raw_data_payload') -%}
{{ typed_value("(" ~ payload ~ "->>'" ~ path ~ "')", kind, "(" ~ payload ~ "->'" ~ path ~ "')") }}
{%- endmacro %}

{# A list of (name, field, kind) as a select list; for models that build their columns in SQL. #}
{% macro json_extract(fields, payload='raw_data_payload') -%}
{%- for name, path, kind in fields %}
    {{ json_value(path, kind, payload) }} as {{ name }}{{ "," if not loop.last }}
{%- endfor %}
{%- endmacro %}

{# One typed value from its text expression (and its JSON expression for the json kinds). #}
{% macro typed_value(text_expr, kind, json_expr=none) -%}
{%- if kind == 'varchar' -%}{{ text_expr }}
{%- elif kind == 'text' -%}nullif(trim({{ text_expr }}), '')
{%- elif kind in ('bigint', 'double', 'boolean') -%}({{ text_expr }})::{{ kind }}
{%- elif kind == 'money' -%}({{ text_expr }})::decimal(18,2)
{%- elif kind == 'micros' -%}(({{ text_expr }})::decimal(38,0) * 0.000001)::decimal(18,2)
{%- elif kind == 'date' -%}{{ json_day(text_expr) }}
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
{%- elif kind == 'urn_id' -%}{{ json_urn_id(text_expr) }}
{%- else -%}{{ exceptions.raise_compiler_error("json_value: unknown kind " ~ kind ~ " (see macros/utils/json_extract.sql)") }}
{%- endif -%}
{%- endmacro %}

{# The day of a date or timestamp string: a trailing UTC offset means an instant
   (dlt's TIMESTAMPTZ rendering), taken as its UTC day; otherwise the day as written. #}
{% macro json_day(text) -%}
case when regexp_matches({{ text }}, '\d:\d\d(:\d\d(\.\d+)?)?\s*([+-]\d\d(:?\d\d)?|Z)$') then cast(timezone('UTC', {{ text }}::timestamptz) as date) else cast(left({{ text }}, 10) as date) end
{%- endmacro %}

{# The id after the last ':' of a URN, as varchar. #}
{% macro json_urn_id(text) -%}
nullif(regexp_extract({{ text }}, '[^:]+$'), '')
{%- endmacro %}

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
  to decimal(18,2) (the money kind of typed_value).
#}
{% macro ga4_params_struct() -%}
'[{"key": "VARCHAR", "value__string_value": "VARCHAR", "value__int_value": "BIGINT", "value__double_value": "VARCHAR"}]'
{%- endmacro %}

{% macro ga4_event_params(params, list_expr) -%}
{%- for name, key, slot in params %}
    {%- set value = "list_filter(" ~ list_expr ~ ", lambda p: p.key = '" ~ key ~ "')[1].value__"
                    ~ ('double' if slot == 'money' else slot) ~ "_value" %}
    {{ typed_value(value, 'money') if slot == 'money' else value }} as {{ name }}{{ "," if not loop.last }}
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
