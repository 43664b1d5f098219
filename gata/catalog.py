"""The connector catalog (``supported_connectors.yaml``), loaded once and validated."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from gata.errors import ConfigError
from gata.settings import CATALOG_FILE

Domain = Literal["paid_ads", "ecommerce", "analytics"]
DOMAINS: tuple[Domain, ...] = ("paid_ads", "ecommerce", "analytics")


class ObjectSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    primary_key: tuple[str, ...]
    incremental: str | None = None


class Connector(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    name: str
    domain: Domain
    api: str
    api_version: str
    master_model_id: str
    objects: dict[str, ObjectSpec]

    def master_model(self, obj: str) -> str:
        """The multi-tenant master model this connector object is pushed into."""
        return f"platform_mm__{self.master_model_id}_{obj}"


class Catalog(BaseModel):
    model_config = ConfigDict(frozen=True)

    connectors: dict[str, Connector]

    def get(self, key: str) -> Connector:
        try:
            return self.connectors[key]
        except KeyError:
            raise ConfigError(
                f"unknown connector {key!r}; known connectors: {', '.join(sorted(self.connectors))}"
            ) from None

    def by_domain(self, domain: Domain) -> list[str]:
        return sorted(k for k, c in self.connectors.items() if c.domain == domain)


def load_catalog(path: Path = CATALOG_FILE) -> Catalog:
    raw = yaml.safe_load(path.read_text())
    try:
        return Catalog(
            connectors={k: Connector(key=k, **v) for k, v in (raw.get("connectors") or {}).items()}
        )
    except ValidationError as exc:
        raise ConfigError(f"{path.name} is invalid: {exc}") from exc


@lru_cache(maxsize=1)
def catalog() -> Catalog:
    """The project's catalog; it ships with the code, so it is read once per process."""
    return load_catalog()
