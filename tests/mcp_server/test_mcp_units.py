"""The guards one by one: query timeout, size cap, token store, table check, snapshot switching, scopes."""

from __future__ import annotations

import os
import time
from pathlib import Path
from types import SimpleNamespace

import anyio
import duckdb
import pytest
from mcp import Client
from mcp.server.mcpserver.exceptions import ToolError

from gata.errors import QueryTimeout
from gata.settings import Paths
from gata.tokens import Scope, TokenStore
from mcp_server.auth import GataTokenVerifier
from mcp_server.executor import execute, fit_rows, to_json_value
from mcp_server.guards import check_tables, guarded
from mcp_server.server import build_server
from mcp_server.snapshot import SnapshotManager
from mcp_server.state import ServerConfig
from tests.mcp_server.mcp_support import publish_copy


def test_timeout_interrupts_the_query() -> None:
    con = duckdb.connect()
    start = time.monotonic()
    with pytest.raises(QueryTimeout, match="took longer than 0.3 s"):
        execute(con, "select count(*) from range(1000000000000) a", 10, timeout_s=0.3)
    assert time.monotonic() - start < 5
    assert execute(con, "select 42 as x", 10, timeout_s=5).rows == [(42,)]  # the connection still works


def test_timeout_reaches_the_agent_as_an_actionable_error() -> None:
    def slow() -> None:
        raise QueryTimeout("the query ran longer than 1s and was cancelled")

    with pytest.raises(ToolError, match="narrow the date_range"):
        anyio.run(guarded, "query", slow)

    def crash() -> None:
        raise KeyError("secret internals")

    with pytest.raises(ToolError) as err:
        anyio.run(guarded, "query", crash)
    assert "internal error" in str(err.value) and "secret" not in str(err.value)


def test_row_cap_and_values() -> None:
    con = duckdb.connect()
    result = execute(
        con,
        "select range as n, range::decimal(10,2) / 3 as d, date '2026-10-05' + range::int as day, "
        "date_trunc('week', date '2026-10-07') as wk from range(11)",
        10,
        timeout_s=5,
    )
    assert result.truncated and len(result.rows) == 10
    assert result.types == ["integer", "number", "date", "date"]
    assert result.rows[1] == (1, pytest.approx(0.33, abs=0.01), "2026-10-06", "2026-10-05")
    assert to_json_value(float("nan")) is None


def test_fit_rows_cuts_at_the_byte_budget() -> None:
    rows = [{"campaign": "x" * 90, "n": i} for i in range(100)]
    kept, cut = fit_rows(rows, 1000)
    assert cut and 0 < len(kept) < 10
    assert fit_rows(rows[:3], 10_000) == (rows[:3], False)


def test_token_store_keeps_hashes_and_revokes(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "tokens.json")
    tid, token = store.create(tenant="tyrell_corp")
    _, admin = store.create(admin=True)
    assert token not in (tmp_path / "tokens.json").read_text()
    assert oct((tmp_path / "tokens.json").stat().st_mode)[-3:] == "600"
    verifier = GataTokenVerifier(TokenStore(tmp_path / "tokens.json"))  # another process's view
    access = anyio.run(verifier.verify_token, token)
    assert access and access.claims["tenant"] == "tyrell_corp" and not access.claims["admin"]
    assert anyio.run(verifier.verify_token, admin).claims["admin"]
    assert anyio.run(verifier.verify_token, token + "x") is None
    assert store.revoke(tid) and not store.revoke(tid)
    time.sleep(0.01)
    os.utime(tmp_path / "tokens.json")
    assert anyio.run(verifier.verify_token, token) is None
    assert anyio.run(verifier.verify_token, admin) is not None
    with pytest.raises(ValueError):
        store.create(tenant="a", admin=True)


def test_scope_is_one_tenant_or_admin() -> None:
    with pytest.raises(ValueError):
        Scope(tenant=None)
    with pytest.raises(ValueError):
        Scope(tenant="x", admin=True)
    with pytest.raises(ValueError):
        build_server(Paths(Path("/nonexistent"), Path("/nonexistent")), Scope("x"), http=True)


def test_check_tables_rejects_foreign_tables() -> None:
    sem = SimpleNamespace(tenant="a", config={"tables": {"m": {"table": "fct_a__x"}}})

    check_tables('select * from "analytics"."fct_a__x" as t0', sem)  # type: ignore[arg-type]
    check_tables("""select * from "analytics"."fct_a__x" where c = 'it''s analytics.fct_b__x'""", sem)  # type: ignore[arg-type]
    for sql in (
        'select * from "analytics"."fct_b__x"',
        "select * from analytics.fct_b__x",
        'select * from "analytics"."fct_a__x" join platform.load_history on true',
        "select 1",
    ):
        with pytest.raises(RuntimeError):
            check_tables(sql, sem)  # type: ignore[arg-type]


