"""The official MCP conformance suite's server scenarios, run by scripts/conformance.py against `gata serve`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gata.settings import PROJECT_ROOT, Paths
from tests.mcp_server.mcp_support import env_for

CACHE = Path(os.environ.get("GATA_CONFORMANCE_CACHE", Path.home() / ".cache" / "gata" / "conformance"))


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("npm") is None, reason="needs npm to install Node 22 and the suite")
def test_every_applicable_conformance_scenario_passes(demo: Paths) -> None:
    proc = subprocess.run([sys.executable, str(PROJECT_ROOT / "scripts" / "conformance.py"), "--cache", str(CACHE)],
                          env=env_for(demo), capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    passed = [line.split()[1] for line in proc.stdout.splitlines() if line.startswith("PASS")]
    assert {"server-initialize", "tools-list", "dns-rebinding-protection", "logging-set-level"} <= set(passed)
    assert "FAIL" not in proc.stdout
    assert "conformance run" not in demo.tokens_file.read_text()  # its token was revoked
