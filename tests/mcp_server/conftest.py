"""Fixtures: the demo warehouse (tests/conftest.py `demo`), tokens, an HTTP server and connected sessions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml

from gata.settings import Paths
from gata.tokens import TokenStore
from tests.mcp_server.mcp_support import (
    DEMO_TENANTS,
    HttpServer,
    Session,
    Tokens,
    catalog_names,
    http_client,
    http_server,
    leak_markers,
    session,
    stdio_session,
)


@pytest.fixture(scope="session")
def tokens(demo: Paths) -> Tokens:
    store = TokenStore(demo.tokens_file)
    by_tenant = {t: store.create(tenant=t, note="tests")[1] for t in DEMO_TENANTS}
    return Tokens(store=store, by_tenant=by_tenant, admin=store.create(admin=True)[1],
                  ghost=store.create(tenant="ghost_corp")[1])


@pytest.fixture(scope="session")
def server(demo: Paths, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HttpServer]:
    with http_server(demo, tmp_path_factory.mktemp("serve") / "serve.log") as srv:
        yield srv


@pytest.fixture(scope="session")
def tyrell_http(server: HttpServer, tokens: Tokens) -> Iterator[Session]:
    with session(lambda: http_client(server.url, tokens.by_tenant["tyrell_corp"])) as s:
        yield s


@pytest.fixture(scope="session")
def tyrell_stdio(demo: Paths) -> Iterator[Session]:
    with stdio_session(demo, "--tenant", "tyrell_corp") as s:
        yield s


@pytest.fixture(scope="session")
def admin_http(server: HttpServer, tokens: Tokens) -> Iterator[Session]:
    with session(lambda: http_client(server.url, tokens.admin)) as s:
        yield s


@pytest.fixture(params=["stdio", "http"])
def tyrell(request: pytest.FixtureRequest) -> Session:
    """tyrell_corp's scope, over each transport."""
    return request.getfixturevalue(f"tyrell_{request.param}")




# ---- the isolation tests' view of tyrell_corp (MCP and REST) -------------------------------------------
@pytest.fixture(scope="session")
def markers(demo: Paths) -> set[str]:
    """Strings that exist only in other tenants' data."""
    return leak_markers(demo)


@pytest.fixture(scope="session")
def declared(demo: Paths) -> tuple[set[str], set[str]]:
    return catalog_names(demo, "tyrell_corp")


@pytest.fixture(scope="session")
def metric_dims(demo: Paths) -> dict[str, list[str]]:
    config = yaml.safe_load(
        (demo.serving_dir / "current" / "semantic_configs" / "tyrell_corp.yaml").read_text()
    )
    return {name: sorted(spec["dimensions"]) for name, spec in config["metrics"].items()}
