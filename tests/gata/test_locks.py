"""One writer per database file: the locks parallel tenants rely on, across real processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gata.errors import PipelineBusyError
from gata.lock import file_lock, pipeline_lock, tenant_step
from gata.settings import Paths

HOLD = """
import sys, time
from pathlib import Path
from gata.lock import file_lock
with file_lock(Path(sys.argv[1]), shared=sys.argv[2] == "shared"):
    print("held", flush=True)
    time.sleep(float(sys.argv[3]))
"""


def hold(path: Path, mode: str, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path), mode, str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_tenant_steps_run_side_by_side_but_an_onboarding_excludes_them(tmp_path: Path) -> None:
    paths = Paths(home=tmp_path, tenants_file=tmp_path / "tenants.yaml")
    other = hold(paths.tenant_lock_file("acme"), "exclusive", 30)
    try:
        # another tenant's step does not wait; an onboarding (exclusive) does
        with (
            tenant_step(paths, "globex"),
            pytest.raises(PipelineBusyError),
            pipeline_lock(paths, wait_seconds=0.3, what="onboarding"),
        ):
            pass
        with (
            pytest.raises(PipelineBusyError, match="tenant acme"),
            file_lock(paths.tenant_lock_file("acme"), wait_seconds=0.3, what="step for tenant acme"),
        ):
            pass
    finally:
        other.kill()
        other.wait()


def test_tenants_build_one_per_cpu_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    """`--jobs` defaults to the CPUs (at most four: a dbt child needs about a gigabyte); GATA_WORKERS overrides."""
    from gata.errors import GataError
    from pipeline.parallel import MAX_DEFAULT_JOBS, default_jobs

    monkeypatch.delenv("GATA_WORKERS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert default_jobs() == 2
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert default_jobs() == MAX_DEFAULT_JOBS
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert default_jobs() == 1
    monkeypatch.setenv("GATA_WORKERS", "3")
    assert default_jobs() == 3
    monkeypatch.setenv("GATA_WORKERS", "many")
    with pytest.raises(GataError, match="GATA_WORKERS='many' is not a number"):
        default_jobs()
