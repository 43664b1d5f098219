"""Live sources against fake vendor APIs on 127.0.0.1: same records as the mock, incremental, clear failures."""

from __future__ import annotations

from datetime import date

import pytest

from ingestion.landing import land_tenant, read_cursor
from ingestion.live.fakes import fake_apis, live_settings, secret_env
from ingestion.live.fakes.server import Faults
from tests.conftest import tenant_body
from tests.ingestion.live_support import landed_rows, paths_in, tenant_with

END = date(2026, 10, 31)
# fake family -> a tenant's sources using it
FAMILIES = {
    "shopify": {"ecommerce": ["shopify"]},
    "meta": {"paid_ads": ["facebook_ads", "instagram_ads"]},
    "ga4": {"analytics": ["google_analytics"]},
}


@pytest.fixture(autouse=True)
def _fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    # backoff for throttles without a usable Retry-After; Retry-After itself is honoured
    monkeypatch.setenv("RUNTIME__REQUEST_BACKOFF_FACTOR", "0.05")


@pytest.mark.slow
@pytest.mark.parametrize("family", list(FAMILIES))
def test_live_landing_equals_mock_landing(family, tmp_path, monkeypatch):
    """Throttled, failing once, paginated in small pages, a field added on the last day: same rows as the mock."""
    sources = FAMILIES[family]
    body = tenant_body(sources, days=3, volume=0.3, end_date=str(END))
    mock = tenant_with("acme_live", body)
    connectors = mock.connectors
    with fake_apis(mock, connectors, faults=Faults(field_added_on=END)) as apis:
        for k, v in secret_env(apis, "acme_live", connectors).items():
            monkeypatch.setenv(k, v)
        live = tenant_with("acme_live", body, live_settings(apis, connectors, page_size=7))
        land_tenant(mock, paths=paths_in(tmp_path / "mock"))
        results = land_tenant(live, paths=paths_in(tmp_path / "live"))
        fam = apis[family]
    assert [r.error for r in results] == [None] * len(connectors)
    assert fam.served["_throttled"] >= 1 and fam.requests > 3
    for connector in connectors:
        want = landed_rows(paths_in(tmp_path / "mock"), "acme_live", connector)
        got = landed_rows(paths_in(tmp_path / "live"), "acme_live", connector, columns_of=paths_in(tmp_path / "mock"))
        assert want and got == want, connector
        assert read_cursor("acme_live", connector, paths_in(tmp_path / "live"))
    for obj, keys in fam.served_keys.items():
        assert len(keys) == len(set(keys)), f"{obj}: a record was served twice"
