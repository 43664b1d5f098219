"""Where the build databases live: local DuckDB files (default) or MotherDuck, by one setting.

``GATA_TARGET=motherduck`` moves landing (dlt's ``motherduck`` destination) and dbt
(dbt-duckdb's ``md:`` paths, profiles.yml's ``motherduck`` output) together: each
tenant's database (raw datasets, its slice of the master models, platform and star
tables: what ``tenants/{tenant}.duckdb`` holds locally) becomes
``{GATA_MOTHERDUCK_DATABASE}_{tenant}``; dbt connects to ``{GATA_MOTHERDUCK_DATABASE}``
and attaches the tenant's. The token comes from ``MOTHERDUCK_TOKEN`` and
is handed to DuckDB and dlt as configuration, never put in a location string,
logged or stored. Every SQL statement is the same on both targets: only the
locations and the connection configuration change. (``GATA_DBT_TARGET``, the
setting before this one, is still read.) Serving always reads local snapshots.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import duckdb

from gata.errors import ConfigError
from gata.settings import Paths

TARGETS = ("local", "motherduck")


@dataclass(frozen=True)
class Target:
    kind: Literal["local", "motherduck"] = "local"
    database: str = "gata"
    token: str = field(default="", repr=False)

    @property
    def is_motherduck(self) -> bool:
        return self.kind == "motherduck"

    def tenant_location(self, paths: Paths, slug: str) -> str:
        """The tenant's build database: raw datasets, staging, intermediate, star tables."""
        return f"md:{self.database}_{slug}" if self.is_motherduck else str(paths.tenant_db(slug))

    def config(self) -> dict[str, str | bool | int | float | list[str]]:
        """DuckDB connection configuration (the token travels here, not in the location)."""
        return {"motherduck_token": self.token} if self.is_motherduck else {}

    def connect(self, location: str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        # MotherDuck has no read-only attach of a remote database per connection; its
        # concurrency is the service's, so the flag only applies to local files
        return duckdb.connect(location, read_only=read_only and not self.is_motherduck, config=self.config())

    def landing_destination(self, paths: Paths, slug: str, con: duckdb.DuckDBPyConnection | None = None) -> Any:
        """dlt's destination for the tenant's raw datasets.

        ``con``, an open connection to the tenant's local file, is lent to dlt: its load
        then works on cursors of it instead of opening and closing the file around each
        step (about 20 ms a time). MotherDuck connections are dlt's own.
        """
        import dlt

        if self.is_motherduck:
            return dlt.destinations.motherduck(
                credentials={"database": f"{self.database}_{slug}", "password": self.token},
                enable_dataset_name_normalization=False)
        return dlt.destinations.duckdb(con if con is not None else str(paths.tenant_db(slug)),
                                       enable_dataset_name_normalization=False)

    def dbt_env(self) -> dict[str, str]:
        """What profiles.yml reads to pick the output (the token is read there from MOTHERDUCK_TOKEN)."""
        env: dict[str, str] = {"GATA_DBT_TARGET": self.kind}
        if self.is_motherduck:
            env["GATA_MOTHERDUCK_DATABASE"] = self.database
        return env


def resolve_target(env: Mapping[str, str] | None = None) -> Target:
    """The target from the environment; a clear error when MotherDuck is chosen without a token."""
    env = os.environ if env is None else env
    kind = (env.get("GATA_TARGET") or env.get("GATA_DBT_TARGET") or "local").strip().lower()
    if kind not in TARGETS:
        raise ConfigError(f"GATA_TARGET={kind!r} is not a target; use one of: {', '.join(TARGETS)}")
    if kind == "local":
        return Target()
    token = env.get("MOTHERDUCK_TOKEN", "").strip()
    if not token:
        raise ConfigError("GATA_TARGET=motherduck needs a MotherDuck token: set MOTHERDUCK_TOKEN "
                          "(a service token from app.motherduck.com, Settings > Access tokens)")
    database = env.get("GATA_MOTHERDUCK_DATABASE", "gata").strip()
    if not database.replace("_", "").isalnum():
        raise ConfigError(f"GATA_MOTHERDUCK_DATABASE={database!r}: use letters, digits and underscores")
    return Target("motherduck", database, token)
