"""HTTP scope comes from bearer tokens: none, wrong or revoked get 401 and no data; tokens are stored hashed."""

from __future__ import annotations

import json

import httpx2
import pytest

from gata.settings import Paths
from tests.conftest import run_gata
from tests.mcp_server.mcp_support import HttpServer, Tokens, env_for, http_client, session

INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "t", "version": "0"},
    },
}
CALL = {
    "jsonrpc": "2.0",
    "id": 2,
    "method": "tools/call",
    "params": {"name": "query", "arguments": {"metrics": ["spend"]}},
}
HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


def post(server: HttpServer, token: str | None, body: dict, **headers: str) -> httpx2.Response:
    auth = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return httpx2.post(server.url + "/mcp", json=body, headers={**HEADERS, **auth, **headers}, timeout=10)


@pytest.mark.parametrize("token", [None, "gata_", "gata_not-a-real-token", "Bearer", "x" * 5000])
def test_missing_or_wrong_token_is_401_without_data(server: HttpServer, token: str | None) -> None:
    for body in (INIT, CALL):
        response = post(server, token, body)
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer ")
        assert "spend" not in response.text and "tyrell" not in response.text
    assert (
        httpx2.get(
            server.url + "/sse", headers={"Authorization": f"Bearer {token}"} if token else {}, timeout=10
        ).status_code
        == 401
    )
    assert httpx2.post(server.url + "/messages/?session_id=0", json=CALL, timeout=10).status_code == 401


def test_valid_token_then_revoked_token(server: HttpServer, demo: Paths) -> None:
    created = run_gata("token", "create", "--tenant", "tyrell_corp", "--note", "revoke me", env=env_for(demo))
    token = created.stdout.strip()
    assert token.startswith("gata_") and "\n" not in token
    stored = demo.tokens_file.read_text()
    assert token not in stored  # only the hash is kept
    listed = json.loads(run_gata("token", "list", "--json", env=env_for(demo)).stdout)
    [record] = [r for r in listed if r["note"] == "revoke me"]
    assert record["scope"] == "tenant:tyrell_corp" and token not in json.dumps(listed)
    assert post(server, token, INIT).status_code == 200
    with session(lambda: http_client(server.url, token)) as s:
        assert s.ok("query", {"metrics": ["spend"]})["tenant"] == "tyrell_corp"
        run_gata("token", "revoke", record["id"], env=env_for(demo))
        revoked = s.call  # the open session's next request carries the revoked token
        with pytest.raises(Exception):  # noqa: B017 - the transport surfaces the 401 as an error
            revoked("query", {"metrics": ["spend"]})
    response = post(server, token, INIT)
    assert response.status_code == 401 and "spend" not in response.text
    assert run_gata("token", "revoke", record["id"], env=env_for(demo), check=False).returncode == 1


def test_dns_rebinding_is_refused(server: HttpServer, tokens: Tokens) -> None:
    token = tokens.by_tenant["tyrell_corp"]
    assert post(server, token, INIT, Host="evil.example:80").status_code in (400, 421)
    assert post(server, token, INIT, Origin="http://evil.example").status_code in (400, 403)
    assert post(server, token, INIT, Host=f"localhost:{server.port}").status_code == 200


def test_health_needs_no_token_and_shows_no_data(server: HttpServer) -> None:
    health = httpx2.get(server.url + "/health", timeout=10).json()
    assert health["status"] == "ok" and health["snapshot"].startswith("v")
    assert "tyrell" not in json.dumps(health)


def test_token_for_an_unbuilt_tenant_says_so(server: HttpServer, tokens: Tokens) -> None:
    with session(lambda: http_client(server.url, tokens.ghost)) as s:
        message = s.error("query", {"metrics": ["spend"]})
        assert "ghost_corp" in message and "no published data" in message
        assert "ghost_corp" in s.error("list_metrics")


def test_token_cli_refuses_bad_input(demo: Paths) -> None:
    assert run_gata("token", "create", env=env_for(demo), check=False).returncode == 2
    bad = run_gata("token", "create", "--tenant", "Robert'); DROP", env=env_for(demo), check=False)
    assert bad.returncode == 2 and "malformed" in bad.stderr
    stdio_without_scope = run_gata(
        "serve", "--transport", "stdio", env=env_for(demo), check=False, timeout=60
    )
    assert stdio_without_scope.returncode == 2 and "--tenant" in stdio_without_scope.stderr
    http_with_scope = run_gata("serve", "--tenant", "tyrell_corp", env=env_for(demo), check=False, timeout=60)
    assert http_with_scope.returncode == 2 and "bearer token" in http_with_scope.stderr
