"""Crash tests: kill -9 the master at random moments and in chosen places, re-run until it finishes.

After every sequence of runs: the final answer is right, handle_result saw each
job exactly once in the final run, and no job ran twice except when a kill
caught it running (at most one job per pool process per kill).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

N = 40
WORKERS = 2

MASTER = """
import os, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from boinc.pyboinc import pyboinc_call, pyboinc_master
from tests.unit.pyboinc.pb_types import Plain
from boinc.pyboinc import LocalBackend

N = {n}
KILL_CALL = int(os.environ.get("KILL_CALL", "-1"))
KILL_HANDLE = int(os.environ.get("KILL_HANDLE", "-1"))
log = open(os.path.join(os.path.dirname(__file__), "handled.%d" % os.getpid()), "a")
total = 0
handled = 0

def make_calls():
    for i in range(N):
        if i == KILL_CALL:
            os.kill(os.getpid(), 9)
        pyboinc_call("worker.py", Plain(i))
        time.sleep(0.002)

def handle_result(out):
    global total, handled
    handled += 1
    if handled == KILL_HANDLE:
        os.kill(os.getpid(), 9)
    log.write("%d\\n" % out.value)
    log.flush()
    time.sleep(0.004)
    total += out.value * out.value

pyboinc_master(make_calls, handle_result, backend=LocalBackend({workers}))
print("The answer is", total)
"""

WORKER = """
import os, time, random
from boinc.pyboinc import pyboinc_get_input, pyboinc_return_output
x = pyboinc_get_input()
time.sleep(random.random() * 0.02)
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "runs")
with open(out, "a") as f:
    f.write("%d\\n" % x.value)
pyboinc_return_output(x)
"""

ROOT = Path(__file__).resolve().parents[2]


def _setup(tmp_path: Path) -> Path:
    (tmp_path / "master.py").write_text(MASTER.format(n=N, workers=WORKERS))
    (tmp_path / "worker.py").write_text(WORKER)
    return tmp_path / "master.py"


def _run(master: Path, env: dict[str, str], kill_after: float | None) -> subprocess.CompletedProcess[str] | None:
    full = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, str(master)], env=full, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    if kill_after is not None:
        time.sleep(kill_after)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
    out, err = proc.communicate(timeout=120)
    if proc.returncode == -9:
        return None
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def _check(tmp_path: Path, final: subprocess.CompletedProcess[str], kills: int) -> None:
    assert final.returncode == 0, final.stderr
    assert final.stdout == f"The answer is {sum(i * i for i in range(N))}\n"
    logs = sorted(tmp_path.glob("handled.*"), key=lambda p: p.stat().st_mtime)
    last = Counter(int(x) for x in logs[-1].read_text().split())
    assert last == Counter(range(N)), "handle_result must see every job exactly once in the final run"
    runs = Counter(int(x) for x in (tmp_path / "runs").read_text().split())
    assert set(runs) == set(range(N))
    extra = sum(runs.values()) - N
    assert extra <= kills * WORKERS, f"{extra} extra runs after {kills} kills: {runs}"


@pytest.mark.parametrize("where", ["KILL_CALL", "KILL_HANDLE"])
def test_kill_inside_make_calls_and_handle_result(tmp_path: Path, where: str) -> None:
    master = _setup(tmp_path)
    kills = 0
    for k in (N // 3, 2 * N // 3):
        assert _run(master, {where: str(k)}, None) is None  # the master killed itself there
        kills += 1
    final = _run(master, {}, None)
    assert final is not None
    _check(tmp_path, final, kills)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kill_at_random_moments(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    master = _setup(tmp_path)
    kills = 0
    final = None
    for attempt in range(5):
        final = _run(master, {}, rng.uniform(0.05, 0.5) if attempt == 0 else rng.uniform(0.2, 1.2))
        if final is not None:
            break
        kills += 1
    if final is None:
        final = _run(master, {}, None)
    assert final is not None
    assert kills >= 1, "the first run should have been killed"
    _check(tmp_path, final, kills)


def test_ctrl_c_stops_the_master_and_a_rerun_finishes(tmp_path: Path) -> None:
    master = _setup(tmp_path)
    full = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, str(master)], env=full, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    time.sleep(0.8)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's ^C does: the whole process group
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode != 0 and "KeyboardInterrupt" in err
    final = _run(master, {}, None)
    assert final is not None
    _check(tmp_path, final, 1)
