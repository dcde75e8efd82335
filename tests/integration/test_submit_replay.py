"""``BoincServer`` against a loopback server replaying the real server's recorded exchanges.

Each call's request is checked against the recorded request (see
``tests/submit_replay.py``) and answered with the recorded reply.
"""

from __future__ import annotations

import asyncio
import io
import logging
import socket
import threading
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from boinc.errors import (
    ConnectError,
    HttpError,
    NoCanonicalResult,
    ProtocolError,
    RpcTimeout,
    SubmitError,
    TransportError,
)
from boinc.submit import AsyncBoincServer, BatchDesc, BatchState, BoincServer, FileDesc, JobDesc, JobParams
from tests.submit_replay import AUTHENTICATOR, Canned, ReplayServer

FIXTURES = Path(__file__).parents[1] / "fixtures" / "submit"
XML = {"Content-Type": "text/xml"}


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    with ReplayServer() as srv:
        yield srv
        srv.check()


def client(srv: ReplayServer, auth: str = AUTHENTICATOR, **kw: Any) -> BoincServer:
    return BoincServer(srv.url, auth, timeout=10, retry_delay=0.01, **kw)


def inline(text: str) -> FileDesc:
    return FileDesc.inline(text)


Call = Callable[[BoincServer], Any]
#: fixture -> (the call that must send the recorded request, a check of the result)
CALLS: dict[str, tuple[Call, Callable[[Any], bool]]] = {
    "ping": (lambda s: s.ping(), lambda r: r is None),
    "create_batch": (lambda s: s.create_batch("worker", "fx_staged_r3"), lambda r: r == 9),
    "create_batch__duplicate_name": (lambda s: s.create_batch("worker", "fx_inline_r3"), lambda r: r == 21),
    "create_batch__utf8_name": (lambda s: s.create_batch("worker", "fx_utf8_r3_éè_&_<x>"), lambda r: r == 19),
    "estimate_batch": (
        lambda s: s.estimate_batch(
            BatchDesc(
                app_name="worker",
                jobs=(
                    JobDesc(rsc_fpops_est=2e9, input_files=(inline("abc\n"),)),
                    JobDesc(input_files=(inline("def\n"),)),
                ),
            )
        ),
        lambda r: r.seconds == 302304.21615281,
    ),
    "submit_batch__inline": (
        lambda s: s.submit_batch(
            BatchDesc(
                app_name="worker",
                batch_name="fx_inline_r3",
                jobs=tuple(
                    JobDesc(name=f"fx_inline_r3_{i}", input_files=(inline(f"inline input number {w}\n"),))
                    for i, w in enumerate(["zero", "one", "two"])
                ),
            )
        ),
        lambda r: r == 10,
    ),
    "submit_batch__no_job_names": (
        lambda s: s.submit_batch(
            BatchDesc(
                app_name="worker",
                batch_name="fx_abort_batch_r3",
                priority=5,
                jobs=tuple(JobDesc(input_files=(inline(f"to be aborted {i}\n"),)) for i in range(2)),
            )
        ),
        lambda r: r == 11,
    ),
    "submit_batch__local_mode": (
        lambda s: s.submit_batch(
            BatchDesc(
                app_name="worker",
                batch_name="fx_local_r3",
                jobs=(
                    JobDesc(
                        name="fx_local_r3_0", input_files=(FileDesc.local("/home/boincadm/lab/local_input_r3.txt"),)
                    ),
                ),
            )
        ),
        lambda r: r == 13,
    ),
    "submit_batch__remote_mode": (
        lambda s: s.submit_batch(
            BatchDesc(
                app_name="worker",
                batch_name="fx_remote_r3",
                jobs=(
                    JobDesc(
                        name="fx_remote_r3_0",
                        input_files=(
                            FileDesc.remote(
                                "http://127.0.0.1:8080/test/remote_input_r3.txt", 40, "c87214abdfa2b848bc1080e51e64bf88"
                            ),
                        ),
                    ),
                ),
            )
        ),
        lambda r: r == 14,
    ),
    "submit_batch__allocation_priority": (
        lambda s: s.submit_batch(
            BatchDesc(
                app_name="worker",
                batch_name="fx_alloc_r3",
                app_version_num=100,
                allocation_priority=True,
                jobs=(
                    JobDesc(name="fx_alloc_r3_0", rsc_fpops_est=1e9, input_files=(inline("allocation priority\n"),)),
                ),
            )
        ),
        lambda r: r == 16,
    ),
    "submit_batch__for_state_demo": (
        lambda s: s.submit_batch(
            BatchDesc(
                app_name="worker",
                batch_name="fx_prog_r3",
                jobs=(
                    JobDesc(name="fx_prog_r3_0", input_files=(inline("in progress demo 0\n"),)),
                    JobDesc(name="fx_prog_r3_1", input_files=(inline("in progress demo 1\n"),)),
                    JobDesc(
                        name="fx_fail_r3_0",
                        command_line="--fail",
                        input_files=(inline("this job fails on the client\n"),),
                    ),
                ),
            )
        ),
        lambda r: r == 20,
    ),
    "query_batches": (lambda s: s.query_batches(get_cpu_time=True), lambda r: len(r) == 14),
    "query_batches__no_cpu_time": (lambda s: s.query_batches(), lambda r: r[0].total_cpu_time is None),
    "query_batches__xml_declaration": (lambda s: s.query_batches(), lambda r: len(r) == 14),
    "query_batches__after_utf8": (lambda s: s.query_batches(), lambda r: r[-1].name == "fx_utf8_r3_éè_&_<x>"),
    "query_batch": (
        lambda s: s.query_batch(9, get_cpu_time=True, get_job_details=True),
        lambda r: r.state is BatchState.IN_PROGRESS and len(r.jobs) == 2,
    ),
    "query_batch__by_name": (lambda s: s.query_batch(batch_name="fx_inline_r3"), lambda r: r.id == 10),
    "query_batch__by_duplicate_name": (lambda s: s.query_batch(batch_name="fx_inline_r3"), lambda r: r.id in (10, 21)),
    "query_batch__finished_with_errors": (
        lambda s: s.query_batch(20, get_cpu_time=True, get_job_details=True),
        lambda r: [j.status for j in r.jobs] == ["done", "error", "error"],
    ),
    "query_batch2": (
        lambda s: s.query_batch2(["fx_staged_r3", "fx_inline_r3"]),
        lambda r: [len(b.jobs) for b in r.batches] == [2, 3],
    ),
    "query_batch2__in_progress": (lambda s: s.query_batch2(["fx_prog_r3"]), lambda r: len(r.batches[0].jobs) == 3),
    "query_job__done": (lambda s: s.query_job(11), lambda r: r.instances[0].outfiles[0].size == 30),
    "query_job__failed_job": (lambda s: s.query_job(27), lambda r: len(r.instances) == 3),
    "query_completed_job": (lambda s: s.query_completed_job("fx_staged_r3_0"), lambda r: r.canonical_resultid == 7),
    "abort_jobs": (lambda s: s.abort_jobs(["fx_abortjob_r3_0"]), lambda r: r == ["fx_abortjob_r3_0"]),
    "abort_batch": (lambda s: s.abort_batch(11), lambda r: r is None),
    "retire_batch": (lambda s: s.retire_batch(11), lambda r: r is None),
    "retire_batch__completed": (lambda s: s.retire_batch(9), lambda r: r is None),
    "set_expire_time": (lambda s: s.set_expire_time(10, 1795919984), lambda r: r is None),
    "get_templates": (lambda s: s.get_templates("worker"), lambda r: "<open_name>in</open_name>" in r.input_template),
    "get_templates__by_job_name": (
        lambda s: s.get_templates(job_name="fx_inline_r3_0"),
        lambda r: "<OUTFILE_0/>" in r.output_template,
    ),
    "get_job_counts": (lambda s: s.get_job_counts(), lambda r: r.wus_need_assimilate == 9),
    "query_files": (
        lambda s: s.query_files(
            ["jf_674965475bf4a3f976d4093f71098a44", "jf_6f4dcfd250c60f05265ebe7c386d8232"], 9, 1795401584
        ),
        lambda r: r == ["jf_674965475bf4a3f976d4093f71098a44", "jf_6f4dcfd250c60f05265ebe7c386d8232"],
    ),
    "query_files__after_upload_no_batch": (
        lambda s: s.query_files(
            ["jf_674965475bf4a3f976d4093f71098a44", "jf_6f4dcfd250c60f05265ebe7c386d8232"], 0, 1795401584
        ),
        lambda r: r == [],
    ),
}

