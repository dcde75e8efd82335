"""The BOINC backend's polling against a scripted stand-in for BoincServer: back-off, the 404 race, errors."""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from boinc.errors import HttpError
from boinc.pyboinc import BackendContext, BoincBackend, Finished, Job
from boinc.submit import Batch, StagedFile
from boinc.submit import Job as ServerJob


class StubServer:
    """Just the BoincServer methods the backend uses; job statuses are set by the test."""

    def __init__(self) -> None:
        self.status: dict[str, ServerJob] = {}
        self.polls: list[float] = []
        self.downloads: dict[str, int] = {}
        self.submitted: list[str] = []
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
                self.status[j.name] = ServerJob(name=j.name, status="in_progress")
        return 7

    def query_batch(self, batch_id: int, **kw: Any) -> Batch:
        with self.lock:
            self.polls.append(time.monotonic())
            return Batch(id=batch_id, njobs=len(self.status), jobs=tuple(self.status.values()))

    def get_job_output_file(self, name: str, file_num: int, dest: str) -> Path:
        self.downloads[name] = n = self.downloads.get(name, 0) + 1
        if n == 1:
            raise HttpError(404, "the output file is still missing after 1 attempts")
        Path(dest).write_bytes(b"out of " + name.encode())
        return Path(dest)

    def query_completed_job(self, name: str) -> Any:
        raise HttpError(500, "query_completed_job: no canonical instance")

    def retire_batch(self, batch_id: int) -> None:
        self.retired.append(batch_id)


def _start(tmp_path: Path, server: StubServer) -> tuple[BoincBackend, queue.Queue[Finished], dict[str, Any]]:
    events: queue.Queue[Finished] = queue.Queue()
    state: dict[str, Any] = {}
    backend = BoincBackend(server, poll_interval=0.01, max_poll_interval=0.16)  # type: ignore[arg-type]
    backend.start(BackendContext(batch_dir=str(tmp_path), token="tok", report=events.put,
                                 load_state=lambda: dict(state), save_state=state.update))
    (tmp_path / "w.py").write_text("")
    return backend, events, state


def test_backoff_404_race_and_error_mapping(tmp_path: Path) -> None:
    server = StubServer()
    backend, events, state = _start(tmp_path, server)
    backend.submit([Job(0, "tok_0", str(tmp_path / "w.py"), b"{}"), Job(1, "tok_1", str(tmp_path / "w.py"), b"{}")])
    time.sleep(1.0)  # nothing changes: the polls slow down to max_poll_interval
    gaps = [b - a for a, b in zip(server.polls, server.polls[1:])]
    assert len(server.polls) < 20 and max(gaps) >= 0.15 and min(gaps[:2]) < 0.05
    assert state["batches"] == [{"id": 7, "jobs": {"tok_0": 0, "tok_1": 1}, "submitted": True}]
    with server.lock:
        server.status["tok_0"] = ServerJob(name="tok_0", status="done", canonical_instance_id=3)
        server.status["tok_1"] = ServerJob(name="tok_1", status="error", errors=("too_many_error_results",),
                                           exit_statuses=(195, 195))
    got = {ev.seq: ev for ev in (events.get(timeout=5), events.get(timeout=5))}
    assert got[0].ok and got[0].output == b"out of tok_0" and server.downloads["tok_0"] == 2  # 404 first
    assert not got[1].ok and got[1].stderr_tail == ""
    assert got[1].reason == ("BOINC job error: too_many_error_results; exit status 195 in 2 instances "
                             "(EXIT_CHILD_FAILED: the worker script raised or exited non-zero under the wrapper)")
    backend.submit([Job(1, "tok_1", str(tmp_path / "w.py"), b"{}", attempt=2)])
    deadline = time.monotonic() + 5
    while "tok_1_r2" not in server.submitted and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.submitted == ["tok_0", "tok_1", "tok_1_r2"]  # a retry is a new server job
    backend.close()
    assert server.retired == [7, 7]


def test_restart_does_not_resubmit(tmp_path: Path) -> None:
    server = StubServer()
    backend, events, state = _start(tmp_path, server)
    backend.submit([Job(0, "tok_0", str(tmp_path / "w.py"), b"{}")])
    while not server.submitted:
        time.sleep(0.01)
    backend.close(cancel=True)
    assert server.retired == []
    again = BoincBackend(server, poll_interval=0.01, max_poll_interval=0.02)  # type: ignore[arg-type]
    again.start(BackendContext(batch_dir=str(tmp_path), token="tok", report=events.put,
                               load_state=lambda: dict(state), save_state=state.update))
    again.submit([Job(0, "tok_0", str(tmp_path / "w.py"), b"{}")])
    with server.lock:
        server.status["tok_0"] = ServerJob(name="tok_0", status="done", canonical_instance_id=3)
    assert events.get(timeout=5).ok
    assert server.submitted == ["tok_0"]
    again.close()


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="poll_interval"):
        BoincBackend(StubServer(), poll_interval=0)  # type: ignore[arg-type]
