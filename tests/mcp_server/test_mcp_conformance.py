"""The official MCP conformance suite's server scenarios, run by scripts/conformance.py against GATA's HTTP app.

Every scenario the suite lists must pass against GATA's own server with the suite's
fixtures added (``mcp_server.conformance_fixtures``), an unmodified ``gata serve`` must
pass the scenarios that need no fixture, and no fixture may ever reach a normal server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from gata.settings import PROJECT_ROOT, Paths
from mcp_server import conformance_fixtures as fixtures
from tests.mcp_server.mcp_support import (
    TOOLS,
    HttpServer,
    Session,
    Tokens,
    env_for,
    http_client,
    http_server,
    session,
)

CACHE = Path(os.environ.get("GATA_CONFORMANCE_CACHE", Path.home() / ".cache" / "gata" / "conformance"))
SCRIPT = PROJECT_ROOT / "scripts" / "conformance.py"
UNAVAILABLE = 3  # scripts/conformance.py: Node or the suite cannot be installed here
FIXTURE_NAMES = {*fixtures.TOOLS, *fixtures.RESOURCES, *fixtures.TEMPLATES, *fixtures.PROMPTS}
INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "conformance-test", "version": "1"},
    },
}
ACCEPT = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


def conformance(paths: Paths, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--cache", str(CACHE), *args],
        env=env_for(paths),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


@pytest.fixture(scope="module")
def suite(demo: Paths) -> list[str]:
    """Node 22 and the suite installed (skip only when they cannot be); returns every server scenario's name."""
    installed = conformance(demo, "--install-only")
    if installed.returncode == UNAVAILABLE:
        pytest.skip(installed.stderr.strip())
    assert installed.returncode == 0, installed.stdout + installed.stderr
    node, cli = installed.stdout.split("installed: ", 1)[1].strip().split(" and ")
    listing = subprocess.run([node, cli, "list", "--server"], capture_output=True, text=True, check=True)
    return [
        line.strip()[2:].split(" ")[0]
        for line in listing.stdout.splitlines()
        if line.strip().startswith("- ")
    ]


def names(listing: object, attr: str, key: str) -> set[str]:
    return {str(getattr(item, key)) for item in getattr(listing, attr)}


def listed(s: Session) -> set[str]:
    """Every tool, resource, resource template and prompt name or URI a session is shown."""
    return (
        names(s.run(s.client.list_tools), "tools", "name")
        | names(s.run(s.client.list_resources), "resources", "uri")
        | names(s.run(s.client.list_resource_templates), "resource_templates", "uri_template")
        | names(s.run(s.client.list_prompts), "prompts", "name")
    )


@pytest.mark.slow
def test_every_server_scenario_passes_on_gatas_http_app(demo: Paths, suite: list[str]) -> None:
    proc = conformance(demo)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    passed = {line.split()[1] for line in proc.stdout.splitlines() if line.startswith("PASS")}
    assert len(suite) >= 32 and passed == set(suite), sorted(set(suite) - passed)
    assert "FAIL" not in proc.stdout
    assert f"{len(suite)}/{len(suite)} scenarios passed" in proc.stdout
    assert "conformance run" not in demo.tokens_file.read_text()  # its token was revoked


@pytest.mark.slow
def test_plain_gata_serve_passes_the_scenarios_that_need_no_fixture(demo: Paths, suite: list[str]) -> None:
    proc = conformance(
        demo,
        "--plain",
        "--scenario",
        "server-initialize",
        "--scenario",
        "tools-list",
        "--scenario",
        "dns-rebinding-protection",
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert proc.stdout.count("PASS ") == 3


@pytest.mark.slow
def test_a_normal_server_never_shows_a_fixture(admin_http: Session, tyrell_stdio: Session) -> None:
    for s in (admin_http, tyrell_stdio):
        shown = listed(s)
        assert shown & FIXTURE_NAMES == set()
        assert not any(name.startswith("test://") for name in shown)
        assert "test_simple_text" in s.error("test_simple_text")  # unknown here: the refusal names it
    assert {t.name for t in admin_http.run(admin_http.client.list_tools).tools} == TOOLS


@pytest.fixture(scope="module")
def fixture_server(demo: Paths, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HttpServer]:
    """``python -m mcp_server.conformance_fixtures``, as scripts/conformance.py starts it."""
    log = tmp_path_factory.mktemp("fixtures") / "server.log"
    with http_server(demo, log, [sys.executable, "-m", "mcp_server.conformance_fixtures"]) as server:
        yield server


@pytest.mark.slow
def test_the_fixture_server_keeps_gatas_tokens_hosts_and_scopes(
    fixture_server: HttpServer, tokens: Tokens
) -> None:
    """The suite must judge our stack: the fixture mode adds fixtures and changes nothing else."""
    mcp = fixture_server.url + "/mcp"
    assert httpx2.post(mcp, json=INIT, headers=ACCEPT).status_code == 401
    bearer = {**ACCEPT, "Authorization": f"Bearer {tokens.by_tenant['tyrell_corp']}"}
    assert httpx2.post(mcp, json=INIT, headers={**bearer, "Host": "evil.example.com"}).status_code == 421
    assert (
        httpx2.post(mcp, json=INIT, headers={**bearer, "Origin": "http://evil.example.com"}).status_code
        == 403
    )
    with session(lambda: http_client(fixture_server.url, tokens.by_tenant["tyrell_corp"])) as tyrell:
        shown = listed(tyrell)
        assert FIXTURE_NAMES <= shown
        assert TOOLS - {"onboard_tenant"} <= shown and "onboard_tenant" not in shown  # still scoped by role
        assert (
            "gata://tenants/tyrell_corp/metrics" in shown
            and "gata://tenants/wayne_enterprises/metrics" not in shown
        )
        text = tyrell.run(tyrell.client.read_resource, "test://template/123/data").contents[0].text
        assert json.loads(text) == {"id": "123", "templateTest": True, "data": "Data for ID: 123"}
        assert (
            tyrell.ok("list_metrics")["tenant"] == "tyrell_corp"
        )  # GATA's own tools answer beside the fixtures


def test_build_server_registers_no_fixture(tmp_path: Path) -> None:
    """Fast guard: only ``conformance_fixtures.install`` adds fixtures, and nothing in GATA calls it."""
    from mcp_server.auth import Scope
    from mcp_server.server import build_server

    paths = Paths(home=tmp_path / "home", tenants_file=tmp_path / "tenants.yaml").ensure()
    for mcp in (build_server(paths, Scope(tenant=None, admin=True)), build_server(paths, http=True)):
        registered = (
            {t.name for t in mcp._tool_manager.list_tools()}
            | {str(r.uri) for r in mcp._resource_manager.list_resources()}
            | {t.uri_template for t in mcp._resource_manager.list_templates()}
            | {p.name for p in mcp._prompt_manager.list_prompts()}
        )
        assert registered and registered & FIXTURE_NAMES == set()
    packages = [d for d in PROJECT_ROOT.iterdir() if (d / "__init__.py").exists() and d.name != "tests"]
    callers = [
        p
        for d in packages
        for p in d.rglob("*.py")
        if p.name != "conformance_fixtures.py" and "conformance_fixtures" in p.read_text()
    ]
    assert packages and callers == []
