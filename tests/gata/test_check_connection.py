"""`gata check-connection` and the `live:` block: what works, what is missing, what is wrong; no secret
shown."""

from __future__ import annotations

import pytest

from gata.errors import ConfigError
from gata.tenants import parse_tenants
from ingestion.live.fakes import fake_apis, live_settings, secret_env
from tests.conftest import demo_env, run_gata, tenant_body, write_tenants
from tests.ingestion.live_support import tenant_with

SOURCES = {"paid_ads": ["facebook_ads"], "ecommerce": ["shopify"], "analytics": ["google_analytics"]}
CONNECTORS = ["facebook_ads", "shopify", "google_analytics"]


def _parse(live: dict) -> None:
    parse_tenants({"tenants": {"acme": {**tenant_body(SOURCES), "live": live}}})


@pytest.mark.parametrize(
    ("live", "expected"),
    [
        ({"shopify": {"shop_domian": "a.myshopify.com"}}, "shop_domian"),
        ({"shopify": {}}, "missing shop_domain"),
        (
            {"shopify": {"shop_domain": "a.myshopify.com", "account_id": "1"}},
            "account_id not used by this connector",
        ),
        ({"tiktok_ads": {"advertiser_id": "1"}}, "'tiktok_ads' is not one of this tenant's sources"),
        (
            {"shopify": {"shop_domain": "a.myshopify.com", "access_token": "shpat_x"}},
            "access_token is a secret",
        ),
        ({"shopify": {"shop_domain": "https://a.myshopify.com"}}, "shop_domain"),
    ],
)
def test_live_block_is_strict(live, expected):
    with pytest.raises(ConfigError, match=expected):
        _parse(live)


@pytest.mark.slow
def test_check_connection_says_what_works_what_is_missing_and_what_is_wrong(tmp_path):
    body = tenant_body(SOURCES, days=2, volume=0.2)
    tenant = tenant_with("acme_live", body)
    with fake_apis(tenant, CONNECTORS) as apis:
        live = live_settings(apis, CONNECTORS)
        root = tmp_path
        write_tenants(root / "tenants.yaml", {"acme_live": {**body, "live": live}})
        secrets = secret_env(apis, "acme_live", CONNECTORS)
        env = {k: v for k, v in demo_env(root).items() if not k.startswith("SOURCES__")}

        missing = run_gata("check-connection", "--tenant", "acme_live", env=env, check=False)
        assert missing.returncode == 1
        assert "SOURCES__ACME_LIVE__SHOPIFY__ACCESS_TOKEN" in missing.stdout
        assert "SOURCES__ACME_LIVE__GOOGLE_ANALYTICS__REFRESH_TOKEN" in missing.stdout
        assert "[sources.acme_live.facebook_ads] access_token" in missing.stdout

        ok = run_gata("check-connection", "--tenant", "acme_live", env={**env, **secrets})
        assert ok.stdout.count(" ok ") == 3, ok.stdout

        apis["shopify"].scopes = ["read_orders"]
        wrong = {
            **env,
            **secrets,
            "SOURCES__ACME_LIVE__GOOGLE_ANALYTICS__REFRESH_TOKEN": "1//revoked-token-value",
            "SOURCES__ACME_LIVE__FACEBOOK_ADS__ACCESS_TOKEN": "EAAGwrong-token-value",
        }
        bad = run_gata("check-connection", "--tenant", "acme_live", env=wrong, check=False)
        assert bad.returncode == 1
        lines = {line.split()[0]: line for line in bad.stdout.splitlines()}
        assert "PERMISSION" in lines["shopify"] and "read_products" in lines["shopify"]
        assert (
            "AUTH" in lines["google_analytics"]
            and "Token has been expired or revoked" in lines["google_analytics"]
        )
        assert "AUTH" in lines["facebook_ads"] and "code 190" in lines["facebook_ads"]
        for value in [*secrets.values(), "1//revoked-token-value", "EAAGwrong-token-value"]:
            assert value not in bad.stdout + bad.stderr

        write_tenants(root / "tenants.yaml", {"acme_live": {**body, "live": {
            **live, "facebook_ads": {**live["facebook_ads"], "account_id": "999"}}}})
        unknown = run_gata("check-connection", "--tenant", "acme_live", "--connector", "facebook_ads",
                           env={**env, **secrets}, check=False)
        assert unknown.returncode == 1
        assert "NOT_FOUND" in unknown.stdout and "act_999" in unknown.stdout


@pytest.mark.slow
def test_onboarding_checks_the_live_connection_first_and_changes_nothing(tmp_path):
    write_tenants(tmp_path / "tenants.yaml", {})
    before = (tmp_path / "tenants.yaml").read_text()
    env = {k: v for k, v in demo_env(tmp_path).items() if not k.startswith("SOURCES__")}
    proc = run_gata(
        "onboard",
        "acme_new",
        "--name",
        "Acme",
        "--sources",
        "shopify,facebook_ads",
        "--days",
        "2",
        "--live",
        "shopify:shop_domain=acme.myshopify.com",
        env=env,
        check=False,
    )
    assert proc.returncode == 2
    assert (
        "step 'check_connection'" in proc.stderr and "SOURCES__ACME_NEW__SHOPIFY__ACCESS_TOKEN" in proc.stderr
    )
    assert (tmp_path / "tenants.yaml").read_text() == before
    assert not (tmp_path / "home" / "tenants").exists() or not any((tmp_path / "home" / "tenants").iterdir())
