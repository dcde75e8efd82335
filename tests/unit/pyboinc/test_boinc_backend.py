"""The BOINC backend's polling against a scripted stand-in for BoincServer: back-off, results, errors, budgets."""

from __future__ import annotations

import logging
import queue
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from boinc.pyboinc import BackendContext, BoincBackend, Finished, Job
from boinc.submit import Batch, BatchCounts, JobResult, StagedFile
from boinc.submit import Job as ServerJob
from boinc.submit._ops import STDERR_BUG


class StubServer:
    """Just the BoincServer methods the backend uses; job statuses are set by the test."""

    def __init__(self) -> None:
        self.status: dict[str, ServerJob] = {}
        self.polls: list[float] = []
        self.submitted: list[str] = []
        self.templates: dict[str, str] = {}
        self.retired: list[int] = []
        self.lock = threading.Lock()

    def create_batch(self, app_name: str, batch_name: str | None = None, expire_time: float = 0.0) -> int:
        return 7

    def stage_files(self, paths: list[str], batch_id: int = 0, delete_time: int = 0) -> list[StagedFile]:
        return [StagedFile(path=Path(p), phys_name=f"jf_{i:032x}", md5="0" * 32, nbytes=1, uploaded=True)
                for i, p in enumerate(paths)]

    def submit_batch(self, desc: Any) -> int:
        with self.lock:
            for j in desc.jobs:
                self.submitted.append(j.name)
                self.templates[j.name] = j.input_template
                self.status[j.name] = ServerJob(name=j.name, status="in_progress")
        return 7

    def query_batch(self, batch_id: int, **kw: Any) -> Batch:
        with self.lock:
            return Batch(id=batch_id, njobs=len(self.status), jobs=tuple(self.status.values()))

    def collect_completed(self, batch_id: int, dest: str, *, skip: Any = (), progress: Any = None,
                          missing: Any = None) -> list[JobResult]:
        with self.lock:
            self.polls.append(time.monotonic())
            jobs = [j for j in self.status.values() if j.name not in skip]
        if progress is not None:
            progress(BatchCounts.of(tuple(jobs)))
        out = []
        for job in jobs:
            assert job.name is not None
            if job.status == "done":
                where = Path(dest) / job.name
                where.mkdir(parents=True, exist_ok=True)
                (where / "o_0").write_bytes(b"out of " + job.name.encode())
                out.append(JobResult(job=job, ok=True, output_files=(where / "o_0",)))
            elif job.status == "error":
                out.append(JobResult(job=job, ok=False, stderr_error=STDERR_BUG))
            elif job.status == "lost":  # done, but collect_completed gave up on its outputs
                out.append(JobResult(job=job, ok=False, output_error="outputs could not be downloaded in 5 polls"))
        return out

    def retire_batch(self, batch_id: int) -> None:
        self.retired.append(batch_id)


def _start(tmp_path: Path, server: StubServer,
           retries: int = 2) -> tuple[BoincBackend, queue.Queue[Finished], dict[str, Any]]:
    events: queue.Queue[Finished] = queue.Queue()
    state: dict[str, Any] = {}
    backend = BoincBackend(server, poll_interval=0.01, max_poll_interval=0.16)  # type: ignore[arg-type]
    backend.start(BackendContext(batch_dir=str(tmp_path), token="tok", report=events.put,
                                 load_state=lambda: dict(state), save_state=state.update, retries=retries))
    (tmp_path / "w.py").write_text("")
    return backend, events, state


def _wait_for(cond: Any, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.005)


