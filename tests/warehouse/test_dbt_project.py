"""The dbt project as dbt users expect it: declared vars, a yml with the grain beside each
model, partial parsing across tenants, unit tests of the mapping logic, docs and sources."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest
import yaml

from gata.settings import DBT_PROJECT_DIR, Paths
from gata.tenants import load_tenants
from tests.warehouse.test_build import table_digest

# the last three hold the scaffold's generated models, with their generated yml
MODEL_DIRS = ("analytics", "platform/hubs", "platform/ops", "platform/satellites", "staging", "intermediate",
              "platform/master_models")


def project_files(suffix: str) -> list[Path]:
    return [
        p for p in DBT_PROJECT_DIR.rglob(f"*{suffix}") if "target" not in p.parts and "logs" not in p.parts
    ]


def yml_models() -> dict[str, dict]:
    out: dict[str, dict] = {}
    for path in (DBT_PROJECT_DIR / "models").rglob("*.yml"):
        doc = yaml.safe_load(path.read_text()) or {}
        out |= {m["name"]: {**m, "_file": path} for m in doc.get("models") or []}
    return out


def test_every_var_the_project_reads_is_declared_in_dbt_project_yml() -> None:
    declared = set(yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())["vars"])
    used = {
        name
        for path in project_files(".sql") + project_files(".yml")
        for name in re.findall(r"\bvar\(\s*['\"](\w+)['\"]", path.read_text())
    }
    assert used, "no var() found: the scan is broken"
    assert used <= declared, f"vars used but not declared in dbt_project.yml: {sorted(used - declared)}"


def test_the_runner_passes_only_declared_vars() -> None:
    from warehouse.runner import split_vars

    declared = set(yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())["vars"])
    project, env = split_vars(
        {
            "gata_tenant": "acme",
            "gata_sources": {"paid_ads": ["google_ads"]},
        }
    )
    assert set(project) == declared  # every invocation passes the same --vars: one shared parse
    assert env["GATA_TENANT"] == "acme" and json.loads(env["GATA_TENANT_SOURCES"]) == {
        "paid_ads": ["google_ads"]
    }


@pytest.mark.parametrize("folder", MODEL_DIRS)
def test_each_model_has_a_yml_beside_it_stating_its_grain(folder: str) -> None:
    from warehouse.scaffold import write_library

    write_library()
    models = yml_models()
    sql = sorted((DBT_PROJECT_DIR / "models" / folder).glob("*.sql"))
    assert sql
    for path in sql:
        assert path.stem in models, f"{path.stem} has no yml entry"
        entry = models[path.stem]
        assert entry["_file"].parent == path.parent, f"{path.stem}'s yml is not beside it"
        assert "one row per" in entry.get("description", "").lower(), (
            f"{path.stem}: description states no grain"
        )


def star_digests(paths: Paths, tenant: str) -> dict[str, str]:
    with duckdb.connect(str(paths.tenant_db(tenant)), read_only=True) as con:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'analytics' order by 1"
            ).fetchall()
        ]
        return {t: table_digest(con, "analytics", t) for t in tables}


def parse_log(paths: Paths, tenant: str) -> str:
    return (paths.dbt_dir / "logs" / tenant / "dbt.log").read_text()


@pytest.mark.slow
def test_tenants_of_one_source_mix_share_one_parse_each_under_its_own_names(
    home: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    from collections import OrderedDict

    from gata.tenants import parse_tenants
    from ingestion.landing import land_tenant
    from tests.conftest import tenant_body, tenant_db
    from warehouse import runner

    monkeypatch.setattr(runner, "_PARSED", OrderedDict())  # nothing parsed yet in this process
    mix = {"paid_ads": ["tiktok_ads"], "ecommerce": ["shopify"]}
    tenants = parse_tenants(
        {"tenants": {"acme_one": tenant_body(mix, seed=1, days=2), "acme_two": tenant_body(mix, seed=2, days=2)}}
    )
    for tenant in tenants.values():
        land_tenant(tenant, paths=home)
        result = runner.build_tenant(tenant, home)
        assert result.success, result.failures  # tenant_isolated: every row of every star is this tenant's
        assert "Partial parsing" not in parse_log(home, tenant.slug)  # the build itself parsed nothing
    parsed = runner.mix_name(tenants["acme_one"].sources.model_dump())
    mix_log = parse_log(home, parsed)
    assert mix_log.count("Running with dbt=") == 1, mix_log[:2000]  # one parse served both tenants
    for slug, other in (("acme_one", "acme_two"), ("acme_two", "acme_one")):
        with tenant_db(home, slug) as con:
            stars = {r[0] for r in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'analytics'").fetchall()}
        assert f"fct_{slug}__orders" in stars and not any(other in t or "tenant__slug" in t for t in stars), stars

    # a new process starts from the mix's saved parse and re-parses no file
    monkeypatch.setattr(runner, "_PARSED", OrderedDict())
    before = star_digests(home, "acme_two")
    assert runner.build_tenant(tenants["acme_two"], home).success
    assert "Partial parsing enabled, no changes found, skipping parsing" in parse_log(home, parsed)
    assert star_digests(home, "acme_two") == before

    # a null in any of a star's not-null columns fails the star's one not-null test
    with tenant_db(home, "acme_one", read_only=False) as con:
        con.execute("update analytics.fct_acme_one__orders set currency = null where order_id = "
                    "(select min(order_id) from analytics.fct_acme_one__orders)")
    checked = runner.run_dbt(["test", "--select", "not_null_fct_orders"], tenants["acme_one"], home)
    tests = [(n.name, n.status) for n in checked.nodes if n.resource_type == "test"]
    assert not checked.success and tests == [("not_null_fct_orders", "fail")]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("tenant", "expected"),
    [
        (
            "stark_industries",
            {
                "mixpanel_sessions_split_after_30_minutes_of_inactivity",
                "mixpanel_session_timeout_comes_from_the_tenant",
                "woocommerce_order_status_maps_to_the_canonical_vocabulary",
            },
        ),
        (
            "tyrell_corp",
            {
                "google_ads_cost_micros_become_currency",
                "google_ads_campaign_status_maps_to_the_canonical_vocabulary",
                "shopify_financial_status_maps_to_the_canonical_vocabulary",
            },
        ),
        (
            "wayne_enterprises",
            {
                "google_ads_cost_micros_become_currency",
                "google_ads_campaign_status_maps_to_the_canonical_vocabulary",
                "bigcommerce_status_ids_map_to_the_canonical_vocabulary",
            },
        ),
    ],
)
def test_the_mapping_unit_tests_of_a_tenants_sources_run_and_pass(
    demo: Paths, tenant: str, expected: set[str], monkeypatch
) -> None:
    from warehouse.runner import unit_test_tenant

    monkeypatch.setenv("GATA_HOME", str(demo.home))
    monkeypatch.setenv("GATA_TENANTS_FILE", str(demo.tenants_file))
    result = unit_test_tenant(load_tenants(demo.tenants_file)[tenant], demo)
    ran = {n.name: n.status for n in result.nodes if n.resource_type == "unit_test"}
    assert ran == dict.fromkeys(expected, "pass"), result.nodes


@pytest.mark.slow
def test_docs_generate_and_listing_sources_work(demo: Paths, monkeypatch) -> None:
    from warehouse.runner import invoke, split_vars, tenant_vars

    monkeypatch.setenv("GATA_HOME", str(demo.home))
    monkeypatch.setenv("GATA_TENANTS_FILE", str(demo.tenants_file))
    tenant = load_tenants(demo.tenants_file)["tyrell_corp"]
    project_vars, env = split_vars(tenant_vars(tenant, demo))
    flags = ["--vars", json.dumps(project_vars, sort_keys=True)]
    docs = invoke(["docs", "generate", *flags], demo, tenant.slug, env)
    assert docs.success, docs.detail()
    catalog = json.loads((demo.dbt_target(tenant.slug) / "catalog.json").read_text())
    assert any(n.endswith(".fct_orders") for n in catalog["nodes"]), sorted(catalog["nodes"])[:10]
    listed = invoke(["ls", "--resource-type", "source", "--output", "name", *flags], demo, tenant.slug, env)
    assert listed.success, listed.detail()
    assert "raw_shopify.orders" in listed.result, listed.result
