"""Run dbt for one tenant at a time, each in a child process.

Each tenant's build is one ``dbt build`` of the shared models for the tenant's
slug, source mix, business logic and DNA routing. A tenant's broken data fails
its own invocation only; the others build. The graph is the same size whatever
the number of tenants, and the build opens only the tenant's own database (its
slice of the master models and platform tables included), so one tenant's build
costs the same at 3 tenants or 100, and builds of different tenants run at once.

Parsing is partial: the tenant reaches dbt through environment variables (see
warehouse/macros/utils/tenant.sql), which dbt tracks per file, while ``--vars``
hold only what is the same for every tenant. A build starts from the tenant's
own saved manifest, or the newest any tenant saved, and re-parses only the files
that read a value that differs.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from gata.attribution import ATTRIBUTION_MODELS
from gata.errors import TransformError
from gata.settings import DBT_PROJECT_DIR, Paths
from gata.target import resolve_target
from gata.tenants import Tenant
from warehouse import scaffold


def tenant_skey(slug: str) -> str:
    return hashlib.md5(f"tenant:{slug}".encode()).hexdigest()


@dataclass
class NodeResult:
    name: str
    resource_type: str
    status: str
    message: str


@dataclass
class BuildResult:
    tenant: str
    success: bool
    nodes: list[NodeResult] = field(default_factory=list)

    @property
    def failures(self) -> list[NodeResult]:
        return [n for n in self.nodes if n.status in ("error", "fail", "runtime error")]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for n in self.nodes:
            out[f"{n.resource_type}:{n.status}"] = out.get(f"{n.resource_type}:{n.status}", 0) + 1
        return out


def tenant_vars(tenant: Tenant, paths: Paths) -> dict:
    """What the shared models need to build this tenant (the dbt side of tenants.yaml)."""
    routing = scaffold.read_routing(tenant.slug, paths)
    load_ids: dict[str, str] = {}
    target = resolve_target()
    # the tenant's load history sits in its own file (written by landing, under the tenant's lock)
    if target.is_motherduck or paths.tenant_db(tenant.slug).exists():
        with target.connect(target.tenant_location(paths, tenant.slug), read_only=True) as con:
            try:
                for connector, load_id in con.execute(
                    "select connector, max(load_id) from platform.load_history where tenant_slug = ? group by 1",
                    [tenant.slug],
                ).fetchall():
                    load_ids[connector] = load_id
            except duckdb.CatalogException:
                pass
    return {
        "gata_tenant": tenant.slug,
        "gata_tenant_skey": tenant_skey(tenant.slug),
        "gata_sources": tenant.sources.model_dump(),
        "gata_logic": tenant.business_logic.model_dump(),
        "gata_routing": routing,
        "gata_load_ids": load_ids,
    }


def macros_digest() -> str:
    """Hash of every macro file, passed as a var so that a macro edit re-parses everything.

    Partial parsing re-parses the models that call a changed macro, but the star
    models reach their engines through ``context[...]`` lookups (engine_union), which
    dbt cannot see; a changed var hash is its own signal for a full parse.
    """
    h = hashlib.sha256()
    macros = DBT_PROJECT_DIR / "macros"
    for path in sorted(macros.rglob("*.sql")):
        h.update(str(path.relative_to(macros)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def split_vars(values: dict) -> tuple[dict, dict[str, str]]:
    """tenant_vars() as dbt takes them: the --vars every tenant shares, and the tenant's environment."""
    # the same for every invocation (a tenant's build, the Dagster union parse): a difference here makes
    # dbt re-parse the whole project
    project = {"gata_attribution_models": list(ATTRIBUTION_MODELS), "gata_macros_digest": macros_digest()}
    env = {
        "GATA_TENANT": values["gata_tenant"],
        "GATA_TENANT_SOURCES": json.dumps(values.get("gata_sources", {}), sort_keys=True),
        "GATA_TENANT_CONFIG": json.dumps(
            {
                "skey": values.get("gata_tenant_skey"),
                "logic": values.get("gata_logic", {}),
                "routing": values.get("gata_routing", []),
                "load_ids": values.get("gata_load_ids", {}),
            },
            sort_keys=True,
        ),
    }
    return project, env


def dbt_env(paths: Paths, tenant: str) -> dict[str, str]:
    return {
        **os.environ,
        # attached as `tenant` by warehouse/tenant_plugin.py when dbt connects
        "GATA_TENANT_DB_PATH": str(paths.tenant_db(tenant)),
        "GATA_TENANT": tenant,
        **resolve_target().dbt_env(),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_PARTIAL_PARSE": "true",
    }


