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
FAMILIES = {
    "shopify": {"ecommerce": ["shopify"]},
}


@pytest.fixture(autouse=True)
def _fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    # backoff for throttles without a usable Retry-After; Retry-After itself is honoured
    monkeypatch.setenv("RUNTIME__REQUEST_BACKOFF_FACTOR", "0.05")


@pytest.mark.parametrize("connector", list(FAMILIES))
def test_live_landing_equals_mock_landing(connector, tmp_path, monkeypatch):
    body = tenant_body(FAMILIES[connector], days=3, volume=0.3, end_date=str(END))
    mock = tenant_with("acme_live", body)
    faults = Faults(field_added_on=END)
    with fake_apis(mock, [connector], faults=faults) as apis:
        for k, v in secret_env(apis, "acme_live", [connector]).items():
            monkeypatch.setenv(k, v)
        live = tenant_with("acme_live", body, live_settings(apis, [connector], page_size=7))
        land_tenant(mock, paths=paths_in(tmp_path / "mock"))
        [result] = land_tenant(live, paths=paths_in(tmp_path / "live"))
        fam = apis[connector if connector == "shopify" else ""]
    assert result.error is None
    assert fam.served["_throttled"] >= 1 and fam.requests > 3
    want = landed_rows(paths_in(tmp_path / "mock"), "acme_live", connector)
    got = landed_rows(paths_in(tmp_path / "live"), "acme_live", connector, columns_of=paths_in(tmp_path / "mock"))
    assert want and got == want
    assert read_cursor("acme_live", connector, paths_in(tmp_path / "live"))