def test_backoff_results_and_error_mapping(tmp_path: Path) -> None:
    server = StubServer()
    backend, events, state = _start(tmp_path, server)
    backend.submit([Job(0, "tok_0", str(tmp_path / "w.py"), b"{}"), Job(1, "tok_1", str(tmp_path / "w.py"), b"{}")])

    def gaps() -> list[float]:
        with server.lock:
            return [b - a for a, b in zip(server.polls, server.polls[1:])]

    # nothing changes: the polls slow down (the schedule itself: test_backoff_schedule in the submit tests)
    _wait_for(lambda: any(g >= 0.15 for g in gaps()), "the polls to slow down to max_poll_interval")
    assert len(gaps()) < 20
    assert state["batches"] == [{"id": 7, "jobs": {"tok_0": 0, "tok_1": 1}, "submitted": True}]
    assert "<max_total_results>3</max_total_results>" in server.templates["tok_0"]  # retries=2: 3 runs at most
    with server.lock:
        server.status["tok_0"] = ServerJob(name="tok_0", status="done", canonical_instance_id=3)
        server.status["tok_1"] = ServerJob(name="tok_1", status="error", errors=("too_many_error_results",),
                                           exit_statuses=(195, 195, 195))
    got = {ev.seq: ev for ev in (events.get(timeout=60), events.get(timeout=60))}
    assert got[0].ok and got[0].output == b"out of tok_0"
    assert not (tmp_path / "boinc" / "out" / "tok_0").exists()  # read, then removed
    assert not got[1].ok and got[1].stderr_tail == ""
    assert got[1].reason == ("BOINC job error: too_many_error_results; exit status 195 in 3 instances "
                             "(EXIT_CHILD_FAILED: the worker script raised or exited non-zero under the wrapper) "
                             f"({STDERR_BUG}); the server ran it 3 times and gave up")
    assert got[1].final and got[1].runs == 3  # the server spent the budget: the master must not resubmit
    backend.close()
    assert server.retired == [7]


def test_a_job_failed_without_runs_is_resubmitted_with_what_is_left(tmp_path: Path) -> None:
    server = StubServer()
    backend, events, _ = _start(tmp_path, server, retries=2)
    backend.submit([Job(0, "tok_0", str(tmp_path / "w.py"), b"{}")])
    _wait_for(lambda: server.submitted, "the submission")
    with server.lock:
        server.status["tok_0"] = ServerJob(name="tok_0", status="error", errors=("cancelled",), exit_statuses=(195,))
    ev = events.get(timeout=60)
    assert not ev.final and ev.runs == 1
    backend.submit([Job(0, "tok_0", str(tmp_path / "w.py"), b"{}", attempt=2)])
    _wait_for(lambda: "tok_0_r2" in server.submitted, "the resubmission")
    assert server.submitted == ["tok_0", "tok_0_r2"]  # a retry is a new server job
    assert "<max_total_results>2</max_total_results>" in server.templates["tok_0_r2"]  # one run spent
    backend.close(cancel=True)


def test_outputs_that_never_arrive_fail_the_job_for_the_master_to_retry(tmp_path: Path) -> None:
    server = StubServer()
    backend, events, _ = _start(tmp_path, server)
    backend.submit([Job(0, "tok_0", str(tmp_path / "w.py"), b"{}")])
    _wait_for(lambda: server.submitted, "the submission")
    with server.lock:
        server.status["tok_0"] = ServerJob(name="tok_0", status="lost")
    ev = events.get(timeout=60)
    assert not ev.ok and not ev.final and ev.reason == "outputs could not be downloaded in 5 polls"
    backend.close(cancel=True)


def test_progress_is_logged_at_a_bounded_rate(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stderr.isatty", lambda: False)
    server = StubServer()
    with caplog.at_level(logging.INFO, logger="boinc.pyboinc"):
        backend, _, _ = _start(tmp_path, server)
        backend.log_interval = 3600.0
        backend.submit([Job(0, "tok_0", str(tmp_path / "w.py"), b"{}")])
        _wait_for(lambda: len(server.polls) >= 3, "three polls")
        backend.close(cancel=True)
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("BOINC server:")]
    assert lines == ["BOINC server: 0 done, 1 running, 0 failed, 0 queued"]


def test_restart_does_not_resubmit(tmp_path: Path) -> None:
    server = StubServer()
    backend, events, state = _start(tmp_path, server)
    backend.submit([Job(0, "tok_0", str(tmp_path / "w.py"), b"{}")])
    _wait_for(lambda: server.submitted, "the submission")
    backend.close(cancel=True)
    assert server.retired == []
    again = BoincBackend(server, poll_interval=0.01, max_poll_interval=0.02)  # type: ignore[arg-type]
    again.start(BackendContext(batch_dir=str(tmp_path), token="tok", report=events.put,
                               load_state=lambda: dict(state), save_state=state.update))
    again.submit([Job(0, "tok_0", str(tmp_path / "w.py"), b"{}")])
    with server.lock:
        server.status["tok_0"] = ServerJob(name="tok_0", status="done", canonical_instance_id=3)
    assert events.get(timeout=60).ok
    assert server.submitted == ["tok_0"]
    again.close()


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="poll_interval"):
        BoincBackend(StubServer(), poll_interval=0)  # type: ignore[arg-type]
