"""Publish what serving needs as an immutable snapshot, switched in atomically.

DuckDB allows one writer or many readers across processes, never both. So the
MCP server never reads the build files: after a successful build, the star
tables, the observability tables and the semantic configs are copied into a new
version directory (``serving/v{N}/``), and the ``serving/current`` symlink is
replaced in one rename. Servers notice the new target on their next request and
switch without a restart; a build that fails or is killed never reaches the
rename, so the served data stays as it was.

A publish killed mid-way (kill -9, power loss) leaves its work directory
``serving/v{N}.{pid}.partial``; the next publish (which holds the pipeline lock,
so no other publish can be running) and every server start remove such leftovers,
each with a log line. The served snapshot is never touched by them.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from gata.lock import file_lock
from gata.settings import Paths
from gata.target import resolve_target

log = logging.getLogger(__name__)
SERVING_DB = "warehouse.duckdb"
PARTIAL = ".partial"
KEEP_VERSIONS = 3
# platform tables pipeline_health reads (they are small); each tenant's build file holds its own rows
PLATFORM_TABLES = ("obs_invocations", "obs_node_results", "load_history", "schema_dna_history",
                   "connector_blueprints", "platform_hub__tenant_keys", "platform_sat__tenant_config_history")
SHARED_PLATFORM_TABLES = ("connector_blueprints",)  # the same library in every tenant's file


def current_version(paths: Paths) -> Path | None:
    link = paths.serving_dir / "current"
    return link.resolve() if link.exists() else None


@contextmanager
def served(paths: Paths) -> Iterator[duckdb.DuckDBPyConnection | None]:
    """A read-only connection to the snapshot being served (None: nothing published yet)."""
    version = current_version(paths)
    if version is None or not (version / SERVING_DB).exists():
        yield None
        return
    with duckdb.connect(str(version / SERVING_DB), read_only=True) as con:
        yield con


def publish(paths: Paths, changed: Collection[str] | None = None, retired: Collection[str] = (),
            attempted: Collection[str] = ()) -> Path:
    """Snapshot the build warehouse's serving tables and configs; returns the new version dir.

    ``changed`` names the tenants whose build succeeded in this run (None: all of
    them). Every other tenant keeps serving exactly what the previous snapshot
    held, so a failed build never changes what it answers, and a one-tenant build
    copies one tenant's tables, not everyone's (the previous snapshot file is
    copied whole, which is sequential I/O, then the changed tables are replaced).
    ``attempted`` names tenants whose build failed in this run: their star tables
    stay as they were, but their platform rows (load history, drift, the failed
    run) are gathered, so pipeline_health says why their data did not move.
    """
    with file_lock(paths.serving_lock_file, what="publish"):
        return _publish(paths, changed, retired, attempted)


def _publish(paths: Paths, changed: Collection[str] | None, retired: Collection[str],
             attempted: Collection[str]) -> Path:
    paths.serving_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(paths, publishing=True)
    previous = current_version(paths)
    version = paths.serving_dir / f"v{time.time_ns()}"
    tmp = version.with_name(f"{version.name}.{os.getpid()}{PARTIAL}")
    tmp.mkdir()
    try:
        if previous is not None:
            shutil.copy2(previous / SERVING_DB, tmp / SERVING_DB)
            shutil.copytree(previous / "semantic_configs", tmp / "semantic_configs", dirs_exist_ok=True)
        (tmp / "semantic_configs").mkdir(exist_ok=True)
        target = resolve_target()
        with target.connect(str(tmp / SERVING_DB)) as con:
            for schema in ("analytics", "platform"):
                con.execute(f"create schema if not exists {schema}")
            built = _tenants(paths, changed)
            for slug in [*built, *(s for s in _tenants(paths, attempted) if s not in built)]:
                con.execute(f"attach '{target.tenant_location(paths, slug)}' as build (read_only)")
                if slug in built:
                    _copy(con, "build", "analytics")
                _gather_platform(con, "build", slug)
                con.execute("detach build")
            for slug in retired:
                _drop_tenant(con, slug)
                (tmp / "semantic_configs" / f"{slug}.yaml").unlink(missing_ok=True)
            con.execute("checkpoint")
        for config in (
            sorted(paths.semantic_configs_dir.glob("*.yaml")) if paths.semantic_configs_dir.exists() else []
        ):
            if changed is None or config.stem in changed:
                shutil.copy2(config, tmp / "semantic_configs" / config.name)
        os.rename(tmp, version)
        link_tmp = paths.serving_dir / f".current.{os.getpid()}"
        if link_tmp.is_symlink():
            link_tmp.unlink()
        link_tmp.symlink_to(version.name)
        os.replace(link_tmp, paths.serving_dir / "current")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _prune(paths, keep=version)
    return version


def remove_stale_partials(paths: Paths, publishing: bool = False) -> list[Path]:
    """Delete the work directories of publishes that died; returns what was removed.

    ``publishing``: the caller holds the pipeline lock, so every partial directory is a
    dead publish's. Otherwise (a server starting) only those whose writer process is gone.
    """
    if not paths.serving_dir.exists():
        return []
    removed = []
    for partial in sorted(paths.serving_dir.glob(f"v*{PARTIAL}")):
        if not partial.is_dir() or (not publishing and _writer_alive(partial)):
            continue
        size = sum(f.stat().st_size for f in partial.rglob("*") if f.is_file())
        shutil.rmtree(partial, ignore_errors=True)
        log.warning("removed %s (%.1f MB), left by a publish that did not finish; the served snapshot is "
                    "unchanged", partial, size / 1e6)
        removed.append(partial)
    return removed


def _writer_alive(partial: Path) -> bool:
    """Whether the process named in ``v{N}.{pid}.partial`` still runs (a name without a pid: assume not)."""
    parts = partial.name.removesuffix(PARTIAL).split(".")
    if len(parts) != 2 or not parts[1].isdigit():
        return False
    try:
        os.kill(int(parts[1]), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True


def _tenants(paths: Paths, changed: Collection[str] | None) -> list[str]:
    """The tenants whose star tables this publish copies (each from its own database)."""
    if resolve_target().is_motherduck:  # no local files to list: the tenants of tenants.yaml
        from gata.tenants import load_tenants

        built = sorted(load_tenants(paths.tenants_file))
    else:
        built = (
            sorted(p.stem for p in paths.tenant_dbs_dir.glob("*.duckdb"))
            if paths.tenant_dbs_dir.exists()
            else []
        )
    return [t for t in built if changed is None or t in changed]


def _drop_tenant(con: duckdb.DuckDBPyConnection, slug: str) -> None:
    """A retired tenant's star tables leave the snapshot (its build files stay, like a removed source's)."""
    for (table,) in con.execute("select table_name from duckdb_tables() where schema_name = 'analytics' "
                                "and (table_name like ? escape '!' or table_name like ? escape '!')",
                                [f"fct!_{_like(slug)}!_!_%", f"dim!_{_like(slug)}!_!_%"]).fetchall():
        con.execute(f'drop table analytics."{table}"')


def _like(text: str) -> str:
    return text.replace("!", "!!").replace("_", "!_").replace("%", "!%")


def _gather_platform(con: duckdb.DuckDBPyConnection, db: str, slug: str) -> None:
    """Replace one tenant's rows of the snapshot's platform tables with those of its build file.

    Landing and dbt write a tenant's registry and observability rows into the
    tenant's own file (so tenants build side by side); the snapshot holds every
    tenant's, as the single multi-tenant view pipeline_health reads. ``union all by
    name`` keeps a column that only newer builds have.
    """
    present = {t for (t,) in con.execute(
        "select table_name from duckdb_tables() where database_name = ? and schema_name = 'platform'", [db]).fetchall()}
    served = {
        t
        for (t,) in con.execute(
            "select table_name from duckdb_tables() where database_name = current_database() "
            "and schema_name = 'platform'"
        ).fetchall()
    }
    for table in PLATFORM_TABLES:
        if table not in present:
            continue
        source = f'{db}.platform."{table}"'
        if table in SHARED_PLATFORM_TABLES or table not in served:
            con.execute(f'create or replace table platform."{table}" as select * from {source}')
        else:
            con.execute(
                f'create or replace table platform."{table}" as select * from platform."{table}" '
                f"where tenant_slug is distinct from ? union all by name select * from {source}",
                [slug],
            )


def _copy(con: duckdb.DuckDBPyConnection, db: str, schema: str, only: Collection[str] | None = None) -> None:
    """Replace the snapshot's copies of the attached database's tables in one schema."""
    for (table,) in con.execute(
        "select table_name from duckdb_tables() where database_name = ? and schema_name = ? order by 1",
        [db, schema],
    ).fetchall():
        if only is None or table in only:
            con.execute(
                f'create or replace table {schema}."{table}" as select * from {db}.{schema}."{table}"'
            )


def _prune(paths: Paths, keep: Path) -> None:
    """Drop old versions (a server still reading one keeps its open file until it switches)."""
    versions = sorted(
        (p for p in paths.serving_dir.glob("v*") if p.is_dir() and not p.name.endswith(PARTIAL)),
        key=lambda p: int(p.name[1:]),
    )
    for old in versions[:-KEEP_VERSIONS]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
