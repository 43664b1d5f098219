"""File locks: DuckDB allows one writing process per database file, so writers take a lock.

Two kinds, each an ``flock`` on a file under ``GATA_HOME``:

* the pipeline lock: every tenant step holds it *shared*, so tenants run side by
  side; onboarding holds it *exclusive*, because its restore point copies files
  other steps could be writing;
* one lock per tenant: one writer per tenant database file. A tenant's steps
  (landing with its registry rows, its dbt build with its slice of the master
  models and the observability rows, its semantic config) write that file and no
  other, so tenants never wait for each other: nothing per tenant queues on a
  shared file.

Publishing gathers every tenant's tables into a new serving snapshot under its own
lock (``pipeline.publish``); serving never takes a lock: it reads published snapshots.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from gata.errors import PipelineBusyError
from gata.settings import Paths


@contextmanager
def file_lock(
    path: Path, shared: bool = False, wait_seconds: float = 600.0, what: str = "pipeline"
) -> Iterator[None]:
    """Hold an flock on ``path`` (shared or exclusive); a clear error after ``wait_seconds``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o644)
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise PipelineBusyError(
                        f"another GATA {what} holds {path} for over {wait_seconds:.0f}s; "
                        "wait for it to finish (or remove a stale lock if no gata process runs)"
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


@contextmanager
def pipeline_lock(
    paths: Paths, wait_seconds: float = 600.0, what: str = "pipeline", shared: bool = False
) -> Iterator[None]:
    """Exclusive: nothing else writes (onboarding). Shared: other tenant steps may run too."""
    paths.ensure()
    with file_lock(paths.lock_file, shared, wait_seconds, what):
        yield


@contextmanager
def tenant_lock(paths: Paths, slug: str, wait_seconds: float = 3600.0) -> Iterator[None]:
    """One writer per tenant database: a tenant's steps never overlap with themselves."""
    with file_lock(paths.tenant_lock_file(slug), False, wait_seconds, f"step for tenant {slug}"):
        yield


@contextmanager
def tenant_step(paths: Paths, slug: str) -> Iterator[None]:
    """What a tenant's step (ingest, build, refresh, replay) holds while it runs, wherever it runs from."""
    with pipeline_lock(paths, wait_seconds=3600.0, what="onboarding", shared=True), tenant_lock(paths, slug):
        yield
