"""The dbt warehouse, built for real: contracts, dbt tests, idempotence, replay, isolation of failures."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest
import yaml

from gata.settings import Paths
from gata.tenants import load_tenants
from pipeline.publish import SERVING_DB, current_version
from tests.conftest import demo_env, guarding_tests, run_gata, tenant_body, tenant_db, write_tenants

DEMO = ("tyrell_corp", "wayne_enterprises", "stark_industries")
STARS = ("fct_ad_performance", "fct_orders", "fct_sessions", "fct_events", "dim_campaigns", "dim_users")


def contract(model: str) -> list[str]:
    """A star model's columns, in order, from its yml contract (the one place they are written down)."""
    path = Path(__file__).parents[2] / "warehouse" / "models" / "analytics" / f"{model}.yml"
    return [c["name"] for c in yaml.safe_load(path.read_text())["models"][0]["columns"]]


# per-tenant table name pattern -> the columns the table must have, in order
CONTRACTS = {model.replace("_", "_{t}__", 1): contract(model) for model in STARS}


def columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns where table_schema = 'analytics' and table_name = ? "
            "order by ordinal_position",
            [table],
        ).fetchall()
    ]


def table_digest(
    con: duckdb.DuckDBPyConnection, schema: str, table: str, exclude: tuple[str, ...] = ()
) -> str:
    cols = [c for c in columns_of(con, schema, table) if c not in exclude]
    rows = con.execute(
        f'select {", ".join(chr(34) + c + chr(34) for c in cols)} from {schema}."{table}"'
    ).fetchall()
    return hashlib.md5("\n".join(sorted(map(repr, rows))).encode()).hexdigest()


def columns_of(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns where table_schema = ? "
            "and table_name = ? order by ordinal_position",
            [schema, table],
        ).fetchall()
    ]


def test_demo_build_materialises_18_star_tables_with_their_contracts(demo: Paths) -> None:
    connectors = {slug: t.connectors for slug, t in load_tenants(demo.tenants_file).items()}
    for tenant in DEMO:
        with tenant_db(demo, tenant) as con:
            for pattern, expected in CONTRACTS.items():
                table = pattern.format(t=tenant)
                assert columns(con, table)[: len(expected)] == expected, table
                rows = con.execute(
                    f'select count(*), count(distinct tenant_slug), min(tenant_slug) from analytics."{table}"'
                ).fetchone()
                assert rows[0] > 0 and rows[1] == 1 and rows[2] == tenant, table
            build = con.execute(
                "select models_error, tests_fail, tests_pass, invocation_id from platform.obs_invocations "
                "where tenant_slug = ? order by finished_at desc limit 1",
                [tenant],
            ).fetchone()
            assert build[0] == 0 and build[1] == 0, (tenant, build)
            nodes = con.execute(
                "select resource_type, node_name, status from platform.obs_node_results where invocation_id = ?",
                [build[3]],
            ).fetchall()
            passed = {name for kind, name, status in nodes if kind == "test" and status == "pass"}
            assert build[2] == len(passed), (tenant, build)
            models = [name for kind, name, _ in nodes if kind == "model"]
            required = guarding_tests(models, connectors[tenant])
            assert required <= passed, (tenant, sorted(required - passed))


def test_each_tenant_builds_in_its_own_database_and_no_file_is_shared(demo: Paths) -> None:
    # the scale design: a tenant's build opens its own small catalog, never every tenant's tables;
    # and tenants build side by side: no step writes a file another tenant writes
    relations = (
        "select schema_name, table_name from duckdb_tables() union all "
        "select schema_name, view_name from duckdb_views() where not internal"
    )
    assert not (demo.home / "warehouse.duckdb").exists()  # the shared build file of old
    for tenant in DEMO:
        with duckdb.connect(str(demo.tenant_db(tenant)), read_only=True) as con:
            for schema, name in con.execute(relations).fetchall():
                if schema == "platform":  # master models and platform tables: this tenant's rows only
                    if name != "connector_blueprints":  # the library, the same in every file
                        assert (
                            con.execute(
                                f"select count(*) filter (where tenant_slug is distinct from ?) "
                                f'from platform."{name}"',
                                [tenant],
                            ).fetchone()[0]
                            == 0
                        ), (tenant, name)
                    continue
                owner = schema if schema.startswith("raw_") else name
                assert f"_{tenant}__" in owner, (tenant, schema, name)


def test_rebuilding_changes_no_row(demo: Paths) -> None:
    def digests() -> dict[str, str]:
        out = {}
        for db in [demo.tenant_db(t) for t in DEMO]:  # each tenant's master model slices and stars
            with duckdb.connect(str(db), read_only=True) as con:
                tables = con.execute(
                    "select schema_name, table_name from duckdb_tables() where schema_name = 'analytics' "
                    "or (schema_name = 'platform' and table_name like 'platform_mm__%') order by 1, 2"
                ).fetchall()
                out |= {f"{s}.{t}": table_digest(con, s, t) for s, t in tables}
        return out

    before = digests()
    run_gata("transform", env=demo_env(demo.home.parent))
    assert digests() == before


