"""One deadline per request, and cancellation, against real slow work.

The slow scan is real: a copy of the demo snapshot in which tyrell_corp's ad
performance table is a view multiplying its rows by a million (DuckDB reads it
lazily, so the file stays small), served by `gata serve`. Other tenants are
untouched, so the server can be seen answering them while tyrell's query runs.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import anyio
import duckdb
import httpx2
import pytest
import yaml
from mcp import Client
from mcp.client.stdio import stdio_client

from gata.errors import QueryCancelled
from gata.settings import Paths
from gata.tokens import Scope, TokenStore
from mcp_server.executor import Deadline, execute
from mcp_server.server import build_server
from mcp_server.state import ServerConfig
from tests.mcp_server.mcp_support import (
    HttpServer,
    http_client,
    http_server,
    publish_copy,
    session,
    stdio_params,
)

SLOW_TIMEOUT_S = 3.0
SLOW_QUERY = {"metrics": ["spend"], "dimensions": ["source_platform"]}
STOPPED = re.compile(
    r"DuckDB stopped (?:the query|the empty-result diagnosis) (\d+) ms after the request was "
    r"(cancelled|past its deadline)"
)
GIVE_UP_AFTER_S = 2.0  # long enough for the query to be compiled and running, short of the time limit


def slow_copy(demo: Paths, root: Path) -> Paths:
    """The demo's snapshot, with tyrell_corp's ad performance a view a million times its size."""
    paths = Paths(home=root / "home", tenants_file=demo.tenants_file)
    v1 = publish_copy(demo, paths.serving_dir, "v1")
    config = yaml.safe_load((v1 / "semantic_configs" / "tyrell_corp.yaml").read_text())
    table = config["tables"]["ad_performance"]["table"]
    with duckdb.connect(str(paths.serving_dir / "v1" / "warehouse.duckdb")) as con:
        con.execute(f"alter table analytics.{table} rename to {table}__base")
        con.execute(
            f"create view analytics.{table} as select b.* from analytics.{table}__base b, range(5000000) r"
        )
    return paths


@pytest.fixture(scope="module")
def slow_home(demo: Paths, tmp_path_factory: pytest.TempPathFactory) -> Paths:
    return slow_copy(demo, tmp_path_factory.mktemp("slow"))


@pytest.fixture(scope="module")
def slow_server(slow_home: Paths, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HttpServer]:
    with http_server(
        slow_home,
        tmp_path_factory.mktemp("slowlog") / "serve.log",
        GATA_QUERY_TIMEOUT_SECONDS=str(SLOW_TIMEOUT_S),
    ) as srv:
        yield srv


@pytest.fixture(scope="module")
def slow_tokens(slow_home: Paths) -> dict[str, str]:
    store = TokenStore(slow_home.tokens_file)
    return {t: store.create(tenant=t)[1] for t in ("tyrell_corp", "wayne_enterprises")}


def stopped_lines(log: Path, after: int = 0) -> list[tuple[int, str]]:
    return [(int(ms), why) for ms, why in STOPPED.findall(log.read_text()[after:])]


def wait_for_line(log: Path, after: int, timeout: float = 10) -> tuple[int, str]:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        lines = stopped_lines(log, after)
        if lines:
            return lines[0]
        time.sleep(0.05)
    raise AssertionError(f"the server never logged a stopped query:\n{log.read_text()[after:]}")


def test_a_cancelled_deadline_runs_no_more_queries() -> None:
    con = duckdb.connect()
    deadline = Deadline(60)
    deadline.cancel()
    with pytest.raises(QueryCancelled):
        execute(con, "select 1", 1, deadline)
    deadline.close()


@pytest.mark.slow
def test_the_time_limit_stops_a_slow_scan_and_others_are_answered_meanwhile(
    slow_server: HttpServer, slow_tokens: dict[str, str]
) -> None:
    after = len(slow_server.log.read_text())
    with (
        session(lambda: http_client(slow_server.url, slow_tokens["tyrell_corp"])) as tyrell,
        session(lambda: http_client(slow_server.url, slow_tokens["wayne_enterprises"])) as wayne,
    ):
        pending = tyrell.portal.start_task_soon(tyrell.client.call_tool, "query", SLOW_QUERY)
        time.sleep(0.5)
        assert not pending.done()  # the scan is running ...
        health = httpx2.get(slow_server.url + "/health", timeout=1)  # ... and the server still answers
        assert health.status_code == 200
        assert wayne.ok("query", {"metrics": ["spend"]})["rows"][0]["spend"] > 0
        assert not pending.done()
        result = pending.result(timeout=30)
    assert result.is_error
    assert f"took longer than {SLOW_TIMEOUT_S:g} s" in result.content[0].text  # type: ignore[union-attr]
    assert "during the query" in result.content[0].text  # type: ignore[union-attr]
    ms, why = wait_for_line(slow_server.log, after)
    assert why == "past its deadline" and ms < 200


LONG_LIKE = (
    "%" + "%".join(["tyrellcorpblackfriday" + "z" * 5] * 7) + "%"
)  # 8 wildcards, near the 200-character limit
SHAPES = {
    "long like pattern": {
        "metrics": ["spend"],
        "dimensions": ["campaign_name"],
        "filters": [{"field": "campaign_name", "operator": "ilike", "value": LONG_LIKE}],
    },
    "thousand-value in list": {
        "metrics": ["spend", "clicks"],
        "dimensions": ["source_platform"],
        "filters": [
            {"field": "campaign_name", "operator": "not in", "values": [f"c-{i}" for i in range(1000)]}
        ],
    },
    "wide group-by": {
        "metrics": ["spend", "clicks", "impressions"],
        "time_grain": "day",
        "dimensions": ["campaign_name", "source_platform"],
    },
}


@pytest.mark.slow
@pytest.mark.parametrize("shape", list(SHAPES))
def test_every_query_shape_stops_at_the_deadline(
    slow_server: HttpServer, slow_tokens: dict[str, str], shape: str
) -> None:
    after = len(slow_server.log.read_text())
    with session(lambda: http_client(slow_server.url, slow_tokens["tyrell_corp"])) as tyrell:
        text = tyrell.error("query", SHAPES[shape])
    assert f"took longer than {SLOW_TIMEOUT_S:g} s" in text
    ms, why = wait_for_line(slow_server.log, after)
    assert why == "past its deadline" and ms < 200


@pytest.mark.slow
def test_a_client_that_gives_up_stops_its_query(slow_server: HttpServer, slow_tokens: dict[str, str]) -> None:
    # over streamable HTTP a client cancels by closing its request: the server sees a disconnect
    after = len(slow_server.log.read_text())

    async def give_up(client: Client) -> None:
        with anyio.move_on_after(GIVE_UP_AFTER_S):
            await client.call_tool("query", SLOW_QUERY)

    with session(lambda: http_client(slow_server.url, slow_tokens["tyrell_corp"])) as tyrell:
        tyrell.run(give_up, tyrell.client)
        ms, why = wait_for_line(slow_server.log, after, timeout=SLOW_TIMEOUT_S - GIVE_UP_AFTER_S)
        assert why == "cancelled" and ms < 100
        assert tyrell.ok("list_metrics")["tenant"] == "tyrell_corp"  # the session is still usable


@pytest.mark.slow
def test_notifications_cancelled_stops_the_query_over_stdio(slow_home: Paths, tmp_path: Path) -> None:
    errlog = tmp_path / "stderr.log"

    async def give_up(client: Client) -> None:
        await client.call_tool(
            "query", {"metrics": ["sessions"]}
        )  # a fresh server: load tyrell's models first
        with anyio.move_on_after(
            GIVE_UP_AFTER_S
        ):  # the client sends notifications/cancelled as it abandons the call
            await client.call_tool("query", SLOW_QUERY)

    with (
        open(errlog, "w") as err,
        session(
            lambda: Client(stdio_client(stdio_params(slow_home, "--tenant", "tyrell_corp"), errlog=err))
        ) as s,
    ):
        s.run(give_up, s.client)
        ms, why = wait_for_line(errlog, 0)
        assert why == "cancelled" and ms < 100
        assert s.ok("list_metrics")["tenant"] == "tyrell_corp"


def test_the_deadline_covers_compilation(demo: Paths) -> None:
    # a deliberately slow compile: a thousand-value in-list never compiled before, against a 10 ms budget
    mcp = build_server(demo, Scope("tyrell_corp"), config=ServerConfig(query_timeout_s=0.01))

    async def main() -> str:
        async with Client(mcp) as client:
            result = await client.call_tool(
                "query",
                {
                    "metrics": ["spend"],
                    "filters": [
                        {
                            "field": "campaign_name",
                            "operator": "in",
                            "values": [f"slow-{i}" for i in range(1000)],
                        }
                    ],
                },
            )
            assert result.is_error
            return result.content[0].text  # type: ignore[union-attr]

    text = anyio.run(main)
    assert "took longer than 0.01 s" in text and "narrow the date_range" in text
