"""Outputs and waiting against recorded replies of real servers (the second lab's bugs #3, #23, #24 included)."""

from __future__ import annotations

import asyncio
import logging
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from boinc.errors import NoCanonicalResult, OperationTimeout, OutputsUnavailable, SubmitError
from boinc.submit import AsyncBoincServer, BatchCounts, BatchDesc, BoincServer, FileDesc, JobDesc, JobResult
from tests.submit_replay import AUTHENTICATOR, Canned, ReplayServer

FIXTURES = Path(__file__).parents[1] / "fixtures" / "submit"
EMPTY = "lab2__get_output__workunit_files__default_job_name_with_dot_gives_empty_body"
NOT_DONE = "lab2__get_output__workunit_files__no_canonical_result"
ZIP_HEADERS = {"Content-Type": "application/octet-stream", "Content-Disposition": "attachment; filename=j.zip"}
ONE_FILE = (FIXTURES / "get_output__workunit_file.reply.bin").read_bytes()


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    with ReplayServer() as srv:
        yield srv
        srv.check()


def client(srv: ReplayServer, **kw: Any) -> BoincServer:
    return BoincServer(srv.url, AUTHENTICATOR, timeout=10, retry_delay=0.001, **kw)


# --------------------------------------------------------------------------- issue 12.1: empty workunit_files


def test_an_empty_workunit_files_reply_is_fetched_file_by_file(replay: ReplayServer, tmp_path: Path) -> None:
    # The recorded empty reply (job 5, dotted name), then the job's instances and its one file.
    replay.expect(EMPTY).expect("query_job__done", ignore=("job_id",)).expect("get_output__workunit_file")
    path = client(replay).get_job_outputs(5, tmp_path / "job.zip")
    with zipfile.ZipFile(path) as z:
        assert z.namelist() == ["fx_staged_r3_0_0_r1733423456_0"]
        assert z.read("fx_staged_r3_0_0_r1733423456_0") == ONE_FILE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["job.zip"]
    assert replay.requests[2]["query"]["wu_name"] == "fx_staged_r3_0"  # the job name, from the instance name


def test_the_workaround_failing_too_names_the_server_bug(replay: ReplayServer, tmp_path: Path) -> None:
    bad = Canned(200, b"ERROR: bad file num: 0 > -1", {"Content-Type": "text/html"})
    replay.expect(EMPTY).expect("query_job__done", ignore=("job_id",)).expect(bad)
    with pytest.raises(OutputsUnavailable, match=r"empty zip .* contains a dot.*bad file num") as info:
        client(replay).get_job_outputs(5, tmp_path)
    assert isinstance(info.value, SubmitError)
    assert list(tmp_path.iterdir()) == []  # no empty archive left behind


def test_a_job_without_outputs_keeps_its_empty_zip_after_the_retries(replay: ReplayServer, tmp_path: Path) -> None:
    replay.expect(EMPTY).expect("query_job__failed_job", ignore=("job_id",))
    replay.expect(EMPTY).expect("query_job__failed_job", ignore=("job_id",))
    path = client(replay, retries=1).get_job_outputs(5, tmp_path / "job.zip")
    assert zipfile.ZipFile(path).namelist() == []


def test_async_twin_fetches_file_by_file_too(replay: ReplayServer, tmp_path: Path) -> None:
    replay.expect(EMPTY).expect("query_job__done", ignore=("job_id",)).expect("get_output__workunit_file")

    async def run() -> Path:
        async with AsyncBoincServer(replay.url, AUTHENTICATOR, timeout=10) as s:
            return await s.get_job_outputs(5, tmp_path)

    path = asyncio.run(run())
    assert zipfile.ZipFile(path).read("fx_staged_r3_0_0_r1733423456_0") == ONE_FILE


# --------------------------------------------------------------------------- issue 12.2: "no canonical result"