def test_snapshot_manager_switches_on_a_new_target(demo: Paths, tmp_path: Path) -> None:
    serving = tmp_path / "home" / "serving"
    publish_copy(demo, serving, "v1")
    manager = SnapshotManager(Paths(tmp_path / "home", demo.tenants_file))
    with manager.use() as first:
        assert first.version == "v1" and "tyrell_corp" in first.tenants
        publish_copy(demo, serving, "v2")
        with manager.use() as second:
            assert second.version == "v2"
        assert first.con.execute("select 1").fetchone() == (1,)  # still open for the query in flight
    with pytest.raises(duckdb.Error):
        first.con.execute("select 1")  # closed once nobody used it any more
    manager.close()


def test_a_new_snapshot_reuses_the_compiled_models_of_unchanged_tenants_only(
    demo: Paths, tmp_path: Path
) -> None:
    # a publish that changed one tenant must not make the server rebuild every tenant's models
    serving = tmp_path / "home" / "serving"
    publish_copy(demo, serving, "v1")
    manager = SnapshotManager(Paths(tmp_path / "home", demo.tenants_file))
    with manager.use() as first:
        before = {t: first.semantics(t) for t in first.tenants}
    changed = publish_copy(demo, serving, "v2") / "semantic_configs" / "wayne_enterprises.yaml"
    changed.write_text(changed.read_text() + "# rebuilt\n")
    with manager.use() as second:
        assert second.version == "v2"
        assert second.semantics("tyrell_corp") is before["tyrell_corp"]
        assert second.semantics("stark_industries") is before["stark_industries"]
        assert second.semantics("wayne_enterprises") is not before["wayne_enterprises"]
    manager.close()


def test_response_size_cap_truncates_with_a_flag(demo: Paths) -> None:
    mcp = build_server(demo, Scope("tyrell_corp"), config=ServerConfig(max_response_bytes=6000))

    async def main() -> dict:
        async with Client(mcp) as client:
            result = await client.call_tool(
                "query", {"metrics": ["spend"], "dimensions": ["ad_id", "date"], "limit": 5000}
            )
            assert not result.is_error
            return result.structured_content

    result = anyio.run(main)  # the server's state (its snapshot connection) closes with the client's session
    assert result["truncated"] and "capped at 6000 bytes" in result["truncated_reason"]
    assert 0 < result["row_count"] < 200


def test_lean_output_schemas_accept_and_refuse_what_the_full_ones_do() -> None:
    from jsonschema import Draft202012Validator

    from mcp_server.tools import BY_NAME, TOOLS, lean_schema

    for spec in TOOLS:
        full = spec.output.model_json_schema()
        lean = lean_schema(full)
        assert "$defs" not in lean and "$ref" not in str(lean) and "'anyOf': [{'type'" not in str(lean)
        Draft202012Validator.check_schema(lean)
    result = {
        "tenant": "t",
        "columns": [{"name": "spend", "role": "metric", "type": "number", "unit": "USD", "format": None}],
        "rows": [{"spend": 1.5}],
        "row_count": 1,
        "truncated": False,
        "limit": 100,
        "notes": [],
        "sql": "select",
        "freshness": {
            "last_load_at": None,
            "snapshot": {"version": "v1", "published_at": "2026-12-01T00:00:00Z"},
        },
    }
    full = BY_NAME["query"].output.model_json_schema()
    bad = [
        {**result, "columns": [{**result["columns"][0], "unit": 3}]},
        {**result, "freshness": {"snapshot": {}}},
        {**result, "columns": [{**result["columns"][0], "role": "x"}]},
    ]
    for schema in (full, lean_schema(full)):
        assert Draft202012Validator(schema).is_valid(result)
        assert not any(Draft202012Validator(schema).is_valid(b) for b in bad)


def test_serving_a_published_snapshot_loads_no_landing_code(tmp_path: Path) -> None:
    """The server answers from snapshots: dlt and pyarrow (landing) load only when it must build the demo."""
    import subprocess
    import sys

    home = tmp_path / "home"
    (home / "serving" / "v1").mkdir(parents=True)
    (home / "serving" / "current").symlink_to(home / "serving" / "v1")
    probe = (
        "import sys\n"
        "from cli.serve import _ensure_published\n"
        "assert _ensure_published()\n"
        "print(sorted(m for m in ('dlt', 'pyarrow', 'ingestion.landing') if m in sys.modules))\n"
    )
    env = {**os.environ, "GATA_HOME": str(home), "GATA_TENANTS_FILE": str(tmp_path / "tenants.yaml")}
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
