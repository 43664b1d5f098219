"""The tenant's timezone decides its calendar day: orders near midnight UTC land on the local day."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import duckdb
import pytest
import yaml

from gata.attribution import DEFAULT_CHANNEL_RULES
from gata.catalog import dataset_name
from gata.errors import ConfigError
from gata.settings import Paths
from gata.tenants import parse_tenants
from pipeline.publish import SERVING_DB, current_version
from semantic_configs.semantics import QuerySpec, TenantSemantics
from tests.conftest import demo_env, run_gata, tenant_body, tenant_db, write_tenants

LA = ZoneInfo("America/Los_Angeles")


def test_an_unknown_timezone_or_attribution_setting_is_refused_with_the_fix() -> None:
    body = tenant_body({"ecommerce": ["shopify"]})
    body["business_logic"]["timezone"] = "Mars/Olympus"
    with pytest.raises(ConfigError, match="unknown time zone 'Mars/Olympus'.*America/Los_Angeles"):
        parse_tenants({"tenants": {"pacific_co": body}})
    body["business_logic"]["timezone"] = "UTC"
    body["business_logic"]["attribution_model"] = "last_click"
    with pytest.raises(ConfigError, match="attribution_model.*'last_non_direct'"):
        parse_tenants({"tenants": {"pacific_co": body}})
    body["business_logic"]["attribution_model"] = "data_driven"
    body["business_logic"]["attribution"] = {"source_platforms": {"fb": "meta_ads"}}
    with pytest.raises(ConfigError, match="'meta_ads' is no ad connector; allowed: amazon_ads"):
        parse_tenants({"tenants": {"pacific_co": body}})
    body["business_logic"]["attribution"] = {"channel_rules": [{"channel": "crm", "source": "news("}]}
    with pytest.raises(ConfigError, match="not a valid regular expression"):
        parse_tenants({"tenants": {"pacific_co": body}})


@pytest.mark.slow
def test_a_los_angeles_tenant_dates_orders_and_sessions_by_its_local_day(home: Paths) -> None:
    body = tenant_body(
        {"ecommerce": ["shopify"], "analytics": ["google_analytics"]}, seed=77, days=3, volume=0.3
    )
    body["business_logic"]["timezone"] = "America/Los_Angeles"
    # the channel rules are the tenant's too: a rule of its own ahead of the defaults
    body["business_logic"]["attribution"] = {
        "lookback_days": 7,
        "channel_rules": [
            {"channel": "crm", "source": "newsletter"},
            *(r.model_dump() for r in DEFAULT_CHANNEL_RULES),
        ],
    }
    write_tenants(home.tenants_file, {"pacific_co": body})
    run_gata("build", env=demo_env(home.home.parent))

    with duckdb.connect(str(home.tenant_db("pacific_co")), read_only=True) as raw:
        raw_orders = raw.execute(
            f"select id::varchar, created_at, total_price, financial_status "
            f'from "{dataset_name("pacific_co", "shopify")}".orders'
        ).fetchall()
    local = {oid: datetime.fromisoformat(created).astimezone(LA).date() for oid, created, _, _ in raw_orders}
    utc = {
        oid: datetime.fromisoformat(created).astimezone(ZoneInfo("UTC")).date()
        for oid, created, _, _ in raw_orders
    }
    evening = [oid for oid in local if local[oid] != utc[oid]]
    assert evening, "the mock data should have orders between 16:00 and 24:00 Pacific time"

    with tenant_db(home, "pacific_co") as con:
        star = dict(
            con.execute('select order_id, order_date from analytics."fct_pacific_co__orders"').fetchall()
        )
        assert star == local
        wrong = con.execute("""select count(*) from analytics."fct_pacific_co__sessions"
            where session_date <> cast(session_start_ts at time zone 'America/Los_Angeles' as date)""").fetchone()[
            0
        ]
        assert wrong == 0
        channels = dict(
            con.execute("""select traffic_source, any_value(channel)
            from analytics."fct_pacific_co__touchpoints" group by 1""").fetchall()
        )
        assert channels["newsletter"] == "crm" and channels["(direct)"] == "direct"
        assert (
            con.execute("""select max(days_before_conversion)
            from analytics."fct_pacific_co__conversion_paths" """).fetchone()[0]
            <= 7
        )

    revenue: dict[date, Decimal] = defaultdict(Decimal)
    for oid, _, total, status in raw_orders:
        if status in ("paid", "partially_refunded"):
            revenue[local[oid]] += Decimal(total)
    sem = TenantSemantics(yaml.safe_load((home.semantic_configs_dir / "pacific_co.yaml").read_text()))
    with duckdb.connect(str(current_version(home) / SERVING_DB), read_only=True) as serving:
        for model in ("revenue", "attributed_revenue"):
            compiled = sem.compile(QuerySpec(metrics=[model], time_grain="day", limit=100))
            got = {
                d.date() if isinstance(d, datetime) else d: v
                for d, v in serving.execute(compiled.sql).fetchall()
            }
            assert {d: v for d, v in got.items() if v} == {d: v for d, v in revenue.items() if v}, model
