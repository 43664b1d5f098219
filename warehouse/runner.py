"""Run dbt for one tenant at a time, in this process, from its source mix's parsed project.

Each tenant's build is one ``dbt build`` of the shared models for the tenant's
slug, source mix, business logic and DNA routing. A tenant's broken data fails
its own invocation only; the others build. The graph is the same size whatever
the number of tenants, and the build opens only the tenant's own database (its
slice of the master models and platform tables included), so one tenant's build
costs the same at 3 tenants or 100, and builds of different tenants run at once
(in different worker processes, pipeline/parallel.py).

A build does not parse. The tenant reaches dbt through environment variables (see
warehouse/macros/utils/tenant.sql) and ``--vars`` hold only what is the same for
every tenant, so the parse depends on the source mix and on the slug only through
relation names. The project is parsed once per source mix with a placeholder slug
(``ParsedProject``), kept in memory, and each build gets that manifest with its own
slug written into the names: a worker building 25 tenants of 4 mixes parses 4 times.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from gata.attribution import ATTRIBUTION_MODELS
from gata.errors import TransformError
from gata.lock import file_lock
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
    """The environment a dbt invocation for ``tenant`` adds to the process's own."""
    return {
        # attached as `tenant` by warehouse/tenant_plugin.py when dbt connects
        "GATA_TENANT_DB_PATH": str(paths.tenant_db(tenant)),
        "GATA_TENANT": tenant,
        **resolve_target().dbt_env(),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_PARTIAL_PARSE": "true",
    }


@dataclass
class DbtOutcome:
    """What one dbt invocation returned: dbt's own result object and its error-level messages."""

    success: bool
    result: Any  # a RunExecutionResult, a Manifest (parse), the names listed (ls)
    errors: list[str]

    def detail(self) -> str:
        text = "\n".join(self.errors).strip()[-3000:]
        return text or "dbt reported no error message (its log is under GATA_HOME/dbt/logs)"


