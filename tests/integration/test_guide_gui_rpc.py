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
    assert lines[-1].endswith(tuple("0123456789"))
