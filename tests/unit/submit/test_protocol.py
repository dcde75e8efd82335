"""The sans-I/O layer on what no fixture holds: PHP warnings, HTML pages, redirects, bad bytes."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from boinc._xml import decode, encode
from boinc.errors import HttpError, ProtocolError, ReplyParseError, SubmitError
from boinc.submit import BatchDesc, FileDesc, JobDesc, JobParams
from boinc.submit import _protocol as P

FIXTURES = Path(__file__).parents[2] / "fixtures" / "submit"

DEPRECATED = (
    "<br />\n<b>Deprecated</b>:  Creation of dynamic property BoincBatch::$app_name is deprecated in "
    "<b>/home/boincadm/projects/test/html/inc/boinc_db.inc</b> on line <b>42</b><br />\n"
)
WARNING = (
    "<br />\n<b>Warning</b>:  Undefined variable $job_id in "
    "<b>/home/boincadm/projects/test/html/user/submit_rpc_handler.php</b> on line <b>707</b><br />\n"
)
FATAL = (
    "<br />\n<b>Fatal error</b>:  Uncaught mysqli_sql_exception: Duplicate entry '1-9' for key 'x' in "
    "/home/boincadm/projects/test/html/inc/db_conn.inc:77\nStack trace:\n#0 /home/x.inc(77): mysqli-&gt;query()\n"
    "#1 {main}\n  thrown in <b>/home/boincadm/projects/test/html/inc/db_conn.inc</b> on line <b>77</b><br />\n"
)


def reply(name: str) -> str:
    return (FIXTURES / f"{name}.reply.xml").read_text(encoding="utf-8")


def parse_batch(text: str, status: int = 200) -> object:
    return P.parse_batch(P.check_reply("query_batch", status, text.encode()))


# --------------------------------------------------------------------------- PHP warnings


def test_php_warnings_around_and_between_elements_are_skipped() -> None:
    clean = reply("query_batch__finished_with_errors")
    noisy = DEPRECATED + clean
    noisy = noisy.replace("<query_batch>\n", "<query_batch>\n" + DEPRECATED + WARNING, 1)
    noisy = noisy.replace("<status>error</status>", "<status>error</status>" + WARNING)
    noisy = noisy.replace("<name>fx_prog_r3</name>", DEPRECATED + "<name>fx_prog_r3</name>")
    noisy += WARNING
    assert noisy.count("<b>Warning</b>") + noisy.count("<b>Deprecated</b>") == 7
    assert parse_batch(noisy) == parse_batch(clean)


def test_php_warnings_in_query_batches() -> None:
    clean = reply("query_batches")
    noisy = clean.replace("</batch>", "</batch>" + DEPRECATED).replace("<batch>", WARNING + "<batch>")
    parse = P.parse_batches
    assert parse(P.check_reply("query_batches", 200, noisy.encode())) == parse(
        P.check_reply("query_batches", 200, clean.encode())
    )


def test_strip_keeps_data_and_reports_messages() -> None:
    text, found = P.strip_php_errors("<a>" + WARNING + "<b>bold data</b></a>")
    assert text == "<a>\n<b>bold data</b></a>"
    assert found == ["Warning: Undefined variable $job_id"]


def test_php_errors_before_an_error_reply() -> None:
    body = DEPRECATED + WARNING + reply("error__no_request_field")
    with pytest.raises(SubmitError, match="can't parse request message"):
        P.check_reply("ping", 200, body.encode())


def test_fatal_error_cuts_the_reply() -> None:
    body = '<?xml version="1.0" encoding="ISO-8859-1" ?>\n<query_files>\n' + FATAL
    with pytest.raises(HttpError, match="Fatal error: Uncaught mysqli_sql_exception") as info:
        P.check_reply("query_files", 200, body.encode())
    assert info.value.status == 200


def test_fatal_error_after_a_complete_reply_is_not_hidden() -> None:
    body = reply("query_batch__done") + FATAL
    with pytest.raises(HttpError, match="PHP fatal error"):
        P.check_reply("query_batch", 200, body.encode())


# --------------------------------------------------------------------------- bad replies


def test_html_page() -> None:
    page = (FIXTURES / "get_output3__get_batch_zip.reply.txt").read_bytes()
    with pytest.raises(HttpError, match=r"HTML page \(Log in to REPLACE WITH PROJECT NAME\)") as info:
        P.check_reply("query_batches", 200, page)
    assert info.value.status == 200
    assert info.value.error_num == 0


def test_http_500_cut_short_names_the_known_bug() -> None:
    with pytest.raises(HttpError, match="without a canonical instance") as info:
        P.check_reply("query_completed_job", 500, reply("query_completed_job__not_completed").encode())
    assert info.value.status == 500


@pytest.mark.parametrize("body", [b"", b"   \n", b"<?xml version='1.0'?>"])
def test_empty_reply(body: bytes) -> None:
    with pytest.raises(HttpError, match="no XML reply"):
        P.check_reply("ping", 200, body)


def test_wrong_root() -> None:
    with pytest.raises(ProtocolError, match="expected a <ping> reply, got <query_batches>"):
        P.check_reply("ping", 200, reply("query_batches").encode())


def test_redirect_to_https_is_refused_with_the_fix() -> None:
    with pytest.raises(HttpError, match="use the project's https URL") as info:
        P.check_reply("query_batches", 302, b"", location="https://example.org/test/submit_rpc_handler.php")
    assert info.value.status == 302
    assert "https://example.org/test/submit_rpc_handler.php" in str(info.value)
    with pytest.raises(HttpError, match="use the URL the server redirects to"):
        P.check_reply("query_batches", 301, b"", location="http://other.example/test/x.php")


def test_error_root_without_error_num_is_a_debug_message() -> None:
    debug = "<error><error_msg><![CDATA[Undefined index]]></error_msg><type>2</type></error>\n"
    body = '<?xml version="1.0" ?>\n' + debug + "<ping>\n<success>1</success>\n</ping>\n"
    P.parse_success(P.check_reply("ping", 200, body.encode()), "ping")


def test_error_nested_and_root() -> None:
    with pytest.raises(SubmitError) as info:
        P.check_reply("submit_batch", 200, reply("error__unknown_app").encode())
    assert (info.value.error_num, info.value.error_msg) == (-1, "app not found: nosuchapp")
    with pytest.raises(SubmitError) as info:
        P.check_reply("frobnicate", 200, reply("error__unknown_command").encode())
    assert info.value.error_msg == "bad command"


def test_maintenance_error_number() -> None:
    body = b"<error>\n<error_num>-183</error_num>\n<error_msg>project down for maintenance</error_msg>\n</error>\n"
    with pytest.raises(SubmitError) as info:
        P.check_reply("query_batches", 200, body)
    assert info.value.error_num == -183


def test_error_in_an_unreadable_reply_is_still_found() -> None:
    body = (
        b"<abort_jobs>\n<aborted a <b>\n<error>\n<error_num>-1</error_num>\n<error_msg>no job b</error_msg>\n</error>"
    )
    with pytest.raises(SubmitError, match="no job b"):
        P.check_reply("abort_jobs", 200, body)


def test_latin1_bytes_in_a_name() -> None:
    text = reply("query_batch__by_name").replace("<name>fx_inline_r3</name>", "<name>caf\xe9 &amp; co</name>")
    batch = P.parse_batch(P.check_reply("query_batch", 200, text.encode("latin-1")))
    assert batch.name == "café & co"  # type: ignore[attr-defined]


def test_bad_number_is_a_parse_error() -> None:
    text = reply("query_batch__by_name").replace("<njobs>3</njobs>", "<njobs>three</njobs>")
    with pytest.raises(ReplyParseError):
        P.parse_batch(P.check_reply("query_batch", 200, text.encode()))


def test_missing_batch_id() -> None:
    with pytest.raises(ReplyParseError):
        P.parse_batch_id(P.check_reply("create_batch", 200, b"<create_batch>\n</create_batch>\n"), "create_batch")


# --------------------------------------------------------------------------- requests


def test_request_is_escaped_and_keeps_float_precision() -> None:
    job = JobDesc(name="j&<1>", rsc_fpops_est=1.2345678901234567e13, command_line="--a <b> & c")
    desc = BatchDesc(app_name="worker", batch_name="mine & <yours>", jobs=(job,), job_params=JobParams(delay_bound=0.1))
    xml = P.encode_request(P.BatchRequest(authenticator="s&cret", batch=desc), "submit_batch").decode()
    root = ET.fromstring(xml)
    assert root.findtext("authenticator") == "s&cret"
    assert root.findtext("batch/batch_name") == "mine & <yours>"
    assert root.findtext("batch/job/name") == "j&<1>"
    assert root.findtext("batch/job/command_line") == "--a <b> & c"
    assert float(root.findtext("batch/job/rsc_fpops_est") or "") == 1.2345678901234567e13
    assert float(root.findtext("batch/job_params/delay_bound") or "") == 0.1


def test_request_repr_hides_the_authenticator() -> None:
    assert "hush" not in repr(P.BatchRequest(authenticator="hush", batch=BatchDesc(app_name="a")))
    assert "hush" not in repr(P.FilesRequest(authenticator="hush"))


def test_submit_batch_request_encoding() -> None:
    job = JobDesc(
        name="n",
        rsc_fpops_est=3.0,
        target_user=4,
        input_template="<file_info/>",
        priority=2,
        input_files=(FileDesc.inline(" x\n"), FileDesc.remote("http://h/f", 40, "0" * 32)),
    )
    desc = BatchDesc(app_name="a", batch_id=3, allocation_priority=True, job_params=JobParams(), jobs=(job, job))
    text = P.encode_request(P.BatchRequest(authenticator="x", batch=desc), "submit_batch").decode()
    assert text == encode(P.BatchRequest(authenticator="x", batch=desc), "submit_batch")
    assert "<allocation_priority/>" in text
    assert decode(BatchDesc, text, "batch") == desc


def test_multipart_length_and_streaming() -> None:
    chunks = [b"abc", b"defg"]
    mp = P.Multipart(b"<upload_files/>", [("jf_1", 7, iter(chunks)), ("jf_2", 0, iter([]))])
    body = b"".join(mp)
    assert len(body) == len(mp)
    assert mp.boundary.encode() in body
    assert b'name="file_0"; filename="jf_1"' in body
    assert b"\r\n\r\nabcdefg\r\n--" + mp.boundary.encode() in body
    assert body.endswith(b"--" + mp.boundary.encode() + b"--\r\n")


def test_multipart_notices_a_file_that_changed_size() -> None:
    mp = P.Multipart(b"<x/>", [("jf_1", 5, iter([b"abc"]))])
    with pytest.raises(ValueError, match="changed size"):
        b"".join(mp)


@pytest.mark.parametrize("name", ["../etc/passwd", "", "a/b", "x" * 256, "é"])
def test_bad_physical_names(name: str) -> None:
    with pytest.raises(ValueError, match="bad physical file name"):
        P.check_phys_name(name)


# --------------------------------------------------------------------------- get_output.php


def test_output_auth_strings() -> None:
    md5 = hashlib.md5
    q = P.output_query("result_file", "key", result_name="r_0", file_num=0)
    assert f"auth_str={md5(b'keyr_0').hexdigest()}" in q
    assert f"auth_str={md5(b'key9').hexdigest()}" in P.output_query("batch_files", "key", batch_id=9)
    assert f"auth_str={md5(b'key11').hexdigest()}" in P.output_query("workunit_files", "key", wu_id=11)
    assert "auth_str=key" in P.output_query("workunit_file", "key", wu_name="w", file_num=0)  # raw: spec §4
    with pytest.raises(ValueError, match=r"unknown get_output\.php command"):
        P.output_query("nosuch", "key")


def test_check_download() -> None:
    ok = {"content-disposition": "attachment; filename=x", "content-type": "application/octet-stream"}
    assert P.check_download(200, ok, b"data") is None
    assert P.check_download(404, {}, b"") is True
    assert P.check_download(200, {"content-type": "text/html"}, b"ERROR: no such file /x/y") is True
    with pytest.raises(SubmitError, match="bad authenticator"):
        P.check_download(200, {"content-type": "text/html"}, b"ERROR: bad authenticator")
    with pytest.raises(SubmitError, match="bad command"):
        P.check_download(200, {"content-type": "text/html"}, b"bad command")
    with pytest.raises(HttpError, match="missing or non-numeric argument"):
        P.check_download(302, {"location": "missing_arg_batch_id.html"}, b"")
    with pytest.raises(HttpError, match="use the project's https URL"):
        P.check_download(302, {"location": "https://h/p/get_output.php?cmd=x"}, b"")
    with pytest.raises(HttpError):
        P.check_download(500, {}, b"")
    with pytest.raises(HttpError, match="HTML page"):
        P.check_download(200, {}, b"<!DOCTYPE html><html><title>x</title></html>")
    with pytest.raises(SubmitError) as info:
        P.check_download(200, {}, b"ERROR: bad auth str secret", secret="secret")
    assert "secret" not in str(info.value)


def test_download_name_is_sanitized() -> None:
    assert P.download_name({"content-disposition": "attachment; filename=boinc_batch_VSnQz1.zip"}) == (
        "boinc_batch_VSnQz1.zip"
    )
    assert P.download_name({"content-disposition": "attachment; filename=../../etc/passwd"}) is None
    assert P.download_name({"content-disposition": 'attachment; filename=".."'}) is None
    assert P.download_name({}) is None
