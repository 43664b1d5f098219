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

Everything hanging off a snapshot is immutable, so its tenants' semantics,
compiled queries and freshness are cached on it.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import duckdb
import yaml

from gata.publish import SERVING_DB
from gata.settings import Paths
from mcp_server.models import SnapshotInfo
from semantic_configs.semantics import TenantSemantics

log = logging.getLogger(__name__)
COMPILED_CACHE_SIZE = 512


class NoSnapshotError(Exception):
    """Nothing has been published yet."""


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
        self._semantics: dict[str, TenantSemantics] = {}
        self._compiled: OrderedDict[tuple[str, str], Any] = OrderedDict()
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
            if tenant not in self._semantics:
                self._semantics[tenant] = TenantSemantics(self.configs[tenant])
            return self._semantics[tenant]

    def cached(self, key: tuple[str, str], make: Any) -> Any:
        """An LRU of compiled queries (compiling costs more than running a small query)."""
        with self._lock:
            if key in self._compiled:
                self._compiled.move_to_end(key)
                return self._compiled[key]
        value = make()
        with self._lock:
            self._compiled[key] = value
            while len(self._compiled) > COMPILED_CACHE_SIZE:
                self._compiled.popitem(last=False)
        return value

    def inherit(self, old: Snapshot) -> None:
        """Take over the previous snapshot's semantic models and compiled queries of every tenant
        whose config is unchanged: both depend on the config alone (queries compile against
        unbound tables), so a publish that changed one tenant costs one tenant's warm-up, not
        every tenant's."""
        with old._lock:
            same = {t for t in self.configs if old.yaml_text.get(t) == self.yaml_text[t]}
            kept_semantics = {t: s for t, s in old._semantics.items() if t in same}
            kept_compiled = [(k, v) for k, v in old._compiled.items() if k[0] in same]
        with self._lock:
            self._semantics.update(kept_semantics)
            self._compiled.update(kept_compiled)

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


class SnapshotManager:
    """Hands out the current snapshot; notices a new ``serving/current`` target on each request."""

    def __init__(self, paths: Paths) -> None:
        self.link = paths.serving_dir / "current"
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
            raise NoSnapshotError(
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
        except NoSnapshotError:
            return None

    def close(self) -> None:
        with self._lock:
            if self._snapshot is not None:
                self._snapshot.retire()
                self._snapshot = None
                self._target = None
