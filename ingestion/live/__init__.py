"""Live sources: the real vendor APIs, beside the mock generators, yielding the same records.

A tenant's ``live:`` block in tenants.yaml names the connectors that read a real
account; the others stay on the mock. Each module here exposes:

* ``check(ctx) -> str``: the cheapest real call that proves the credentials can
  read the account; returns what it found, raises ``LiveSourceError`` otherwise;
* ``fetch(ctx, start, end) -> (records, cursor)``: the records of every catalog
  object, shaped exactly like the mock generator's, from ``ctx.cursor`` on, and the
  cursor to commit with them.

API facts (endpoints, versions, limits, doc links) sit in each module's docstring.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

from gata.errors import ConfigError, LiveSourceError
from gata.tenants import Tenant
from ingestion.live.base import LiveContext, resolve_secrets

_MODULES = {
    "facebook_ads": "meta", "instagram_ads": "meta", "shopify": "shopify", "google_analytics": "ga4_bigquery",
    "woocommerce": "woocommerce", "tiktok_ads": "tiktok_ads",
    "bigcommerce": "bigcommerce", "linkedin_ads": "linkedin_ads",
    "mixpanel": "mixpanel", "amazon_ads": "amazon_ads",
    "google_ads": "google_ads", "bing_ads": "bing_ads",
    "amplitude": "amplitude",
}


def has_live_source(connector: str) -> bool:
    return connector in _MODULES


def source_module(connector: str) -> ModuleType:
    if connector not in _MODULES:
        raise ConfigError(f"{connector} has no live source yet; live sources: {', '.join(sorted(_MODULES))}. "
                          f"Remove it from the tenant's `live:` block to keep it on the mock.")
    return importlib.import_module(f"ingestion.live.{_MODULES[connector]}")


def context_for(tenant: Tenant, connector: str, cursor: dict | None = None) -> LiveContext:
    source_module(connector)
    return LiveContext(tenant.slug, connector, tenant.live[connector], resolve_secrets(tenant.slug, connector),
                       dict(cursor or {}))


@dataclass
class ConnectionCheck:
    connector: str
    ok: bool
    kind: str  # "ok" or a LiveSourceError kind
    message: str


def check_connection(tenant: Tenant, connector: str) -> ConnectionCheck:
    """Try one live connector's credentials with its cheapest real call."""
    try:
        found = source_module(connector).check(context_for(tenant, connector))
    except LiveSourceError as exc:
        return ConnectionCheck(connector, False, exc.kind, str(exc))
    except ConfigError as exc:
        return ConnectionCheck(connector, False, "config", str(exc))
    return ConnectionCheck(connector, True, "ok", found)


def check_tenant(tenant: Tenant, connector: str | None = None) -> list[ConnectionCheck]:
    """Every live connector of the tenant (or one), checked; mock connectors need no check."""
    if connector is not None and connector not in tenant.live:
        raise ConfigError(f"{tenant.slug}: {connector!r} is not a live connector of this tenant; live: "
                          f"{', '.join(tenant.live) or '(none: every connector is on the mock)'}")
    return [check_connection(tenant, c) for c in ([connector] if connector else list(tenant.live))]
