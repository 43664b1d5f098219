"""One writer per database file: the locks parallel tenants rely on, across real processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gata.errors import PipelineBusyError
from gata.lock import file_lock, pipeline_lock, tenant_step, warehouse_lock
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
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path), mode, str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_readers_share_the_warehouse_and_a_writer_excludes_them(tmp_path: Path) -> None:
    paths = Paths(home=tmp_path, tenants_file=tmp_path / "tenants.yaml")
    reader = hold(paths.warehouse_lock_file, "shared", 30)
    try:
        with warehouse_lock(paths, shared=True, wait_seconds=0.5):
            pass  # a second reader gets in
        with pytest.raises(PipelineBusyError, match="warehouse.lock"), warehouse_lock(paths, wait_seconds=0.5):
            pass
    finally:
        reader.kill()
        reader.wait()
    with warehouse_lock(paths, wait_seconds=0.5):
        pass


def test_tenant_steps_run_side_by_side_but_an_onboarding_excludes_them(tmp_path: Path) -> None:
    paths = Paths(home=tmp_path, tenants_file=tmp_path / "tenants.yaml")
    other = hold(paths.tenant_lock_file("acme"), "exclusive", 30)
    try:
        # another tenant's step does not wait; an onboarding (exclusive) does
        with tenant_step(paths, "globex"), pytest.raises(PipelineBusyError), \
                pipeline_lock(paths, wait_seconds=0.3, what="onboarding"):
            pass
        with pytest.raises(PipelineBusyError, match="tenant acme"), \
                file_lock(paths.tenant_lock_file("acme"), wait_seconds=0.3, what="step for tenant acme"):
            pass
    finally:
        other.kill()
        other.wait()


def test_dbt_takes_the_warehouse_lock_when_it_first_connects(tmp_path: Path) -> None:
    """The dbt-duckdb plugin blocks dbt's first connection while another process writes the warehouse."""
    lock = tmp_path / "warehouse.lock"
    code = ("from warehouse.lock_plugin import Plugin\nprint('ready', flush=True)\n"
            "Plugin('lock', {}).update_connection_config(None, {})\nprint('connected', flush=True)\n")
    with file_lock(lock):
        child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                                 env={**os.environ, "GATA_WAREHOUSE_LOCK": str(lock)})
        assert child.stdout.readline().strip() == "ready"
        time.sleep(1.0)
        assert child.poll() is None, "dbt connected while another writer held the warehouse"
    out, _ = child.communicate(timeout=60)
    assert out.strip() == "connected"
