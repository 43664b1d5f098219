"""The published snapshot the server answers from, switched without a restart.

A build publishes ``serving/v{N}/`` (star and platform tables in ``warehouse.duckdb``,
plus the semantic configs) and then atomically repoints ``serving/current``. On
every request the server reads that symlink (one syscall); when it points
somewhere new, the next request opens the new file read-only and loads its
configs, while queries already running finish on the old one, whose connection
closes when the last of them returns. The build warehouse itself is never opened,
so a running build (one writer) and the server (readers of other files) never
contend for DuckDB's lock, and a build that fails or is killed never reaches the
rename: the served data stays as it was.

Everything hanging off a snapshot is immutable, so its tenants' freshness is
cached on it; their semantic models and compiled queries live in the process-wide,
byte-bounded caches of ``mcp_server.cache``, keyed by a digest of the tenant's
semantic config, so a new snapshot whose config for a tenant is unchanged reuses
that tenant's entries and a changed one never sees them.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import duckdb
import yaml

from gata.errors import NotBuiltError
from gata.settings import Paths
from mcp_server.cache import COMPILED, SEMANTICS, digest
from mcp_server.models import SnapshotInfo
from pipeline.publish import SERVING_DB, remove_stale_partials
from semantic_configs.semantics import TenantSemantics

log = logging.getLogger(__name__)
SEMANTICS_BYTES_PER_CONFIG_BYTE = 16  # measured: a tenant's built models keep ~8.5 bytes per byte of its YAML



class Snapshot:
    """One published version: a read-only DuckDB connection and the tenants' semantic configs."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.version = path.name
        self.con = duckdb.connect(str(path / SERVING_DB), read_only=True,
                                  config={"enable_external_access": False})
        self.con.execute("set lock_configuration = true")
        self.configs: dict[str, dict[str, Any]] = {}
        for file in sorted((path / "semantic_configs").glob("*.yaml")):
            config = yaml.safe_load(file.read_text())
            if isinstance(config, dict) and config.get("tenant") == file.stem:
                self.configs[file.stem] = config
        self.yaml_text: dict[str, str] = {
            t: (path / "semantic_configs" / f"{t}.yaml").read_text() for t in self.configs}
        self.config_digest: dict[str, bytes] = {t: digest("semantic-config", t, text)
                                                for t, text in self.yaml_text.items()}
        self._semantics: dict[str, TenantSemantics] = {}  # the ones this snapshot used (kept while it serves)
        self._freshness: dict[str, datetime | None] = {}
        self._lock = threading.Lock()
        self._users = 0
        self._retired = False

    @cached_property
    def published_at(self) -> datetime:
        name = self.version.removeprefix("v")
        if name.isdigit() and len(name) >= 18:  # v{time.time_ns()}
            return datetime.fromtimestamp(int(name) / 1e9, UTC).replace(microsecond=0)
        return datetime.fromtimestamp(self.path.stat().st_mtime, UTC).replace(microsecond=0)

    @property
    def info(self) -> SnapshotInfo:
        return SnapshotInfo(version=self.version, published_at=self.published_at)

    @property
    def tenants(self) -> list[str]:
        return sorted(self.configs)

    def semantics(self, tenant: str) -> TenantSemantics:
        with self._lock:
            found = self._semantics.get(tenant)
        if found is not None:
            return found
        cost = SEMANTICS_BYTES_PER_CONFIG_BYTE * len(self.yaml_text[tenant])
        key = self.config_digest[tenant]
        made = SEMANTICS.get(key)
        if made is None:
            made = TenantSemantics(self.configs[tenant])
            SEMANTICS.put(key, _Weighed(made, cost))
        else:
            made = made.value
        with self._lock:
            return self._semantics.setdefault(tenant, made)

    def cached(self, key: tuple[str, str], make: Any) -> Any:
        """A compiled query from the process-wide cache, keyed by a digest of (tenant, its semantic config,
        the request): compiling costs more than running a small query."""
        tenant, request = key
        return COMPILED.get_or_make(digest("compiled", self.config_digest[tenant], request), make)

    def inherit(self, old: Snapshot) -> None:
        """Take over the previous snapshot's semantic models of every tenant whose config is unchanged
        (compiled queries need nothing: their keys hold the config's digest)."""
        with old._lock:
            kept = {t: s for t, s in old._semantics.items()
                    if t in self.config_digest and old.config_digest.get(t) == self.config_digest[t]}
        with self._lock:
            self._semantics.update(kept)

    def warm(self) -> None:
        """Build each tenant's semantic models and compile one query, so first calls are fast."""
        from semantic_configs.semantics import QuerySpec

        for tenant in self.tenants:
            if self._retired:
                return
            if tenant in self._semantics:  # inherited, or already asked for
                continue
            try:
                semantics = self.semantics(tenant)
                semantics.compile(QuerySpec(metrics=[min(semantics.metrics)]), limit=1)
            except Exception:
                log.debug("warming %s failed", tenant, exc_info=True)

    def last_load_at(self, tenant: str) -> datetime | None:
        if tenant not in self._freshness:
            try:
                cur = self.con.cursor()
                try:
                    row = cur.execute("select max(finished_at) from platform.load_history "
                                      "where tenant_slug = ? and status = 'success'", [tenant]).fetchone()
                finally:
                    cur.close()
                value = row[0] if row else None
                self._freshness[tenant] = value.astimezone(UTC) if isinstance(value, datetime) else None
            except duckdb.Error:  # an older snapshot without the table
                self._freshness[tenant] = None
        return self._freshness[tenant]

    # ---- lifetime: close the connection when retired and unused ----------------------------------
    def acquire(self) -> None:
        with self._lock:
            self._users += 1

    def release(self) -> None:
        with self._lock:
            self._users -= 1
            close = self._retired and self._users == 0
        if close:
            self._close()

    def retire(self) -> None:
        with self._lock:
            self._retired = True
            close = self._users == 0
        if close:
            self._close()

    def _close(self) -> None:
        try:
            self.con.close()
        except duckdb.Error:
            log.exception("closing snapshot %s", self.version)


