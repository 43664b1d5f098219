"""Zero-touch onboarding: one code path for the CLI (`gata onboard`) and MCP (`onboard_tenant`).

A request is validated against the catalog and the tenants.yaml rules, then the
tenant's data is landed, its routing scaffolded, its models built (its own slice
only), its semantic config generated and everything published; only then is the
tenant written into tenants.yaml. Any failure restores the warehouse, the
tenant's generated files and dlt state from the copies taken before the first
write, so tenants.yaml, the warehouse, the configs and every other tenant are
exactly as they were; the error names the step that failed and why.
Onboardings are serialised by the pipeline lock.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import duckdb
from pydantic import BaseModel, ConfigDict, Field, field_validator

from gata import clock
from gata.errors import ConfigError, GataError, OnboardingError
from gata.limits import MAX_TEXT, check_date
from gata.lock import pipeline_lock
from gata.settings import Paths
from gata.tenants import Tenant, load_tenants, parse_tenants

# progress(done, total, message)
Progress = Callable[[float, float | None, str], None]
STEPS = ("validate", "land", "transform", "semantics", "register", "publish")


class OnboardRequest(BaseModel):
    """What an operator (or an agent with admin scope) says about a new client (unknown fields are
    refused)."""

    model_config = ConfigDict(extra="forbid")

    slug: str = Field(
        max_length=40,
        description="Tenant slug: lowercase letters, digits, single underscores, e.g. acme_corp.",
        examples=["acme_corp"],
    )
    name: str = Field(min_length=1, max_length=MAX_TEXT, description="Display name, e.g. 'Acme Corporation'.")
    sources: list[str] = Field(
        min_length=1,
        description="Connector keys from the catalog, any domain; at most one analytics source.",
        examples=[["tiktok_ads", "woocommerce", "amplitude"]],
    )
    currency: str = Field(default="USD", description="ISO 4217 currency of the tenant's money.")
    conversion_events: list[str] | None = Field(
        default=None,
        description="Analytics events that convert a session (default depends on the analytics source).",
    )
    meta_conversion_action_types: list[str] | None = None
    session_timeout_minutes: int = 30
    days: int = Field(default=90, ge=1, le=730, description="Days of history to land.")
    end_date: date = Field(
        default_factory=clock.yesterday,
        description="Last day of history (default: yesterday; mock data is anchored to dates).",
    )
    seed: int | None = Field(default=None, description="Mock-data seed (default: derived from the slug).")
    volume: float = Field(default=1.0, gt=0, le=100)
    create_token: bool = Field(
        default=False, description="Also create an MCP token scoped to the new tenant."
    )
    live: dict[str, dict[str, Any]] | None = Field(
        default=None,
        description="Connectors that read a real account, with their non-secret settings "
        "(e.g. {'shopify': {'shop_domain': 'acme.myshopify.com'}}); the others use mock data. "
        "Secrets are set by the operator in the server's environment or .dlt/secrets.toml, never sent here. "
        "The connection is checked before anything lands.",
        examples=[{"facebook_ads": {"account_id": "1234567890"}}],
    )

    @field_validator("end_date")
    @classmethod
    def _end_in_window(cls, value: date) -> date:
        return check_date(value, "end_date")


class BuiltTable(BaseModel):
    table: str
    rows: int


class OnboardResult(BaseModel):
    tenant: str
    changed: bool = Field(description="False when the tenant already existed exactly like this.")
    added_sources: list[str]
    removed_sources: list[str]
    tables: list[BuiltTable]
    metrics: list[str]
    token: str | None = Field(
        default=None, description="Bearer token for the tenant; shown once, only its hash is stored."
    )
    token_id: str | None = None


DEFAULT_CONVERSION_EVENTS = {"google_analytics": ["purchase"], "amplitude": ["Order Completed"],
                             "mixpanel": ["Order Completed"]}


def to_tenant(request: OnboardRequest) -> Tenant:
    """Validate a request with exactly the rules of tenants.yaml (same messages)."""
    from gata.catalog import catalog

    cat = catalog()
    mix: dict[str, list[str]] = {"paid_ads": [], "ecommerce": [], "analytics": []}
    for key in request.sources:
        if key not in cat.connectors:
            raise ConfigError(cat_error(key))
        mix[cat.connectors[key].domain].append(key)
    analytics = mix["analytics"][0] if mix["analytics"] else None
    logic = {
        "currency": request.currency,
        "conversion_events": request.conversion_events
        or DEFAULT_CONVERSION_EVENTS.get(analytics or "", ["purchase"]),
        "session_timeout_minutes": request.session_timeout_minutes,
    }
    if request.meta_conversion_action_types:
        logic["meta_conversion_action_types"] = request.meta_conversion_action_types
    seed = (
        request.seed
        if request.seed is not None
        else int.from_bytes(request.slug.encode()[:6].ljust(6, b"_"), "big") % 100_000
    )
    body = {"name": request.name, "sources": {d: v for d, v in mix.items() if v}, "business_logic": logic,
            "mock_data": {"seed": seed, "days": request.days, "end_date": request.end_date.isoformat(),
                          "volume": request.volume}}
    if request.live:
        body["live"] = request.live
    return parse_tenants({"tenants": {request.slug: body}}, source="onboarding request")[request.slug]


def cat_error(key: str) -> str:
    import difflib

    from gata.catalog import catalog

    known = sorted(catalog().connectors)
    close = difflib.get_close_matches(key, known, n=2)
    return (
        f"onboarding request is invalid: unknown connector {key!r}"
        + (f" (did you mean {', '.join(close)}?)" if close else "")
        + f"; known connectors: {', '.join(known)}"
    )


@contextmanager
def _restore_point(paths: Paths, tenant: str) -> Iterator[None]:
    """Copies of everything onboarding writes; restored byte for byte if the block fails."""
    with tempfile.TemporaryDirectory(dir=paths.home, prefix=".onboard-") as tmp:
        backup = Path(tmp)
        saved: list[tuple[Path, Path]] = []
        targets = [
            paths.tenant_db(tenant),
            paths.tenants_file,
            paths.dbt_tenants_dir / tenant,
            paths.semantic_configs_dir / f"{tenant}.yaml",
        ]
        targets += sorted(paths.dlt_dir.glob(f"{tenant}__*")) if paths.dlt_dir.exists() else []
        for i, target in enumerate(targets):
            copy = backup / str(i)
            if target.is_dir():
                shutil.copytree(target, copy)
            elif target.exists():
                shutil.copy2(target, copy)
            saved.append((target, copy))
        new_dlt = set()
        try:
            yield
        except BaseException:
            if paths.dlt_dir.exists():
                new_dlt = {p for p in paths.dlt_dir.glob(f"{tenant}__*")} - {t for t, _ in saved}
            for target, copy in saved:
                if target.is_dir():
                    shutil.rmtree(target)
                elif target.exists():
                    target.unlink()
                if copy.is_dir():
                    shutil.copytree(copy, target)
                elif copy.exists():
                    shutil.copy2(copy, target)
            for extra in new_dlt:
                shutil.rmtree(extra, ignore_errors=True)
            raise


_P = ParamSpec("_P")
_T = TypeVar("_T")


def _step(name: str, fn: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T:
    """Run one step, turning any failure into an OnboardingError naming it."""
    try:
        return fn(*args, **kwargs)
    except OnboardingError:
        raise
    except GataError as exc:
        raise OnboardingError(name, str(exc)) from exc
    except Exception as exc:
        raise OnboardingError(name, f"{type(exc).__name__}: {exc}") from exc


def require_connections(tenant: Tenant) -> None:
    """Refuse to onboard while a live connector's credentials do not work (the message names the fix)."""
    from ingestion.live import check_tenant

    problems = [c.message for c in check_tenant(tenant) if not c.ok]
    if problems:
        raise ConfigError("live connection check failed (run `gata check-connection --tenant "
                          f"{tenant.slug}` after fixing):\n  " + "\n  ".join(problems))


