"""The connector library: blueprints of every connector's shape.

A blueprint is the DNA of a connector object's table as dlt lands it from the
connector's contract-valid records. They are computed by landing a small reference
sample of every connector into a scratch warehouse, and committed as
``ingestion/connector_blueprints.json`` so that routing is decided by physical
shape, never by guessing. ``gata library --write`` recomputes them after a contract
change; a test keeps the committed file current.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import duckdb

from gata.catalog import catalog, dataset_name
from gata.settings import Paths
from gata.tenants import parse_tenants
from ingestion import dna
from ingestion.landing import land

REFERENCE_TENANT = "library_reference"


def reference_tenant(connectors: list[str]):  # -> Tenant
    """A synthetic tenant holding every connector of one domain-compatible mix."""
    cat = catalog()
    mix = {d: [c for c in connectors if cat.connectors[c].domain == d] for d in ("paid_ads", "ecommerce", "analytics")}
    return parse_tenants({"tenants": {REFERENCE_TENANT: {
        "name": "Library reference", "sources": mix,
        "business_logic": {"currency": "USD", "conversion_events": ["purchase"]},
        "mock_data": {"seed": 7, "days": 3, "end_date": "2026-01-03", "volume": 0.5},
    }}})[REFERENCE_TENANT]


def compute_blueprints(workdir: Path | None = None) -> list[dna.Blueprint]:
    cat = catalog()
    analytics = cat.by_domain("analytics")
    others = [c for c in cat.connectors if c not in analytics]
    blueprints: list[dna.Blueprint] = []
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        paths = Paths(home=Path(tmp), tenants_file=Path(tmp) / "tenants.yaml")
        # a tenant has at most one analytics source: land each with the full mix (its
        # converting sessions need the stores' orders), the others only once
        landed: set[str] = set()
        for a in analytics:
            tenant = reference_tenant(others + [a])
            for connector in tenant.connectors:
                if connector not in landed:
                    land(tenant, connector, date(2026, 1, 1), date(2026, 1, 3), paths)
                    landed.add(connector)
        with duckdb.connect(str(paths.tenant_db(REFERENCE_TENANT)), read_only=True) as con:
            for connector in cat.connectors:
                ds = dataset_name(REFERENCE_TENANT, connector)
                for table, cols in dna.dataset_columns(con, ds).items():
                    blueprints.append(dna.Blueprint(connector, table, dna.dna_of(cols), cols))
    return blueprints
