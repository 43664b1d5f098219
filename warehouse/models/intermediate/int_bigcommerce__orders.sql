{{ config(alias=tenant_alias('int', 'bigcommerce__orders'), enabled=gata_has_source('bigcommerce')) }}

{#- BigCommerce v2 orders: canonical name <- payload field (dlt name), kind (see json_extract_commerce) -#}
{%- set fields = [
    ('order_id',                'id',                       'varchar'),
    ('created_at',              'date_created',             'ts_rfc2822'),
    ('updated_at',              'date_modified',            'ts_rfc2822'),
    ('status_id',               'status_id',                'bigint'),
    ('status',                  'status',                   'text'),
    ('payment_status',          'payment_status',           'text'),
    ('currency',                'currency_code',            'text'),
    ('total_inc_tax',           'total_inc_tax',            'money'),
    ('total_ex_tax',            'total_ex_tax',             'money'),
    ('subtotal_ex_tax',         'subtotal_ex_tax',          'money'),
    ('total_tax',               'total_tax',                'money'),
    ('discount_amount',         'discount_amount',          'money'),
    ('refunded_amount',         'refunded_amount',          'money'),
    ('items_total',             'items_total',              'bigint'),
    ('customer_id',             'customer_id',              'varchar'),
    ('billing_email',           'billing_address__email',   'text'),
    ('billing_country_iso2',    'billing_address__country_iso2', 'text'),
    ('charge_id',               'payment_provider_id',      'text'),
    ('products_resource',       'products__resource',       'text'),
    ('is_deleted',              'is_deleted',               'boolean'),
] -%}

{{ commerce_intermediate(ref('platform_mm__bigcommerce_api_v1_orders'), 'bigcommerce', fields) }}