def ingest_all(tenant: Tenant, paths: Paths) -> None:
    """Land every connector; at onboarding a failed live connector fails the step (nothing is kept)."""
    from gata.errors import LiveSourceError
    from pipeline import steps

    failed = [r.error for r in steps.ingest(tenant, paths) if r.error]
    if failed:
        raise LiveSourceError("; ".join(e for e in failed if e))


def report_none(_: str) -> None:
    """Step-level progress is reported by onboard() itself."""


def onboard(request: OnboardRequest, paths: Paths, progress: Progress | None = None) -> OnboardResult:
    from gata.tenants_file import upsert_tenant
    from pipeline import steps

    report = progress or (lambda done, total, msg: None)
    total = float(len(STEPS))
    report(0, total, f"validating {request.slug}")
    tenant = _step("validate", to_tenant, request)
    with pipeline_lock(paths, what="onboarding"):
        existing = load_tenants(paths.tenants_file)
        before = existing.get(tenant.slug)
        before_sources = set(before.connectors) if before else set()
        if before == tenant and (paths.semantic_configs_dir / f"{tenant.slug}.yaml").exists():
            report(total, total, f"{tenant.slug} is already onboarded with these sources: nothing to do")
            return _result(tenant, paths, changed=False, added=[], removed=[], request=request)
        if tenant.live:  # part of validation: nothing is written before the credentials work
            report(0.5, total, f"checking the live connection(s): {', '.join(tenant.live)}")
            _step("check_connection", require_connections, tenant)
        paths.ensure()
        with _restore_point(paths, tenant.slug):
            report(1, total, f"landing {', '.join(tenant.connectors)} ({request.days} days)")
            _step("land", ingest_all, tenant, paths)
            report(2, total, "building the tenant's models (dbt)")
            _step("transform", steps.transform, tenant, paths)
            report(3, total, "generating the semantic config")
            _step("semantics", steps.semantics, tenant, paths)
            report(4, total, "registering the tenant in tenants.yaml")
            _step("register", upsert_tenant, paths.tenants_file, tenant)
            report(5, total, "publishing for the server")
            _step("publish", steps.publish, paths, report_none, {tenant.slug})
    result = _result(tenant, paths, changed=True, added=sorted(set(tenant.connectors) - before_sources),
                     removed=sorted(before_sources - set(tenant.connectors)), request=request)
    report(total, total, f"{tenant.slug} onboarded: {len(result.metrics)} metrics available")
    return result


def _result(tenant: Tenant, paths: Paths, changed: bool, added: list[str], removed: list[str],
            request: OnboardRequest) -> OnboardResult:
    import yaml

    config = yaml.safe_load((paths.semantic_configs_dir / f"{tenant.slug}.yaml").read_text())
    tables = []
    with duckdb.connect(str(paths.tenant_db(tenant.slug)), read_only=True) as con:
        for name, spec in sorted(config["tables"].items()):
            rows = con.execute(f'select count(*) from {spec["schema"]}."{spec["table"]}"').fetchall()[0][0]
            tables.append(BuiltTable(table=spec["table"], rows=rows))
    token = token_id = None
    if request.create_token:
        from gata.tokens import TokenStore

        token_id, token = TokenStore(paths.tokens_file).create(tenant=tenant.slug)
    return OnboardResult(tenant=tenant.slug, changed=changed, added_sources=added, removed_sources=removed,
                         tables=tables, metrics=sorted(config["metrics"]), token=token, token_id=token_id)
