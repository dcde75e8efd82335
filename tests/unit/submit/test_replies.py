"""Every recorded reply of the real BOINC server decodes, to the right values or the right error."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from boinc.errors import HttpError, ProtocolError, SubmitError
from boinc.submit import Batch, BatchState, CompletedJob, ErrorMask, Job, JobStatus
from boinc.submit import _protocol as P

FIXTURES = Path(__file__).parents[2] / "fixtures" / "submit"
#: Replies recorded with HTTP 500 (fixtures/submit/index.md).
STATUS_500 = {
    "query_completed_job__not_completed",
    "error__query_completed_job_failed_job",
    "query_files__after_upload",
    "upload_files__already_present",
    "bug__upload_files_without_batch_file_assoc_table",
}


def op_of(name: str) -> str:
    req = FIXTURES / f"{name}.request.xml"
    if req.exists() and req.stat().st_size:
        m = re.match(r"\s*(?:<\?xml[^>]*>\s*)?<(\w+)", req.read_text(encoding="utf-8"))
        assert m
        return m.group(1)
    if name.startswith("get_job_counts"):
        return "get_job_counts"
    return "ping"


def decode_fixture(name: str) -> Any:
    """Decode a recorded reply as the client does for its operation."""
    body = (FIXTURES / f"{name}.reply.xml").read_bytes()
    op = op_of(name)
    status = 500 if name in STATUS_500 else 200
    if op == "abort_jobs":
        body, aborted = P.split_aborted(body)
        P.parse_success(P.check_reply(op, status, body, secret="AUTHENTICATOR"), op)
        return aborted
    root = "job_counts" if op == "get_job_counts" else None
    text = P.check_reply(op, status, body, secret="AUTHENTICATOR", root=root)
    parsers: dict[str, Callable[[str], Any]] = {
        "ping": lambda t: P.parse_success(t, "ping"),
        "create_batch": lambda t: P.parse_batch_id(t, "create_batch"),
        "submit_batch": lambda t: P.parse_batch_id(t, "submit_batch"),
        "estimate_batch": P.parse_estimate,
        "query_batches": P.parse_batches,
        "query_batch": P.parse_batch,
        "query_batch2": lambda t: P.parse_batch2(t, re.findall(r"<batch_name>(.*?)</batch_name>", _req(name))),
        "query_job": lambda t: P.parse_job(t, int(re.findall(r"<job_id>(\d+)", _req(name))[0])),
        "query_completed_job": P.parse_completed_job,
        "abort_batch": lambda t: P.parse_success(t, "abort_batch"),
        "retire_batch": lambda t: P.parse_success(t, "retire_batch"),
        "set_expire_time": lambda t: P.parse_success(t, "set_expire_time"),
        "get_templates": P.parse_templates,
        "get_job_counts": P.parse_job_counts,
        "query_files": lambda t: P.parse_absent(t, _req(name).count("<phys_name>")),
        "upload_files": lambda t: P.parse_success(t, "upload_files"),
    }
    return parsers[op](text)


def _req(name: str) -> str:
    return (FIXTURES / f"{name}.request.xml").read_text(encoding="utf-8")


ALL = sorted(p.name.removesuffix(".reply.xml") for p in FIXTURES.glob("*.reply.xml"))

#: Fixture -> (error class, text in its message); every other reply decodes.
ERRORS: dict[str, tuple[type[Exception], str]] = {
    "bug__estimate_batch_template_unreadable_php8": (SubmitError, "couldn't parse input template file"),
    "bug__submit_batch_template_unreadable_php8": (SubmitError, "couldn't parse input template file"),
    "bug__upload_files_without_batch_file_assoc_table": (HttpError, "batch_file_assoc"),
    "error__abort_jobs_unknown": (SubmitError, "no job no_such_job"),
    "error__bad_authenticator": (SubmitError, "bad authenticator"),
    "error__batch_not_in_init_state": (SubmitError, "batch not in init state"),
    "error__batch_not_specified": (SubmitError, "batch not specified"),
    "error__duplicate_job_name": (SubmitError, "Duplicate entry 'fx_inline_r3_0'"),
    "error__get_templates_unknown_app": (SubmitError, "app not found: nosuchapp"),
    "error__invalid_xml": (SubmitError, "can't parse request message: <query_batches>"),
    "error__job_file_bad_filename": (SubmitError, "bad filename"),
    "error__job_file_invalid_xml": (SubmitError, "can't parse request message"),
    "error__job_file_no_file_access": (SubmitError, "no file access"),
    "error__job_file_unknown_action": (SubmitError, "no such action"),
    "error__local_staged_missing_file": (SubmitError, "md5_file: can't open"),
    "error__no_authenticator": (SubmitError, "no authenticator"),
    "error__no_file_access": (SubmitError, "no file access"),
    "error__no_request_field": (SubmitError, "can't parse request message"),
    "error__no_submit_access": (SubmitError, "no submit access"),
    "error__no_such_batch": (SubmitError, "no such batch"),
    "error__no_such_job": (SubmitError, "no such job"),
    "error__not_owner_of_batch": (SubmitError, "not owner of batch"),
    "error__query_completed_job_failed_job": (HttpError, "without a canonical instance"),
    "error__query_completed_job_unknown": (SubmitError, "no such job"),
    # PHP 8.2 with display_errors: a warning, then a fatal error and its stack trace, XML cut off (bug #3)
    "lab2__query_completed_job__python_traceback": (
        HttpError,
        "PHP fatal error on the server (Fatal error: Uncaught mysqli_sql_exception",
    ),
    "error__request_via_get": (SubmitError, "can't parse request message"),
    "error__unknown_app": (SubmitError, "app not found: nosuchapp"),
    "error__unknown_command": (SubmitError, "bad command"),
    "error__unsupported_file_mode": (SubmitError, "unsupported file mode: bogus"),
    "error__upload_files_count_mismatch": (SubmitError, "# of uploaded files (1) doesn't agree with request (2)"),
    "error__upload_files_immutability_violation": (SubmitError, "file immutability violation"),
    "error__wrong_input_file_count": (SubmitError, "wrong # of input files for job 0: need 1, got 0"),
    "ping__empty_element": (SubmitError, "can't parse request message: <ping></ping>"),
    "query_completed_job__not_completed": (HttpError, "without a canonical instance"),
    "query_files__after_upload": (HttpError, "batch_file_assoc"),
    "upload_files__already_present": (HttpError, "registered already"),
}


def test_every_reply_is_covered() -> None:
    assert len(ALL) == 104 + 4  # + 13 GET downloads = the 117 recorded exchanges; + 4 + 2 of the second lab
    assert set(ERRORS) <= set(ALL)


@pytest.mark.parametrize("name", ALL)
def test_every_recorded_reply_decodes(name: str) -> None:
    if name in ERRORS:
        cls, text = ERRORS[name]
        with pytest.raises(cls) as info:
            decode_fixture(name)
        assert type(info.value) is cls
        assert text in str(info.value)
        if cls is SubmitError:
            assert info.value.error_num == -1  # type: ignore[attr-defined]
        else:
            assert info.value.status == (200 if name.startswith("lab2__") else 500)  # type: ignore[attr-defined]
    else:
        decode_fixture(name)


def test_authenticator_is_masked_in_echoed_requests() -> None:
    with pytest.raises(SubmitError) as info:
        decode_fixture("error__invalid_xml")
    assert "AUTHENTICATOR" not in str(info.value)
    assert "AUTHENTICATOR" not in info.value.error_msg
    assert "***" in info.value.error_msg


def test_batch_ids() -> None:
    assert decode_fixture("create_batch") == 9
    assert decode_fixture("create_batch__duplicate_name") == 21
    assert decode_fixture("submit_batch__local_staged") == 9
    assert decode_fixture("submit_batch__inline") == 10
    assert decode_fixture("submit_batch__allocation_priority") == 16


def test_estimate() -> None:
    assert decode_fixture("estimate_batch").seconds == 302304.21615281


def test_query_batch_done() -> None:
    b: Batch = decode_fixture("query_batch__done")
    assert (b.id, b.njobs, b.nerror_jobs, b.state, b.name, b.app_name) == (
        9,
        2,
        0,
        BatchState.COMPLETE,
        "fx_staged_r3",
        "worker",
    )
    assert b.create_time == 1795315184
    assert b.completion_time == 1795315229
    assert b.fraction_done == 1.0
    assert b.credit_canonical == 0.010037513888889
    assert b.total_cpu_time == 0.0
    assert [(j.id, j.name, j.canonical_instance_id, j.status) for j in b.jobs] == [
        (11, "fx_staged_r3_0", 7, "done"),
        (12, "fx_staged_r3_1", 8, "done"),
    ]
    assert all(j.status == JobStatus.DONE and j.cpu_time == 0.0 and not j.errors for j in b.jobs)


def test_query_batch_without_details() -> None:
    b: Batch = decode_fixture("query_batch__by_name")
    assert b.id == 10
    assert b.state is BatchState.IN_PROGRESS
    assert b.total_cpu_time is None
    assert [j.name for j in b.jobs] == ["fx_inline_r3_0", "fx_inline_r3_1", "fx_inline_r3_2"]
    assert all(j.status is None and j.cpu_time is None for j in b.jobs)  # not sent: None, not ""


def test_per_job_errors_are_data() -> None:
    b: Batch = decode_fixture("query_batch__finished_with_errors")
    assert b.nerror_jobs == 1
    assert b.state is BatchState.COMPLETE
    ok, cancelled, failed = b.jobs
    assert ok.status == "done"
    assert ok.errors == ()
    assert ok.error_mask == ErrorMask(0)
    assert cancelled.errors == ("cancelled",)
    assert cancelled.error_mask == ErrorMask.CANCELLED
    assert cancelled.canonical_instance_id == 18
    assert cancelled.status == JobStatus.ERROR
    assert failed.errors == ("too_many_error_results", "too_many_total_results")
    assert failed.error_mask == ErrorMask.TOO_MANY_ERROR_RESULTS | ErrorMask.TOO_MANY_TOTAL_RESULTS
    assert failed.exit_statuses == (3, 3, 3)
    assert failed.cpu_time is None


@pytest.mark.parametrize(
    ("name", "statuses"),
    [
        ("query_batch__queued", ["queued"] * 3),
        ("query_batch__in_progress", ["in_progress"] * 3),
        ("query_batch__partly_aborted", ["error", "done"]),
    ],
)
def test_job_statuses(name: str, statuses: list[str]) -> None:
    assert [j.status for j in decode_fixture(name).jobs] == statuses


def test_query_batches() -> None:
    batches: list[Batch] = decode_fixture("query_batches")
    assert len(batches) == 14
    assert batches[0].id == 1
    assert batches[0].name == "fx_staged_r1"
    assert batches[0].state is BatchState.INIT
    assert batches[1].expire_time == 1795919828
    assert all(b.total_cpu_time is not None for b in batches)
    assert all(b.total_cpu_time is None for b in decode_fixture("query_batches__no_cpu_time"))
    assert BatchState.RETIRED not in {b.state for b in decode_fixture("query_batches__after_retire")}


def test_unescaped_name_and_wrong_encoding_declaration() -> None:
    batches: list[Batch] = decode_fixture("query_batches__after_utf8")
    assert batches[-1].id == 19
    assert batches[-1].name == "fx_utf8_r3_éè_&_<x>"
    assert batches[-1].app_name == "worker"
    assert len(batches) == 15


def test_query_batch2() -> None:
    status = decode_fixture("query_batch2__done")
    assert status.server_time == 1795315229.7567
    assert [(b.batch_name, len(b.jobs)) for b in status.batches] == [("fx_staged_r3", 2), ("fx_inline_r3", 3)]
    assert {j.status for b in status.batches for j in b.jobs} == {"DONE"}
    assert status.batches[1].jobs[2].job_name == "fx_inline_r3_2"
    assert {j.status for j in decode_fixture("query_batch2").batches[0].jobs} == {"UNSENT"}
    assert {j.status for j in decode_fixture("query_batch2__in_progress").batches[0].jobs} == {"IN_PROGRESS"}


def test_query_batch2_sizes_must_add_up() -> None:
    text = P.check_reply("query_batch2", 200, (FIXTURES / "query_batch2__done.reply.xml").read_bytes())
    with pytest.raises(ProtocolError):
        P.parse_batch2(text, ["only_one_name"])


def test_query_job() -> None:
    job: Job = decode_fixture("query_job__done")
    assert job.id == 11
    # query_job's reply carries only instances: what it did not send reads as not sent
    assert (job.name, job.status, job.canonical_instance_id, job.cpu_time) == (None, None, None, None)
    (inst,) = job.instances
    assert (inst.name, inst.id, inst.state) == ("fx_staged_r3_0_0", 7, "Completed and validated")
    assert [f.size for f in inst.outfiles] == [30.0]
    assert decode_fixture("query_job").instances == ()
    assert decode_fixture("query_job__queued").instances[0].state == "Unsent"
    failed: Job = decode_fixture("query_job__failed_job")
    assert [i.id for i in failed.instances] == [19, 20, 21]
    assert all(i.state == "Error while computing" and i.outfiles == () for i in failed.instances)


def test_query_completed_job() -> None:
    job: CompletedJob = decode_fixture("query_completed_job")
    assert job.error_mask == ErrorMask(0)
    assert job.canonical_resultid == 7
    assert job.error_resultid is None
    assert job.exit_status == 0
    assert job.elapsed_time == 1.00842
    assert job.cpu_time == 0.0
    assert job.stderr_out.startswith("<core_client_version>7.20.5</core_client_version>\n<![CDATA[\n<stderr_txt>")
    assert "worker.sh: args= pwd=/var/lib/boinc-client/slots/1" in job.stderr_out
    assert job.stderr_out.endswith("</stderr_txt>\n]]>")
    aborted: CompletedJob = decode_fixture("query_completed_job__aborted_but_computed")
    assert aborted.error_mask == ErrorMask.CANCELLED
    assert aborted.canonical_resultid == 18


def test_abort_jobs_reply_is_not_xml() -> None:
    assert decode_fixture("abort_jobs") == ["fx_abortjob_r3_0"]
    assert decode_fixture("abort_jobs__in_progress") == ["fx_prog_r3_1"]


def test_templates() -> None:
    t = decode_fixture("get_templates")
    assert t.input_template.startswith("<file_info>")
    assert "<open_name>in</open_name>" in t.input_template
    assert t.input_template.endswith("</workunit>")
    assert "<name><OUTFILE_0/></name>" in t.output_template
    assert t.output_template.endswith("</result>")
    assert decode_fixture("get_templates__by_job_name") == t


def test_job_counts() -> None:
    c = decode_fixture("get_job_counts")
    assert c.wus_need_assimilate == 9
    assert c.results_ready_to_send == 0
    assert (
        decode_fixture("get_job_counts__queued").results_ready_to_send
        + decode_fixture("get_job_counts__in_progress").results_in_progress
        > 0
    )


def test_query_files() -> None:
    assert decode_fixture("query_files") == [0, 1]
    assert decode_fixture("query_files__after_upload_no_batch") == []
    assert decode_fixture("bug__query_files_without_batch_file_assoc_table") == [0]


def test_success_replies() -> None:
    for name in ("ping", "ping__with_authenticator", "abort_batch", "retire_batch", "set_expire_time", "upload_files"):
        assert decode_fixture(name) is None
