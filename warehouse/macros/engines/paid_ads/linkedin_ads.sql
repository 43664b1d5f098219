{#
  LinkedIn Ads helpers of its field mapping (warehouse/mappings/linkedin_ads.yml).
  Canonical grain (ad-reporting convention): campaign group -> campaign (names from
  campaign_groups), campaign -> ad_group, creative -> ad; costInLocalCurrency -> spend,
  externalWebsiteConversions -> conversions. The engine is the shared ads engine.
#}

{# The day of a LinkedIn dateRange bound ({year, month, day}, flattened by dlt). #}
{% macro linkedin_date(bound, payload='raw_data_payload') -%}
make_date(({{ payload }}->>'{{ bound }}__year')::bigint, ({{ payload }}->>'{{ bound }}__month')::bigint,
          ({{ payload }}->>'{{ bound }}__day')::bigint)
{%- endmacro %}

{# The id of the row's pivot_values URN of one entity type (sponsoredCampaign, ...). #}
{% macro linkedin_pivot_id(urn_type, payload='raw_data_payload') -%}
{{ json_urn_id("list_filter(from_json(" ~ payload ~ "->'pivot_values', '[{\"value\": \"VARCHAR\"}]'), "
              ~ "lambda p: p.value like 'urn:li:" ~ urn_type ~ ":%')[1].value") }}
{%- endmacro %}
