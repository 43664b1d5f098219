"""Onboarding: one code path, idempotent, atomic (a failure at any step changes nothing), serialised."""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from pathlib import Path

import duckdb
import pytest
import yaml

from gata.errors import ConfigError, OnboardingError
from gata.settings import Paths
from pipeline.onboarding import OnboardRequest, onboard
from tests.conftest import run_gata, tenant_body

FIRST = {"paid_ads": ["google_ads"], "ecommerce": ["shopify"], "analytics": ["google_analytics"]}


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest() if path.exists() else "missing"


def state(paths: Paths) -> dict[str, str]:
    """Everything onboarding may touch, byte for byte."""
    files = {"tenants.yaml": md5(paths.tenants_file)}
    for f in sorted(paths.tenant_dbs_dir.glob("*.duckdb")):
        files[str(f.relative_to(paths.home))] = md5(f)
    for f in sorted(paths.semantic_configs_dir.glob("*.yaml")):
        files[f.name] = md5(f)
    for f in sorted(paths.dbt_tenants_dir.rglob("*.yml")):
        files[str(f.relative_to(paths.home))] = md5(f)
    return files


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Paths:
    """A home with one small tenant built and published, its tenants.yaml carrying comments (built once)."""
    root = tmp_path_factory.mktemp("onboarding")
    paths = Paths(home=root / "home", tenants_file=root / "tenants.yaml")
    text = "# our clients\ntenants:\n" + "\n".join(
        "  " + line
        for line in yaml.safe_dump({"acme_first": tenant_body(FIRST, days=3)}, sort_keys=False).splitlines()
    )
    paths.tenants_file.write_text(text + "\n")
    run_gata("build", env=env_for(paths))
    return paths


@pytest.fixture
def built(template: Paths, home: Paths) -> Paths:
    """A private copy of the template home for one test."""
    shutil.rmtree(home.home)
    shutil.copytree(template.home, home.home, symlinks=True)
    shutil.copy2(template.tenants_file, home.tenants_file)
    return home


def env_for(paths: Paths) -> dict[str, str]:
    return {**os.environ, "GATA_HOME": str(paths.home), "GATA_TENANTS_FILE": str(paths.tenants_file)}


def request(**overrides: object) -> OnboardRequest:
    body = {"slug": "cyberdyne", "name": "Cyberdyne Systems", "sources": ["tiktok_ads", "woocommerce"],
            "days": 3, "volume": 0.3}
    return OnboardRequest(**{**body, **overrides})


def test_onboarding_builds_registers_and_is_idempotent(built: Paths) -> None:
    events: list[tuple[float, float | None, str]] = []
    result = onboard(request(sources=["tiktok_ads", "linkedin_ads", "woocommerce", "amplitude"]), built,
                     lambda d, t, m: events.append((d, t, m)))
    assert result.changed and result.tenant == "cyberdyne"
    assert {"spend", "revenue", "sessions", "roas"} <= set(result.metrics)
    assert {t.table for t in result.tables} >= {"fct_cyberdyne__ad_performance", "fct_cyberdyne__sessions"}
    assert all(t.rows > 0 for t in result.tables if "ad_performance" in t.table)
    assert [d for d, _, _ in events] == sorted(d for d, _, _ in events) and events[-1][0] == events[-1][1]
    text = built.tenants_file.read_text()
    assert text.startswith("# our clients") and "acme_first:" in text and "cyberdyne:" in text

    before = state(built)
    again = onboard(request(sources=["tiktok_ads", "linkedin_ads", "woocommerce", "amplitude"]), built)
    assert not again.changed and state(built) == before

    fewer = onboard(request(sources=["tiktok_ads", "woocommerce", "amplitude"]), built)
    assert fewer.changed and fewer.removed_sources == ["linkedin_ads"] and fewer.added_sources == []
    assert not (built.dbt_tenants_dir / "cyberdyne" / "linkedin_ads.yml").exists()
    with duckdb.connect(str(built.tenant_db("cyberdyne")), read_only=True) as con:
        platforms = {
            r[0]
            for r in con.execute(
                "select distinct source_platform from analytics.fct_cyberdyne__ad_performance"
            ).fetchall()
        }
    assert platforms == {"tiktok_ads"}


