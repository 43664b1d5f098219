"""The Dagster control plane, run in process on real DuckDB files and real dbt builds.

Dagster's own in-process APIs (``materialize``, ``execute_in_process``,
``build_sensor_context``, ``build_schedule_context``) drive the definitions; what
they build is compared with what the CLI built for the same tenant.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml

from gata.settings import Paths
from gata.tenants import load_tenants
from orchestration.assets import published_key, raw_key, semantic_config_key, tenant_assets
from orchestration.checks import tenant_checks
from orchestration.jobs import LOOKBACK_DAYS, onboard_tenant, refresh_config, replay_tenant, retire_tenant
from orchestration.manifest import load_manifest
from orchestration.resources import GataResource
from orchestration.sensors import tenants_yaml_sensor
from pipeline.publish import SERVING_DB, current_version
from tests.conftest import ROOT, demo_env, guarding_tests, run_gata, tenant_body, write_tenants

TENANT = "wayne_enterprises"


@pytest.fixture(scope="module")
def manifest(demo: Paths) -> dict:
    """The union manifest, parsed once (cached under the demo home's dbt target)."""
    return load_manifest(demo)


def star_names(slug: str) -> set[str]:
    """Every analytics model of the dbt project, under the tenant's alias (fct_orders -> fct_{slug}__orders)."""
    return {f"{kind}_{slug}__{rest}" for kind, rest in
            (p.stem.split("_", 1) for p in (ROOT / "warehouse" / "models" / "analytics").glob("*.sql"))}


def star_tables(paths: Paths, slug: str) -> dict[str, list[tuple]]:
    with duckdb.connect(str(paths.tenant_db(slug)), read_only=True) as con:
        names = [r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name = 'analytics' "
                                           "order by 1").fetchall()]
        return {n: sorted(map(repr, con.execute(f'select * from analytics."{n}"').fetchall())) for n in names}


def load_window(paths: Paths, slug: str) -> list[tuple]:
    with duckdb.connect(str(paths.tenant_db(slug)), read_only=True) as con:
        return con.execute("select connector, start_date, end_date from platform.load_history where tenant_slug = ? "
                           "order by finished_at", [slug]).fetchall()


def served(paths: Paths, slug: str) -> tuple[list[str], bool]:
    version = current_version(paths)
    with duckdb.connect(str(version / SERVING_DB), read_only=True) as con:
        tables = [r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name = 'analytics' "
                                            "order by 1").fetchall() if f"_{slug}__" in r[0]]
    return tables, (version / "semantic_configs" / f"{slug}.yaml").exists()