#: fixture -> (the call, the error it must raise, text of the message)
FAILING: dict[str, tuple[Call, type[Exception], str]] = {
    "error__bad_authenticator": (lambda s: s.query_batches(), SubmitError, "bad authenticator"),
    "error__no_file_access": (lambda s: s.query_batches(), SubmitError, "no file access"),
    "error__no_such_batch": (lambda s: s.query_batch(999999), SubmitError, "no such batch"),
    "error__not_owner_of_batch": (lambda s: s.query_batch(9), SubmitError, "not owner of batch"),
    "error__no_such_job": (lambda s: s.query_job(999999), SubmitError, "no such job"),
    "error__query_completed_job_unknown": (lambda s: s.query_completed_job("no_such_job"), SubmitError, "no such job"),
    "error__query_completed_job_failed_job": (
        lambda s: s.query_completed_job("fx_fail_r3_0"),
        NoCanonicalResult,
        "no canonical instance .* cannot return the job's stderr",
    ),
    "query_completed_job__not_completed": (
        lambda s: s.query_completed_job("fx_staged_r3_0"),
        NoCanonicalResult,
        "no canonical instance",
    ),
    "error__abort_jobs_unknown": (lambda s: s.abort_jobs(["no_such_job"]), SubmitError, "no job no_such_job"),
    "error__get_templates_unknown_app": (lambda s: s.get_templates("nosuchapp"), SubmitError, "app not found"),
    "error__unknown_app": (
        lambda s: s.submit_batch(
            BatchDesc(app_name="nosuchapp", jobs=(JobDesc(name="x", input_files=(inline("x"),)),))
        ),
        SubmitError,
        "app not found: nosuchapp",
    ),
    "error__no_submit_access": (
        lambda s: s.submit_batch(
            BatchDesc(app_name="worker", jobs=(JobDesc(name="fx_denied_r3", input_files=(inline("x"),)),))
        ),
        SubmitError,
        "no submit access",
    ),
    "error__wrong_input_file_count": (
        lambda s: s.submit_batch(BatchDesc(app_name="worker", jobs=(JobDesc(name="fx_nofile_r3"),))),
        SubmitError,
        "wrong # of input files",
    ),
    "error__batch_not_in_init_state": (
        lambda s: s.submit_batch(
            BatchDesc(
                app_name="worker", batch_id=9, jobs=(JobDesc(name="fx_again_r3", input_files=(inline("again\n"),)),)
            )
        ),
        SubmitError,
        "batch not in init state",
    ),
    "error__duplicate_job_name": (
        lambda s: s.submit_batch(
            BatchDesc(
                app_name="worker",
                batch_name="fx_dup_r3",
                jobs=(JobDesc(name="fx_inline_r3_0", input_files=(inline("dup\n"),)),),
            )
        ),
        SubmitError,
        "create_work failed",
    ),
    "error__local_staged_missing_file": (
        lambda s: s.submit_batch(
            BatchDesc(
                app_name="worker",
                batch_name="fx_missing_r3",
                jobs=(JobDesc(name="fx_missing_r3", input_files=(FileDesc.local_staged("jf_doesnotexist"),)),),
            )
        ),
        SubmitError,
        "md5_file: can't open",
    ),
    "query_files__after_upload": (
        lambda s: s.query_files(
            ["jf_674965475bf4a3f976d4093f71098a44", "jf_6f4dcfd250c60f05265ebe7c386d8232"], 9, 1795401584
        ),
        HttpError,
        "batch_file_assoc",
    ),
}

