{#
  Channel grouping and the utm_source -> ad platform map, from the tenant's
  business_logic.attribution (defaults in gata/attribution.py: GA4's default channel
  group). Rules are tried in order; the first whose source and medium patterns both
  match the whole (lower-cased) value names the channel, and no match is 'other'.
#}
{% macro attribution_settings() -%}
    {{ return(gata_logic('attribution', {}) or {}) }}
{%- endmacro %}

{% macro sql_text(value) -%}
'{{ value | replace("'", "''") }}'
{%- endmacro %}

{% macro channel_case(source, medium) -%}
case
{%- for rule in attribution_settings().get('channel_rules', []) %}
    when regexp_full_match(lower(coalesce({{ source }}, '(direct)')), {{ sql_text(rule.get('source', '.*')) }})
     and regexp_full_match(lower(coalesce({{ medium }}, '(none)')), {{ sql_text(rule.get('medium', '.*')) }})
    then {{ sql_text(rule['channel']) }}
{%- endfor %}
    else 'other'
end
{%- endmacro %}

{# The ad connector of a paid session, by its utm_source; null for unpaid channels. #}
{% macro source_platform_case(source, channel) -%}
{%- set platforms = attribution_settings().get('source_platforms', {}) -%}
case when {{ channel }} like 'paid\_%' escape '\' then
    case lower({{ source }})
    {%- for utm, platform in platforms | dictsort %}
        when {{ sql_text(utm) }} then {{ sql_text(platform) }}
    {%- endfor %}
    end
end
{%- endmacro %}

{# The channel of an ad connector's own spend: its utm_source (from the map) as paid traffic. #}
{% macro platform_channel_case(platform) -%}
{%- set platforms = attribution_settings().get('source_platforms', {}) -%}
case {{ platform }}
{%- for utm, connector in platforms | dictsort %}
    when {{ sql_text(connector) }} then {{ channel_case(sql_text(utm), "'cpc'") }}
{%- endfor %}
    else 'other'
end
{%- endmacro %}

{# The models every order is credited under (gata/attribution.py ATTRIBUTION_MODELS). #}
{% macro attribution_models() -%}
    {{ return(var('gata_attribution_models')) }}
{%- endmacro %}
