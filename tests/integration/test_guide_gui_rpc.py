"""The example of the guide "Talking to a BOINC client" runs against a real client."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "talking_to_a_client.py"


def test_guide_example_runs(real_client_rw: Any) -> None:
    c = real_client_rw
    proc = subprocess.run(
        [sys.executable, str(EXAMPLE), c.host, str(c.port), c.password],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "BOINC 7.20.5"
    assert lines[1] == "computing: never, network: never" or lines[1].startswith("computing: ")
    assert any(line.endswith("ready to run") for line in lines)
    assert "0 projects, 0 workunits in the state" in lines
    assert lines[-2].startswith("1") or "messages, newest #" in lines[-2]
    assert lines[-1].startswith("suspended because: ")


def test_cluster_example_runs(make_client: Any) -> None:
    a, b = make_client(seeded=False), make_client(seeded=False)
    assert a.password == b.password
    proc = subprocess.run(
        [sys.executable, str(EXAMPLE.with_name("cluster.py")), a.password, f"{a.host}:{a.port}", f"{b.host}:{b.port}",
         "127.0.0.1:9"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == f"{a.host}:{a.port}: 0 tasks, computing never" or "computing" in lines[0]
    assert lines[2].startswith("127.0.0.1:9: unreachable")
    assert lines[3] == "paused 2 of 3 hosts for 10 minutes"
