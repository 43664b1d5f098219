"""Live sources against fake vendor APIs on 127.0.0.1: same records as the mock, incremental, clear failures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from ingestion.landing import land_tenant, read_cursor
from ingestion.live.fakes import fake_apis, live_settings, secret_env
from ingestion.live.fakes.server import Faults
from tests.conftest import tenant_body
from tests.ingestion.live_support import landed_rows, paths_in, tenant_with

END = date(2026, 10, 31)
START = END - timedelta(days=2)
# fake family -> a tenant's sources using it
FAMILIES = {
    "shopify": {"ecommerce": ["shopify"]},
    "meta": {"paid_ads": ["facebook_ads", "instagram_ads"]},
    "ga4": {"analytics": ["google_analytics"]},
    "woocommerce": {"ecommerce": ["woocommerce"]},
    "tiktok": {"paid_ads": ["tiktok_ads"]},
    "bigcommerce": {"ecommerce": ["bigcommerce"]},
    "linkedin": {"paid_ads": ["linkedin_ads"]},
    "mixpanel": {"analytics": ["mixpanel"]},
    "amazon": {"paid_ads": ["amazon_ads"]},
    "google_ads": {"paid_ads": ["google_ads"]},
    "bing": {"paid_ads": ["bing_ads"]},
    "amplitude": {"ecommerce": ["shopify"], "analytics": ["amplitude"]},
}


@pytest.fixture(autouse=True)
def _fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    # backoff for throttles without a usable Retry-After; Retry-After itself is honoured
    monkeypatch.setenv("RUNTIME__REQUEST_BACKOFF_FACTOR", "0.05")
    monkeypatch.setenv("SOURCES__REPORT_POLL_SECONDS", "0.05")


def _new_day_only(family: str, fam) -> None:
    """What the refresh fetched: the new day's records (and, for a shop, orders changed since)."""
    keys = fam.served_keys
    if family == "meta":
        assert {d for _, d in keys["facebook_insights"]} == {END.isoformat()}
    elif family == "linkedin":
        assert {d for obj in ("ad_analytics", "ad_analytics_by_campaign") for _, d in keys[obj]} == {
            (END.year, END.month, END.day)}
    elif family == "mixpanel":
        assert {datetime.fromtimestamp(e["properties"]["time"], UTC).date() for e in fam.records("mixpanel")["events"]
                if e["properties"]["$insert_id"] in set(keys["events"])} == {END}
    elif family == "amazon":
        assert {d for _, d in keys["sp_advertised_product"]} == {END.isoformat()}
        assert len(fam.reports) == 2 and all(r["polls"] >= 3 for r in fam.reports.values())
    elif family == "google_ads":
        assert {d for _, d in keys["ad_performance"]} == {END.isoformat()}
    elif family == "bing":
        assert {d for _, d, _ in keys["account_performance_report"]} == {END.isoformat()}
        assert len(fam.reports) == 2 and all(r["polls"] >= 3 for r in fam.reports.values())
    elif family == "amplitude":
        assert {e["event_time"][:10] for e in fam.records("amplitude")["events"]
                if e["$insert_id"] in set(keys["events"])} == {END.isoformat()}
    elif family == "tiktok":
        assert {d[:10] for _, d in keys["ads_reports_daily"]} == {END.isoformat()}
    elif family == "ga4":
        assert {datetime.fromtimestamp(ts / 1e6, UTC).date() for _, ts, _ in keys["events"]} == {END}
    elif family == "bigcommerce":
        orders = {o["id"]: o for o in fam.records("bigcommerce")["orders"]}
        cursor = datetime(END.year, END.month, END.day, tzinfo=UTC)
        new = {i for i, o in orders.items() if parsedate_to_datetime(o["date_created"]) >= cursor}
        changed = {i for i, o in orders.items() if parsedate_to_datetime(o["date_modified"]) >= cursor}
        assert new and new <= set(keys["orders"]) == changed
        assert not keys.get("products")
    elif family == "woocommerce":
        orders = {o["id"]: o for o in fam.records("woocommerce")["orders"]}
        new = {i for i, o in orders.items() if o["date_created_gmt"] >= END.isoformat()}
        changed = {i for i, o in orders.items() if o["date_modified_gmt"] > f"{END}T00:00:00"}
        assert new and new <= set(keys["orders"]) == changed
        assert not keys.get("products")
    else:
        orders = {o["id"]: o for o in fam.records("shopify")["orders"]}
        cursor = datetime(END.year, END.month, END.day, tzinfo=UTC)
        new = {i for i, o in orders.items() if datetime.fromisoformat(o["created_at"]) >= cursor}
        changed = {i for i, o in orders.items() if datetime.fromisoformat(o["updated_at"]) >= cursor}
        assert new and new <= set(keys["orders"]) == changed
        assert not keys.get("products")  # the catalog did not change since the first load