class _Weighed:
    """A cached value with its byte cost fixed up front (semantic models are too tangled to walk)."""

    __slots__ = ("cost", "value")

    def __init__(self, value: Any, cost: int) -> None:
        self.value = value
        self.cost = cost

    def cache_bytes(self) -> int:
        return self.cost


class SnapshotManager:
    """Hands out the current snapshot; notices a new ``serving/current`` target on each request."""

    def __init__(self, paths: Paths) -> None:
        self.link = paths.serving_dir / "current"
        try:  # a server starting cleans up after publishes that were killed (logging each)
            remove_stale_partials(paths)
        except OSError:
            log.exception("could not remove stale partial publishes under %s", paths.serving_dir)
        self._lock = threading.Lock()
        self._target: str | None = None
        self._snapshot: Snapshot | None = None

    def _current(self) -> Snapshot:
        try:
            target = os.readlink(self.link)
        except (FileNotFoundError, OSError):
            target = None
        if target is None:
            if self._snapshot is not None:
                return self._snapshot  # the link vanished mid-swap: keep serving what we have
            raise NotBuiltError(
                f"no data has been published yet under {self.link.parent}: run `gata build` (or onboard a tenant)")
        if target == self._target and self._snapshot is not None:
            return self._snapshot
        with self._lock:
            if target != self._target or self._snapshot is None:
                path = (self.link.parent / target).resolve()
                try:
                    new = Snapshot(path)
                except Exception:
                    if self._snapshot is None:
                        raise
                    log.exception("cannot open snapshot %s; still serving %s", path, self._snapshot.version)
                    return self._snapshot
                old, self._snapshot, self._target = self._snapshot, new, target
                if old is not None:
                    new.inherit(old)  # before warming: only changed tenants need it
                    old.retire()
                log.info("serving snapshot %s (%d tenants)", new.version, len(new.configs))
                threading.Thread(target=new.warm, name=f"warm-{new.version}", daemon=True).start()
            return self._snapshot

    @contextmanager
    def use(self) -> Iterator[Snapshot]:
        """The current snapshot, kept open for the duration of the block."""
        while True:
            snap = self._current()
            snap.acquire()
            if not snap._retired:
                break
            snap.release()  # retired between lookup and acquire: take the newer one
        try:
            yield snap
        finally:
            snap.release()

    def peek(self) -> Snapshot | None:
        try:
            return self._current()
        except NotBuiltError:
            return None

    def close(self) -> None:
        with self._lock:
            if self._snapshot is not None:
                self._snapshot.retire()
                self._snapshot = None
                self._target = None
