"""The BOINC backend against a loopback fake project that runs jobs like a client with the wrapper."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from boinc.errors import JobFailed
from boinc.pyboinc import BoincBackend, JobFailure, Master
from boinc.pyboinc._makeapp import make_app
from boinc.submit import BoincServer
from tests.pyboinc_fake_project import AUTH, FakeProject

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sum_squares"


@pytest.fixture
def app(tmp_path: Path) -> Path:
    """A copy of the example and the app-version files make-app writes for it."""
    src = tmp_path / "src"
    shutil.copytree(EXAMPLE, src, ignore=shutil.ignore_patterns("pyboinc_batch*", "__pycache__"))
    make_app(tmp_path / "admin", include=[src / "app_types.py"])
    return tmp_path


def _server(project: FakeProject) -> BoincServer:
    return BoincServer(project.url, AUTH, timeout=30, retries=2, retry_delay=0.01)


def _run_sum(app: Path, project: FakeProject, n: int, **kw: object) -> int:
    import sys

    sys.path.insert(0, str(app / "src"))
    try:
        from app_types import Input  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(app / "src"))
    total = [0]

    def make_calls() -> None:
        for i in range(n):
            master.call("app_worker.py", Input(i))

    def handle(out: object) -> None:
        total[0] += out.value  # type: ignore[attr-defined]

    backend = BoincBackend(_server(project), poll_interval=0.05, max_poll_interval=0.2)
    master = Master(app / "batch", backend=backend, base_dir=app / "src", show_progress=False, **kw)  # type: ignore[arg-type]
    master.run(make_calls, handle)
    return total[0]


def test_sum_of_squares_on_a_boinc_project(app: Path) -> None:
    with FakeProject(app / "project", app / "admin" / "apps" / "pyboinc" / "1.0" / "x86_64-pc-linux-gnu") as project:
        assert _run_sum(app, project, 6) == sum(i * i for i in range(6))
        ops = [op for op, _ in project.log]
    assert project.bad_requests == []
    assert "create_batch" in ops and "submit_batch" in ops and "upload_files" in ops
    assert ops.count("get_output") >= 12  # every job's first download hit the 404 race, then succeeded
    assert sorted(project.runs) == sorted(project.jobs)  # each job ran once on the "client"
    assert "retire_batch" in ops


def _failing_app(app: Path) -> None:
    (app / "src" / "bad_worker.py").write_text(
        "import sys\nfrom boinc.pyboinc import pyboinc_get_input\n"
        "x = pyboinc_get_input()\nprint('no luck', file=sys.stderr)\nsys.exit(3)\n")


def _master(app: Path, project: FakeProject, **kw: object) -> Master:
    backend = BoincBackend(_server(project), poll_interval=0.05, max_poll_interval=0.2)
    return Master(app / "batch", backend=backend, base_dir=app / "src", show_progress=False, **kw)  # type: ignore[arg-type]


def _vdir(app: Path) -> Path:
    return app / "admin" / "apps" / "pyboinc" / "1.0" / "x86_64-pc-linux-gnu"


def test_job_errors_go_to_the_failure_policy(app: Path) -> None:
    _failing_app(app)
    with FakeProject(app / "project", _vdir(app)) as project:
        m = _master(app, project, retries=1)
        with pytest.raises(JobFailed, match=r"exit status 195 in 2 instances \(EXIT_CHILD_FAILED") as info:
            m.run(lambda: m.call("bad_worker.py", 1), print)
        assert "too_many_error_results" in info.value.reason and "after 2 attempts" in info.value.reason
        names = sorted(project.runs)
        completed = [op for op, _ in project.log if op == "query_completed_job"]
    assert names == [names[0], names[0]]  # the server ran it twice (its template's limit); not resubmitted
    assert completed  # asked for stderr; the server's HTTP 500 for failed jobs is reported plainly
    assert "could not return the volunteer's stderr" in info.value.reason
    assert project.bad_requests == []


@pytest.mark.parametrize("retries", [0, 2])
def test_a_deterministic_failure_runs_at_most_retries_plus_one_times(app: Path, retries: int) -> None:
    _failing_app(app)
    failures: list[JobFailure] = []
    with FakeProject(app / "project", _vdir(app)) as project:
        m = _master(app, project, retries=retries, on_error=failures.append)
        m.run(lambda: m.call("bad_worker.py", 1), print)
        runs = list(project.runs)
        (job,) = project.jobs.values()
    assert len(runs) == retries + 1  # the server's reruns count: one retry budget
    assert job.max_runs == retries + 1  # set through the job's own input template
    (failure,) = failures
    assert failure.attempts == retries + 1
    assert "exit status 195" in failure.reason and "too_many_total_results" in failure.reason
    assert "the server ran it" in failure.reason and "gave up" in failure.reason
    assert "could not return the volunteer's stderr" in failure.reason


def test_skip_policy_on_boinc(app: Path) -> None:
    _failing_app(app)
    with FakeProject(app / "project", _vdir(app)) as project:
        m = _master(app, project, retries=0, on_error="skip")
        seen: list[object] = []
        m.run(lambda: [m.call("bad_worker.py", 1), m.call("app_worker.py", _input(app, 3))], seen.append)
    assert [o.value for o in seen] == [9]  # type: ignore[attr-defined]


def _input(app: Path, v: int) -> object:
    import sys

    sys.path.insert(0, str(app / "src"))
    try:
        from app_types import Input
    finally:
        sys.path.remove(str(app / "src"))
    return Input(v)


def test_a_rerun_submits_nothing_again(app: Path) -> None:
    with FakeProject(app / "project", _vdir(app)) as project:
        project.pause.clear()  # the "client" runs nothing until the first master is gone
        def interrupt(_p: object) -> None:  # ^C once the jobs are on the server
            if len(project.jobs) == 4:
                raise KeyboardInterrupt

        m = _master(app, project, progress=interrupt)
        with pytest.raises(KeyboardInterrupt):
            m.run(lambda: [m.call("app_worker.py", _input(app, i)) for i in range(4)], print)
        submitted = [op for op, _ in project.log].count("submit_batch")
        assert submitted >= 1 and len(project.jobs) == 4
        project.pause.set()
        total = [0]
        m = _master(app, project)
        m.run(lambda: [m.call("app_worker.py", _input(app, i)) for i in range(4)],
              lambda o: total.__setitem__(0, total[0] + o.value))  # type: ignore[attr-defined]
        assert total[0] == 0 + 1 + 4 + 9
        assert [op for op, _ in project.log].count("submit_batch") == submitted
        assert len(project.jobs) == 4 and sorted(project.runs) == sorted(project.jobs)


def test_refusals_fail_the_jobs(app: Path) -> None:
    with FakeProject(app / "project", _vdir(app)) as project:
        backend = BoincBackend(BoincServer(project.url, "wrong", retries=0), poll_interval=0.05, max_poll_interval=0.1)
        m = Master(app / "batch", backend=backend, base_dir=app / "src", show_progress=False, retries=0)
        with pytest.raises(JobFailed, match="bad authenticator"):
            m.run(lambda: m.call("app_worker.py", _input(app, 1)), print)


def test_fake_replies_are_shaped_like_the_recordings(app: Path) -> None:
    from xml.etree import ElementTree as ET

    from tests.pyboinc_fake_project import FIXTURES, _paths

    def shape(text: str) -> set[str]:
        return _paths(ET.fromstring(text.split("?>", 1)[1]))

    recorded = shape((FIXTURES / "query_batch__finished_with_errors.reply.xml").read_text()) | \
        shape((FIXTURES / "query_batch__done.reply.xml").read_text())
    _failing_app(app)
    with FakeProject(app / "project", _vdir(app)) as project:
        m = _master(app, project, retries=0, on_error="skip")
        m.run(lambda: [m.call("bad_worker.py", 1), m.call("app_worker.py", _input(app, 3))], print)
        replies = [project.dispatch(ET.fromstring(
            f"<query_batch><authenticator>{AUTH}</authenticator><batch_id>{bid}</batch_id>"
            "<get_job_details>1</get_job_details></query_batch>"), []) for bid in project.batches]
    assert all(status == 200 for status, _ in replies)
    text = "".join(reply for _, reply in replies)
    assert all(shape(reply) <= recorded for _, reply in replies)
    assert "<status>error</status>" in text and "<status>done</status>" in text
