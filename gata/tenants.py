"""``tenants.yaml``: the single source of truth for tenants, validated by pydantic.

Validation errors name the tenant, the field and what is allowed, because the
person reading them is editing YAML by hand (or an agent calling onboard_tenant).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from gata.attribution import AttributionModel, AttributionSettings
from gata.catalog import catalog
from gata.errors import ConfigError
from gata.limits import EARLIEST_DATE, MAX_TEXT, check_date
from gata.live_config import LiveConnector, check_live
from gata.strict import unknown_field

SLUG_RE = re.compile(r"[a-z][a-z0-9_]{1,38}[a-z0-9]")  # use fullmatch: `$` would accept a trailing newline
SLUG_RULE = "lowercase letters, digits and single underscores, 3-40 chars, starting with a letter"


class BusinessLogic(BaseModel):
    """Logic the reporting layer applies; changing it is replayed from raw payloads."""

    model_config = ConfigDict(extra="forbid")

    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code of the tenant's money")
    timezone: str = Field(default="UTC", description="IANA time zone deciding the tenant's calendar day")
    conversion_events: list[str] = Field(min_length=1, description="analytics events that convert a session")
    meta_conversion_action_types: list[str] = Field(
        default_factory=lambda: ["offsite_conversion.fb_pixel_purchase"],
        description="Meta `actions[].action_type` values counted as conversions",
    )
    session_timeout_minutes: int = Field(default=30, ge=1, le=24 * 60)
    attribution_model: AttributionModel = Field(
        default="first_touch", description="the model answers use unless a query names another")
    attribution: AttributionSettings = Field(
        default_factory=AttributionSettings,
        description="lookback, time-decay half-life, channel and platform maps",
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r}: use an IANA name such as UTC, Europe/Paris or "
                             "America/Los_Angeles") from None
        return v


class MockData(BaseModel):
    """Knobs of the deterministic mock generators (anchored to dates, not the clock)."""

    model_config = ConfigDict(extra="forbid")

    seed: int
    days: int = Field(default=90, ge=1, le=3660)
    end_date: date
    volume: float = Field(default=1.0, gt=0, le=1000)

    @property
    def start_date(self) -> date:
        return self.end_date - timedelta(days=self.days - 1)

    @model_validator(mode="after")
    def _dates_in_window(self) -> MockData:
        check_date(self.end_date, "end_date")
        if self.start_date < EARLIEST_DATE:
            raise ValueError(
                f"end_date {self.end_date} minus {self.days} days starts on {self.start_date}, before "
                f"{EARLIEST_DATE}: use fewer days or a later end_date"
            )
        return self


class SourceMix(BaseModel):
    """A tenant's connectors, grouped by domain so a misplaced connector is caught."""

    model_config = ConfigDict(extra="forbid")

    paid_ads: list[str] = Field(default_factory=list)
    ecommerce: list[str] = Field(default_factory=list)
    analytics: list[str] = Field(
        default_factory=list, max_length=1, description="at most one analytics source"
    )

    @model_validator(mode="after")
    def _known_and_in_domain(self) -> SourceMix:
        cat = catalog()
        for domain in ("paid_ads", "ecommerce", "analytics"):
            keys: list[str] = getattr(self, domain)
            allowed = ", ".join(cat.by_domain(domain))
            for key in keys:
                if key not in cat.connectors:
                    raise ValueError(f"{domain}: unknown connector {key!r}; allowed in {domain}: {allowed}")
                actual = cat.connectors[key].domain
                if actual != domain:
                    raise ValueError(
                        f"{domain}: connector {key!r} belongs to {actual}, not {domain}; "
                        f"move it under {actual} (allowed in {domain}: {allowed})"
                    )
            dupes = sorted({k for k in keys if keys.count(k) > 1})
            if dupes:
                raise ValueError(f"{domain}: connector(s) listed twice: {', '.join(dupes)}")
        if not self.all():
            raise ValueError("a tenant needs at least one source")
        return self

    def all(self) -> list[str]:
        return [*self.paid_ads, *self.ecommerce, *self.analytics]


