"""One writer at a time: DuckDB allows one writing process, so pipeline steps take a lock."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from gata.errors import PipelineBusyError
from gata.settings import Paths


@contextmanager
def pipeline_lock(paths: Paths, wait_seconds: float = 600.0, what: str = "pipeline") -> Iterator[None]:
    """Serialise writers across processes (two onboardings, a refresh and a build...)."""
    paths.ensure()
    fd = os.open(paths.lock_file, os.O_CREAT | os.O_RDWR, 0o644)
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise PipelineBusyError(
                        f"another GATA {what} holds {paths.lock_file} for over {wait_seconds:.0f}s; "
                        "wait for it to finish (or remove a stale lock if no gata process runs)") from None
                time.sleep(0.2)
        yield
    finally:
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
