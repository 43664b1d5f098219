"""Attribution in the warehouse, on the demo build: conservation under every model, paths, channels, models' rules.

The dbt build already ran `tests/attribution_conservation.sql` (it fails the build);
these check the same promises from outside dbt, through the semantic layer the
agents use, for every model and every demo tenant.
"""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest
import yaml

from gata.attribution import ATTRIBUTION_MODELS
from gata.settings import Paths
from pipeline.publish import SERVING_DB, current_version
from semantic_configs.semantics import QuerySpec, TenantSemantics
from tests.conftest import tenant_db

DEMO = ("tyrell_corp", "wayne_enterprises", "stark_industries")


@pytest.fixture(scope="module")
def serving(demo: Paths):
    version = current_version(demo)
    assert version is not None
    with duckdb.connect(str(version / SERVING_DB), read_only=True) as con:
        yield con


def semantics(demo: Paths, tenant: str) -> TenantSemantics:
    return TenantSemantics(yaml.safe_load((demo.semantic_configs_dir / f"{tenant}.yaml").read_text()))


def rows(con: duckdb.DuckDBPyConnection, sem: TenantSemantics, **spec: object) -> list[dict]:
    compiled = sem.compile(QuerySpec(**spec))
    return [dict(zip(compiled.columns, r)) for r in con.execute(compiled.sql).fetchall()]


@pytest.mark.parametrize("tenant", DEMO)
def test_attributed_revenue_over_all_channels_equals_revenue_per_day_under_every_model(
    demo: Paths, serving: duckdb.DuckDBPyConnection, tenant: str
) -> None:
    sem = semantics(demo, tenant)
    revenue = {
        r["date"]: r["revenue"] for r in rows(serving, sem, metrics=["revenue"], time_grain="day", limit=5000)
    }
    assert sum(revenue.values()) > 0
    for model in ATTRIBUTION_MODELS:
        got = rows(
            serving,
            sem,
            metrics=["attributed_revenue", "attributed_orders"],
            dimensions=["channel"],
            time_grain="day",
            attribution_model=model,
            limit=5000,
        )
        by_day: dict = {}
        for r in got:
            by_day[r["date"]] = by_day.get(r["date"], Decimal(0)) + r["attributed_revenue"]
        assert {d: v for d, v in by_day.items() if v} == {d: v for d, v in revenue.items() if v}, model
        assert {r["channel"] for r in got} <= {
            "paid_search",
            "paid_social",
            "organic_search",
            "organic_social",
            "email",
            "referral",
            "direct",
            "other",
            "unattributed",
        }
        paid = rows(serving, sem, metrics=["paid_orders"])[0]["paid_orders"]
        assert sum(r["attributed_orders"] for r in got) == pytest.approx(paid, abs=1e-6), model


@pytest.mark.parametrize("tenant", DEMO)
def test_each_orders_credits_sum_to_one_and_its_cents_to_its_total(demo: Paths, tenant: str) -> None:
    with tenant_db(demo, tenant) as con:
        bad = con.execute(f"""
            select a.attribution_model, a.order_id, sum(a.credit), sum(a.attributed_revenue), any_value(o.total_price)
            from analytics."fct_{tenant}__attribution" a join analytics."fct_{tenant}__orders" o using (order_id)
            group by 1, 2
            having abs(sum(a.credit) - 1) > 1e-9 or sum(a.attributed_revenue) <> any_value(o.total_price)""").fetchall()
        assert bad == []
        models, orders = con.execute(f"""select count(distinct attribution_model), count(distinct order_id)
            from analytics."fct_{tenant}__attribution" """).fetchone()
        paid = con.execute(f'select count(*) from analytics."fct_{tenant}__orders" where is_paid').fetchone()[
            0
        ]
        assert (models, orders) == (len(ATTRIBUTION_MODELS), paid)


