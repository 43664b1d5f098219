"""Helpers for live-source tests: tenants with a live block, homes to land them in."""

from __future__ import annotations

from pathlib import Path

from gata.settings import Paths
from gata.tenants import Tenant, parse_tenants
from ingestion.live.fakes.compare import landed_rows

__all__ = ["landed_rows", "paths_in", "tenant_with"]


def tenant_with(slug: str, body: dict, live: dict | None = None) -> Tenant:
    return parse_tenants({"tenants": {slug: {**body, **({"live": live} if live else {})}}})[slug]


def paths_in(root: Path) -> Paths:
    root.mkdir(parents=True, exist_ok=True)
    return Paths(home=root, tenants_file=root / "tenants.yaml")
