{{ config(alias=tenant_alias('int', 'woocommerce__orders'), enabled=gata_has_source('woocommerce')) }}

{#- WooCommerce REST v3 orders: canonical name <- payload field (dlt name), kind (see json_extract_commerce).
    date_created_gmt is UTC without an offset: the ts kind reads it as UTC. -#}
{%- set fields = [
    ('order_id',                'id',                   'varchar'),
    ('order_number',            'number',               'text'),
    ('created_at',              'date_created_gmt',     'ts'),
    ('updated_at',              'date_modified_gmt',    'ts'),
    ('paid_at',                 'date_paid_gmt',        'ts'),
    ('status',                  'status',               'text'),
    ('currency',                'currency',             'text'),
    ('total',                   'total',                'money'),
    ('total_tax',               'total_tax',            'money'),
    ('discount_total',          'discount_total',       'money'),
    ('shipping_total',          'shipping_total',       'money'),
    ('customer_id',             'customer_id',          'varchar'),
    ('billing_email',           'billing__email',       'text'),
    ('billing_country',         'billing__country',     'text'),
    ('payment_method',          'payment_method',       'text'),
    ('charge_id',               'transaction_id',       'text'),
    ('refunds_json',            'refunds',              'json_list'),
] -%}

{#- line items: canonical line item field <- WooCommerce line item field, type -#}
{%- set line_item_fields = [
    ('line_item_id',    'id',           'VARCHAR'),
    ('product_id',      'product_id',   'VARCHAR'),
    ('variant_id',      'variation_id', 'VARCHAR'),
    ('sku',             'sku',          'VARCHAR'),
    ('name',            'name',         'VARCHAR'),
    ('quantity',        'quantity',     'BIGINT'),
    ('unit_price',      'price',        'DECIMAL(18,2)'),
    ('subtotal',        'subtotal',     'DECIMAL(18,2)'),
    ('total',           'total',        'DECIMAL(18,2)'),
    ('total_tax',       'total_tax',    'DECIMAL(18,2)'),
] -%}

{#- child lists: the line items as a clean JSON list, the number of refunds -#}
{%- set child_lists -%}
{{ commerce_json_list("raw_data_payload->'line_items'", line_item_fields) }} as line_items_json,
    json_array_length(coalesce(raw_data_payload->'refunds', '[]'::json)) as refunds_count
{%- endset -%}

{{ commerce_intermediate(ref('platform_mm__woocommerce_api_v1_orders'), 'woocommerce', fields, extra_columns=child_lists) }}