@pytest.mark.parametrize(("req", "message"), [
    ({"sources": ["tiktok_ads", "snapchat_ads"]}, "unknown connector 'snapchat_ads'"),
    ({"sources": ["mixpanel", "amplitude"]}, "at most 1"),
    ({"slug": "Bad Slug"}, "malformed slug"),
    ({"currency": "euros"}, "business_logic.currency"),
])
def test_a_rejected_request_changes_nothing(built: Paths, req: dict, message: str) -> None:
    before = state(built)
    with pytest.raises((OnboardingError, ConfigError), match=message) as err:
        onboard(request(**req), built)
    assert getattr(err.value, "step", "validate") == "validate"
    assert state(built) == before


def test_a_contract_failure_mid_onboarding_changes_nothing(
    built: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingestion.connectors import woocommerce

    real = woocommerce.generate

    def broken(story, connector, start, end):  # the store starts sending totals as objects
        records = real(story, connector, start, end)
        records["orders"][0]["total"] = {"amount": "12.00"}
        return records

    monkeypatch.setattr(woocommerce, "generate", broken)
    before = state(built)
    with pytest.raises(
        OnboardingError, match=r"(?s)step 'land'.*woocommerce.orders.*record 0: field 'total'"
    ) as err:
        onboard(request(), built)
    assert err.value.step == "land"
    assert state(built) == before


def test_a_dbt_failure_mid_onboarding_changes_nothing(built: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    from warehouse import runner

    real = runner.tenant_vars

    def broken_vars(tenant, paths):  # a routing that points a pusher at a table that is not there
        v = real(tenant, paths)
        if tenant.slug == "cyberdyne":
            v["gata_routing"][0]["table"] = "no_such_table"
        return v

    monkeypatch.setattr(runner, "tenant_vars", broken_vars)
    before = state(built)
    with pytest.raises(OnboardingError, match="step 'transform'") as err:
        onboard(request(), built)
    assert "no_such_table" in err.value.reason
    assert state(built) == before
    assert not list(built.dlt_dir.glob("cyberdyne__*"))
    # the other tenant still answers
    proc = run_gata("health", "--tenant", "acme_first", env=env_for(built))
    assert "acme_first: HEALTHY" in proc.stdout


def test_two_onboardings_at_once_are_serialised(built: Paths) -> None:
    errors: list[BaseException] = []

    def go(slug: str) -> None:
        try:
            onboard(request(slug=slug, sources=["tiktok_ads"]), built)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(slug,)) for slug in ("first_parallel", "second_parallel")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    tenants = yaml.safe_load(built.tenants_file.read_text())["tenants"]
    assert {"acme_first", "first_parallel", "second_parallel"} <= set(tenants)
    for slug in ("first_parallel", "second_parallel"):
        with duckdb.connect(str(built.tenant_db(slug)), read_only=True) as con:
            assert con.execute(f"select count(*) from analytics.fct_{slug}__ad_performance").fetchone()[0] > 0


def test_cli_onboard_uses_the_same_path(built: Paths) -> None:
    env = env_for(built)
    proc = run_gata(
        "onboard",
        "initech",
        "--name",
        "Initech",
        "--sources",
        "amazon_ads,bigcommerce",
        "--days",
        "3",
        env=env,
    )
    assert '"tenant": "initech"' in proc.stdout and "[6/6]" in proc.stdout
    bad = run_gata("onboard", "initech2", "--name", "X", "--sources", "amazon_adz", env=env, check=False)
    assert bad.returncode == 2 and "did you mean amazon_ads" in bad.stderr
