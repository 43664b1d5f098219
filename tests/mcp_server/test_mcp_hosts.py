"""Host and Origin checks (DNS rebinding), tools by role, and the operators' /metrics, on the real HTTP server."""

from __future__ import annotations

from pathlib import Path

import httpx2
import pytest
from prometheus_client.parser import text_string_to_metric_families

from gata.errors import ConfigError
from gata.settings import Paths
from mcp_server.hosts import HostPolicy
from tests.conftest import run_gata
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
from tests.mcp_server.test_mcp_auth import INIT, post


# ---- the policy ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "host", ["localhost", "localhost:8765", "LOCALHOST:1", "127.0.0.1", "127.0.0.1:80", "[::1]", "[::1]:8765"]
)
def test_local_names_are_allowed_with_or_without_a_port(host: str) -> None:
    assert HostPolicy.build().host_ok(host)


@pytest.mark.parametrize(
    "host",
    [
        None,
        "",
        "evil.example.com",
        "evil.example.com:8765",
        "localhost.evil.com",
        "localhost:80.evil.com",
        "localhost:99999",
        "127.0.0.1:0",
        "[::1]x",
        "127.0.0.2",
        "0.0.0.0:8765",
        "gata.lan",
    ],
)
def test_other_hosts_are_refused(host: str | None) -> None:
    assert not HostPolicy.build().host_ok(host)


def test_operator_names_and_origins() -> None:
    policy = HostPolicy.build("0.0.0.0", ["gata.lan", "proxy.example.com:8443"], ["https://bi.example.com"])
    assert policy.host_ok("gata.lan") and policy.host_ok("gata.lan:8765")
    assert policy.host_ok("proxy.example.com:8443") and not policy.host_ok("proxy.example.com:80")
    assert not policy.host_ok("0.0.0.0:8765")  # a wildcard bind is not a name anyone should send
    assert (
        policy.origin_ok(None)
        and policy.origin_ok("http://localhost")
        and policy.origin_ok("http://[::1]:3000")
    )
    assert policy.origin_ok("https://bi.example.com") and policy.origin_ok("http://gata.lan:8765")
    for origin in (
        "https://bi.example.com:444",
        "http://evil.example.com",
        "null",
        "http://localhost@evil.com",
        "file://x",
        "http://localhost/path",
    ):
        assert not policy.origin_ok(origin), origin
    with pytest.raises(ConfigError, match="allowed-host"):
        HostPolicy.build(allowed_hosts=["*"])
    with pytest.raises(ConfigError, match="allowed-origin"):
        HostPolicy.build(allowed_origins=["bi.example.com"])


# ---- on the running server ----------------------------------------------------------------------------------
def test_local_hosts_and_origins_reach_the_server(server: HttpServer, tokens: Tokens) -> None:
    token = tokens.by_tenant["tyrell_corp"]
    for host in ("localhost", f"localhost:{server.port}", "127.0.0.1", f"[::1]:{server.port}", "[::1]"):
        assert post(server, token, INIT, Host=host).status_code == 200, host
    for origin in (
        "http://localhost",
        f"http://localhost:{server.port}",
        "http://127.0.0.1:3000",
        "http://[::1]",
    ):
        assert post(server, token, INIT, Origin=origin).status_code == 200, origin


def test_other_hosts_and_origins_are_refused_on_every_route(server: HttpServer, tokens: Tokens) -> None:
    token = tokens.by_tenant["tyrell_corp"]
    for host in ("evil.example.com", f"evil.example.com:{server.port}", "gata.lan", "localhost.evil.com"):
        response = post(server, token, INIT, Host=host)
        assert response.status_code == 421, host
        assert response.headers["content-type"] == "application/problem+json"
        assert "--allowed-host" in response.json()["detail"]
    response = post(server, token, INIT, Origin="http://evil.example.com")
    assert response.status_code == 403 and "--allowed-origin" in response.json()["detail"]
    auth = {"Authorization": f"Bearer {token}", "Host": "evil.example.com"}
    for path in ("/api/v1/metrics", "/metrics", "/health", "/sse"):
        assert httpx2.get(server.url + path, headers=auth, timeout=10).status_code == 421, path


