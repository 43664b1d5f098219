"""Mock generators and data contracts, one module per connector of the catalog.

Each module exposes:

* ``CONTRACTS: dict[str, type[pydantic.BaseModel]]`` - one contract per catalog object,
  every field optional (a dropped field never blocks a landing), shaped like the real API payload;
* ``generate(story, connector, start, end) -> dict[str, list[dict]]`` - the records of every
  object for the days ``start..end`` (inclusive), rendered from the tenant's story.
  Entity objects (campaigns, ads, products, ...) are emitted whole on every call; the
  API's primary keys make re-landing them a no-op.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from gata.catalog import catalog


def connector_module(key: str) -> ModuleType:
    """The generator module of a catalog connector: its row's ``module`` (Facebook and Instagram
    share ``meta``), else the module named like the connector."""
    return importlib.import_module(f"ingestion.connectors.{catalog().get(key).family}")
