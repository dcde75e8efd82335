"""Properties of boinc.submit: requests round-trip through the encoder; no reply bytes crash the client."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from boinc._xml import decode, encode
from boinc.errors import BoincError
from boinc.submit import BatchDesc, FileDesc, JobDesc, JobParams
from boinc.submit import _protocol as P
from tests.strategies import equal, floats, ints, text

FIXTURES = Path(__file__).parents[1] / "fixtures" / "submit"

opt_float = st.none() | floats
opt_int = st.none() | ints
names = st.text(st.characters(exclude_categories=("Cs", "Zs", "Zl", "Zp", "Cc")), min_size=1, max_size=20).filter(
    lambda s: not any(c.isspace() for c in s)
)
command_lines = text.filter(lambda s: not any(c in s for c in '"\r\n'))
printable = st.characters(min_codepoint=32, max_codepoint=126, exclude_characters="<>&")
raw_xml = st.text(printable, max_size=20).map(str.strip)
md5s = st.text("0123456789abcdef", min_size=32, max_size=32)

file_descs = st.one_of(
    st.builds(FileDesc.local_staged, text),
    st.builds(FileDesc.local, text),
    st.builds(FileDesc.semilocal, text),
    st.builds(FileDesc.inline, text.filter(lambda s: not any(ord(c) < 32 and c not in "\t\n\r" for c in s))),
    st.builds(FileDesc.sandbox, text),
    st.builds(FileDesc.remote, text, st.floats(min_value=0, max_value=1e15), md5s),
)
job_params = st.builds(
    JobParams,
    rsc_disk_bound=opt_float,
    rsc_fpops_est=opt_float,
    rsc_fpops_bound=opt_float,
    rsc_memory_bound=opt_float,
    delay_bound=opt_float,
)
job_descs = st.builds(
    JobDesc,
    name=st.none() | names,
    rsc_fpops_est=opt_float,
    command_line=st.none() | command_lines,
    target_user=opt_int,
    target_host=opt_int,
    input_template=raw_xml,
    output_template=raw_xml,
    priority=opt_int,
    input_files=st.lists(file_descs, max_size=3).map(tuple),
)
batch_descs = st.builds(
    BatchDesc,
    app_name=text,
    batch_id=opt_int,
    batch_name=st.none() | text,
    app_version_num=opt_int,
    allocation_priority=st.booleans(),
    priority=opt_int,
    input_template_filename=st.none() | text,
    output_template_filename=st.none() | text,
    workunit_template_file=st.none() | text,
    expire_time=opt_float,
    job_params=st.none() | job_params,
    jobs=st.lists(job_descs, max_size=3).map(tuple),
)


@given(batch_descs)
def test_batch_desc_round_trips(desc: BatchDesc) -> None:
    assert equal(decode(BatchDesc, encode(desc, "batch"), "batch"), desc)


@given(file_descs)
def test_file_desc_round_trips(desc: FileDesc) -> None:
    assert equal(decode(FileDesc, encode(desc, "input_file"), "input_file"), desc)


@given(batch_descs, text)
def test_request_bytes_round_trip(desc: BatchDesc, auth: str) -> None:
    req = P.BatchRequest(authenticator=auth, batch=desc)
    data = P.encode_request(req, "submit_batch")
    assert equal(decode(P.BatchRequest, data, "submit_batch"), req)


PARSERS: dict[str, Callable[[str], Any]] = {
    "ping": lambda t: P.parse_success(t, "ping"),
    "submit_batch": lambda t: P.parse_batch_id(t, "submit_batch"),
    "estimate_batch": P.parse_estimate,
    "query_batches": P.parse_batches,
    "query_batch": P.parse_batch,
    "query_batch2": lambda t: P.parse_batch2(t, ["a", "b"]),
    "query_job": lambda t: P.parse_job(t, 1),
    "query_completed_job": P.parse_completed_job,
    "get_templates": P.parse_templates,
    "query_files": lambda t: P.parse_absent(t, 3),
    "abort_jobs": lambda t: P.parse_success(t, "abort_jobs"),
}
SAMPLES = [
    (FIXTURES / f"{n}.reply.xml").read_bytes()
    for n in (
        "query_batch__finished_with_errors",
        "query_batches__after_utf8",
        "query_batch2__done",
        "query_job__done",
        "query_completed_job",
        "get_templates",
        "query_files",
        "abort_jobs",
        "error__duplicate_job_name",
    )
]


def _replies() -> st.SearchStrategy[bytes]:
    def mutate(data: bytes, cut: int, pos: int, junk: bytes) -> bytes:
        cut %= len(data) + 1
        pos %= cut + 1
        return data[:pos] + junk + data[pos:cut]

    mutated = st.builds(
        mutate, st.sampled_from(SAMPLES), st.integers(0, 10**6), st.integers(0, 10**6), st.binary(max_size=20)
    )
    tags = st.sampled_from(
        [b"<query_batch>", b"</job>", b"<job>", b"<error>", b"<error_num>-1</error_num>", b"<![CDATA[", b"<b>", b"&"]
    )
    soup = st.lists(st.one_of(tags, st.binary(max_size=8)), max_size=30).map(b"".join)
    return st.one_of(st.binary(max_size=200), mutated, soup)


@given(st.sampled_from(sorted(PARSERS)), st.sampled_from([200, 200, 302, 500]), _replies())
def test_any_reply_gives_a_value_or_a_boinc_error(op: str, status: int, data: bytes) -> None:
    try:
        if op == "abort_jobs":
            data = P.split_aborted(data)[0]
        PARSERS[op](P.check_reply(op, status, data, secret="AUTHENTICATOR"))
    except BoincError:
        pass


@given(_replies())
def test_any_download_reply_is_classified(data: bytes) -> None:
    try:
        P.check_download(200, {"content-type": "text/html"}, data)
    except BoincError:
        pass


@given(
    st.floats(0.001, 10),
    st.one_of(st.none(), st.floats(0.001, 100)),
    st.lists(st.booleans(), max_size=40),
)
def test_backoff_schedule(first: float, longest: float | None, changes: list[bool]) -> None:
    # wait_batch's, iter_completed_jobs' and PyBOINC's poll intervals: back to the first after a
    # change, else doubling, never past the longest (MAX_POLL_INTERVAL by default)
    from boinc.submit._ops import MAX_POLL_INTERVAL, Backoff

    backoff = Backoff(first, longest)
    cap = max(first, MAX_POLL_INTERVAL if longest is None else longest)
    delay = first
    for changed in changes:
        delay = first if changed else min(delay * 2, cap)
        assert backoff.next(changed) == delay
        assert first <= delay <= cap
