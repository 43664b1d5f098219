"""A dbt-duckdb plugin that makes the tenant's database the default one on every cursor.

A build writes only the tenant's own file (attached as ``tenant``, and the
profile's ``database``): its raw datasets, staging, intermediate, its slice of the
master models, the platform tables and the observability rows. dbt names its
relations with the database, but the run hooks' plain ``platform.obs_*``
statements resolve against the cursor's default database, which would be the
profile's in-memory main one. So builds of different tenants share no file and
run side by side with nothing to wait for.
"""

from __future__ import annotations

from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin


class Plugin(BasePlugin):
    def configure_cursor(self, cursor: Any) -> None:
        cursor.execute("use tenant")