USER_OF = {
    "error__bad_authenticator": "0123456789abcdef0123456789abcdef",
    "error__no_file_access": "AUTHENTICATOR_NO_RIGHTS_USER",
    "error__not_owner_of_batch": "AUTHENTICATOR_OTHER_USER",
    "error__no_submit_access": "AUTHENTICATOR_OTHER_USER",
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_recorded_exchange(replay: ReplayServer, name: str) -> None:
    call, check = CALLS[name]
    replay.expect(name)
    result = call(client(replay))
    assert check(result), result
    assert replay.served == [name]
    assert replay.requests[0].get("user_agent", "boinc-python/").startswith("boinc-python/")


@pytest.mark.parametrize("name", sorted(FAILING))
def test_recorded_error(replay: ReplayServer, name: str) -> None:
    call, cls, text = FAILING[name]
    replay.expect(name)
    auth = USER_OF.get(name, AUTHENTICATOR)
    with pytest.raises(cls, match=text) as info:
        call(client(replay, auth))
    assert type(info.value) is cls
    assert auth not in str(info.value)


def test_a_different_request_is_caught(replay: ReplayServer) -> None:
    replay.expect("create_batch")
    with pytest.raises(HttpError):
        client(replay).create_batch("worker", "another_name")
    assert replay.errors == ["create_batch: /create_batch/batch_name: 'another_name' != recorded 'fx_staged_r3'"]
    replay.errors.clear()


# --------------------------------------------------------------------------- staging


def write_staged(tmp_path: Path) -> list[Path]:
    fx = ReplayServer.FIXTURES
    assert fx is not None
    files = fx["upload_files"].files
    assert files is not None
    paths = []
    for i, data in enumerate(files):
        p = tmp_path / f"in{i}.txt"
        p.write_bytes(data)
        paths.append(p)
    return paths


def test_stage_then_submit(replay: ReplayServer, tmp_path: Path) -> None:
    paths = write_staged(tmp_path)
    s = client(replay)
    replay.expect("query_files", "upload_files", "submit_batch__local_staged")
    staged = s.stage_files(paths, batch_id=9, delete_time=1795401584)
    assert [f.phys_name for f in staged] == [
        "jf_674965475bf4a3f976d4093f71098a44",
        "jf_6f4dcfd250c60f05265ebe7c386d8232",
    ]
    assert all(f.uploaded for f in staged)
    assert staged[0].nbytes == 30
    jobs = (
        JobDesc(name="fx_staged_r3_0", rsc_fpops_est=1e9, input_files=(FileDesc.local_staged(staged[0].phys_name),)),
        JobDesc(
            name="fx_staged_r3_1",
            rsc_fpops_est=1e9,
            command_line="--flag 1",
            input_files=(FileDesc.local_staged(staged[1].phys_name),),
        ),
    )
    assert s.submit_batch(BatchDesc(app_name="worker", batch_id=9, jobs=jobs)) == 9


def test_stage_skips_files_the_server_has(replay: ReplayServer, tmp_path: Path) -> None:
    paths = write_staged(tmp_path)
    replay.expect("query_files__after_upload_no_batch")
    staged = client(replay).stage_files(paths + paths[:1], delete_time=1795401584)
    assert [f.uploaded for f in staged] == [False, False, False]
    assert staged[2].phys_name == staged[0].phys_name


def test_stage_works_around_the_batch_association_crash(replay: ReplayServer, tmp_path: Path) -> None:
    paths = write_staged(tmp_path)
    replay.expect("query_files__after_upload", "query_files__after_upload_no_batch")
    staged = client(replay).stage_files(paths, batch_id=9, delete_time=1795401584)
    assert [f.uploaded for f in staged] == [False, False]


def test_stage_splits_uploads_at_max_file_uploads(replay: ReplayServer, tmp_path: Path) -> None:
    paths = []
    for i in range(45):
        p = tmp_path / f"f{i}"
        p.write_bytes(f"file {i}\n".encode())
        paths.append(p)
    absent = "".join(f"<file>{i}</file>\n" for i in range(45)).encode()
    ok = Canned(200, b"<upload_files>\n<success/>\n</upload_files>\n", XML)
    replay.expect(Canned(200, b"<query_files>\n<absent_files>\n" + absent + b"</absent_files>\n</query_files>\n", XML))
    replay.expect(ok, ok, ok)
    staged = client(replay).stage_files(paths)
    assert all(f.uploaded for f in staged)
    uploads = [r for r in replay.requests if r["request"].startswith("<upload_files>")]
    assert [len(r["files"]) for r in uploads] == [20, 20, 5]
    assert uploads[2]["files"][4] == b"file 44\n"
    assert uploads[1]["request"].count("<phys_name>") == 20


def test_upload_error_reply(replay: ReplayServer, tmp_path: Path) -> None:
    p = tmp_path / "x"
    p.write_bytes(b"other content")
    replay.expect(Canned(200, (FIXTURES / "error__upload_files_immutability_violation.reply.xml").read_bytes(), XML))
    with pytest.raises(SubmitError, match="file immutability violation"):
        client(replay).upload_files([p], ["jf_674965475bf4a3f976d4093f71098a44"])


# --------------------------------------------------------------------------- outputs


def test_batch_zip(replay: ReplayServer, tmp_path: Path) -> None:
    replay.expect("get_output__batch_files")
    path = client(replay).get_batch_outputs(9, tmp_path)
    assert path == tmp_path / "boinc_batch_VSnQz1.zip"
    with zipfile.ZipFile(path) as z:
        assert len(z.namelist()) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["boinc_batch_VSnQz1.zip"]


def test_job_outputs(replay: ReplayServer, tmp_path: Path) -> None:
    replay.expect("get_output__workunit_files", "get_output__result_file", "get_output__workunit_file")
    s = client(replay)
    z = s.get_job_outputs(11, tmp_path / "job.zip")
    assert zipfile.ZipFile(z).namelist()
    one = s.get_output_file("fx_staged_r3_0_0", 0, tmp_path)
    assert one.name == "fx_staged_r3_0_0_r1733423456_0"
    two = s.get_job_output_file("fx_staged_r3_0", 0, tmp_path / "out.txt")
    assert one.read_bytes() == two.read_bytes() == (FIXTURES / "get_output__result_file.reply.bin").read_bytes()


def test_empty_batch_gives_an_empty_zip(replay: ReplayServer, tmp_path: Path) -> None:
    headers = {"Content-Type": "application/octet-stream", "Content-Disposition": "attachment; filename=b.zip"}
    replay.expect(Canned(200, b"", headers))
    path = client(replay).get_batch_outputs(9, tmp_path / "out.zip")
    assert zipfile.ZipFile(path).namelist() == []


def test_broken_zip_is_refused_and_nothing_is_left(replay: ReplayServer, tmp_path: Path) -> None:
    headers = {"Content-Type": "application/octet-stream", "Content-Disposition": "attachment; filename=b.zip"}
    replay.expect(Canned(200, b"PK\x03\x04 this is not a zip", headers))
    with pytest.raises(ProtocolError, match="zip"):
        client(replay).get_batch_outputs(9, tmp_path / "out.zip")
    assert list(tmp_path.iterdir()) == []


def test_output_not_there_yet_is_retried(replay: ReplayServer, tmp_path: Path) -> None:
    missing = Canned(
        200, b"ERROR: no such file /home/boincadm/projects/test/upload/1a/x_0", {"Content-Type": "text/html"}
    )
    replay.expect(Canned(404, b"Not Found"), missing, "get_output__result_file")
    path = client(replay).get_output_file("fx_staged_r3_0_0", 0, tmp_path / "o")
    assert path.read_bytes() == (FIXTURES / "get_output__result_file.reply.bin").read_bytes()


def test_output_still_missing_after_retries(replay: ReplayServer, tmp_path: Path) -> None:
    replay.expect(*[Canned(404, b"")] * 3)
    with pytest.raises(HttpError, match="still missing after 3 attempts"):
        client(replay, retries=2).get_output_file("fx_staged_r3_0_0", 0, tmp_path / "o")
    assert list(tmp_path.iterdir()) == []


def test_output_bad_auth_is_an_error(replay: ReplayServer, tmp_path: Path) -> None:
    body = (FIXTURES / "get_output__bad_auth_str.reply.txt").read_bytes()
    replay.expect(Canned(200, body, {"Content-Type": "text/html; charset=UTF-8"}))
    with pytest.raises(SubmitError, match="bad authenticator"):
        client(replay).get_output_file("fx_staged_r3_0_0", 0, tmp_path / "o")


# --------------------------------------------------------------------------- transport and bad replies


def test_https_redirect_is_refused_loudly(replay: ReplayServer) -> None:
    replay.expect(Canned(302, b"", {"Location": "https://127.0.0.1/test/submit_rpc_handler.php"}))
    with pytest.raises(HttpError, match="use the project's https URL") as info:
        client(replay).query_batches()
    assert info.value.status == 302
    assert len(replay.requests) == 1


def test_html_error_page(replay: ReplayServer) -> None:
    page = b"<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head><body>down</body></html>"
    replay.expect(Canned(503, page, {"Content-Type": "text/html"}))
    with pytest.raises(HttpError, match="503 Service Unavailable") as info:
        client(replay).query_batches()
    assert info.value.status == 503


def test_php_warnings_in_a_live_reply(replay: ReplayServer) -> None:
    warning = (
        b"<br />\n<b>Deprecated</b>:  Creation of dynamic property BoincBatch::$x is deprecated in "
        b"<b>/home/boincadm/projects/test/html/inc/boinc_db.inc</b> on line <b>42</b><br />\n"
    )
    clean = (FIXTURES / "query_batch__finished_with_errors.reply.xml").read_bytes()
    replay.expect(Canned(200, warning + clean.replace(b"</job>", b"</job>" + warning), XML))
    batch = client(replay).query_batch(20, get_job_details=True)
    assert [j.name for j in batch.jobs] == ["fx_prog_r3_0", "fx_prog_r3_1", "fx_fail_r3_0"]


def test_timeout(replay: ReplayServer) -> None:
    # held for a minute (let go when the test's server stops): only the client's own timeout ends the wait
    replay.expect(Canned(200, b"<ping><success>1</success></ping>", XML, delay=60))
    with pytest.raises(RpcTimeout) as info:
        BoincServer(replay.url, AUTHENTICATOR, timeout=0.2).ping()
    assert info.value.host == "127.0.0.1"


def test_connection_refused() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(ConnectError) as info:
        BoincServer(f"http://127.0.0.1:{port}/test/", AUTHENTICATOR, timeout=2).ping()
    assert info.value.port == port


def test_tls_verification_is_on_by_default() -> None:
    s = BoincServer("https://example.org/p", AUTHENTICATOR)
    assert s._ssl.verify_mode.name == "CERT_REQUIRED"
    assert s._ssl.check_hostname
    assert s.url == "https://example.org/p/"


def test_secret_never_shows(replay: ReplayServer, caplog: pytest.LogCaptureFixture) -> None:
    secret = "s3cr3t-account-key"
    echo = f"<error><error_num>-1</error_num><error_msg>can't parse request message: {secret}</error_msg></error>"
    replay.expect(Canned(200, echo.encode(), XML))
    s = BoincServer(replay.url, secret, timeout=5)
    assert secret not in repr(s)
    assert secret not in repr(AsyncBoincServer(replay.url, secret))
    with caplog.at_level(logging.DEBUG, logger="boinc.submit"), pytest.raises(SubmitError) as info:
        s.query_batches()
    assert secret not in str(info.value)
    assert secret not in info.value.error_msg
    assert caplog.records
    assert all(secret not in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("url", ["ftp://h/p/", "h/p", "https://h/p/?x=1"])
def test_bad_url(url: str) -> None:
    with pytest.raises(ValueError, match="URL"):
        BoincServer(url, AUTHENTICATOR)


def test_bad_arguments(replay: ReplayServer) -> None:
    s = client(replay)
    with pytest.raises(ValueError, match="exactly one"):
        s.query_batch()
    with pytest.raises(ValueError, match="exactly one"):
        s.abort_batch(1, batch_name="x")
    with pytest.raises(ValueError, match="non-empty"):
        s.abort_jobs("job_0")
    with pytest.raises(ValueError, match="bad physical file name"):
        s.query_files(["../../etc/passwd"])
    assert replay.requests == []


def test_expire_time_is_set_after_submit(replay: ReplayServer) -> None:
    ok = (FIXTURES / "submit_batch__inline.reply.xml").read_bytes()
    replay.expect(Canned(200, ok, XML), "set_expire_time")
    desc = BatchDesc(app_name="worker", expire_time=1795919984, job_params=JobParams(delay_bound=3600.0))
    assert client(replay).submit_batch(desc) == 10
    assert "<delay_bound>3600.0</delay_bound>" in replay.requests[0]["request"]


def test_async_twin(replay: ReplayServer, tmp_path: Path) -> None:
    replay.expect("create_batch", "query_batch__done", "get_output__batch_files", "retire_batch__completed")

    async def flow() -> tuple[int, Any, Path]:
        s = AsyncBoincServer(replay.url, AUTHENTICATOR, timeout=10)
        batch_id = await s.create_batch("worker", "fx_staged_r3")
        batch = await s.query_batch(batch_id, get_cpu_time=True, get_job_details=True)
        path = await s.get_batch_outputs(batch_id, tmp_path)
        await s.retire_batch(batch_id)
        return batch_id, batch, path

    batch_id, batch, path = asyncio.run(flow())
    assert batch_id == 9
    assert batch.state is BatchState.COMPLETE
    assert zipfile.is_zipfile(io.BytesIO(path.read_bytes()))


def test_async_twin_has_every_method() -> None:
    import inspect

    sync = {n for n, _ in inspect.getmembers(BoincServer, inspect.isfunction) if not n.startswith("_")}
    coro = {
        n
        for n, f in inspect.getmembers(AsyncBoincServer)
        if (inspect.iscoroutinefunction(f) or inspect.isasyncgenfunction(f)) and not n.startswith("_")
    }
    assert sync == coro
    for name in sync:
        a = inspect.signature(getattr(BoincServer, name))
        b = inspect.signature(getattr(AsyncBoincServer, name))
        assert list(a.parameters) == list(b.parameters), name


def test_replay_compares_order_of_repeated_elements() -> None:
    import xml.etree.ElementTree as ET

    from tests.submit_replay import compare_xml

    recorded = ET.fromstring("<q><a>1</a><job><n>x</n></job><job><n>y</n></job><b>0.5</b></q>")
    same = ET.fromstring("<q><b>5e-1</b><job><n>x</n></job><a>1.0</a><job><n>y</n></job><extra>0</extra></q>")
    swapped = ET.fromstring("<q><a>1</a><job><n>y</n></job><job><n>x</n></job><b>0.5</b></q>")
    assert compare_xml(same, recorded) == []
    assert compare_xml(swapped, recorded) == ["/q/job/n: 'y' != recorded 'x'", "/q/job/n: 'x' != recorded 'y'"]
    assert compare_xml(ET.fromstring("<q><a>1</a><b>0.5</b></q>"), recorded) == ["/q/job: sent 0, recorded 2"]
    assert compare_xml(ET.fromstring("<q><a>1</a><b>0.5</b><c>1</c><job/><job/></q>"), recorded)


def test_abort_jobs_partial_failure_names_what_was_aborted(replay: ReplayServer) -> None:
    body = (
        b'<?xml version="1.0" encoding="ISO-8859-1" ?>\n<abort_jobs>\n<aborted job_a>\n<aborted job_b>\n'
        b"<error>\n    <error_num>-1</error_num>\n    <error_msg>no job job_c</error_msg>\n</error>\n</abort_jobs>\n"
    )
    replay.expect(Canned(200, body, XML))
    with pytest.raises(SubmitError) as info:
        client(replay).abort_jobs(["job_a", "job_b", "job_c"])
    assert info.value.error_msg == "no job job_c (aborted before the error: job_a, job_b)"
    assert "<job_name>job_c</job_name>" in replay.requests[0]["request"]


def test_download_into_a_missing_directory_is_a_local_error(replay: ReplayServer, tmp_path: Path) -> None:
    replay.expect("get_output__result_file")
    with pytest.raises(FileNotFoundError):
        client(replay).get_output_file("fx_staged_r3_0_0", 0, tmp_path / "no" / "such" / "dir" / "o")


def test_download_cut_short_leaves_nothing(tmp_path: Path) -> None:
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port = srv.getsockname()[1]

    def serve() -> None:
        conn, _ = srv.accept()
        conn.recv(65536)
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
            b"Content-Disposition: attachment; filename=o\r\nContent-Length: 100000\r\n\r\npartial"
        )
        conn.close()
        srv.close()

    t = threading.Thread(target=serve)
    t.start()
    s = BoincServer(f"http://127.0.0.1:{port}/test/", AUTHENTICATOR, timeout=5)
    with pytest.raises(TransportError, match="closed the connection early"):
        s.get_output_file("r_0", 0, tmp_path / "o")
    t.join()
    assert list(tmp_path.iterdir()) == []


def test_stage_works_around_the_delete_time_update_bug(replay: ReplayServer, tmp_path: Path) -> None:
    paths = write_staged(tmp_path)
    failed = (
        b"<query_files>\n<error>\n<error_num>-1</error_num>\n"
        b"<error_msg>job_file->update() failed: </error_msg>\n</error>\n</query_files>\n"
    )
    present = b"<query_files>\n<absent_files>\n</absent_files>\n</query_files>\n"
    replay.expect(Canned(200, failed, XML), Canned(200, present, XML))
    staged = client(replay).stage_files(paths, delete_time=1795401584)
    assert [f.uploaded for f in staged] == [False, False]
    assert "<delete_time>1795401584</delete_time>" in replay.requests[0]["request"]
    assert "<delete_time>0</delete_time>" in replay.requests[1]["request"]