def test_allowed_host_and_origin_from_config(demo: Paths, tokens: Tokens, tmp_path: Path) -> None:
    token = tokens.by_tenant["tyrell_corp"]
    with http_server(
        demo,
        tmp_path / "serve.log",
        GATA_ALLOWED_HOSTS="gata.lan,proxy.example.com:8443",
        GATA_ALLOWED_ORIGINS="https://bi.example.com",
    ) as srv:
        assert post(srv, token, INIT, Host="gata.lan").status_code == 200
        assert (
            post(srv, token, INIT, Host="proxy.example.com:8443", Origin="https://bi.example.com").status_code
            == 200
        )
        assert post(srv, token, INIT, Host="proxy.example.com:80").status_code == 421
        assert post(srv, token, INIT, Origin="https://bi.example.com:444").status_code == 403
        assert post(srv, token, INIT, Host="localhost").status_code == 200


def test_bad_allowed_host_is_refused_at_startup(demo: Paths) -> None:
    proc = run_gata("serve", "--allowed-host", "*", env=env_for(demo), check=False, timeout=60)
    assert proc.returncode == 2 and "NAME:PORT" in proc.stderr
    proc = run_gata("serve", "--allowed-origin", "bi.example.com", env=env_for(demo), check=False, timeout=60)
    assert proc.returncode == 2 and "scheme://host" in proc.stderr


# ---- tools by role ----------------------------------------------------------------------------------------
def test_tools_by_role(tyrell: Session, admin_http: Session) -> None:
    tenant_tools = {t.name for t in tyrell.run(tyrell.client.list_tools).tools}
    assert tenant_tools == TOOLS - {"onboard_tenant"}
    assert {t.name for t in admin_http.run(admin_http.client.list_tools).tools} == TOOLS
    refusal = tyrell.error("onboard_tenant", {"slug": "x_co", "name": "X", "sources": ["tiktok_ads"]})
    assert "needs admin scope" in refusal and "gata token create --admin" in refusal


# ---- /metrics --------------------------------------------------------------------------------------------
def scrape(server: HttpServer, token: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = httpx2.get(server.url + "/metrics", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def sample(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_prometheus_metrics_count_tools_by_tenant_api_and_outcome(
    server: HttpServer, tokens: Tokens, demo: Paths
) -> None:
    token = tokens.by_tenant["wayne_enterprises"]
    before = scrape(server, tokens.admin)
    with session(lambda: http_client(server.url, token)) as s:
        s.ok("query", {"metrics": ["spend"]})
        s.ok("query", {"metrics": ["spend"], "dimensions": ["source_platform"]})
        s.ok("query", {"metrics": ["spend"]})  # the same question again: answered from the result cache
        s.error("query", {"metrics": ["spend"], "tenant": "tyrell_corp"})
        s.error("query", {"metrics": ["no_such_metric"]})
    rest = httpx2.get(
        server.url + "/api/v1/metrics", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    assert rest.status_code == 200
    after = scrape(server, tokens.admin)

    def delta(name: str, **labels: str) -> float:
        return sample(after, name, **labels) - sample(before, name, **labels)

    mcp = {"tool": "query", "tenant": "wayne_enterprises", "api": "mcp"}
    assert delta("gata_requests_total", **mcp, outcome="ok") == 3
    assert delta("gata_requests_total", **mcp, outcome="refused") == 1
    assert delta("gata_requests_total", **mcp, outcome="invalid") == 1
    assert delta("gata_errors_total", tool="query", kind="refused") >= 1
    assert delta("gata_request_duration_seconds_count", **mcp) == 5
    assert delta("gata_request_duration_seconds_bucket", **mcp, le="+Inf") == 5
    assert delta("gata_cache_requests_total", cache="results", result="hit") >= 1
    assert sample(after, "gata_cache_bytes", cache="results") > 0
    assert (
        delta(
            "gata_requests_total", tool="list_metrics", tenant="wayne_enterprises", api="rest", outcome="ok"
        )
        == 1
    )
    version = next(k for k in after if k[0] == "gata_snapshot_info")
    assert dict(version[1])["version"] == (demo.serving_dir / "current").resolve().name
    statuses = {
        dict(k[1])["tenant"] for k, v in after.items() if k[0] == "gata_tenant_pipeline_status" and v == 1
    }
    assert statuses == {"tyrell_corp", "wayne_enterprises", "stark_industries"}
    assert any(k[0] == "gata_snapshot_published_timestamp_seconds" for k in after)


def test_metrics_need_an_admin_token(server: HttpServer, tokens: Tokens) -> None:
    assert httpx2.get(server.url + "/metrics", timeout=10).status_code == 401
    refused = httpx2.get(
        server.url + "/metrics",
        timeout=10,
        headers={"Authorization": f"Bearer {tokens.by_tenant['tyrell_corp']}"},
    )
    assert refused.status_code == 403 and "admin" in refused.json()["detail"]
    assert "wayne" not in refused.text
