"""A dbt-duckdb plugin: the tenant's own database, attached as ``tenant`` and every cursor's default.

A build writes only the tenant's own file: its raw datasets, staging,
intermediate, its slice of the master models, the platform tables and the
observability rows (every model is configured ``+database: tenant``). The run
hooks' plain ``platform.obs_*`` statements resolve against the cursor's default
database, hence ``use tenant``. So builds of different tenants share no file and
run side by side.

The profile does not list the file under ``attach``: dbt hashes the profile's
connection settings into its saved manifest and re-parses the whole project when
they change, so a path that differs per tenant made every build of another tenant
a full parse. Attaching here, from ``GATA_TENANT_DB_PATH`` read at connect time,
keeps the profile the same for every tenant.
"""

from __future__ import annotations

import os
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection


class Plugin(BasePlugin):
    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        path = os.environ.get("GATA_TENANT_DB_PATH")
        if not path:
            return
        attached = {row[0] for row in conn.execute("select database_name from duckdb_databases()").fetchall()}
        if "tenant" not in attached:  # ATTACH takes no bound parameters: quote the path as a literal
            quoted = path.replace("'", "''")
            conn.execute(f"attach '{quoted}' as tenant")

    def configure_cursor(self, cursor: Any) -> None:
        if os.environ.get("GATA_TENANT_DB_PATH"):
            cursor.execute("use tenant")
