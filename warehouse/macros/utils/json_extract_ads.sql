{#
  Typed extraction from a master model's raw_data_payload, for the paid-ads
  intermediate models. A model lists its field mapping as data, one
  (canonical name, JSON field, type) per line, and ads_extract renders the
  select list:

    {{ ads_extract([
        ('report_date', 'date_start',          'date'),
        ('spend',       'spend',               'money'),
        ('spend',       'metrics__cost_micros', 'micros'),
    ]) }}

  Types (how the value is read and cast):
    varchar   the value as text (ids too: numbers come out as their digits)
    bigint    integer counts (JSON numbers or integer strings)
    double    rates and platform-reported conversions
    money     a decimal string or JSON number, cast straight to decimal(18,2)
              (exact to the cent, never through double)
    micros    an integer in millionths of the currency (Google cost_micros):
              exact decimal(38,0) x 0.000001, then decimal(18,2)
    date      a day: 'YYYY-MM-DD', 'YYYY-MM-DD HH:MM:SS' (the day as written) or
              a timestamp with an offset as dlt renders TIMESTAMPTZ (the UTC day)
    epoch_ms  epoch milliseconds -> timestamptz
    urn_id    the id after the last ':' of a URN (urn:li:sponsoredCampaign:123 -> 123)
    json      the JSON value itself (objects, lists)
    sql       the second element is a SQL expression, used as is (for values
              built from several fields, e.g. LinkedIn's date parts)
#}
{% macro ads_extract(fields, payload='raw_data_payload') -%}
{%- for name, path, type in fields %}
    {{ ads_json_value(path, type, payload) }} as {{ name }}{{ "," if not loop.last }}
{%- endfor %}
{%- endmacro %}

{% macro ads_json_value(path, type, payload='raw_data_payload') -%}
{%- set text = "(" ~ payload ~ "->>'" ~ path ~ "')" -%}
{%- if type == 'varchar' -%}
    {{ text }}
{%- elif type == 'bigint' -%}
    {{ text }}::bigint
{%- elif type == 'double' -%}
    {{ text }}::double
{%- elif type == 'money' -%}
    {{ text }}::decimal(18,2)
{%- elif type == 'micros' -%}
    ({{ text }}::decimal(38,0) * 0.000001)::decimal(18,2)
{%- elif type == 'date' -%}
    {{ ads_day(text) }}
{%- elif type == 'epoch_ms' -%}
    to_timestamp({{ text }}::bigint / 1000.0)
{%- elif type == 'urn_id' -%}
    {{ ads_urn_id(text) }}
{%- elif type == 'json' -%}
    ({{ payload }}->'{{ path }}')
{%- elif type == 'sql' -%}
    ({{ path }})
{%- else -%}
    {{ exceptions.raise_compiler_error("ads_extract: unknown type " ~ type ~ " for " ~ path) }}
{%- endif -%}
{%- endmacro %}

{# The day of a date or timestamp string: a trailing UTC offset means an instant
   (dlt's TIMESTAMPTZ rendering), taken as its UTC day; otherwise the day as written. #}
{% macro ads_day(text) -%}
case when regexp_matches({{ text }}, '\d:\d\d(:\d\d(\.\d+)?)?\s*([+-]\d\d(:?\d\d)?|Z)$') then cast(timezone('UTC', {{ text }}::timestamptz) as date) else cast(left({{ text }}, 10) as date) end
{%- endmacro %}

{# The id after the last ':' of a URN, as varchar. #}
{% macro ads_urn_id(text) -%}
nullif(regexp_extract({{ text }}, '[^:]+$'), '')
{%- endmacro %}
