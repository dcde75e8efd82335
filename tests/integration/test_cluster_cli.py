"""The boinc-cluster command: status (table and JSON) against a simulated fleet, hash-password, errors."""

from __future__ import annotations

import asyncio
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from boinc.cluster.cli import main
from boinc.cluster.hosts import verify_password
from tests.fleet import PASSWORD, Fleet


def _hosts_file(tmp_path: Path, fleet: Fleet) -> Path:
    path = tmp_path / "hosts.toml"
    lines = []
    for h in fleet.hosts:
        lines += ["[[host]]", f'name = "{h.mode}"', f'address = "{h.host}:{h.port}"', f'password = "{PASSWORD}"', ""]
    path.write_text("\n".join(lines))
    path.chmod(0o600)
    return path


def _run_status(tmp_path: Path, modes: list[str], *args: str) -> tuple[int, str]:
    async def body() -> tuple[int, str]:
        async with Fleet(modes) as fleet:
            path = _hosts_file(tmp_path, fleet)
            out = io.StringIO()
            loop = asyncio.get_running_loop()
            code = await loop.run_in_executor(None, lambda: main(["status", str(path), "--timeout", "1", *args], out))
            return code, out.getvalue()

    return asyncio.run(body())


def test_status_table(tmp_path: Path) -> None:
    code, out = _run_status(tmp_path, ["healthy", "refused", "stalled"])
    assert code == 1  # some host is down
    lines = out.splitlines()
    assert lines[0].split() == [
        "HOST",
        "ADDRESS",
        "STATE",
        "COMPUTING",
        "RUN",
        "WAIT",
        "SUSP",
        "READY",
        "ERR",
        "CONTACT",
    ]
    assert lines[1].split()[2:8] == ["up", "never", "0", "18", "13", "8"]
    assert "down: refused" in lines[2] and "never" in lines[2]
    assert "down: timed out" in lines[3]
    assert lines[-1] == "1 of 3 hosts up"
    assert PASSWORD not in out


def test_status_json(tmp_path: Path) -> None:
    code, out = _run_status(tmp_path, ["healthy", "wrong_password"], "--json")
    assert code == 1
    doc = json.loads(out)
    healthy, wrong = doc["hosts"]
    assert healthy["up"] and healthy["task_mode"] == "never" and healthy["projects"] == 3
    assert healthy["tasks"] == {"running": 0, "waiting": 18, "suspended": 13, "ready_to_report": 8, "error": 5}
    assert not wrong["up"] and wrong["reason"] == "wrong password"
    assert PASSWORD not in out


def test_status_all_up_exits_0(tmp_path: Path) -> None:
    code, _out = _run_status(tmp_path, ["healthy"])
    assert code == 0


def test_a_bad_hosts_file_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "hosts.toml"
    path.write_text('[[host]]\naddress = "a:0"\n')
    assert main(["status", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == f"boinc-cluster: {path}:2: bad address 'a:0': needs a host and a port 1-65535\n"


def test_hash_password_from_stdin() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "boinc.cluster.cli", "hash-password", "--stdin"],
        input="correct horse\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    stored = proc.stdout.strip()
    assert stored.startswith("scrypt$") and "correct horse" not in stored
    assert verify_password(stored, "correct horse")
    assert not verify_password(stored, "correct horse!")
