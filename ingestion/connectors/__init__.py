"""Mock generators and data contracts, one module per connector of the catalog.

Each module exposes:

* ``CONTRACTS: dict[str, type[pydantic.BaseModel]]`` - one contract per catalog object,
  every field optional (seed 004, guardrail 2), shaped like the real API payload;
* ``generate(story, connector, start, end) -> dict[str, list[dict]]`` - the records of every
  object for the days ``start..end`` (inclusive), rendered from the tenant's story.
  Entity objects (campaigns, ads, products, ...) are emitted whole on every call; the
  API's primary keys make re-landing them a no-op.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from gata.catalog import catalog

_MODULES = {
    "facebook_ads": "meta", "instagram_ads": "meta", "google_ads": "google_ads", "bing_ads": "bing_ads",
    "linkedin_ads": "linkedin_ads", "amazon_ads": "amazon_ads", "tiktok_ads": "tiktok_ads",
    "shopify": "shopify", "bigcommerce": "bigcommerce", "woocommerce": "woocommerce",
    "google_analytics": "google_analytics", "amplitude": "amplitude", "mixpanel": "mixpanel",
}


def connector_module(key: str) -> ModuleType:
    """The generator module of a catalog connector (Facebook and Instagram share ``meta``)."""
    catalog().get(key)
    return importlib.import_module(f"ingestion.connectors.{_MODULES[key]}")
