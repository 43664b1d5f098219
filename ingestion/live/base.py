"""What every live source shares: secrets from dlt, one HTTP client, vendor errors.

* Secrets are resolved by dlt (``dlt.secrets``: environment variables, then
  ``.dlt/secrets.toml``), under ``sources.{tenant}.{connector}.{name}``, so two
  tenants on one API hold different tokens. A missing one is reported by the exact
  names to set; values are wrapped so they never print, and every message built
  from an API response is scrubbed of them (Meta echoes tokens in ``paging.next``).
* HTTP goes through dlt's ``RESTClient``: its session retries 429 (honouring
  ``Retry-After``) and 5xx with exponential backoff (``RUNTIME__REQUEST_MAX_ATTEMPTS``,
  ``RUNTIME__REQUEST_BACKOFF_FACTOR``, ``RUNTIME__REQUEST_MAX_RETRY_DELAY``), and a
  page is yielded only once it arrived whole, so a retry never lands it twice.
* A 4xx is turned into a ``LiveSourceError`` whose kind says what to fix.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import dlt
import requests
from dlt.common.configuration import resolve_configuration
from dlt.common.configuration.specs import RuntimeConfiguration
from dlt.common.normalizers.naming.snake_case import NamingConvention
from dlt.sources.helpers.requests.retry import Client
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.auth import AuthConfigBase, OAuth2ClientCredentials
from dlt.sources.helpers.rest_client.paginators import BasePaginator, PageNumberPaginator
from pydantic import BaseModel

from gata.catalog import catalog
from gata.errors import LiveSourceError
from gata.live_config import DEFAULT_LOOKBACK_DAYS, SECRETS, LiveConnector, secret_env_name, secret_toml_key
from ingestion.contracts import _unwrap_optional

_NAMING = NamingConvention()

# HTTP status -> what the user has to fix, when the vendor's body says nothing better
STATUS_KINDS = {400: "api", 401: "auth", 403: "permission", 404: "not_found"}
FIX = {
    "auth": "the token is invalid, expired or revoked: create a new one and set it",
    "permission": "the token lacks a permission (scope) this connector needs: grant it and create a new token",
    "not_found": "the account in tenants.yaml `live:` is unknown to this token: check the id",
    "api": "the API kept failing after retries: try again later",
}


class Secret(str):
    """A secret value that never shows itself in a repr, a log line or a traceback."""

    def __repr__(self) -> str:
        return "Secret('***')"


@dataclass
class Secrets:
    values: dict[str, Secret]

    def __getitem__(self, name: str) -> Secret:
        return self.values[name]

    def redact(self, text: str) -> str:
        for value in self.values.values():
            if value:
                text = text.replace(str(value), "***")
        return text


def resolve_secrets(tenant: str, connector: str) -> Secrets:
    """The connector's secrets for this tenant, or a LiveSourceError naming each missing one."""
    values: dict[str, Secret] = {}
    missing: list[str] = []
    for name in SECRETS[connector]:
        value: Any = dlt.secrets.get(f"sources.{tenant}.{connector}.{name}")
        if value in (None, ""):
            missing.append(name)
        else:
            values[name] = Secret(str(value))
    if missing:
        env = ", ".join(secret_env_name(tenant, connector, n) for n in missing)
        toml = "; ".join(secret_toml_key(tenant, connector, n) for n in missing)
        raise LiveSourceError(
            f"{tenant}/{connector}: missing secret(s) {', '.join(missing)}: set the environment variable(s) {env} "
            f"or add them to .dlt/secrets.toml as {toml}", kind="missing")
    return Secrets(values)


ErrorReader = Callable[[requests.Response], tuple[str | None, str]]


