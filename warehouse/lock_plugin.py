"""A dbt-duckdb plugin that takes the warehouse lock when dbt first opens the warehouse.

Builds of different tenants run at once, but ``warehouse.duckdb`` (master models,
platform tables) admits one writing process. Locking the whole dbt invocation
would serialise its parse too (a few seconds per tenant that need no database);
this plugin blocks in ``update_connection_config``, called just before dbt-duckdb's
first ``duckdb.connect``, and holds the lock until the dbt process exits (dbt-duckdb
reopens the file between nodes, and another writer must not slip in between).
Without ``GATA_WAREHOUSE_LOCK`` (dbt run by hand) it does nothing.
"""

from __future__ import annotations

import fcntl
import os
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin

_held: int | None = None


class Plugin(BasePlugin):
    def update_connection_config(self, creds: Any, config: dict[str, Any]) -> None:
        global _held
        path = os.environ.get("GATA_WAREHOUSE_LOCK")
        if _held is not None or not path:
            return
        fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)  # released by the OS when the dbt process exits
        _held = fd
