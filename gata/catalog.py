"""The connector catalog (``supported_connectors.yaml``), loaded once and validated.

One row per connector is everything the layers need to know about it: the
generator module and field mapping it is rendered by, the master models its objects
feed, the paid-ads engine that rolls its delivery up to the star grain, and the raw
columns the reconciliation oracle sums. Registries, dbt sources and generated models
are derived from these rows, so a connector is added in one place, not twenty.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from gata.errors import ConfigError
from gata.settings import CATALOG_FILE

Domain = Literal["paid_ads", "ecommerce", "analytics"]


class ObjectSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    primary_key: tuple[str, ...]
    incremental: str | None = None


class AdsEngine(BaseModel):
    """How a paid-ads connector's intermediate models become star rows: every ad platform
    shares one engine, told which object is its delivery and which lists its campaigns."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    delivery: str  # the object with one row per ad per day (or finer: device, network)
    campaigns: str  # the object listing campaigns (campaign_id, campaign_name, status)
    name_column: str | None = None  # a delivery column naming the campaign, for unlisted ones
    status_column: str | None = None  # a delivery column with the campaign status, likewise


class AdsOracle(BaseModel):
    """Where the raw landed delivery rows keep day, spend and counts: SQL over the landed
    table, read by the reconciliation oracle, which redoes the unit conversion itself."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    table: str
    day: str
    spend: str
    spend_unit: Literal["currency", "micros"] = "currency"
    impressions: str
    clicks: str


class Connector(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    name: str
    domain: Domain
    api: str
    api_version: str
    master_model_id: str
    module: str | None = None  # generator module and field mapping, when shared (Meta): else the key
    utm_source: str | None = None  # paid ads: the utm_source its landing pages carry
    engine: AdsEngine | None = None
    oracle: AdsOracle | None = None
    objects: dict[str, ObjectSpec]

    @model_validator(mode="after")
    def _paid_ads_are_complete(self) -> Connector:
        if self.domain == "paid_ads":
            missing = [f for f in ("utm_source", "engine", "oracle") if getattr(self, f) is None]
            if missing:
                raise ValueError(f"{self.key}: a paid_ads connector needs {', '.join(missing)}")
            assert self.engine is not None
            for obj in (self.engine.delivery, self.engine.campaigns):
                if obj not in self.objects:
                    raise ValueError(f"{self.key}: engine object {obj!r} is not one of its objects")
        return self

    @property
    def family(self) -> str:
        """Generator module and field-mapping name (Facebook and Instagram share ``meta``)."""
        return self.module or self.key

    def master_model(self, obj: str) -> str:
        """The multi-tenant master model this connector object is pushed into."""
        return f"platform_mm__{self.master_model_id}_{obj}"


def dataset_name(tenant: str, connector: str) -> str:
    """The landed dataset of one tenant x connector (a schema in the tenant's database)."""
    return f"raw_{tenant}__{connector}"


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

    def utm_sources(self) -> dict[str, str]:
        """utm_source -> the ad connector whose campaigns it names."""
        return {c.utm_source: k for k, c in self.connectors.items() if c.utm_source}


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