# dbt's flags, adapters and invocation context are process-wide: one invocation at a time,
# and a build holds it from writing its slug into the shared parsed manifest to its end
_DBT = threading.RLock()


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """``values`` in os.environ for the length of one invocation (dbt reads env_var() from it), then as before."""
    before = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _release_database() -> None:
    """Close dbt-duckdb's process-wide DuckDB instance, and with it the tenant file it attached.

    dbt-duckdb keeps an in-memory database open for the life of the process; the
    steps after a build (semantics, publish) and the next tenant's build must find
    the tenant's file free.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        env = DuckDBConnectionManager._ENV
        DuckDBConnectionManager._ENV = None
    if env is not None:
        env.close()


def invoke(args: list[str], paths: Paths, tenant: str, env: dict[str, str] | None = None,
           manifest: Any = None) -> DbtOutcome:
    """dbt in this process: project and profiles from the repo, target and logs under GATA_HOME.

    In process, not a child: starting dbt costs 3 to 4 s of imports per process, and
    a parsed ``manifest`` (``parsed_project``) can only be handed over in memory.
    ``env`` adds the tenant's variables (split_vars) for this invocation only.
    """
    from dbt.cli.main import dbtRunner

    if manifest is None:  # dbt parses: the generated per-connector models, current with the catalog first
        scaffold.write_library()  # (a manifest handed over comes from parsed_project, which wrote them)
    paths.locks_dir.mkdir(parents=True, exist_ok=True)
    full = [
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
        "--log-level",
        "none",  # nothing on our stdout: errors come back through the callback
        "--log-level-file",
        "debug",  # and everything goes to the log file
    ]
    errors: list[str] = []

    def collect(event: Any) -> None:
        if event.info.level == "error" and event.info.msg:
            errors.append(event.info.msg)

    with _DBT, _environment({**dbt_env(paths, tenant), **(env or {})}):
        try:
            res = dbtRunner(manifest=manifest, callbacks=[collect]).invoke(full)
        finally:
            _release_database()
    if res.exception is not None:
        errors.append(str(res.exception))
    return DbtOutcome(bool(res.success), res.result, errors)


PLACEHOLDER = "tenant__slug"  # no slug holds "__": a parse's stand-in for the tenant a build puts in its place


def project_digest() -> str:
    """Hash of every file dbt parses: a change to any of them re-parses."""
    h = hashlib.sha256()
    for path in sorted(DBT_PROJECT_DIR.rglob("*")):
        if path.is_file() and path.suffix in (".sql", ".yml", ".yaml") and "target" not in path.parts:
            h.update(str(path.relative_to(DBT_PROJECT_DIR)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


class ParsedProject:
    """The project parsed for one source mix, its tenant relation names kept as templates.

    What a parse depends on is the source mix (which models are enabled, which
    engines a star unions) and the slug (relation aliases and raw source schemas).
    Parsed once per mix with ``PLACEHOLDER`` as the slug, the manifest serves every
    tenant of that mix: ``for_tenant`` writes the tenant's slug into those names,
    and everything else a build needs it reads while executing.
    """

    def __init__(self, manifest: Any, mix: str) -> None:
        self.manifest = manifest
        self.mix = mix
        self._names: dict[str, tuple[str, str | None]] = {}
        for uid, node in manifest.nodes.items():
            if node.resource_type == "model":
                self._names[uid] = (node.alias, node.relation_name)
        for uid, source in manifest.sources.items():
            self._names[uid] = (source.schema, source.relation_name)

    def for_tenant(self, slug: str) -> Any:
        for uid, (name, relation) in self._names.items():
            node = self.manifest.nodes.get(uid) or self.manifest.sources[uid]
            if node.resource_type == "model":
                node.alias = name.replace(PLACEHOLDER, slug)
            else:
                node.schema = name.replace(PLACEHOLDER, slug)
            node.relation_name = relation.replace(PLACEHOLDER, slug) if relation else relation
        return self.manifest


_PARSED: OrderedDict[str, ParsedProject] = OrderedDict()
KEEP_PARSED = 4  # source mixes kept in memory, each a few tens of MB


def mix_name(sources: dict) -> str:
    return "_mix_" + hashlib.sha256(json.dumps(sources, sort_keys=True).encode()).hexdigest()[:12]


def parsed_project(sources: dict, paths: Paths) -> ParsedProject:
    """The project parsed for this source mix: from memory, else dbt's parse under ``_mix_*``.

    That parse starts from the mix's own saved manifest (partial parsing), so a new
    process re-parses only changed files; one process parses a mix at a time.
    """
    project_vars, env = split_vars({"gata_tenant": PLACEHOLDER, "gata_sources": sources})
    scaffold.write_library()  # the generated models are part of the digest: current with the catalog first
    key = json.dumps([project_digest(), resolve_target().dbt_env(), project_vars, env], sort_keys=True)
    if key in _PARSED:
        _PARSED.move_to_end(key)
        return _PARSED[key]
    mix = mix_name(sources)
    with file_lock(paths.locks_dir / f"dbt{mix}.lock", what="dbt parse"):
        out = invoke(["parse", "--vars", json.dumps(project_vars, sort_keys=True)], paths, mix, env)
    if not out.success or out.result is None:
        raise TransformError(f"dbt could not parse {DBT_PROJECT_DIR} for the sources {sources}:\n{out.detail()}")
    _PARSED[key] = ParsedProject(out.result, mix)
    while len(_PARSED) > KEEP_PARSED:
        _PARSED.popitem(last=False)
    return _PARSED[key]


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
    """One dbt command for the tenant, from its source mix's parsed project; its node results."""
    values = tenant_vars(tenant, paths)
    project_vars, env = split_vars(values)
    with _DBT:
        parsed = parsed_project(values["gata_sources"], paths)
        out = invoke([*args, "--vars", json.dumps(project_vars, sort_keys=True)], paths, tenant.slug, env,
                     manifest=parsed.for_tenant(tenant.slug))
    nodes = []
    for r in getattr(out.result, "results", None) or []:
        unique_id: str = r.node.unique_id
        kind = unique_id.split(".")[0]
        name = unique_id.split(".")[2] if kind == "test" else unique_id.split(".")[-1]
        nodes.append(NodeResult(name, kind, str(getattr(r.status, "value", r.status)), (r.message or "")[:500]))
    if not out.success and not nodes:
        raise TransformError(f"dbt could not {args[0]} {tenant.slug}:\n{out.detail()}")
    return BuildResult(tenant.slug, out.success, nodes)
