"""The ``live:`` block of a tenant: which connectors read a real account, and how.

Only non-secret settings live here (account ids, shop domains, an optional
``base_url`` every connector honours for sandboxes, proxies and tests). Secrets
never do: they come through dlt's config resolution, sectioned per tenant and
connector (``SOURCES__{TENANT}__{CONNECTOR}__{NAME}`` or ``[sources.{tenant}.{connector}]``
in ``.dlt/secrets.toml``), so two tenants on the same API use different tokens and
tenants.yaml can be committed.

The model is strict (unknown fields refused) and each connector accepts only the
settings its API has, so a misspelt ``acount_id`` fails at load time, not at 3am.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

# connector -> (required settings, optional settings); every connector also takes
# base_url, lookback_days and page_size
SETTINGS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "facebook_ads": (("account_id",), ()),
    "instagram_ads": (("account_id",), ()),
    "google_ads": (("customer_id",), ("login_customer_id",)),
    "bing_ads": (("account_id", "customer_id"), ()),
    "linkedin_ads": (("account_id",), ()),
    "amazon_ads": (("profile_id",), ("region",)),
    "tiktok_ads": (("advertiser_id",), ()),
    "shopify": (("shop_domain",), ()),
    "bigcommerce": (("store_hash",), ()),
    "woocommerce": (("site_url",), ()),
    "google_analytics": (("project_id", "dataset"), ()),
    "amplitude": (("users_cohort_id",), ("region",)),
    "mixpanel": (("project_id",), ("region",)),
}

# connector -> the secrets its API needs, resolved by dlt per tenant
SECRETS: dict[str, tuple[str, ...]] = {
    "facebook_ads": ("access_token",),
    "instagram_ads": ("access_token",),
    "google_ads": ("developer_token", "client_id", "client_secret", "refresh_token"),
    "bing_ads": ("developer_token", "client_id", "client_secret", "refresh_token"),
    "linkedin_ads": ("access_token",),
    "amazon_ads": ("client_id", "client_secret", "refresh_token"),
    "tiktok_ads": ("access_token",),
    "shopify": ("access_token",),
    "bigcommerce": ("access_token",),
    "woocommerce": ("consumer_key", "consumer_secret"),
    "google_analytics": ("client_id", "client_secret", "refresh_token"),
    "amplitude": ("api_key", "secret_key"),
    "mixpanel": ("service_account_username", "service_account_secret"),
}

# days re-fetched before the last landed day: ad platforms restate recent metrics
# (late conversions, invalid-click credits) for a few days
DEFAULT_LOOKBACK_DAYS = {"paid_ads": 3, "ecommerce": 0, "analytics": 1}


class LiveConnector(BaseModel):
    """One connector reading a real account; which settings apply depends on the connector."""

    model_config = ConfigDict(extra="forbid")

    base_url: HttpUrl | None = Field(
        default=None, description="API root override (sandbox, proxy, test fake)"
    )
    lookback_days: int | None = Field(default=None, ge=0, le=90,
                                      description="days re-fetched before the cursor (late-arriving metrics)")
    page_size: int | None = Field(default=None, ge=1, le=10_000)
    account_id: str | None = None
    customer_id: str | None = None
    login_customer_id: str | None = None
    profile_id: str | None = None
    region: str | None = None
    advertiser_id: str | None = None
    shop_domain: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]*\.myshopify\.com$")
    store_hash: str | None = None
    site_url: HttpUrl | None = None
    project_id: str | None = None
    dataset: str | None = None
    users_cohort_id: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_secrets(cls, data: object) -> object:
        secret_names = {n for names in SECRETS.values() for n in names}
        leaked = sorted(k for k in data if k in secret_names) if isinstance(data, dict) else []
        if leaked:
            raise ValueError(f"{', '.join(leaked)} is a secret and never goes in tenants.yaml: set it as the "
                             "environment variable SOURCES__{TENANT}__{CONNECTOR}__" + leaked[0].upper()
                             + " or in .dlt/secrets.toml (see README, Connect a real account)")
        return data

    def settings(self) -> dict[str, object]:
        return self.model_dump(exclude_none=True, exclude={"base_url", "lookback_days", "page_size"})

    def check_for(self, connector: str) -> None:
        """Refuse settings this connector has no use for, and name the missing ones."""
        required, optional = SETTINGS[connector]
        given = set(self.settings())
        unknown = sorted(given - set(required) - set(optional))
        if unknown:
            allowed = ", ".join([*required, *optional, "base_url", "lookback_days", "page_size"])
            raise ValueError(
                f"{connector}: {', '.join(unknown)} not used by this connector; allowed: {allowed}"
            )
        missing = [k for k in required if k not in given]
        if missing:
            raise ValueError(f"{connector}: missing {', '.join(missing)} (the account to read)")


def check_live(live: dict[str, LiveConnector], sources: list[str]) -> None:
    """Every live connector must be one of the tenant's sources, with its API's settings."""
    for key, conn in live.items():
        if key not in sources:
            raise ValueError(f"live: {key!r} is not one of this tenant's sources ({', '.join(sources)}); "
                             "add it under sources or remove it from live")
        conn.check_for(key)


def secret_env_name(tenant: str, connector: str, name: str) -> str:
    """The environment variable dlt resolves for one secret of one tenant's connector."""
    return f"SOURCES__{tenant.upper()}__{connector.upper()}__{name.upper()}"


def secret_toml_key(tenant: str, connector: str, name: str) -> str:
    return f"[sources.{tenant}.{connector}] {name}"