def json_body(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


@dataclass
class LiveContext:
    """One tenant's live connector: its settings, secrets and incremental cursor."""

    tenant: str
    connector: str
    settings: LiveConnector
    secrets: Secrets
    cursor: dict[str, Any] = field(default_factory=dict)
    requests_made: int = 0

    @property
    def lookback(self) -> timedelta:
        if self.settings.lookback_days is not None:
            return timedelta(days=self.settings.lookback_days)
        return timedelta(days=DEFAULT_LOOKBACK_DAYS[catalog().get(self.connector).domain])

    def base_url(self, default: str) -> str:
        return str(self.settings.base_url).rstrip("/") if self.settings.base_url else default

    def page_size(self, default: int) -> int:
        return self.settings.page_size or default

    def client(self, base_url: str, auth: AuthConfigBase | None = None, headers: Mapping[str, str] | None = None,
               paginator: BasePaginator | None = None, data_selector: str | None = None,
               retry_condition: Callable[[requests.Response | None, BaseException | None], bool] | None = None,
               ) -> RESTClient:
        """dlt's RESTClient on dlt's retrying session (429 + Retry-After, 5xx, connection errors);
        ``retry_condition`` adds a vendor's own transient errors (Meta throttles with HTTP 400)."""
        config = resolve_configuration(RuntimeConfiguration())
        session = Client(raise_for_status=False, retry_condition=retry_condition,
                         request_timeout=config.request_timeout, request_max_attempts=config.request_max_attempts,
                         request_backoff_factor=config.request_backoff_factor,
                         request_max_retry_delay=config.request_max_retry_delay).session
        return RESTClient(base_url=base_url, auth=auth, headers=dict(headers or {}), paginator=paginator,
                          data_selector=data_selector, session=session)

    def window(self, start: date, end: date, key: str = "last_day") -> tuple[date, date]:
        """Days to fetch: the caller's window on a first load, then from the cursor minus the lookback."""
        last = self.cursor.get(key)
        if last:
            start = date.fromisoformat(last) + timedelta(days=1) - self.lookback
        return start, end

    def fail(self, what: str, exc: Exception, read_error: ErrorReader | None = None) -> LiveSourceError:
        """A LiveSourceError for a failed call: the vendor's own message, the fix, no secrets."""
        where = f"{self.tenant}/{self.connector}"
        if isinstance(exc, requests.HTTPError) and exc.response is not None:
            response = exc.response
            kind, vendor = (read_error(response) if read_error else (None, ""))
            kind = kind or STATUS_KINDS.get(response.status_code, "api")
            vendor = vendor or (response.text or "")[:300]
            message = (f"{where}: {what} failed with HTTP {response.status_code}: "
                       f"{vendor.strip().rstrip('.')}. Fix: {FIX[kind]}")
        elif isinstance(exc, requests.JSONDecodeError):
            kind, message = (
                "api",
                f"{where}: {what} failed: the API answered something that is not JSON. Fix: {FIX['api']}",
            )
        elif isinstance(exc, requests.RequestException):
            kind, message = (
                "api",
                f"{where}: {what} failed: cannot reach the API ({type(exc).__name__}). Fix: {FIX['api']}",
            )
        else:
            raise exc
        return LiveSourceError(self.secrets.redact(message), kind=kind)


def refresh_token_auth(ctx: LiveContext, token_url: str, token_path: str) -> OAuth2ClientCredentials:
    """OAuth 2.0 refresh-token grant (Google, Microsoft, Login with Amazon) on dlt's OAuth class:
    the access token is fetched on first use and again when it expires. ``base_url`` moves the
    token endpoint too, to ``{base_url}{token_path}``."""
    url = f"{ctx.base_url('')}{token_path}" if ctx.settings.base_url else token_url
    return OAuth2ClientCredentials(
        access_token_url=url,
        client_id=ctx.secrets["client_id"],
        client_secret=ctx.secrets["client_secret"],
        access_token_request_data={"grant_type": "refresh_token", "refresh_token": ctx.secrets["refresh_token"]},
    )


def get_json(client: RESTClient, path: str, **kwargs: Any) -> Any:
    """One retried GET whose error status raises (``RESTClient.get`` leaves that to the caller)."""
    response = client.get(path, **kwargs)
    response.raise_for_status()
    return response.json()


def compact(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), sort_keys=True)


class TotalPagesHeaderPaginator(PageNumberPaginator):
    """``page``/``per_page`` paging that stops at the total-pages header (WooCommerce's ``X-WP-TotalPages``)."""

    def __init__(self, header: str, page_param: str = "page") -> None:
        super().__init__(base_page=1, page_param=page_param, total_path=None, stop_after_empty_page=True)
        self.header = header

    def update_state(self, response: requests.Response, data: list[Any] | None = None) -> None:
        super().update_state(response, data)
        total = response.headers.get(self.header)
        if total is not None and self.current_value > int(total):
            self._has_next_page = False


def snake_keys(value: Any) -> Any:
    """lowerCamelCase JSON keys (proto3 JSON mapping) back to the proto field names the contracts use."""
    if isinstance(value, dict):
        return {_NAMING.normalize_identifier(k) if k[:1].islower() else k: snake_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [snake_keys(v) for v in value]
    return value


def coerce_to_contract(record: dict, contract: type[BaseModel]) -> dict:
    """Strings typed as the contract says, recursively: proto3 JSON sends int64 as strings, CSV
    reports send everything as text ("" is null)."""
    out = dict(record)
    for name, spec in contract.model_fields.items():
        key = spec.alias or name
        value = out.get(key)
        if value is None:
            continue
        annotation = _unwrap_optional(spec.annotation)
        if annotation in (int, float) and isinstance(value, str):
            out[key] = annotation(value) if value != "" else None
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel) and isinstance(value, dict):
            out[key] = coerce_to_contract(value, annotation)
    return out
