"""Fixtures: the demo warehouse (tests/conftest.py `demo`), tokens, an HTTP server and connected sessions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gata.settings import Paths
from mcp_server.auth import TokenStore
from tests.mcp_server.mcp_support import (
    DEMO_TENANTS,
    HttpServer,
    Session,
    Tokens,
    http_client,
    http_server,
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


