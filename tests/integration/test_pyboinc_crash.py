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
import os, sys, threading, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from boinc.pyboinc import pyboinc_call, pyboinc_master
from tests.unit.pyboinc.pb_types import Plain
from boinc.pyboinc import LocalBackend

N = {n}
HERE = os.path.dirname(os.path.abspath(__file__))
KILL_CALL = int(os.environ.get("KILL_CALL", "-1"))
KILL_HANDLE = int(os.environ.get("KILL_HANDLE", "-1"))
PAUSE_HANDLE = int(os.environ.get("PAUSE_HANDLE", "-1"))
KILL_AT_RUNS = int(os.environ.get("KILL_AT_RUNS", "-1"))
MUST_DIE = os.environ.get("MUST_DIE") == "1"
log = open(os.path.join(HERE, "handled.%d" % os.getpid()), "a")
total = 0
handled = 0


def runs_so_far():
    try:
        with open(os.path.join(HERE, "runs")) as f:
            return f.read().count("\\n")
    except FileNotFoundError:
        return 0


def kill_at_runs():
    # kill -9 from another thread once the workers have written KILL_AT_RUNS lines in all:
    # wherever the master's main thread happens to be then
    while runs_so_far() < KILL_AT_RUNS:
        time.sleep(0.001)
    os.kill(os.getpid(), 9)


if KILL_AT_RUNS >= 0:
    threading.Thread(target=kill_at_runs, daemon=True).start()

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
    if handled == PAUSE_HANDLE:
        # tell the test, then wait inside handle_result for its ^C (a minute at most)
        open(os.path.join(HERE, "paused.%d" % os.getpid()), "w").close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            time.sleep(0.01)
    log.write("%d\\n" % out.value)
    log.flush()
    time.sleep(0.004)
    total += out.value * out.value

pyboinc_master(make_calls, handle_result, backend=LocalBackend({workers}))
if MUST_DIE:
    os.kill(os.getpid(), 9)  # the kill thread has not fired yet: this run dies at the latest here
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


def _run(master: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str] | None:
    """Run the master to its end; ``None`` if it was killed (by itself: see ``KILL_*``)."""
    full = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, str(master)], env=full, capture_output=True, text=True, timeout=120)
    if proc.returncode == -9:
        return None
    return proc


def _runs(tmp_path: Path) -> int:
    runs = tmp_path / "runs"
    return runs.read_text().count("\n") if runs.exists() else 0


def _wait_for(path: Path, proc: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            pytest.fail(f"the master ended ({proc.returncode}) before {path.name} appeared: {proc.communicate()[1]}")
        if time.monotonic() > deadline:
            pytest.fail(f"{path.name} did not appear within {timeout} s")
        time.sleep(0.01)


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
        assert _run(master, {where: str(k)}) is None  # the master killed itself there
        kills += 1
    final = _run(master, {})
    assert final is not None
    _check(tmp_path, final, kills)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kill_at_random_moments(tmp_path: Path, seed: int) -> None:
    # kill -9 once the workers have run a random number more jobs, from a thread of the master's,
    # so the main thread is wherever it is then; the first run dies at the latest when it is done
    rng = random.Random(seed)
    master = _setup(tmp_path)
    kills = 0
    final = None
    for attempt in range(5):
        env = {"KILL_AT_RUNS": str(_runs(tmp_path) + rng.randint(1, N // 2))}
        if attempt == 0:
            env["MUST_DIE"] = "1"
        final = _run(master, env)
        if final is not None:
            break
        kills += 1
    if final is None:
        final = _run(master, {})
    assert final is not None
    assert kills >= 1, "the first run should have been killed"
    _check(tmp_path, final, kills)


def test_ctrl_c_stops_the_master_and_a_rerun_finishes(tmp_path: Path) -> None:
    master = _setup(tmp_path)
    full = {**os.environ, "PYTHONPATH": str(ROOT), "PAUSE_HANDLE": str(N // 3)}
    proc = subprocess.Popen([sys.executable, str(master)], env=full, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        # the journal now holds calls, and fewer results than calls are handled: the master waits
        # inside handle_result for the ^C
        _wait_for(tmp_path / f"paused.{proc.pid}", proc)
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal's ^C does: the whole process group
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:  # a failed wait: leave no process or pipe behind for later tests
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    assert proc.returncode != 0 and "KeyboardInterrupt" in err, (proc.returncode, err)
    handled = (tmp_path / f"handled.{proc.pid}").read_text().split()
    assert len(handled) == N // 3 - 1, "the ^C came inside the handling of one result"
    final = _run(master, {})
    assert final is not None
    _check(tmp_path, final, 1)