PARTIAL_PARSE_FILE = "partial_parse.msgpack"


def saved_manifest(paths: Paths, tenant: str) -> Path | None:
    """The saved manifest a build starts from: the tenant's own, else the newest any tenant saved.

    Each build writes its own target directory (builds of different tenants run at
    once), so no file is written by two processes; reading one while its writer
    rewrites it fails dbt's load and falls back to a full parse, never a wrong one.
    """
    own = paths.dbt_target(tenant) / PARTIAL_PARSE_FILE
    if own.exists():
        return own
    saved = [p for p in (paths.dbt_dir / "target").glob(f"*/{PARTIAL_PARSE_FILE}") if p.is_file()]
    return max(saved, key=lambda p: p.stat().st_mtime, default=None)


def invoke(
    args: list[str], paths: Paths, tenant: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """dbt in a child process: project and profiles from the repo, target and logs under GATA_HOME.

    A child process, not dbtRunner: dbt-duckdb keeps the warehouse file open for the
    life of its process, and the steps after a build (semantics, publish) must open it.
    ``env`` adds the tenant's variables (split_vars) to the process environment.
    """
    dbt = Path(sys.executable).with_name("dbt")
    scaffold.write_library()  # the generated per-connector models, current with the catalog before dbt parses
    paths.locks_dir.mkdir(parents=True, exist_ok=True)
    full = [
        str(dbt),
        *args,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(paths.dbt_target(tenant)),
        "--log-path",
        str(paths.dbt_dir / "logs" / tenant),
        "--no-use-colors",
        "--quiet",
    ]
    start = saved_manifest(paths, tenant)
    if start is not None:
        full += ["--partial-parse-file-path", str(start)]
    return subprocess.run(
        full, env={**dbt_env(paths, tenant), **(env or {})}, capture_output=True, text=True, check=False
    )


def scaffold_routing(tenant: Tenant, paths: Paths) -> list[Path]:
    db = paths.tenant_db(tenant.slug)
    target = resolve_target()
    if not target.is_motherduck and not db.exists():
        raise TransformError(
            f"{tenant.slug}: nothing landed yet ({db} is missing); "
            f"run `gata ingest --tenant {tenant.slug}` first"
        )
    with target.connect(target.tenant_location(paths, tenant.slug), read_only=True) as con:
        return scaffold.scaffold_tenant(tenant, paths, con)


def build_tenant(tenant: Tenant, paths: Paths, select: str | None = None) -> BuildResult:
    """Scaffold the tenant's routing and ``dbt build`` its models (and its slice of the shared ones)."""
    scaffold_routing(tenant, paths)
    # unit tests check the models' SQL on fixture rows, which no tenant's data changes: they run in
    # the test suite (unit_test_tenant), not in every production build, as dbt advises
    args = ["build", "--exclude-resource-type", "unit_test"]
    if select:
        args += ["--select", select]
    return run_dbt(args, tenant, paths)


def unit_test_tenant(tenant: Tenant, paths: Paths) -> BuildResult:
    """dbt's unit tests of the mapping logic for this tenant's source mix, alone.

    Tenant builds exclude them (they test SQL, not data); the test suite runs them here.
    ``dbt build --select test_type:unit`` selects nothing, so this is ``dbt test``.
    The models' parents must have been built once (dbt reads their column types).
    """
    return run_dbt(["test", "--select", "test_type:unit"], tenant, paths)


def run_dbt(args: list[str], tenant: Tenant, paths: Paths) -> BuildResult:
    """One dbt command for the tenant, its node results read from run_results.json."""
    started = time.time()
    project_vars, env = split_vars(tenant_vars(tenant, paths))
    res = invoke([*args, "--vars", json.dumps(project_vars, sort_keys=True)], paths, tenant.slug, env)
    results_file = paths.dbt_target(tenant.slug) / "run_results.json"
    nodes = []
    if results_file.exists() and results_file.stat().st_mtime >= started:
        for r in json.loads(results_file.read_text())["results"]:
            unique_id: str = r["unique_id"]
            kind = unique_id.split(".")[0]
            name = unique_id.split(".")[2] if kind == "test" else unique_id.split(".")[-1]
            nodes.append(NodeResult(name, kind, r["status"], (r.get("message") or "")[:500]))
    if res.returncode != 0 and not nodes:
        detail = (res.stdout + res.stderr).strip()[-3000:]
        raise TransformError(f"dbt could not {args[0]} {tenant.slug}:\n{detail}")
    return BuildResult(tenant.slug, res.returncode == 0, nodes)
