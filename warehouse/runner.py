"""Run dbt for one tenant at a time, each in a child process.

Each tenant's build is one ``dbt build`` of the shared models with the tenant's
vars (slug, source mix, business logic, DNA routing). A tenant's broken data fails
its own invocation only; the others build. The graph is the same size whatever
the number of tenants, and the build opens only the tenant's own database (its
slice of the master models and platform tables included), so one tenant's build
costs the same at 3 tenants or 100, and builds of different tenants run at once.
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
from gata.catalog import catalog
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
                    [tenant.slug]).fetchall():
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
        "gata_attribution_models": list(ATTRIBUTION_MODELS),
        "gata_master_model_ids": {k: c.master_model_id for k, c in catalog().connectors.items()},
    }


def dbt_env(paths: Paths, tenant: str) -> dict[str, str]:
    return {
        **os.environ,
        "GATA_TENANT_DB_PATH": str(paths.tenant_db(tenant)),
        "GATA_TENANT": tenant,
        **resolve_target().dbt_env(),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        # full parse each time: engines are called through context[...] lookups, which
        # partial parsing does not track, so an engine edit would not reach a cached manifest
        "DBT_PARTIAL_PARSE": "false",
    }


def invoke(args: list[str], paths: Paths, tenant: str) -> subprocess.CompletedProcess[str]:
    """dbt in a child process: project and profiles from the repo, target and logs under GATA_HOME.

    A child process, not dbtRunner: dbt-duckdb keeps the warehouse file open for the
    life of its process, and the steps after a build (semantics, publish) must open it.
    """
    dbt = Path(sys.executable).with_name("dbt")
    paths.locks_dir.mkdir(parents=True, exist_ok=True)
    full = [str(dbt), *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
            "--target-path", str(paths.dbt_target(tenant)), "--log-path", str(paths.dbt_dir / "logs" / tenant),
            "--no-use-colors", "--quiet"]
    return subprocess.run(full, env=dbt_env(paths, tenant), capture_output=True, text=True, check=False)


def scaffold_routing(tenant: Tenant, paths: Paths) -> list[Path]:
    db = paths.tenant_db(tenant.slug)
    target = resolve_target()
    if not target.is_motherduck and not db.exists():
        raise TransformError(f"{tenant.slug}: nothing landed yet ({db} is missing); "
                             f"run `gata ingest --tenant {tenant.slug}` first")
    with target.connect(target.tenant_location(paths, tenant.slug), read_only=True) as con:
        return scaffold.scaffold_tenant(tenant, paths, con)


def build_tenant(tenant: Tenant, paths: Paths, select: str | None = None,
                 full_refresh: bool = False) -> BuildResult:
    """Scaffold the tenant's routing and ``dbt build`` its models (and its slice of the shared ones)."""
    scaffold_routing(tenant, paths)
    started = time.time()
    args = ["build", "--vars", json.dumps(tenant_vars(tenant, paths))]
    if select:
        args += ["--select", select]
    if full_refresh:
        args.append("--full-refresh")
    res = invoke(args, paths, tenant.slug)
    results_file = paths.dbt_target(tenant.slug) / "run_results.json"
    nodes = []
    if results_file.exists() and results_file.stat().st_mtime >= started:
        for r in json.loads(results_file.read_text())["results"]:
            unique_id: str = r["unique_id"]
            nodes.append(NodeResult(unique_id.split(".")[-1] if not unique_id.startswith("test.") else unique_id.split(".")[2],
                                    unique_id.split(".")[0], r["status"], (r.get("message") or "")[:500]))
    if res.returncode != 0 and not nodes:
        detail = (res.stdout + res.stderr).strip()[-3000:]
        raise TransformError(f"dbt could not build {tenant.slug}:\n{detail}")
    return BuildResult(tenant.slug, res.returncode == 0, nodes)
