{#
  One row per resolved person. Identity resolution across analytics and ecommerce:
  a visitor's user_pseudo_id is tied to a person by the user_id it logged in with
  (the store's customer id), and orders join on customer_id, or on email when the
  store has no customer id. Anonymous visitors are persons of their own.
#}
{% macro build_dim_users(events_relation, orders_relation) -%}
with pseudo_to_user as (
    select user_pseudo_id, max(user_id) as user_id
    from {{ events_relation }}
    where user_pseudo_id is not null
    group by user_pseudo_id
),
customers as (
    select
        customer_key,
        any_value(customer_id) as customer_id,
        arg_min(lower(customer_email), order_ts) as customer_email,
        min(order_date) as first_order_date,
        count(*) as orders_count,
        sum(case when is_paid then total_price else 0 end) as lifetime_revenue
    from {{ orders_relation }}
    group by 1
),
visitors as (
    select
        coalesce(p.user_id, 'anon:' || p.user_pseudo_id) as person_key,
        p.user_id,
        min(p.user_pseudo_id) as user_pseudo_id,
        count(distinct p.user_pseudo_id) as pseudo_id_count
    from pseudo_to_user p
    group by 1, 2
),
persons as (
    select
        coalesce(c.customer_key, v.person_key) as user_key,
        coalesce(c.customer_id, v.user_id) as customer_id,
        c.customer_email,
        v.user_id,
        v.user_pseudo_id,
        coalesce(v.pseudo_id_count, 0) as pseudo_id_count,
        c.first_order_date,
        coalesce(c.orders_count, 0) as orders_count,
        cast(coalesce(c.lifetime_revenue, 0) as decimal(18,2)) as lifetime_revenue
    from customers c
    full outer join visitors v on v.user_id = c.customer_id
)
select
    '{{ gata_tenant() }}'::varchar as tenant_slug,
    user_key, customer_id, customer_email, user_id, user_pseudo_id, pseudo_id_count,
    first_order_date, orders_count, lifetime_revenue,
    customer_id is not null and orders_count > 0 as is_customer,
    user_pseudo_id is not null as is_visitor
from persons
{%- endmacro %}