def test_no_canonical_result_is_a_typed_error_at_once(replay: ReplayServer, tmp_path: Path) -> None:
    replay.expect(NOT_DONE)
    with pytest.raises(NoCanonicalResult, match="job pbc4b6759f56_3_r3 has no result yet") as info:
        client(replay, retries=3).get_job_outputs(23, tmp_path)
    assert info.value.job_name == "pbc4b6759f56_3_r3"
    assert len(replay.requests) == 1  # not retried as the output-404 race
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- issue 12.3: failed jobs, bug #3


def test_crashing_query_completed_job_says_the_stderr_is_unreachable(replay: ReplayServer) -> None:
    replay.expect("lab2__query_completed_job__python_traceback")
    with pytest.raises(NoCanonicalResult, match="cannot return the job's stderr") as info:
        client(replay).query_completed_job("pbc4b6759f56_3")
    assert info.value.job_name == "pbc4b6759f56_3"


def test_a_job_the_server_ran_four_times(replay: ReplayServer) -> None:
    replay.expect("lab2__query_job__failed_server_retried")
    job = client(replay).query_job(20)
    assert [i.state for i in job.instances] == ["Error while computing"] * 4
    assert job.name is None and job.status is None  # query_job does not send them


def test_query_batch_without_details_leaves_status_unset(replay: ReplayServer) -> None:
    replay.expect("lab2__query_batch__php82_deprecated_notices")
    batch = client(replay).query_batch(6)
    assert [j.status for j in batch.jobs] == [None] * 4
    assert [j.canonical_instance_id for j in batch.jobs] == [18, 19, 0, 21]


# --------------------------------------------------------------------------- wait_batch


def test_wait_batch_polls_until_every_job_ended(replay: ReplayServer) -> None:
    for name in ("query_batch__queued", "query_batch__in_progress", "query_batch__in_progress",
                 "query_batch__finished_with_errors"):
        replay.expect(name, ignore=("get_cpu_time",))
    seen: list[BatchCounts] = []
    batch = client(replay).wait_batch(20, poll_interval=0.001, progress=seen.append)
    assert [j.status for j in batch.jobs] == ["done", "error", "error"]
    assert seen == [
        BatchCounts(queued=3),
        BatchCounts(in_progress=3),
        BatchCounts(in_progress=3),
        BatchCounts(done=1, failed=2),
    ]
    assert all("<get_job_details>1</get_job_details>" in r["request"] for r in replay.requests)


def test_wait_batch_times_out(replay: ReplayServer) -> None:
    replay.expect("query_batch__queued", ignore=("get_cpu_time",))
    with pytest.raises(OperationTimeout, match="wait_batch 20"):
        client(replay).wait_batch(20, poll_interval=60, timeout=0.0)


def test_async_wait_batch(replay: ReplayServer) -> None:
    replay.expect("query_batch", "query_batch__done", ignore=("get_cpu_time",))

    async def run() -> Any:
        async with AsyncBoincServer(replay.url, AUTHENTICATOR, timeout=10) as s:
            return await s.wait_batch(9, poll_interval=0.001)

    assert [j.status for j in asyncio.run(run()).jobs] == ["done", "done"]


# --------------------------------------------------------------------------- completed jobs, one by one


def _zip_reply() -> Canned:
    return Canned(200, (FIXTURES / "get_output__workunit_files.reply.zip").read_bytes(), ZIP_HEADERS)


def _finished_with_errors(replay: ReplayServer) -> None:
    replay.expect("query_batch__queued", "query_batch__finished_with_errors", ignore=("get_cpu_time",))
    replay.expect(Canned(404, b"Not Found"), _zip_reply())  # fx_prog_r3_0 (done): the 404 race, then its zip
    replay.expect("query_completed_job", ignore=("job_name",))  # fx_prog_r3_1: cancelled, yet it has a result
    replay.expect("lab2__query_completed_job__python_traceback", ignore=("job_name",))  # fx_fail_r3_0: bug #3