@pytest.mark.slow
def test_materialized_tenant_matches_the_cli_build_and_its_checks_pass(demo: Paths, manifest: dict,
                                                                       tmp_path: Path) -> None:
    """One code path: Dagster's assets build star tables identical to `gata build`'s, row for row."""
    home = Paths(home=tmp_path / "home", tenants_file=tmp_path / "tenants.yaml")
    shutil.copy(demo.tenants_file, home.tenants_file)
    tenant = load_tenants(home.tenants_file)[TENANT]
    gata = GataResource(home=str(home.home), tenants_file=str(home.tenants_file))
    assets = tenant_assets(tenant, manifest)
    instance = dg.DagsterInstance.ephemeral()

    result = dg.materialize([*assets, *tenant_checks(TENANT)], resources={"gata": gata}, instance=instance)
    assert result.success
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert {raw_key(TENANT, c) for c in tenant.connectors} <= materialized
    assert {dg.AssetKey([TENANT, "fct_orders"]), semantic_config_key(TENANT), published_key(TENANT)} <= materialized
    checks = {e.asset_check_evaluation_data.asset_check_key.name: e.asset_check_evaluation_data.passed
              for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"}
    assert checks["freshness"] and checks["reconciliation"]
    dbt_tests = {k: v for k, v in checks.items() if k not in ("freshness", "reconciliation")}
    # the per-connector reconcile tests read sources and stars together, so they belong to no one asset
    # and are no asset checks; the tenant's "reconciliation" check, asserted above, does that job here
    required = guarding_tests((k.path[-1] for k in materialized if k.path[0] == TENANT), connectors=())
    assert "not_null_fct_orders" in required and required <= set(dbt_tests), sorted(required - set(dbt_tests))
    assert all(dbt_tests.values()), [k for k, v in dbt_tests.items() if not v]

    cli = star_tables(demo, TENANT)
    assert set(cli) == star_names(TENANT) and star_tables(home, TENANT) == cli
    assert served(home, TENANT) == served(demo, TENANT)

    # replay (rebuild from payloads) through its job, as `gata replay` does
    instance.add_dynamic_partitions("tenants", [TENANT])
    replay = replay_tenant.execute_in_process(partition_key=TENANT, resources={"gata": gata}, instance=instance)
    assert replay.success
    assert served(home, TENANT)[1]

    # the daily refresh's landing: the next day, and LOOKBACK_DAYS landed days again
    last = max(end for _, _, end in load_window(home, TENANT))
    refresh = dg.materialize(assets[:1], resources={"gata": gata}, instance=instance, run_config={"ops": {
        f"{TENANT}__landing": {"config": {"mode": "refresh", "days": 1, "lookback_days": LOOKBACK_DAYS}}}})
    assert refresh.success
    newest = load_window(home, TENANT)[-len(tenant.connectors):]
    assert {(s, e) for _, s, e in newest} == {(last + timedelta(days=1 - LOOKBACK_DAYS), last + timedelta(days=1))}


@pytest.mark.slow
def test_sensor_onboards_added_tenants_and_retires_removed_ones(tmp_path: Path) -> None:
    """tenants.yaml edits reach the running system: registered, onboarded, retired, no restart."""
    tenants_file = tmp_path / "tenants.yaml"
    tiny = {"seed": 5, "days": 2, "volume": 0.1}
    write_tenants(tenants_file, {"acme_co": tenant_body({"paid_ads": ["google_ads"], "ecommerce": ["shopify"]}, **tiny),
                                 "globex": tenant_body({"paid_ads": ["tiktok_ads"], "ecommerce": ["woocommerce"]},
                                                       **{**tiny, "seed": 6})})
    env = demo_env(tmp_path)
    run_gata("build", "--jobs", "2", env=env)  # the CLI, tenants side by side
    home = Paths(home=tmp_path / "home", tenants_file=tenants_file)
    assert served(home, "acme_co")[1] and served(home, "globex")[1]

    gata = GataResource(home=str(home.home), tenants_file=str(tenants_file))
    instance = dg.DagsterInstance.ephemeral()

    def tick() -> dg.SensorResult | dg.SkipReason:
        ctx = dg.build_sensor_context(instance=instance, resources={"gata": gata}, cursor=cursor)
        result = tenants_yaml_sensor(ctx)
        for request in getattr(result, "dynamic_partitions_requests", None) or []:  # what the daemon applies
            if isinstance(request, dg.AddDynamicPartitionsRequest):
                instance.add_dynamic_partitions(request.partitions_def_name, request.partition_keys)
            else:
                for key in request.partition_keys:
                    instance.delete_dynamic_partition(request.partitions_def_name, key)
        return result

    cursor = None
    first = tick()  # both already built by the CLI: registered, not rebuilt
    assert set(instance.get_dynamic_partitions("tenants")) == {"acme_co", "globex"} and not first.run_requests
    cursor = first.cursor
    assert isinstance(tick(), dg.SkipReason)

    raw = yaml.safe_load(tenants_file.read_text())["tenants"]
    raw["initech"] = tenant_body({"paid_ads": ["bing_ads"], "analytics": ["amplitude"]}, **{**tiny, "seed": 7},
                                 conversion_events=["Order Completed"])
    del raw["globex"]
    write_tenants(tenants_file, raw)
    second = tick()
    runs = {(r.job_name, r.partition_key) for r in second.run_requests}
    assert runs == {("onboard_tenant", "initech"), ("retire_tenant", "globex")}
    assert set(instance.get_dynamic_partitions("tenants")) == {"acme_co", "initech"}

    for job, slug in (("onboard_tenant", "initech"), ("retire_tenant", "globex")):
        run = {"onboard_tenant": onboard_tenant, "retire_tenant": retire_tenant}[job]
        if slug == "globex":
            instance.add_dynamic_partitions("tenants", ["globex"])  # the run was requested before the delete
        assert run.execute_in_process(partition_key=slug, resources={"gata": gata}, instance=instance).success
    assert served(home, "initech")[0] and served(home, "initech")[1]
    assert served(home, "globex") == ([], False)
    assert served(home, "acme_co")[1]  # the others keep serving


def test_sensor_waits_while_a_step_writes_an_added_tenant(tmp_path: Path) -> None:
    """An added tenant whose file a CLI step is writing: the tick changes nothing and says why."""
    tenants_file = tmp_path / "tenants.yaml"
    write_tenants(tenants_file, {"acme_co": tenant_body({"paid_ads": ["google_ads"]}, seed=5, days=2)})
    home = Paths(home=tmp_path / "home", tenants_file=tenants_file).ensure()
    hold = "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print(flush=True); time.sleep(60)"
    # another process holding the file for writing, as a landing does
    writer = subprocess.Popen([sys.executable, "-c", hold, str(home.tenant_db("acme_co"))], stdout=subprocess.PIPE)
    try:
        assert writer.stdout is not None and writer.stdout.readline() == b"\n"
        instance = dg.DagsterInstance.ephemeral()
        gata = GataResource(home=str(home.home), tenants_file=str(tenants_file))
        result = tenants_yaml_sensor(dg.build_sensor_context(instance=instance, resources={"gata": gata}))
    finally:
        writer.kill()
        writer.wait()
    assert isinstance(result, dg.SkipReason) and "acme_co" in str(result.skip_message)
    assert "being written" in str(result.skip_message)
    assert instance.get_dynamic_partitions("tenants") == []  # registered on a later tick, not half now


def test_definitions_come_from_tenants_yaml(demo: Paths, manifest: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every tenant gets a lineage from each raw dataset to its published snapshot, checks, jobs, schedule, sensor."""
    monkeypatch.setenv("GATA_HOME", str(demo.home))
    monkeypatch.setenv("GATA_TENANTS_FILE", str(demo.tenants_file))
    from orchestration.definitions import build_definitions

    defs = build_definitions()
    graph = defs.resolve_asset_graph()
    for slug, tenant in load_tenants(demo.tenants_file).items():
        upstream = graph.get_ancestor_asset_keys(published_key(slug))
        assert {raw_key(slug, c) for c in tenant.connectors} <= upstream
        assert all(k.path[0] == slug for k in upstream), "a tenant's lineage stays in the tenant"
        assert dg.AssetKey([slug, "fct_ad_performance"]) in upstream
        checks = {c.name for c in graph.asset_check_keys if c.asset_key.path[0] == slug}
        assert {"freshness", "reconciliation", "not_null_fct_orders"} <= checks
    other = {c for c in graph.get_all_asset_keys() if c.path[0] == TENANT and c.path[-1].startswith("stg_tiktok")}
    assert not other, "a tenant's graph holds only its own sources' models"
    assert {j.name for j in defs.jobs} >= {"daily_refresh", "onboard_tenant", "replay_tenant", "retire_tenant"}
    schedule = defs.get_schedule_def("daily_refresh_schedule")
    assert schedule.cron_schedule == "0 6 * * *"
    with dg.instance_for_test() as instance:
        at = datetime(2026, 11, 1, 6, tzinfo=UTC)
        ctx = dg.build_schedule_context(instance=instance, scheduled_execution_time=at)
        (request,) = schedule.evaluate_tick(ctx).run_requests
    assert schedule.job_name == "daily_refresh" and request.tags.get("dagster/schedule_name") == schedule.name
    landing = refresh_config(load_tenants(demo.tenants_file))["ops"][f"{TENANT}__landing"]["config"]
    assert landing == {"mode": "refresh", "days": 1, "lookback_days": LOOKBACK_DAYS}
    assert defs.get_sensor_def("tenants_yaml_sensor")


def test_freshness_check_fails_when_a_tenant_is_older_than_its_schedule(demo: Paths) -> None:
    gata = GataResource(home=str(demo.home), tenants_file=str(demo.tenants_file))
    fresh, _ = tenant_checks(TENANT)
    stale, _ = tenant_checks(TENANT, expected_every_hours=0.0)
    for check, passed in ((fresh, True), (stale, False)):
        assert check(gata=gata).passed is passed
