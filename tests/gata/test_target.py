"""The cloud target, resolved offline: one setting moves landing and dbt to MotherDuck.

Nothing here reaches MotherDuck (no network): what is checked is that the
setting resolves to the right locations, dlt destination, dbt output and
connection configuration, and that the token stays out of every string.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from gata.errors import ConfigError
from gata.settings import Paths
from gata.target import Target, resolve_target

MD_ENV = {"GATA_TARGET": "motherduck", "GATA_MOTHERDUCK_DATABASE": "agency_prod", "MOTHERDUCK_TOKEN": "md-secret-token"}


def test_local_is_the_default_and_names_the_files(tmp_path: Path) -> None:
    paths = Paths(home=tmp_path, tenants_file=tmp_path / "tenants.yaml")
    target = resolve_target({})
    assert target == Target() and target.config() == {}
    assert target.tenant_location(paths, "acme") == str(paths.tenant_db("acme"))
    assert target.landing_destination(paths, "acme").destination_type.endswith("duckdb")
    assert target.dbt_env() == {"GATA_DBT_TARGET": "local"}


def test_one_setting_moves_landing_and_dbt_to_motherduck(tmp_path: Path) -> None:
    from dlt.common.configuration import resolve_configuration
    from dlt.destinations.impl.motherduck.configuration import MotherDuckCredentials

    paths = Paths(home=tmp_path, tenants_file=tmp_path / "tenants.yaml")
    target = resolve_target(MD_ENV)
    assert target.tenant_location(paths, "acme") == "md:agency_prod_acme"
    assert target.config() == {"motherduck_token": "md-secret-token"}
    assert "md-secret-token" not in repr(target) + target.tenant_location(paths, "acme") + str(target.dbt_env())

    destination = target.landing_destination(paths, "acme")
    assert destination.destination_type.endswith("motherduck")
    creds = resolve_configuration(MotherDuckCredentials(), explicit_value=destination.config_params["credentials"])
    assert creds.database == "agency_prod_acme" and creds.password == "md-secret-token"
    assert "md-secret-token" not in str(creds)

    # dbt: profiles.yml's motherduck output, with the env the runner passes for this target
    from dbt.config.renderer import ProfileRenderer
    from dbt_common.context import set_invocation_context

    raw = yaml.safe_load((Path(__file__).parents[2] / "warehouse" / "profiles.yml").read_text())
    env = {**os.environ, **MD_ENV, **target.dbt_env(), "GATA_TENANT": "acme",
           "GATA_TENANT_DB_PATH": "unused"}
    env.pop("GATA_TARGET")
    set_invocation_context(env)
    rendered = ProfileRenderer({}).render_data(raw)["gata"]
    output = rendered["outputs"][rendered["target"]]
    assert rendered["target"] == "motherduck"
    assert output["path"] == "md:agency_prod"
    assert output["attach"] == [{"path": target.tenant_location(paths, "acme"), "alias": "tenant"}]
    set_invocation_context(dict(os.environ))


@pytest.mark.parametrize(("env", "message"), [
    ({"GATA_TARGET": "motherduck"}, "set MOTHERDUCK_TOKEN"),
    ({"GATA_TARGET": "snowflake"}, "use one of: local, motherduck"),
    ({**MD_ENV, "GATA_MOTHERDUCK_DATABASE": "prod; drop"}, "letters, digits and underscores"),
])
def test_a_wrong_setting_names_the_fix(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        resolve_target(env)


def test_the_previous_dbt_setting_still_selects_the_target() -> None:
    assert resolve_target({"GATA_DBT_TARGET": "motherduck", "MOTHERDUCK_TOKEN": "t"}).is_motherduck
