"""Helpers to start the real server (a stdio subprocess, `gata serve` over HTTP on 127.0.0.1) and talk to it.

Tests talk to them with the official ``mcp`` client, kept open for the session in a
blocking portal (an event loop in a thread), so plain synchronous tests, and
hypothesis, can make many calls over one connection.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import httpx2
from anyio.from_thread import BlockingPortal, start_blocking_portal
from mcp import Client, StdioServerParameters
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client
from mcp_types import CallToolResult

from gata.settings import PROJECT_ROOT, Paths
from gata.tokens import TokenStore

DEMO_TENANTS = ("tyrell_corp", "wayne_enterprises", "stark_industries")
OTHERS = ("wayne_enterprises", "stark_industries")  # tyrell_corp's neighbours in the isolation tests
TOOLS = {"list_metrics", "get_dimension_values", "query", "onboard_tenant", "pipeline_health"}


def env_for(paths: Paths, **extra: str) -> dict[str, str]:
    return {**os.environ, "GATA_HOME": str(paths.home), "GATA_TENANTS_FILE": str(paths.tenants_file), **extra}


def gata_command() -> list[str]:
    """How a user starts it: `uv run gata ...` (the venv's script when uv is not on PATH)."""
    uv = shutil.which("uv")
    if uv:
        return [uv, "run", "--no-sync", "--directory", str(PROJECT_ROOT), "gata"]
    return [str(Path(sys.executable).with_name("gata"))]


@dataclass
class Session:
    """A connected MCP client driven synchronously through a portal."""

    portal: BlockingPortal
    client: Client

    def call(self, tool: str, args: dict[str, Any] | None = None) -> CallToolResult:
        return self.portal.call(self.client.call_tool, tool, args or {})

    def ok(self, tool: str, args: dict[str, Any] | None = None) -> dict[str, Any]:
        result = self.call(tool, args)
        assert not result.is_error, result.content[0].text  # type: ignore[union-attr]
        assert result.structured_content is not None
        return result.structured_content

    def error(self, tool: str, args: dict[str, Any] | None = None) -> str:
        result = self.call(tool, args)
        assert result.is_error, f"expected an error from {tool}({args}), got {result.structured_content}"
        return result.content[0].text  # type: ignore[union-attr]

    def run(self, fn: Any, *args: Any) -> Any:
        return self.portal.call(fn, *args)


@asynccontextmanager
async def http_client(url: str, token: str | None) -> AsyncIterator[Client]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with (httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(60, read=120)) as hc,
                Client(streamable_http_client(url + "/mcp", http_client=hc)) as client):
        yield client


@asynccontextmanager
async def sse_session(url: str, token: str) -> AsyncIterator[Client]:
    async with Client(sse_client(url + "/sse", headers={"Authorization": f"Bearer {token}"})) as client:
        yield client


@contextmanager
def session(make: Any) -> Iterator[Session]:
    """Open ``make()`` (an async context manager yielding a Client) in a portal thread."""
    with start_blocking_portal() as portal, portal.wrap_async_context_manager(make()) as client:
        yield Session(portal, client)


def stdio_params(paths: Paths, *scope: str) -> StdioServerParameters:
    cmd = gata_command()
    return StdioServerParameters(command=cmd[0], args=[*cmd[1:], "serve", "--transport", "stdio", *scope],
                                 env=env_for(paths), cwd=str(PROJECT_ROOT))


@contextmanager
def stdio_session(paths: Paths, *scope: str) -> Iterator[Session]:
    with session(lambda: Client(stdio_params(paths, *scope))) as s:
        yield s


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# filter and search values an attacker would try: injection, wildcards, other tenants' names, odd text
EVIL_VALUES = [
    "' or '1'='1",
    "x' union select customer_email from analytics.fct_wayne_enterprises__orders --",
    "wayne_enterprises",
    "%",
    "_",
    "%wayne%",
    "\\",
    "''",
    '"',
    "\u0000",
    "🙂",
    "é",
    "\u202e",
    "null",
    "NULL",
    "2026-10-20' or 1=1 --",
    "tyrell_corp_black_friday",
    "google_ads",
    "1e309",
]


@dataclass
class HttpServer:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path


@contextmanager
def http_server(paths: Paths, log: Path, command: list[str] | None = None, **env: str) -> Iterator[HttpServer]:
    """An HTTP server as a child process on a free port (`gata serve` unless ``command`` is given, which
    gets ``--port N`` appended); waits for /health."""
    port = free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen([*(command or [*gata_command(), "serve"]), "--port", str(port)],
                                env=env_for(paths, **env), cwd=str(PROJECT_ROOT), stdout=out,
                                stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx2.get(url + "/health", timeout=2).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the server did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield HttpServer(url=url, port=port, process=proc, log=log)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@dataclass
class Tokens:
    store: TokenStore
    by_tenant: dict[str, str]
    admin: str
    ghost: str  # scoped to a tenant that was never built


def snapshot_db(paths: Paths, version: str) -> duckdb.DuckDBPyConnection:
    """The published file a result came from, opened read-only (as the server does)."""
    return duckdb.connect(str(paths.serving_dir / version / "warehouse.duckdb"), read_only=True)


def catalog_names(paths: Paths, tenant: str) -> tuple[set[str], set[str]]:
    import yaml

    config = yaml.safe_load((paths.serving_dir / "current" / "semantic_configs" / f"{tenant}.yaml").read_text())
    return set(config["metrics"]), set(config["dimensions"])


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def leak_markers(paths: Paths) -> set[str]:
    """Strings that exist only in other tenants' data: their slugs and table names, their campaign names."""
    markers = set(OTHERS)
    with snapshot_db(paths, "current") as con:
        for other in OTHERS:
            markers |= {
                r[0]
                for r in con.execute(
                    f"select distinct campaign_name from analytics.dim_{other}__campaigns"
                ).fetchall()
                if r[0]
            }
            markers |= {
                r[0]
                for r in con.execute(
                    "select table_name from duckdb_tables() where table_name like ?", [f"%{other}%"]
                ).fetchall()
            }
    return markers


def publish_copy(demo: Paths, serving: Path, version: str) -> Path:
    """Publish a copy of the demo's current snapshot as `version` (the link swapped in one rename)."""
    serving.mkdir(parents=True, exist_ok=True)
    shutil.copytree(demo.serving_dir / os.readlink(demo.serving_dir / "current"), serving / version)
    (serving / ".tmp").symlink_to(version)
    os.replace(serving / ".tmp", serving / "current")
    return serving / version
