"""Fake vendor APIs for tests and benchmarks (see ``server.py``).

``fake_apis(tenant, ...)`` starts the families a tenant's live connectors need;
``live_settings`` and ``secret_env`` give the ``live:`` block and the environment
that point a tenant at them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from gata.live_config import secret_env_name
from gata.tenants import Tenant
from ingestion.live.fakes.server import FakeApis, Family, Faults

# connector -> fake family key
FAMILY = {"shopify": "shopify", "facebook_ads": "meta", "instagram_ads": "meta", "google_analytics": "ga4",
          "woocommerce": "woocommerce", "tiktok_ads": "tiktok",
          "bigcommerce": "bigcommerce", "linkedin_ads": "linkedin",
          "mixpanel": "mixpanel", "amazon_ads": "amazon",
          "google_ads": "google_ads", "bing_ads": "bing",
          "amplitude": "amplitude"}


def _family_class(key: str) -> type[Family]:
    if key == "shopify":
        from ingestion.live.fakes.shopify import FakeShopify
        return FakeShopify
    if key == "meta":
        from ingestion.live.fakes.meta import FakeMeta
        return FakeMeta
    if key == "amplitude":
        from ingestion.live.fakes.amplitude import FakeAmplitude
        return FakeAmplitude
    if key == "bing":
        from ingestion.live.fakes.bing import FakeBing
        return FakeBing
    if key == "google_ads":
        from ingestion.live.fakes.google_ads import FakeGoogleAds
        return FakeGoogleAds
    if key == "amazon":
        from ingestion.live.fakes.amazon import FakeAmazon
        return FakeAmazon
    if key == "mixpanel":
        from ingestion.live.fakes.mixpanel import FakeMixpanel
        return FakeMixpanel
    if key == "linkedin":
        from ingestion.live.fakes.linkedin import FakeLinkedIn
        return FakeLinkedIn
    if key == "bigcommerce":
        from ingestion.live.fakes.bigcommerce import FakeBigCommerce
        return FakeBigCommerce
    if key == "tiktok":
        from ingestion.live.fakes.tiktok import FakeTikTok
        return FakeTikTok
    if key == "woocommerce":
        from ingestion.live.fakes.woocommerce import FakeWooCommerce
        return FakeWooCommerce
    from ingestion.live.fakes.ga4 import FakeGa4
    return FakeGa4


def fake_apis(tenant: Tenant, connectors: list[str], today: date | None = None, start: date | None = None,
              faults: Faults | None = None) -> FakeApis:
    """A server with the fake families of ``connectors``, serving the tenant's story start..today."""
    today = today or tenant.mock_data.end_date
    start = start or tenant.mock_data.start_date
    families = {}
    for c in connectors:
        key = FAMILY[c]
        if key not in families:
            families[key] = _family_class(key)(tenant, replace(faults or Faults()), today, start)  # own copy each
    return FakeApis(families)


def live_settings(apis: FakeApis, connectors: list[str], **extra: object) -> dict[str, dict]:
    """The ``live:`` block pointing each connector at its fake."""
    out = {}
    for c in connectors:
        fam = apis[FAMILY[c]]
        out[c] = {"base_url": apis.url(FAMILY[c]), **fam.settings_for(c), **extra}
    return out


def secret_env(apis: FakeApis, tenant: str, connectors: list[str]) -> dict[str, str]:
    """Environment variables holding each connector's fake credentials, as dlt resolves them."""
    env = {}
    for c in connectors:
        for name, value in apis[FAMILY[c]].secrets_for(c).items():
            env[secret_env_name(tenant, c, name)] = value
    return env
