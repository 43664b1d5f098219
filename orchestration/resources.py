"""The one resource: where GATA lives (its home and tenants file)."""

from pathlib import Path

import dagster as dg

from gata.settings import Paths, get_paths
from gata.tenants import Tenant, get_tenant, load_tenants


class GataResource(dg.ConfigurableResource):
    """GATA_HOME and the tenants file; empty values resolve from the environment, as the CLI does."""

    home: str = ""
    tenants_file: str = ""

    def paths(self) -> Paths:
        default = get_paths()
        return Paths(
            home=Path(self.home).resolve() if self.home else default.home,
            tenants_file=Path(self.tenants_file).resolve() if self.tenants_file else default.tenants_file,
        ).ensure()

    def tenants(self) -> dict[str, Tenant]:
        """Read tenants.yaml now: a tenant edited since the definitions loaded is seen as it is."""
        return load_tenants(self.paths().tenants_file)

    def tenant(self, slug: str) -> Tenant:
        return get_tenant(slug, self.tenants())
