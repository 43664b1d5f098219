"""A publish killed with SIGKILL mid-way: the served snapshot never changes, and the leftover goes away."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gata.settings import Paths
from mcp_server.snapshot import SnapshotManager
from pipeline.publish import publish, remove_stale_partials

PUBLISH = "from gata.settings import get_paths; from pipeline.publish import publish; publish(get_paths())"


def copy_home(demo: Paths, root: Path) -> Paths:
    """The demo's build outputs (not its dlt/dbt state) in a home of our own."""
    home = root / "home"
    shutil.copytree(demo.home, home, ignore=shutil.ignore_patterns("dlt", "dbt", "tokens*"), symlinks=True)
    return Paths(home=home, tenants_file=demo.tenants_file)


def kill_mid_publish(paths: Paths) -> Path:
    """Start a real publish in a child process and SIGKILL it once its work directory exists."""
    env = {**os.environ, "GATA_HOME": str(paths.home), "GATA_TENANTS_FILE": str(paths.tenants_file)}
    proc = subprocess.Popen([sys.executable, "-c", PUBLISH], env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        partials = list(paths.serving_dir.glob("v*.partial"))
        if partials and any(partials[0].iterdir()):
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return partials[0]
        time.sleep(0.005)
    proc.kill()
    raise AssertionError("the publish finished (or failed) before it could be killed")


def served(paths: Paths) -> str:
    return os.readlink(paths.serving_dir / "current")


@pytest.mark.slow
def test_a_killed_publish_changes_nothing_and_its_leftover_is_removed(
        demo: Paths, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    paths = copy_home(demo, tmp_path)
    before = served(paths)
    versions = sorted(p.name for p in paths.serving_dir.glob("v*"))

    partial = kill_mid_publish(paths)
    assert partial.exists() and served(paths) == before  # killed: the link still names the old snapshot
    assert sorted(p.name for p in paths.serving_dir.glob("v*") if p != partial) == versions

    with caplog.at_level(logging.WARNING, logger="pipeline.publish"):
        manager = SnapshotManager(paths)  # a server starting
    manager.close()
    assert not partial.exists()
    assert f"removed {partial}" in caplog.text and "did not finish" in caplog.text
    assert served(paths) == before

    partial = kill_mid_publish(paths)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="pipeline.publish"):
        new = publish(paths)  # the next build's publish
    assert not partial.exists() and f"removed {partial}" in caplog.text
    assert served(paths) == new.name != before
    assert not list(paths.serving_dir.glob("*.partial"))


def test_a_running_publish_is_not_removed_by_a_server_starting(tmp_path: Path) -> None:
    paths = Paths(home=tmp_path, tenants_file=tmp_path / "tenants.yaml")
    mine = paths.serving_dir / f"v1.{os.getpid()}.partial"  # this process is alive
    dead = paths.serving_dir / "v2.999999999.partial"
    legacy = paths.serving_dir / "v3.partial"
    for d in (mine, dead, legacy):
        d.mkdir(parents=True)
    assert sorted(remove_stale_partials(paths)) == [dead, legacy]
    assert mine.exists()
    assert remove_stale_partials(paths, publishing=True) == [mine]