@pytest.mark.slow
@pytest.mark.parametrize("family", list(FAMILIES))
def test_live_landing_equals_mock_and_refresh_fetches_only_the_new_day(family, tmp_path, monkeypatch):
    """Throttled, failing once, paged in small pages, a field added on the new day: the live tenant lands
    the mock's rows exactly (money to the cent), and a refresh asks the API only for what is new."""
    body = tenant_body(FAMILIES[family], days=3, volume=0.3, end_date=str(END))
    mock = tenant_with("acme_live", body)
    connectors = mock.connectors
    faults = Faults(field_added_on=END)
    with fake_apis(mock, connectors, today=END - timedelta(days=1), start=START, faults=faults) as apis:
        for k, v in secret_env(apis, "acme_live", connectors).items():
            monkeypatch.setenv(k, v)
        live = tenant_with("acme_live", body, live_settings(apis, connectors, page_size=7, lookback_days=0))
        fam, live_paths = apis[family], paths_in(tmp_path / "live")
        first = land_tenant(live, START, END - timedelta(days=1), live_paths)
        assert [r.error for r in first] == [None] * len(connectors)
        assert fam.served["_throttled"] >= 1 and fam.requests > 3
        for each in apis.families.values():  # a day passes at the vendors
            each.today = END
            each.reset_counts()
        again = land_tenant(live, END - timedelta(days=1), END, live_paths)  # as `gata refresh` asks
        assert [r.error for r in again] == [None] * len(connectors)
        _new_day_only(family, fam)
    land_tenant(mock, START, END, paths_in(tmp_path / "mock"))
    for connector in connectors:
        want = landed_rows(paths_in(tmp_path / "mock"), "acme_live", connector)
        got = landed_rows(live_paths, "acme_live", connector, columns_of=paths_in(tmp_path / "mock"))
        assert want and got == want, connector
        assert read_cursor("acme_live", connector, live_paths)


@pytest.mark.parametrize("family", list(FAMILIES))
def test_check_connection_passes_then_names_a_revoked_token_without_showing_it(family, monkeypatch):
    from ingestion.live import check_tenant

    body = tenant_body(FAMILIES[family], days=1, volume=0.2, end_date=str(END))
    mock = tenant_with("acme_live", body)
    with fake_apis(mock, mock.connectors) as apis:
        secrets = secret_env(apis, "acme_live", mock.connectors)
        for k, v in secrets.items():
            monkeypatch.setenv(k, v)
        live = tenant_with("acme_live", body, live_settings(apis, mock.connectors))
        ok = check_tenant(live)
        for fam in apis.families.values():
            fam.revoked = True
        revoked = check_tenant(live)
    assert [c.ok for c in ok] == [True] * len(ok), [c.message for c in ok]
    assert [c.kind for c in revoked] == ["auth"] * len(revoked), [c.message for c in revoked]
    for c in revoked:
        assert c.message.startswith(f"acme_live/{c.connector}: ") and "Fix: the token is invalid" in c.message
        assert not any(v in c.message for v in secrets.values())
