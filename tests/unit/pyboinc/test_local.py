"""The master with the local backend: slots, failures, policies, payload safety, progress, journal checks."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

import pytest

from boinc.errors import JobFailed, JournalMismatch, PyboincError, UnsafePayload
from boinc.pyboinc import JobFailure, Progress, pyboinc_call, pyboinc_get_input, pyboinc_master

from .conftest import App
from .pb_types import Plain, Point


def test_results_come_back(app: App) -> None:
    app.worker("sq.py", "x = pyboinc_get_input()\npyboinc_return_output(Plain(x.value * x.value))\n")
    out = app.run([("sq.py", Plain(i)) for i in range(20)])
    assert sorted(o.value for o in out) == [i * i for i in range(20)]


def test_job_runs_in_a_boinc_like_slot(app: App) -> None:
    app.worker("look.py", """
        from boinc.pyboinc import _slots
        slot = os.getcwd()
        links = {n: open(n).read() for n in ("input", "output")}
        init = open("init_data.xml").read()
        print("to stdout", flush=True)
        print("to stderr", file=sys.stderr)
        pyboinc_return_output({"slot": slot, "links": links, "init": init, "argv": sys.argv,
                               "name": __name__, "input": _slots.resolve("input")})
        """)
    [out] = app.run([("look.py", 1)], workers=1)
    assert out["slot"] == str(app.batch / "local" / "slots" / "0")
    assert out["links"]["input"] == "<soft_link>../../projects/local_pyboinc/slot0_in</soft_link>\n"
    assert out["links"]["output"] == "<soft_link>../../projects/local_pyboinc/slot0_out</soft_link>\n"
    assert out["input"] == "./../../projects/local_pyboinc/slot0_in"
    assert "<wu_name>" in out["init"] and "<project_dir>" in out["init"] and "authenticator" not in out["init"]
    assert out["name"] == "__main__" and out["argv"] == [str(app.root / "look.py")]
    assert (app.batch / "stderr" / "0.txt").read_text() == "to stderr\n"  # stderr kept, stdout discarded


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("raise ValueError('boom')", "exited with code 1"),
        ("sys.exit(3)", "exited with code 3"),
        ("sys.exit('bye')", "exited with code 1"),
        ("pass", "no output file"),
        ("os._exit(7)", "exited with code 7"),
    ],
)
def test_failures_raise_by_default_with_job_and_stderr(app: App, body: str, reason: str) -> None:
    app.worker("bad.py", f"print('last words', file=sys.stderr)\n{body}\n")
    app.worker("ok.py", "pyboinc_return_output(1)\n")
    with pytest.raises(JobFailed, match=reason) as info:
        app.run([("ok.py", 0), ("bad.py", 1), ("ok.py", 2)], retries=1)
    err = info.value
    assert err.job.endswith("_1 (call #1, bad.py)")
    assert "after 2 attempts" in err.reason
    assert "last words" in err.stderr_tail
    if "ValueError" in body:
        assert "ValueError: boom" in err.stderr_tail and "Traceback" in err.stderr_tail


def test_retries_then_success(app: App, tmp_path: Path) -> None:
    # fails on its first two runs (counted in a file), then succeeds
    app.worker("flaky.py", f"""
        p = {str(tmp_path / 'count')!r}
        n = int(open(p).read()) if os.path.exists(p) else 0
        open(p, "w").write(str(n + 1))
        if n < 2:
            sys.exit(1)
        pyboinc_return_output(pyboinc_get_input())
        """)
    seen: list[Progress] = []
    assert app.run([("flaky.py", 5)], workers=1, retries=2, progress=seen.append) == [5]
    assert (tmp_path / "count").read_text() == "3"
    assert seen[-1].done == 1 and seen[-1].retries == 2 and seen[-1].total == 1
    (tmp_path / "count").unlink()
    app.batch = tmp_path / "other"
    with pytest.raises(JobFailed):
        app.run([("flaky.py", 5)], workers=1, retries=1)


def test_skip_and_callable_policies(app: App) -> None:
    app.worker("w.py", "x = pyboinc_get_input()\nassert x % 3, 'multiple of 3'\npyboinc_return_output(x)\n")
    out = app.run([("w.py", i) for i in range(7)], retries=0, on_error="skip")
    assert sorted(out) == [1, 2, 4, 5]
    failures: list[JobFailure] = []
    app.batch = app.root / "batch2"
    out = app.run([("w.py", i) for i in range(7)], retries=1, on_error=failures.append)
    assert sorted(f.seq for f in failures) == [0, 3, 6]
    assert all(f.attempts == 2 and "AssertionError: multiple of 3" in f.stderr_tail for f in failures)
    # a re-run keeps the skipped jobs skipped, and runs nothing
    again = app.run([("w.py", i) for i in range(7)], retries=1, on_error=failures.append)
    assert sorted(again) == sorted(out) and len(failures) == 3


def test_on_error_is_checked() -> None:
    with pytest.raises(ValueError, match="on_error"):
        pyboinc_master(lambda: None, print, on_error="ignore")
    with pytest.raises(ValueError, match="retries"):
        pyboinc_master(lambda: None, print, retries=-1)


def test_malicious_outputs_are_refused_and_nothing_runs(app: App, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self) -> Any:
            return (open, (str(marker), "w"))

    payload = pickle.dumps(Evil())
    app.worker("evil.py", f"""
        from boinc.pyboinc import _slots
        open(_slots.resolve("output"), "wb").write({payload!r})
        import boinc.pyboinc._worker as w
        w._state["returned"] = True
        """)
    with pytest.raises(UnsafePayload, match="a pickle"):
        app.run([("evil.py", Plain(1))])
    assert not marker.exists()
    app.worker("sneaky.py", """
        pyboinc_return_output(None)
        from boinc.pyboinc import _slots
        open(_slots.resolve("output"), "w").write('{"pyboinc":1,"value":{"$class":"subprocess:Popen","$state":{}}}')
        """)
    app.batch = tmp_path / "b2"
    with pytest.raises(UnsafePayload, match=r"job \w+_0 \(call #0\).*subprocess:Popen.*not in the allow-list"):
        app.run([("sneaky.py", Plain(1))])


def test_outputs_from_modules_outside_the_inputs_need_allowing(app: App) -> None:
    from boinc.pyboinc import JsonCodec

    app.worker("pt.py", "pyboinc_return_output(Point(pyboinc_get_input()))\n")
    with pytest.raises(UnsafePayload, match="allowed_modules"):
        app.run([("pt.py", 1)])
    app.batch = app.root / "b2"
    assert app.run([("pt.py", 1)], codec=JsonCodec(["tests.unit.pyboinc.pb_types"])) == [Point(1)]


def test_changed_make_calls_is_reported(app: App) -> None:
    app.worker("w.py", "pyboinc_return_output(pyboinc_get_input())\n")
    app.worker("v.py", "pyboinc_return_output(pyboinc_get_input())\n")
    assert sorted(app.run([("w.py", i) for i in range(3)])) == [0, 1, 2]
    with pytest.raises(JournalMismatch, match=r"call #1 is now pyboinc_call\('w.py', ...\) with a different input"):
        app.run([("w.py", 0), ("w.py", 9), ("w.py", 2)])
    with pytest.raises(JournalMismatch, match=r"call #2 is now pyboinc_call\('v\.py'"):
        app.run([("w.py", 0), ("w.py", 1), ("v.py", 2)])
    with pytest.raises(JournalMismatch, match="made 2 calls, but the journal has 3"):
        app.run([("w.py", 0), ("w.py", 1)])
    assert sorted(app.run([("w.py", i) for i in range(4)])) == [0, 1, 2, 3]  # more calls: fine


def test_rerun_replays_handled_results_first_without_running_jobs(app: App, tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    app.worker("w.py", f"open({str(runs)!r}, 'a').write('x')\npyboinc_return_output(pyboinc_get_input())\n")
    first = app.run([("w.py", i) for i in range(10)])
    assert runs.read_text() == "x" * 10
    assert app.run([("w.py", i) for i in range(10)]) == first  # the same order, no job ran
    assert runs.read_text() == "x" * 10


def test_progress_gets_fractions_from_the_wrappers_file(app: App, tmp_path: Path) -> None:
    seen_running = tmp_path / "seen_running"
    app.worker("slow.py", f"""
        import time
        pyboinc_fraction_done(0.5)
        deadline = time.monotonic() + 120
        while not os.path.exists({str(seen_running)!r}) and time.monotonic() < deadline:
            time.sleep(0.01)  # until the master has shown the fraction (or gives up)
        pyboinc_fraction_done(1.0)
        assert open("pyboinc_fraction_done").read().splitlines()[-1] == "1.000000"
        pyboinc_return_output(0)
        """)
    seen: list[Progress] = []

    def progress(p: Progress) -> None:
        seen.append(p)
        if 0 < p.running <= 1:
            seen_running.touch()

    app.run([("slow.py", 0)], workers=1, progress=progress)
    assert seen_running.exists()  # the running job's fraction reached the progress callback
    assert seen[-1].done == 1 and seen[-1].eta == 0.0


def test_worker_checkpoint_and_restore(app: App) -> None:
    app.worker("ck.py", """
        assert pyboinc_restore() is None
        pyboinc_checkpoint({"step": 3, "p": Point(1)})
        assert pyboinc_restore() == {"step": 3, "p": Point(1)}
        assert "pyboinc_checkpoint" in os.listdir(".")
        pyboinc_return_output(1)
        """)
    assert app.run([("ck.py", 0), ("ck.py", 1)], workers=1) == [1, 1]  # the slot is emptied between jobs


def test_pickle_codec_round_trip_through_worker(app: App) -> None:
    from boinc.pyboinc import PickleCodec

    app.worker("w.py", "x = pyboinc_get_input()\npyboinc_return_output({'got': x})\n")
    with pytest.warns(UserWarning, match="unpickles"):
        codec = PickleCodec(i_understand_pickle_runs_code=True)
    assert app.run([("w.py", Plain(2))], codec=codec) == [{"got": Plain(2)}]


def test_call_outside_a_run_and_missing_worker(app: App) -> None:
    with pytest.raises(PyboincError, match="make_calls"):
        pyboinc_call("w.py", 1)
    with pytest.raises(PyboincError, match="make_calls"):
        app.master().call("w.py", 1)
    with pytest.raises(FileNotFoundError, match=r"nope\.py"):
        app.run([("nope.py", 1)])
    with pytest.raises(PyboincError, match="no PyBOINC input"):
        pyboinc_get_input()


def test_a_batch_directory_serves_one_master_at_a_time(app: App) -> None:
    from boinc.pyboinc._batch import BatchDir

    held = BatchDir(str(app.batch))
    try:
        with pytest.raises(PyboincError, match="in use"):
            app.run([])
    finally:
        held.close()
    assert app.run([]) == []


def test_handle_result_exception_propagates_and_rerun_resumes(app: App) -> None:
    app.worker("w.py", "pyboinc_return_output(pyboinc_get_input())\n")
    seen: list[int] = []

    def handle(x: int) -> None:
        if x == 3 and len(seen) < 100:
            seen.append(100)
            raise KeyError("in handle_result")
        seen.append(x)

    m = app.master()
    with pytest.raises(KeyError):
        m.run(lambda: [m.call("w.py", i) for i in range(6)], handle)
    seen.clear()
    m = app.master()
    m.run(lambda: [m.call("w.py", i) for i in range(6)], seen.append)
    assert sorted(seen) == list(range(6))
    assert not any(p.endswith(".tmp") for p in os.listdir(app.batch))


def test_one_master_runs_twice(app: App) -> None:
    app.worker("w.py", "pyboinc_return_output(pyboinc_get_input() + 1)\n")
    m = app.master()
    for _ in range(2):
        seen: list[int] = []
        m.run(lambda: [m.call("w.py", i) for i in range(3)], seen.append)
        assert sorted(seen) == [1, 2, 3]


def test_a_worker_killed_by_a_signal(app: App) -> None:
    app.worker("sig.py", "import signal\nos.kill(os.getpid(), signal.SIGKILL)\n")
    with pytest.raises(JobFailed, match="process got signal 9"):
        app.run([("sig.py", 0)], workers=1, retries=0)
