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
def test_another_tenants_build_parses_partially_and_a_rebuild_parses_nothing(
    demo: Paths, monkeypatch
) -> None:
    from warehouse.runner import PARTIAL_PARSE_FILE, build_tenant

    monkeypatch.setenv("GATA_HOME", str(demo.home))
    monkeypatch.setenv("GATA_TENANTS_FILE", str(demo.tenants_file))
    tenant = load_tenants(demo.tenants_file)["stark_industries"]
    before = star_digests(demo, tenant.slug)
    assert len(before) == 11
    # without its own saved manifest the build starts from another tenant's
    (demo.dbt_target(tenant.slug) / PARTIAL_PARSE_FILE).unlink()
    log = demo.dbt_dir / "logs" / tenant.slug / "dbt.log"
    log.write_text("")
    assert build_tenant(tenant, demo).success
    text = parse_log(demo, tenant.slug)
    assert "Unable to do partial parsing" not in text and "Partial parsing enabled:" in text, text[:3000]
    changed = int(
        re.search(
            r"Partial parsing enabled: \d+ files deleted, \d+ files added, (\d+) files changed", text
        ).group(1)
    )
    assert 0 < changed < len(project_files(".sql")) + len(project_files(".yml"))
    assert star_digests(demo, tenant.slug) == before

    log.write_text("")
    assert build_tenant(tenant, demo).success
    assert "Partial parsing enabled, no changes found, skipping parsing" in parse_log(demo, tenant.slug)
    assert star_digests(demo, tenant.slug) == before


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
    assert docs.returncode == 0, docs.stdout + docs.stderr
    catalog = json.loads((demo.dbt_target(tenant.slug) / "catalog.json").read_text())
    assert any(n.endswith(".fct_orders") for n in catalog["nodes"]), sorted(catalog["nodes"])[:10]
    listed = invoke(["ls", "--resource-type", "source", "--output", "name", *flags], demo, tenant.slug, env)
    assert listed.returncode == 0, listed.stdout + listed.stderr