def test_motherduck_target_is_wired(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from dbt.config.renderer import ProfileRenderer
    from dbt_common.context import set_invocation_context

    raw = yaml.safe_load((Path(__file__).parents[2] / "warehouse" / "profiles.yml").read_text())
    monkeypatch.setenv("GATA_DBT_TARGET", "motherduck")
    monkeypatch.setenv("GATA_MOTHERDUCK_DATABASE", "agency_prod")
    monkeypatch.setenv("MOTHERDUCK_TOKEN", "md-secret-token")
    monkeypatch.setenv("GATA_TENANT_DB_PATH", str(tmp_path / "tenants" / "acme.duckdb"))
    monkeypatch.setenv("GATA_TENANT", "acme")
    set_invocation_context(dict(os.environ))
    rendered = ProfileRenderer({}).render_data(raw)["gata"]
    assert rendered["target"] == "motherduck"
    md = rendered["outputs"]["motherduck"]
    assert md["type"] == "duckdb" and md["path"] == "md:agency_prod"
    assert md["settings"]["motherduck_token"] == "md-secret-token"
    assert (
        "env_var('MOTHERDUCK_TOKEN')" in raw["gata"]["outputs"]["motherduck"]["settings"]["motherduck_token"]
    )
    assert md["attach"] == [{"path": "md:agency_prod_acme", "alias": "tenant"}]
    local = rendered["outputs"]["local"]
    # locally the main database is an empty in-memory one and the tenant's file is attached by a plugin,
    # so the profile is the same for every tenant and builds of different tenants share no file
    assert local["path"] == ":memory:"
    assert "attach" not in local and {"module": "warehouse.tenant_plugin"} in local["plugins"]


FOURTH = {
    "paid_ads": ["linkedin_ads", "amazon_ads", "tiktok_ads"],
    "ecommerce": ["woocommerce"],
    "analytics": ["amplitude"],
}


@pytest.mark.slow
def test_fourth_tenant_exercising_the_other_engines_builds_six_tables_and_replays_logic(home: Paths) -> None:
    env = {
        **demo_env(home.home.parent),
        "GATA_HOME": str(home.home),
        "GATA_TENANTS_FILE": str(home.tenants_file),
    }
    write_tenants(home.tenants_file, {"cyberdyne": tenant_body(FOURTH, days=5, volume=0.5)})
    run_gata("ingest", env=env)
    run_gata("transform", env=env)
    with tenant_db(home, "cyberdyne") as con:
        for pattern in CONTRACTS:
            table = pattern.format(t="cyberdyne")
            assert con.execute(f'select count(*) from analytics."{table}"').fetchone()[0] > 0, table
        platforms = {
            r[0]
            for r in con.execute(
                "select distinct source_platform from analytics.fct_cyberdyne__ad_performance"
            ).fetchall()
        }
        assert platforms == set(FOURTH["paid_ads"])
        converting = con.execute(
            "select count(*) filter (where is_conversion_session) from analytics.fct_cyberdyne__sessions"
        ).fetchone()[0]
        payloads = table_digest(con, "platform", "platform_mm__amplitude_api_v1_events")
    assert converting > 0

    # logic replay: a different conversion event, rebuilt from the raw payloads with no re-ingest
    body = tenant_body(FOURTH, days=5, volume=0.5, conversion_events=["Product Added"])
    write_tenants(home.tenants_file, {"cyberdyne": body})
    loads = len(list((home.dlt_dir).rglob("*.json")))
    run_gata("replay", "--tenant", "cyberdyne", env=env)
    with tenant_db(home, "cyberdyne") as con:
        replayed, with_product_added = con.execute(
            "select count(distinct session_id) filter (where is_conversion_session), "
            "count(distinct session_id) filter (where event_name = 'Product Added') "
            "from analytics.fct_cyberdyne__sessions s join analytics.fct_cyberdyne__events e using (session_id)"
        ).fetchone()
        assert replayed == with_product_added and replayed != converting, (
            replayed,
            with_product_added,
            converting,
        )
        assert table_digest(con, "platform", "platform_mm__amplitude_api_v1_events") == payloads
        assert (
            con.execute(
                "select count(*) from platform.load_history where tenant_slug = 'cyberdyne'"
            ).fetchone()[0]
            == 5
        )
    assert len(list((home.dlt_dir).rglob("*.json"))) == loads


@pytest.mark.slow
def test_one_tenants_broken_data_fails_only_its_own_build(home: Paths) -> None:
    env = {
        **demo_env(home.home.parent),
        "GATA_HOME": str(home.home),
        "GATA_TENANTS_FILE": str(home.tenants_file),
    }
    sources = {"paid_ads": ["facebook_ads"], "ecommerce": ["shopify"]}
    write_tenants(
        home.tenants_file,
        {"good_co": tenant_body(sources, seed=1, days=3), "broken_co": tenant_body(sources, seed=2, days=3)},
    )
    run_gata("ingest", env=env)
    with duckdb.connect(str(home.tenant_db("broken_co"))) as con:  # a source starts sending garbage money
        con.execute(
            "update raw_broken_co__facebook_ads.facebook_insights set spend = 'twelve', "
            "_dlt_load_id = _dlt_load_id || '9'"
        )
    proc = run_gata("transform", env=env, check=False)
    assert proc.returncode == 1
    assert "failed tenants: broken_co" in proc.stderr
    assert "fct_ad_performance" in proc.stderr or "int_facebook_ads" in proc.stderr
    # the snapshot is the multi-tenant view: the good tenant's tables, and both tenants' runs (the failed
    # one's too, so pipeline_health can say why its data did not move)
    with duckdb.connect(str(current_version(home) / SERVING_DB), read_only=True) as con:
        status = dict(
            con.execute(
                "select tenant_slug, arg_max(status, finished_at) from platform.obs_invocations group by 1"
            ).fetchall()
        )
        assert status == {"good_co": "success", "broken_co": "error"}
        assert con.execute("select count(*) from analytics.fct_good_co__ad_performance").fetchone()[0] > 0


def test_scaffolder_is_idempotent_and_drops_a_removed_source(home: Paths) -> None:
    from gata.tenants import parse_tenants
    from ingestion.landing import land_tenant
    from warehouse.scaffold import scaffold_tenant

    both = parse_tenants(
        {"tenants": {"scaffy": tenant_body({"paid_ads": ["tiktok_ads"], "ecommerce": ["shopify"]}, days=2)}}
    )["scaffy"]
    land_tenant(both, paths=home)
    with duckdb.connect(str(home.tenant_db("scaffy")), read_only=True) as con:
        first = scaffold_tenant(both, home, con)
        assert {p.name for p in first} == {"tiktok_ads.yml", "shopify.yml"}
        routing = yaml.safe_load((home.dbt_tenants_dir / "scaffy" / "shopify.yml").read_text())
        orders = next(o for o in routing["objects"] if o["object"] == "orders")
        assert (
            orders["master_model"] == "platform_mm__shopify_api_v1_orders" and orders["dna_status"] == "known"
        )
        assert {c["table"] for c in orders["children"]} >= {"orders__line_items", "orders__note_attributes"}
        assert scaffold_tenant(both, home, con) == []  # a re-run is a no-op
        shop_only = both.model_copy(update={"sources": both.sources.model_copy(update={"paid_ads": []})})
        removed = scaffold_tenant(shop_only, home, con)
        assert [p.name for p in removed] == ["tiktok_ads.yml"]
        assert sorted(p.name for p in (home.dbt_tenants_dir / "scaffy").iterdir()) == ["shopify.yml"]


def test_library_models_are_derived_from_the_catalog_and_the_mappings(tmp_path: Path) -> None:
    from gata.catalog import catalog
    from warehouse.scaffold import library_files, write_library

    files = library_files()
    for key, conn in catalog().connectors.items():
        for obj in conn.objects:
            assert Path(f"models/staging/stg_{key}__{obj}.sql") in files
            assert Path(f"models/platform/master_models/{conn.master_model(obj)}.sql") in files
        if conn.engine:  # the shared ads engine reads these intermediate models
            for obj in (conn.engine.delivery, conn.engine.campaigns):
                assert Path(f"models/intermediate/int_{key}__{obj}.sql") in files
    sources = yaml.safe_load(files[Path("models/staging/_sources.yml")])["sources"]
    assert {s["name"] for s in sources} == {f"raw_{k}" for k in catalog().connectors}
    # written into a fresh project, then a second write changes nothing
    assert len(write_library(tmp_path)) == len(files)
    assert write_library(tmp_path) == []


@pytest.mark.slow
def test_landed_tables_are_dbt_sources_with_freshness(home: Paths) -> None:
    import json

    from gata.tenants import parse_tenants
    from ingestion.landing import land_tenant
    from warehouse.runner import invoke, scaffold_routing, tenant_vars

    tenant = parse_tenants(
        {"tenants": {"fresh": tenant_body({"paid_ads": ["tiktok_ads"], "ecommerce": ["shopify"]}, days=2)}}
    )["fresh"]
    land_tenant(tenant, paths=home)
    scaffold_routing(tenant, home)
    args = [
        "--vars",
        json.dumps(tenant_vars(tenant, home)),
        "--select",
        "source:raw_tiktok_ads source:raw_shopify",
    ]
    listed = invoke(["ls", "--resource-type", "source", "--output", "name", *args], home, "fresh")
    assert listed.success, listed.detail()
    assert {"raw_shopify.orders", "raw_tiktok_ads.ads_reports_daily"} <= set(listed.result)
    fresh = invoke(["source", "freshness", *args], home, "fresh")
    assert fresh.success, fresh.detail()
    results = json.loads((home.dbt_target("fresh") / "sources.json").read_text())["results"]
    checked = {r["unique_id"].split(".")[-1]: r["status"] for r in results}
    assert checked["ads_reports_daily"] == "pass" and checked["orders"] == "pass", checked
