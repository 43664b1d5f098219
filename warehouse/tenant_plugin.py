"""A dbt-duckdb plugin that attaches the tenant's own database as ``tenant`` when dbt connects.

profiles.yml used to list the tenant database under ``attach``. dbt hashes the
profile's connection settings into its saved manifest and re-parses the whole
project when they change, so a path that differs per tenant made every build of
another tenant a full parse. Attaching here, from ``GATA_TENANT_DB_PATH`` read at
connect time, keeps the profile the same for every tenant. Without the variable
(dbt run by hand on the shared warehouse only) it attaches nothing.
"""

from __future__ import annotations

import os

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
