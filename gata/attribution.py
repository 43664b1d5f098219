"""Attribution settings: the models, the lookback, the channel grouping and the utm → ad platform map.

One place holds the defaults so that tenants.yaml validation, the dbt build (which
receives them as the tenant's ``gata_logic`` vars) and the semantic layer (which
validates an agent's ``attribution_model``) agree. A tenant overrides any of them
under ``business_logic.attribution`` in tenants.yaml.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from gata.catalog import catalog

# every model is computed in the warehouse for every order; an agent picks one per query
ATTRIBUTION_MODELS: tuple[str, ...] = (
    "first_touch", "last_touch", "last_non_direct", "linear", "position_based", "time_decay", "data_driven")
AttributionModel = Literal[
    "first_touch", "last_touch", "last_non_direct", "linear", "position_based", "time_decay", "data_driven"]
MODEL_DESCRIPTIONS: dict[str, str] = {
    "first_touch": "all credit to the first touchpoint in the lookback window",
    "last_touch": "all credit to the last touchpoint (the converting session)",
    "last_non_direct": "all credit to the last touchpoint that is not direct (direct only when nothing else)",
    "linear": "equal credit to every touchpoint",
    "position_based": "40% first, 40% last, 20% shared by the middle (one touch: 100%, two: 50/50)",
    "time_decay": "credit halves for every half-life (default 7 days) before the order",
    "data_driven": "Markov-chain removal effect of each channel, shared among the order's touchpoints",
}
UNATTRIBUTED = "unattributed"
CHANNELS: tuple[str, ...] = ("paid_search", "paid_social", "organic_search", "organic_social", "email",
                             "referral", "direct", "other")

SEARCH = "google|bing|yahoo|duckduckgo|baidu|yandex|ecosia|amazon"
SOCIAL = ("facebook|instagram|linkedin|tiktok|twitter|x|t\\.co|pinterest|reddit|snapchat|youtube"
          "|(m\\.|l\\.|www\\.)?(facebook|instagram|linkedin|twitter|tiktok|pinterest|reddit)\\.com")
PAID_MEDIUM = "cpc|ppc|paid.*|cpm|cpv|retargeting"


class ChannelRule(BaseModel):
    """The first rule whose patterns both fully match (case-insensitive) names the session's channel."""

    model_config = ConfigDict(extra="forbid")

    channel: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    source: str = Field(default=".*", description="regex the whole utm_source must match")
    medium: str = Field(default=".*", description="regex the whole utm_medium must match")

    @field_validator("source", "medium")
    @classmethod
    def _regex(cls, v: str) -> str:
        try:
            re.compile(v)
        except re.error as exc:
            raise ValueError(f"{v!r} is not a valid regular expression: {exc}") from exc
        return v


# GA4's default channel group, reduced to the channels this product reports
DEFAULT_CHANNEL_RULES: tuple[ChannelRule, ...] = (
    ChannelRule(channel="direct", source="\\(direct\\)", medium="\\(none\\)|\\(not set\\)"),
    ChannelRule(channel="paid_search", source=SEARCH, medium=PAID_MEDIUM),
    ChannelRule(channel="paid_social", source=SOCIAL, medium=PAID_MEDIUM + "|paid_social"),
    ChannelRule(channel="organic_search", source=SEARCH),
    ChannelRule(channel="organic_search", medium="organic"),
    ChannelRule(channel="organic_social", source=SOCIAL),
    ChannelRule(channel="organic_social", medium="social|social-network|social-media|sm|social network"),
    ChannelRule(channel="email", source="email|e-mail|e_mail|e mail|newsletter"),
    ChannelRule(channel="email", medium="email|e-mail|e_mail|e mail"),
    ChannelRule(channel="referral", medium="referral|app|link"),
)
# utm_source of paid traffic -> the ad connector whose campaigns it names (each paid-ads catalog row's utm_source)
DEFAULT_SOURCE_PLATFORMS: dict[str, str] = catalog().utm_sources()


class AttributionSettings(BaseModel):
    """How a tenant's orders are credited to the sessions before them."""

    model_config = ConfigDict(extra="forbid")

    lookback_days: int = Field(
        default=30,
        ge=1,
        le=365,
        description="sessions up to this many days before an order are its touchpoints",
    )
    half_life_days: float = Field(
        default=7.0, gt=0, le=365, description="time_decay: credit halves every this many days"
    )
    channel_rules: list[ChannelRule] = Field(
        default_factory=lambda: list(DEFAULT_CHANNEL_RULES),
        min_length=1,
        description="ordered; the first match wins, no match is 'other'",
    )
    source_platforms: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_SOURCE_PLATFORMS),
        description="utm_source of paid traffic -> ad connector",
    )

    @field_validator("source_platforms")
    @classmethod
    def _known_platforms(cls, v: dict[str, str]) -> dict[str, str]:
        allowed = sorted(set(DEFAULT_SOURCE_PLATFORMS.values()))
        for source, platform in v.items():
            if platform not in allowed:
                raise ValueError(
                    f"source_platforms[{source!r}] = {platform!r} is no ad connector; "
                    f"allowed: {', '.join(allowed)}"
                )
        return {k.lower(): p for k, p in v.items()}