class Tenant(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: str
    name: str = Field(min_length=1, max_length=MAX_TEXT)
    sources: SourceMix
    business_logic: BusinessLogic
    mock_data: MockData
    live: dict[str, LiveConnector] = Field(
        default_factory=dict, description="connectors reading a real account; the others stay on the mock")

    @model_validator(mode="after")
    def _live_sources(self) -> Tenant:
        check_live(self.live, self.sources.all())
        return self

    @field_validator("slug")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG_RE.fullmatch(v) or "__" in v:
            raise ValueError(f"malformed slug {v!r}: use {SLUG_RULE}")
        return v

    @property
    def connectors(self) -> list[str]:
        """Every connector of the tenant, in catalog-domain order."""
        return self.sources.all()


class TenantsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tenants: dict[str, Tenant]


def _format_errors(exc: ValidationError, raw: dict[str, Any]) -> str:
    lines = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        if len(loc) >= 2 and loc[0] == "tenants":
            where = f"tenant {loc[1]!r}, field {'.'.join(loc[2:]) or '(tenant)'}"
        else:
            where = f"field {'.'.join(loc) or '(root)'}"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            msg = "is required but missing"
        elif err["type"] == "extra_forbidden":
            msg = unknown_field(loc[-1], _fields_at(loc[:-1]))
        elif err["type"] == "literal_error":
            msg = f"{msg}"
        lines.append(f"{where}: {msg}")
    return "tenants.yaml is invalid:\n  " + "\n  ".join(lines)


def _fields_at(loc: list[str]) -> list[str]:
    """The field names the model at ``loc`` (a validation error's location) accepts."""
    model: type[BaseModel] = TenantsFile
    path = list(loc)
    if path[:1] == ["tenants"]:
        model, path = Tenant, path[2:]
    for part in path:
        annotation = model.model_fields[part].annotation if part in model.model_fields else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        model = annotation
    return [f for f in model.model_fields if f != "slug"]


def parse_tenants(raw: object, source: str = "tenants.yaml") -> dict[str, Tenant]:
    """Validate an already-parsed tenants document; used for files and onboarding requests."""
    if not isinstance(raw, dict) or not isinstance(raw.get("tenants"), dict):
        raise ConfigError(f"{source} must be a mapping with a top-level 'tenants:' mapping of slug -> tenant")
    data: dict[str, Any] = {
        **{k: v for k, v in raw.items() if k != "tenants"},
        "tenants": {},
    }  # unknown keys are refused
    for slug, body in raw["tenants"].items():
        if not isinstance(body, dict):
            raise ConfigError(f"{source} is invalid:\n  tenant {slug!r}: must be a mapping of fields")
        data["tenants"][slug] = {"slug": slug, **body}
    try:
        parsed = TenantsFile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_format_errors(exc, raw).replace("tenants.yaml", source)) from exc
    return parsed.tenants


def load_tenants(path: Path | None = None) -> dict[str, Tenant]:
    from gata.settings import get_paths

    path = path or get_paths().tenants_file
    if not path.exists():
        raise ConfigError(f"{path} not found: set GATA_TENANTS_FILE or create tenants.yaml")
    try:
        raw = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}") from exc
    _reject_duplicate_slugs(path.read_text(), path)
    return parse_tenants(raw, source=path.name)


def _reject_duplicate_slugs(text: str, path: Path) -> None:
    """YAML silently keeps the last of two equal keys; a duplicated tenant must fail loudly."""

    class _Strict(yaml.SafeLoader):
        pass

    def construct_mapping(
        loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False
    ) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=deep)
            if key in seen:
                raise ConfigError(
                    f"{path.name} is invalid:\n  tenant {key!r} is defined twice "
                    f"(line {key_node.start_mark.line + 1}); slugs must be unique, rename or merge one"
                )
            seen.add(key)
        return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)

    _Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    yaml.load(text, Loader=_Strict)


def get_tenant(slug: str, tenants: dict[str, Tenant] | None = None) -> Tenant:
    tenants = tenants if tenants is not None else load_tenants()
    if slug not in tenants:
        raise ConfigError(f"unknown tenant {slug!r}; tenants: {', '.join(sorted(tenants)) or '(none)'}")
    return tenants[slug]
