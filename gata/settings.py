"""Where GATA reads and writes: every path hangs off one setting, ``GATA_HOME``.

Tests and users run isolated copies side by side by pointing ``GATA_HOME`` (and,
when they want their own tenant list, ``GATA_TENANTS_FILE``) somewhere else.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CATALOG_FILE = PROJECT_ROOT / "supported_connectors.yaml"
DBT_PROJECT_DIR = PROJECT_ROOT / "warehouse"
OVERRIDES_DIR = PROJECT_ROOT / "semantic_configs" / "overrides"


@dataclass(frozen=True)
class Paths:
    """Every location the platform writes, derived from one home directory."""

    home: Path
    tenants_file: Path

    @property
    def tenant_dbs_dir(self) -> Path:
        return self.home / "tenants"

    def tenant_db(self, slug: str) -> Path:
        """One tenant's build database: dlt lands here, and dbt attaches it as ``tenant``.

        Everything a tenant's build writes is in this file, its slice of the master models
        and platform tables too: no build file is shared, so tenants build side by side and
        a build opens a catalog the size of one tenant (serving reads ``serving_dir``).
        """
        return self.tenant_dbs_dir / f"{slug}.duckdb"

    @property
    def dlt_dir(self) -> Path:
        return self.home / "dlt"

    @property
    def dbt_dir(self) -> Path:
        """dbt's target, logs and the scaffolded per-tenant routing files."""
        return self.home / "dbt"

    @property
    def dbt_tenants_dir(self) -> Path:
        return self.dbt_dir / "tenants"

    def dbt_target(self, slug: str) -> Path:
        """dbt's target per tenant: builds of different tenants run at once and each reads its own
        run_results."""
        return self.dbt_dir / "target" / slug

    @property
    def semantic_configs_dir(self) -> Path:
        return self.home / "semantic_configs"

    @property
    def serving_dir(self) -> Path:
        """Published, read-only snapshots the MCP server answers from."""
        return self.home / "serving"

    @property
    def tokens_file(self) -> Path:
        return self.home / "tokens.json"

    @property
    def lock_file(self) -> Path:
        """Serialises writers (ingest, build, onboarding) across processes."""
        return self.home / "pipeline.lock"

    @property
    def locks_dir(self) -> Path:
        return self.home / "locks"

    @property
    def serving_lock_file(self) -> Path:
        """Serialises publishes: each one starts from the snapshot the previous one made."""
        return self.locks_dir / "serving.lock"

    def tenant_lock_file(self, slug: str) -> Path:
        return self.locks_dir / f"tenant-{slug}.lock"

    def ensure(self) -> Paths:
        self.tenant_dbs_dir.mkdir(parents=True, exist_ok=True)
        return self


def get_paths() -> Paths:
    """Resolve paths from the environment at call time (never cached: tests switch homes)."""
    home = Path(os.environ.get("GATA_HOME") or PROJECT_ROOT / ".gata").expanduser().resolve()
    tenants = (
        Path(os.environ.get("GATA_TENANTS_FILE") or PROJECT_ROOT / "tenants.yaml").expanduser().resolve()
    )
    return Paths(home=home, tenants_file=tenants)