def test_completed_jobs_come_one_by_one(replay: ReplayServer, tmp_path: Path) -> None:
    _finished_with_errors(replay)
    results = list(client(replay).iter_completed_jobs(20, tmp_path, poll_interval=0.001))
    assert [(r.name, r.ok) for r in results] == [("fx_prog_r3_0", True), ("fx_prog_r3_1", False),
                                                ("fx_fail_r3_0", False)]
    done, cancelled, failed = results
    assert [p.read_bytes() for p in done.output_files] == [ONE_FILE]
    assert done.output_files[0].parent == tmp_path / "fx_prog_r3_0"
    assert cancelled.errors == ("cancelled",) and cancelled.stderr_out is not None
    assert failed.errors == ("too_many_error_results", "too_many_total_results")
    assert failed.exit_statuses == (3, 3, 3)
    assert failed.stderr_out is None and "could not return the volunteer's stderr" in failed.stderr_error
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fx_prog_r3_0"]  # no zip or part file left


def test_async_completed_jobs(replay: ReplayServer, tmp_path: Path) -> None:
    _finished_with_errors(replay)

    async def run() -> list[JobResult]:
        async with AsyncBoincServer(replay.url, AUTHENTICATOR, timeout=10, retry_delay=0.001) as s:
            return [r async for r in s.iter_completed_jobs(20, tmp_path, poll_interval=0.001)]

    assert [r.ok for r in asyncio.run(run())] == [True, False, False]


def test_a_failed_job_is_resubmitted_once_under_a_new_name(
    replay: ReplayServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    ok = (FIXTURES / "submit_batch__inline.reply.xml").read_bytes()
    replay.expect("query_batch__partly_aborted", ignore=("get_cpu_time",))  # batch 12: 18 failed, 19 done
    replay.expect(Canned(500, b"<?xml"))  # query_completed_job of the failed job 18 (bug #3)
    replay.expect(_zip_reply())  # job 19's outputs
    replay.expect(Canned(200, ok, {"Content-Type": "text/xml"}))  # the resubmission of job 18: batch 10
    replay.expect("query_batch__partly_aborted", ignore=("get_cpu_time",))  # nothing new in batch 12
    replay.expect("query_batch__done_inline", ignore=("get_cpu_time",))  # batch 10 (recorded with 3 jobs)
    replay.expect(*[_zip_reply()] * 3)
    names = ["fx_abortjob_r3_0", "fx_abortjob_r3_1"]
    desc = BatchDesc(app_name="worker", batch_name="fx_abort_jobs_r3",
                     jobs=tuple(JobDesc(name=n, input_files=(FileDesc.inline("x\n"),)) for n in names))
    with caplog.at_level(logging.INFO, logger="boinc.submit"):
        results = list(client(replay).iter_completed_jobs(12, tmp_path, poll_interval=0.001, resubmit=desc))
    assert [(r.name, r.ok, r.resubmitted_as) for r in results[:2]] == [
        ("fx_abortjob_r3_0", False, "fx_abortjob_r3_0_r2"),
        ("fx_abortjob_r3_1", True, None),
    ]
    sent = replay.requests[3]["request"]
    assert "<submit_batch>" in sent and "<name>fx_abortjob_r3_0_r2</name>" in sent
    assert "<name>fx_abortjob_r3_1" not in sent  # only the failed job runs again
    assert [r.ok for r in results[2:]] == [True] * 3
    assert "resubmitted as fx_abortjob_r3_0_r2" in caplog.text


def test_outputs_missing_poll_after_poll_end_as_a_failure(replay: ReplayServer, tmp_path: Path) -> None:
    for _ in range(5):  # batch 9: two done jobs whose files never arrive
        replay.expect("query_batch__done", ignore=("get_cpu_time",)).expect(Canned(404, b""), Canned(404, b""))
    s = client(replay, retries=0)
    missing: dict[str, int] = {}
    polls = [s.collect_completed(9, tmp_path, missing=missing) for _ in range(5)]
    assert polls[:4] == [[]] * 4 and missing == {}
    assert [(r.name, r.ok) for r in polls[4]] == [("fx_staged_r3_0", False), ("fx_staged_r3_1", False)]
    assert all("could not be downloaded in 5 polls" in r.output_error for r in polls[4])
