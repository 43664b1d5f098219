{{ config(alias=tenant_alias('int', 'shopify__orders'), enabled=gata_has_source('shopify')) }}

{#- Shopify Admin REST orders: canonical name <- payload field (dlt name), kind (see json_extract_commerce) -#}
{%- set fields = [
    ('order_id',                'id',                   'varchar'),
    ('order_name',              'name',                 'text'),
    ('created_at',              'created_at',           'ts'),
    ('updated_at',              'updated_at',           'ts'),
    ('cancelled_at',            'cancelled_at',         'ts'),
    ('currency',                'currency',             'text'),
    ('total_price',             'total_price',          'money'),
    ('subtotal_price',          'subtotal_price',       'money'),
    ('total_tax',               'total_tax',            'money'),
    ('total_discounts',         'total_discounts',      'money'),
    ('current_total_price',     'current_total_price',  'money'),
    ('financial_status',        'financial_status',     'text'),
    ('fulfillment_status',      'fulfillment_status',   'text'),
    ('email',                   'email',                'text'),
    ('customer_id',             'customer__id',         'varchar'),
    ('customer_email',          'customer__email',      'text'),
    ('landing_site',            'landing_site',         'text'),
    ('referring_site',          'referring_site',       'text'),
    ('source_name',             'source_name',          'text'),
    ('is_test',                 'test',                 'boolean'),
] -%}

{#- line items: canonical line item field <- Shopify line item field, type -#}
{%- set line_item_fields = [
    ('line_item_id',    'id',               'VARCHAR'),
    ('product_id',      'product_id',       'VARCHAR'),
    ('variant_id',      'variant_id',       'VARCHAR'),
    ('sku',             'sku',              'VARCHAR'),
    ('name',            'title',            'VARCHAR'),
    ('quantity',        'quantity',         'BIGINT'),
    ('unit_price',      'price',            'DECIMAL(18,2)'),
    ('total_discount',  'total_discount',   'DECIMAL(18,2)'),
] -%}

{#- child lists: the line items as a clean JSON list, the charge id from note_attributes -#}
{%- set child_lists -%}
{{ commerce_json_list("raw_data_payload->'line_items'", line_item_fields) }} as line_items_json,
    list_filter(
        from_json(coalesce(raw_data_payload->'note_attributes', '[]'::json), '[{"name": "VARCHAR", "value": "VARCHAR"}]'),
        lambda a: a.name = 'stripe_charge_id')[1].value as charge_id
{%- endset -%}

{{ commerce_intermediate(ref('platform_mm__shopify_api_v1_orders'), 'shopify', fields, extra_columns=child_lists) }}
