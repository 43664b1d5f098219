"""tenants.yaml validation: each bad case fails naming the tenant, the field and what is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest

from gata.errors import ConfigError
from gata.tenants import load_tenants, parse_tenants
from tests.conftest import ROOT, tenant_body


def test_demo_tenants_load_with_their_source_mix() -> None:
    tenants = load_tenants(ROOT / "tenants.yaml")
    assert set(tenants) == {"tyrell_corp", "wayne_enterprises", "stark_industries"}
    assert tenants["tyrell_corp"].connectors == [
        "facebook_ads",
        "google_ads",
        "instagram_ads",
        "shopify",
        "google_analytics",
    ]
    assert tenants["wayne_enterprises"].sources.ecommerce == ["bigcommerce"]
    assert tenants["stark_industries"].sources.analytics == ["mixpanel"]
    assert tenants["stark_industries"].business_logic.currency == "EUR"


@pytest.mark.parametrize(
    ("slug", "mutate", "expected"),
    [
        (
            "acme",
            lambda b: b["sources"].update(paid_ads=["snapchat_ads"]),
            [
                "tenant 'acme'",
                "sources",
                "unknown connector 'snapchat_ads'",
                "allowed in paid_ads",
                "tiktok_ads",
            ],
        ),
        (
            "acme",
            lambda b: b["sources"].update(paid_ads=["shopify"]),
            ["tenant 'acme'", "sources", "'shopify' belongs to ecommerce", "move it under ecommerce"],
        ),
        (
            "acme",
            lambda b: b["sources"].update(analytics=["mixpanel", "amplitude"]),
            ["tenant 'acme'", "sources.analytics", "at most 1"],
        ),
        (
            "Acme-Corp",
            lambda b: None,
            ["tenant 'Acme-Corp'", "field slug", "malformed slug", "lowercase letters"],
        ),
        ("acme__corp", lambda b: None, ["malformed slug 'acme__corp'"]),
        ("acme", lambda b: b.pop("name"), ["tenant 'acme'", "field name", "required"]),
        ("acme", lambda b: b["mock_data"].pop("seed"), ["tenant 'acme'", "field mock_data.seed", "required"]),
        ("acme", lambda b: b["business_logic"].update(currency="dollars"), ["field business_logic.currency"]),
        (
            "acme",
            lambda b: b["business_logic"].update(attribution_model="last_click"),
            ["business_logic.attribution_model", "'time_decay' or 'data_driven'"],
        ),
        ("acme", lambda b: b.update(colour="red"), ["field colour", "not a known field"]),
    ],
)
def test_bad_tenant_fails_with_a_message_naming_tenant_field_and_rule(slug, mutate, expected) -> None:
    body = tenant_body({"paid_ads": ["facebook_ads"], "ecommerce": ["shopify"]})
    mutate(body)
    with pytest.raises(ConfigError) as err:
        parse_tenants({"tenants": {slug: body}})
    for fragment in expected:
        assert fragment in str(err.value)


def test_duplicate_slug_fails_naming_it(tmp_path: Path) -> None:
    text = (ROOT / "tenants.yaml").read_text()
    dup = text + "\n  tyrell_corp:\n    name: Again\n"
    path = tmp_path / "tenants.yaml"
    path.write_text(dup)
    with pytest.raises(ConfigError, match="tenant 'tyrell_corp' is defined twice"):
        load_tenants(path)


def test_missing_file_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="GATA_TENANTS_FILE"):
        load_tenants(tmp_path / "nope.yaml")
