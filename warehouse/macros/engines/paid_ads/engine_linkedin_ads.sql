{#
  LinkedIn Ads engines. Canonical grain (ad-reporting convention): campaign group
  -> campaign (names from campaign_groups), campaign -> ad_group, creative -> ad;
  costInLocalCurrency -> spend, externalWebsiteConversions -> conversions.
#}

{% macro engine_linkedin_ads__ad_performance() -%}
{{ ads_ad_performance('linkedin_ads', ref('int_linkedin_ads__ad_analytics')) }}
{%- endmacro %}

{% macro engine_linkedin_ads__campaigns() -%}
{{ ads_campaigns('linkedin_ads', ref('int_linkedin_ads__campaign_groups'), ref('int_linkedin_ads__ad_analytics')) }}
{%- endmacro %}

{# The day of a LinkedIn dateRange bound ({year, month, day}, flattened by dlt). #}
{% macro linkedin_date(bound, payload='raw_data_payload') -%}
make_date(({{ payload }}->>'{{ bound }}__year')::bigint, ({{ payload }}->>'{{ bound }}__month')::bigint,
          ({{ payload }}->>'{{ bound }}__day')::bigint)
{%- endmacro %}

{# The id of the row's pivot_values URN of one entity type (sponsoredCampaign, ...). #}
{% macro linkedin_pivot_id(urn_type, payload='raw_data_payload') -%}
{{ ads_urn_id("list_filter(from_json(" ~ payload ~ "->'pivot_values', '[{\"value\": \"VARCHAR\"}]'), "
              ~ "lambda p: p.value like 'urn:li:" ~ urn_type ~ ":%')[1].value") }}
{%- endmacro %}