def test_paths_follow_the_person_and_the_lookback(demo: Paths) -> None:
    tenant = "tyrell_corp"
    with tenant_db(demo, tenant) as con:
        touch_count, days_before, persons = con.execute(f"""
            select max(touch_count), max(days_before_conversion), count(distinct person_key)
            from analytics."fct_{tenant}__conversion_paths" """).fetchone()
        assert touch_count > 1 and 0 <= days_before <= 30 and persons > 10
        # every path ends at the order's converting session when it has one
        unmatched = con.execute(f"""
            select count(*) from analytics."fct_{tenant}__conversion_paths" p
            join analytics."fct_{tenant}__touchpoints" t on t.transaction_id = p.order_id
            where p.touch_index = p.touch_count and p.session_id <> t.session_id""").fetchone()[0]
        assert unmatched == 0
        # a device that logged in later carries its earlier anonymous sessions into the person's path
        linked = con.execute(f"""
            select count(*) from analytics."fct_{tenant}__conversion_paths" p
            join analytics."fct_{tenant}__sessions" s using (session_id) where s.user_id is null""").fetchone()[
            0
        ]
        assert linked > 0
        channels = dict(
            con.execute(f"""select channel, any_value(source_platform)
            from analytics."fct_{tenant}__touchpoints" group by 1""").fetchall()
        )
        assert {"paid_search", "paid_social", "direct", "email", "organic_search"} <= set(channels)
        assert channels["direct"] is None and channels["paid_search"] == "google_ads"
        campaigns = con.execute(f"""select count(*) filter (where campaign_id is null) from
            analytics."fct_{tenant}__touchpoints" where source_platform is not null""").fetchone()[0]
        assert campaigns == 0  # every paid session found its campaign through its utm_campaign


def test_models_follow_their_rules_on_one_path(demo: Paths) -> None:
    tenant = "tyrell_corp"
    with tenant_db(demo, tenant) as con:
        order_id, n = (
            con.execute(f"""select order_id, touch_count from analytics."fct_{tenant}__conversion_paths"
            where touch_count >= 4 order by order_id limit 1""").fetchone()
        )
        credit = {
            (m, i): c
            for m, i, c in con.execute(
                f"""select attribution_model, touch_index, credit
            from analytics."fct_{tenant}__attribution" where order_id = ?""",
                [order_id],
            ).fetchall()
        }
        assert credit[("first_touch", 1)] == 1 and credit[("last_touch", n)] == 1
        assert credit[("linear", 2)] == pytest.approx(1 / n)
        assert credit[("position_based", 1)] == pytest.approx(0.4) and credit[
            ("position_based", n)
        ] == pytest.approx(0.4)
        assert credit[("position_based", 2)] == pytest.approx(0.2 / (n - 2))
        assert credit[("time_decay", n)] >= credit[("time_decay", 1)]  # later touches weigh more
        one_touch = con.execute(f"""select min(credit) from analytics."fct_{tenant}__attribution"
            where touch_count = 1 and attribution_model = 'position_based'""").fetchone()[0]
        assert one_touch == 1
        two = con.execute(f"""select min(credit), max(credit) from analytics."fct_{tenant}__attribution"
            where touch_count = 2 and attribution_model = 'position_based'""").fetchone()
        assert two == (0.5, 0.5)
        # last_non_direct never credits a direct touch when the path has another channel
        direct = con.execute(f"""select count(*) from analytics."fct_{tenant}__attribution" a
            where attribution_model = 'last_non_direct' and credit = 1 and channel = 'direct'
              and exists (select 1 from analytics."fct_{tenant}__conversion_paths" p
                          where p.order_id = a.order_id and p.channel <> 'direct')""").fetchone()[0]
        assert direct == 0
        # data_driven differs from linear somewhere: the removal effects weigh channels
        differ = con.execute(f"""select count(*) from analytics."fct_{tenant}__attribution" d
            join analytics."fct_{tenant}__attribution" l using (order_id, touch_index)
            where d.attribution_model = 'data_driven' and l.attribution_model = 'linear'
              and abs(d.credit - l.credit) > 1e-6""").fetchone()[0]
        assert differ > 0
