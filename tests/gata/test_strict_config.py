"""Strict configuration: full-match slugs, unknown fields refused at every level with a hint, sane dates,
one exit status for every configuration error."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from gata.errors import ConfigError
from gata.tenants import parse_tenants
from pipeline.onboarding import OnboardRequest, to_tenant
from tests.conftest import demo_env, run_gata, tenant_body, write_tenants

SOURCES = {"paid_ads": ["google_ads"]}


def refusal(body: dict, slug: str = "acme_corp", **top: object) -> str:
    with pytest.raises(ConfigError) as err:
        parse_tenants({"tenants": {slug: body}, **top})
    return str(err.value)


def test_a_slug_with_a_trailing_newline_is_refused() -> None:
    assert "malformed slug 'acme_corp\\n'" in refusal(tenant_body(SOURCES), slug="acme_corp\n")
    with pytest.raises(ConfigError, match="malformed slug"):
        to_tenant(OnboardRequest(slug="acme_corp\n", name="Acme", sources=["google_ads"]))


@pytest.mark.parametrize(
    ("mutate", "field", "hint"),
    [
        (lambda b: b.update(busines_logic={}), "field busines_logic", "did you mean 'business_logic'?"),
        (
            lambda b: b["sources"].update(paid_ad=["google_ads"]),
            "field sources.paid_ad",
            "did you mean 'paid_ads'?",
        ),
        (
            lambda b: b["business_logic"].update(curency="USD"),
            "business_logic.curency",
            "did you mean 'currency'?",
        ),
        (lambda b: b["mock_data"].update(seeds=1), "field mock_data.seeds", "did you mean 'seed'?"),
        (
            lambda b: b["mock_data"].update(evil=1),
            "field mock_data.evil",
            "known fields: days, end_date, seed, volume",
        ),
    ],
)
def test_unknown_fields_are_refused_at_every_level_with_a_hint(mutate, field: str, hint: str) -> None:
    body = tenant_body(SOURCES)
    mutate(body)
    message = refusal(body)
    assert field in message and "is not a known field" in message and hint in message


def test_an_unknown_top_level_key_is_refused() -> None:
    message = refusal(tenant_body(SOURCES), tenant={"x": 1})
    assert "field tenant" in message and "did you mean 'tenants'?" in message


@pytest.mark.parametrize("end_date", ["0001-01-01", "9999-12-31", "1999-12-31"])
def test_dates_outside_the_window_are_refused_at_validation(end_date: str) -> None:
    assert "outside the accepted window 2000-01-01" in refusal(tenant_body(SOURCES, end_date=end_date))
    with pytest.raises(ValidationError, match="outside the accepted window"):
        OnboardRequest(slug="acme_corp", name="Acme", sources=["google_ads"], end_date=end_date)


def test_a_history_starting_before_the_window_is_refused() -> None:
    body = tenant_body(SOURCES, end_date="2000-01-10", days=30)
    assert "starts on 1999-12-12, before 2000-01-01" in refusal(body)


def test_onboarding_requests_refuse_unknown_fields() -> None:
    with pytest.raises(ValidationError, match="evil"):
        OnboardRequest.model_validate(
            {"slug": "acme_corp", "name": "Acme", "sources": ["google_ads"], "evil": 1}
        )


@pytest.mark.parametrize(("text", "expected"), [
    ("tenants:\n  a: [\n", "is not valid YAML"),
    ("tenants: {}\nevil: 1\n", "field evil: is not a known field"),
    ("- just\n- a list\n", "top-level 'tenants:' mapping"),
])
def test_every_configuration_error_exits_2(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "tenants.yaml").write_text(text)
    proc = run_gata("build", env=demo_env(tmp_path), check=False, timeout=120)
    assert proc.returncode == 2 and expected in proc.stderr and "Traceback" not in proc.stderr


def test_bad_onboard_options_exit_2(tmp_path: Path) -> None:
    write_tenants(tmp_path / "tenants.yaml", {})
    env = demo_env(tmp_path)
    days = run_gata("onboard", "acme_corp", "--name", "Acme", "--sources", "google_ads", "--days", "0",
                    env=env, check=False, timeout=120)
    assert days.returncode == 2 and "days" in days.stderr and "Traceback" not in days.stderr
    unknown = run_gata("onboard", "acme_corp", "--name", "Acme", "--sources", "google_ads", "--evil", "1",
                       env=env, check=False, timeout=120)
    assert unknown.returncode == 2 and "unrecognized arguments: --evil" in unknown.stderr
