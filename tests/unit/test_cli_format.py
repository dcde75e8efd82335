"""boinccmd's print formats on recorded replies.

The expected texts in ``tests/fixtures/boinccmd/`` are the real boinccmd 7.20.5
run against a loopback peer replaying the recorded replies (see its
``index.md``). Each case runs the whole ``boinc`` command in-process against
the same peer and the same reply, and must print the same bytes with the same
exit status. The other tests decode a reply with the typed client's readers
(``boinc.gui_rpc.rpcs``) and check ``boinc._format`` on the values.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boinc import _format as F
from boinc import cli
from boinc._xml import decode_bytes
from boinc.gui_rpc import rpcs
from boinc.gui_rpc.urls import canonicalize_master_url
from tests.conftest import FIXTURES
from tests.fake_gui_rpc import FakePeer

GOLDEN = FIXTURES / "boinccmd"
REPLIES = FIXTURES / "gui_rpc" / "7.20.5"
_ROW = re.compile(
    r"^\| `(?P<file>[^`]+)` \| `(?P<args>[^`]+)` \| `gui_rpc/7\.20\.5/(?P<reply>[^`]+)\.xml` \| (?P<exit>\d+) \|$"
)
#: the request tag each command sends first (the peer answers it with the recorded reply)
_TAGS = {
    "--get_state": "get_state",
    "--get_tasks": "get_results",
    "--get_project_status": "get_project_status",
    "--get_project_urls": "get_project_status",
    "--get_simple_gui_info": "get_simple_gui_info",
    "--get_file_transfers": "get_file_transfers",
    "--get_disk_usage": "get_disk_usage",
    "--get_old_tasks": "get_old_results",
    "--get_daily_xfer_history": "get_daily_xfer_history",
    "--get_messages": "get_messages",
    "--get_notices": "get_notices",
    "--get_message_count": "get_message_count",
    "--get_cc_status": "get_cc_status",
    "--get_host_info": "get_host_info",
    "--get_proxy_settings": "get_proxy_settings",
    "--acct_mgr": "acct_mgr_info",
    "--client_version": "exchange_versions",
    "--get_app_config": "get_app_config",
}


def _cases() -> list[tuple[str, list[str], str, int]]:
    rows = []
    for line in (GOLDEN / "index.md").read_text().splitlines():
        m = _ROW.match(line)
        if m:
            rows.append((m["file"], m["args"].split(" "), m["reply"], int(m["exit"])))
    return rows


CASES = _cases()


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time = UTC, as when the expected texts were recorded."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_every_golden_file_is_a_case() -> None:
    assert len(CASES) + 1 == len(list(GOLDEN.glob("*.txt"))) >= 25  # + get_host_info_gpus


def test_gpu_lines_of_host_info(utc: None, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    reply = (GOLDEN / "get_host_info_gpus.xml").read_bytes()
    with FakePeer({"get_host_info": reply}) as peer:
        assert cli.main(["--host", f"127.0.0.1:{peer.port}", "--passwd", "secret", "--get_host_info"]) == 0
    out = capsysbinary.readouterr().out
    # OpenclDeviceProp has no device_num yet: every other byte must match (see the exact test below)
    device = re.compile(rb"(    OpenCL: [^:\n]*?) \d+: ")
    assert device.sub(rb"\1 N: ", out) == device.sub(rb"\1 N: ", (GOLDEN / "get_host_info_gpus.txt").read_bytes())
    assert b"  NVIDIA GPU: " in out and b"    Count: 2\n" in out and b"  Intel GPU\n" in out


def test_gpu_lines_of_host_info_exactly(utc: None, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    reply = (GOLDEN / "get_host_info_gpus.xml").read_bytes()
    with FakePeer({"get_host_info": reply}) as peer:
        assert cli.main(["--host", f"127.0.0.1:{peer.port}", "--passwd", "secret", "--get_host_info"]) == 0
    assert capsysbinary.readouterr().out == (GOLDEN / "get_host_info_gpus.txt").read_bytes()


@pytest.mark.parametrize(("name", "args", "reply", "status"), CASES, ids=[c[0] for c in CASES])
def test_boinc_prints_what_boinccmd_printed(
    utc: None, capsysbinary: pytest.CaptureFixture[bytes], name: str, args: list[str], reply: str, status: int
) -> None:
    replies = {_TAGS[args[0]]: (REPLIES / f"{reply}.xml").read_bytes()}
    with FakePeer(replies) as peer:
        code = cli.main(["--host", f"127.0.0.1:{peer.port}", "--passwd", "secret", *args])
    out, err = capsysbinary.readouterr()
    assert out == (GOLDEN / name).read_bytes()
    assert code == status
    assert b"secret" not in out + err


def _reply(name: str) -> str:
    return decode_bytes((REPLIES / f"{name}.xml").read_bytes())


def _text(chunks: Iterator[str]) -> str:
    return "".join(chunks)


def test_format_8_changes_units_and_labels(utc: None) -> None:
    du = _text(F.format_disk_usage(rpcs.GET_DISK_USAGE.parse(_reply("rich_50/get_disk_usage")), F.FORMAT_8))
    assert "GB\n" in du and "MB\n" not in du
    old = _text(F.format_old_results(rpcs.GET_OLD_RESULTS.parse(_reply("rich_50/get_old_results")), F.FORMAT_8))
    assert "   task completed: " in old and "   acked by project: " in old
    text = _reply("rich_50/get_state")
    state = _text(F.format_state(rpcs.GET_STATE.parse(text), F.FORMAT_8))
    assert "   estimated speed: 3.50 GFLOPS\n" in state
    assert "estimated GFLOPS" not in state


def test_7_20_prints_the_completion_time_twice(utc: None) -> None:
    # boinccmd 7.20.5 passes one static buffer twice to printf
    old = _text(F.format_old_results(rpcs.GET_OLD_RESULTS.parse(_reply("rich_50/get_old_results"))))
    completed = re.findall(r"completed time: (.*)", old)
    assert completed and completed == re.findall(r"reported time: (.*)", old)


def test_state_items_belong_to_the_project_before_them(utc: None) -> None:
    # CC_STATE::parse links each item to the preceding <project>; one that links to nothing is dropped
    text = (
        "<client_state>\n<project>\n<master_url>http://a/</master_url>\n<project_name>A</project_name>\n</project>\n"
        "<app>\n<name>x</name>\n</app>\n<project>\n<master_url>http://b/</master_url>\n"
        "<project_name>B</project_name>\n</project>\n<app>\n<name>y</name>\n</app>\n"
        "<workunit>\n<name>w1</name>\n<app_name>x</app_name>\n</workunit>\n"  # app x is A's: dropped
        "<workunit>\n<name>w2</name>\n<app_name>y</app_name>\n</workunit>\n</client_state>\n"
    )
    state = _text(F.format_state(rpcs.GET_STATE.parse(text), F.FORMAT_7_20))
    assert "   name: x\n   Project: A\n" in state and "   name: y\n   Project: B\n" in state
    assert "   name: w2\n" in state and "   name: w1\n" not in state


def test_a_malformed_number_fails_the_command(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    # the C++ would keep the field's default; the XML engine refuses the reply instead
    block = "<result>\n<name>t</name>\n<state>2x</state>\n</result>"
    reply = f"<boinc_gui_rpc_reply>\n<results>\n{block}\n</results>\n</boinc_gui_rpc_reply>\n".encode()
    with FakePeer({"get_results": reply}) as peer:
        code = cli.main(["--host", f"127.0.0.1:{peer.port}", "--passwd", "secret", "--get_tasks"])
    assert (code, *capsysbinary.readouterr()) == (144, b"", b"Operation failed: unexpected XML tag or syntax\n")


def test_strings_are_unescaped_once_and_names_twice() -> None:
    project = (
        "<projects>\n<project>\n<master_url>u</master_url>\n<project_name>A &amp; B</project_name>\n"
        "<user_name>x &amp;amp; y</user_name>\n</project>\n</projects>"
    )
    text = _text(F.format_projects(rpcs.GET_PROJECT_STATUS.parse(project)))
    assert "   name: A & B\n" in text
    assert "   user_name: x & y\n" in text  # the C++ unescapes user and team names a second time


def test_messages_take_cdata_verbatim_and_strip_it() -> None:
    reply = (
        "<msgs>\n<msg>\n <project>P</project>\n <pri>2</pri>\n <seqno>7</seqno>\n"
        " <body><![CDATA[\n  a &amp; <b>\n ]]></body>\n <time>0</time>\n</msg>\n</msgs>"
    )
    messages = rpcs.GET_MESSAGES.parse(reply)
    assert _text(F.format_messages(messages)) == "7: --- (user notification) [P] a &amp; <b>\n"
    assert F.user_alerts(messages) == []  # a project's alert is not shown after attach
    assert F.user_alerts(rpcs.GET_MESSAGES.parse(reply.replace("<project>P</project>", ""))) == ["a &amp; <b>"]


def test_notices_are_newest_first_and_minus_one_resets() -> None:
    reply = "".join(
        f"<notice>\n<seqno>{n}</seqno>\n<description>d{n}</description>\n<create_time>0</create_time>\n</notice>\n"
        for n in (1, -1, 2, 3)
    )
    notices = rpcs.GET_NOTICES.parse(f"<notices>\n{reply}</notices>\n")
    assert _text(F.format_notices(notices)) == "3: (---) d3\n2: (---) d2\n"


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("Einstein.phys.uwm.edu", "http://Einstein.phys.uwm.edu/"),
        ("https://a.org//b//", "https://a.org/b/"),
        ("ftp://a.org/x", "http://a.org/x/"),
        ("http://a.org/", "http://a.org/"),
        ("http://a.org///x", "http://a.org/x/"),
    ],
)
def test_canonicalize_master_url_as_7_20_5(url: str, canonical: str) -> None:
    assert canonicalize_master_url(url) == canonical


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("<success/>", 0),
        ("<status>-130</status>", -130 & 0xFF),
        ("<unauthorized/>", -155 & 0xFF),
        ("<error>Missing authenticator</error>", -155 & 0xFF),
        ("<error>Missing URL</error>", -189 & 0xFF),
        ("<error>Already attached to project</error>", -130 & 0xFF),
        ("<error>no such project</error>", 255),
    ],
)
def test_simple_replies_map_to_exit_codes_like_the_cpp_library(
    capsysbinary: pytest.CaptureFixture[bytes], body: str, status: int
) -> None:
    reply = f"<boinc_gui_rpc_reply>\n{body}\n</boinc_gui_rpc_reply>\n".encode()
    with FakePeer({"project_update": reply}) as peer:
        code = cli.main(["--host", f"127.0.0.1:{peer.port}", "--passwd", "secret", "--project", "x", "update"])
    err = capsysbinary.readouterr().err
    assert code == status
    if "<error>" in body:  # RPC::parse_reply prints the client's text
        assert err.split(b"\n")[0].endswith(b": GUI RPC error: " + body[7:-8].encode())


def test_boincerror_texts() -> None:
    assert F.boincerror(0) == "Success"
    assert F.boincerror(-155) == "authentication error"
    assert F.boincerror(-204) == "operation in progress"
    assert F.boincerror(-12345) == "Error -12345"


def test_format_objects() -> None:
    assert F.Format("8").v8 and not F.FORMAT_7_20.v8
    assert repr(F.FORMAT_8) == "Format('8')"
    with pytest.raises(ValueError, match="unknown boinccmd format"):
        F.Format("9")


def test_time_to_string(utc: None) -> None:
    assert F.time_to_string(0) == "---"
    assert F.time_to_string(86400 * 365) == "01-Jan-1971 00:00:00"


def test_the_golden_folder_has_no_absolute_paths() -> None:
    for path in Path(GOLDEN).iterdir():
        assert b"/work/" not in path.read_bytes()


#: time zones with DST both ways, half-hour offsets and shifts, and leap seconds (``right/``);
#: the POSIX rules work without tzdata
ZONES = ["UTC", "Europe/Dublin", "America/St_Johns", "Australia/Lord_Howe", "Asia/Kolkata", "right/Europe/Paris",
         "LHST-10:30LHDT-11,M10.1.0,M4.1.0", "EST5EDT,M3.2.0,M11.1.0"]  # fmt: skip


def _reference(t: float) -> tuple[str, str]:
    """What ``time`` itself says: ``ctime()`` and ``time_to_string``."""
    try:
        ctime = time.ctime(int(t)) + "\n"
    except (OverflowError, ValueError, OSError):
        ctime = "(null)"
    try:
        dmy = time.strftime("%d-%b-%Y %H:%M:%S", time.localtime(int(t))) if t else "---"
    except (OverflowError, ValueError, OSError):
        dmy = "---"
    return ctime, dmy


@contextlib.contextmanager
def _time_zone(tz: str) -> Iterator[None]:
    saved = os.environ.get("TZ")
    os.environ["TZ"] = tz
    time.tzset()
    F._reset_clock()
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = saved
        time.tzset()
        F._reset_clock()


@pytest.mark.parametrize("tz", ZONES)
def test_fast_clock_is_local_time_across_dst_switches(tz: str) -> None:
    # every 19 minutes and 7 seconds through a year of DST switches, and the second before each quarter hour
    start = 1_774_000_000  # March 2026
    with _time_zone(tz):
        for t in range(start, start + 365 * 86400, 19 * 60 + 7):
            for s in (t, t - t % 900 - 1):
                assert (F._ctime(s), F.time_to_string(s)) == _reference(s), (tz, s)


@settings(max_examples=300)
@given(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-(2**40), 2**40).map(float)))
def test_fast_clock_matches_time_for_any_stamp(t: float) -> None:
    for tz in ("Australia/Lord_Howe", "right/UTC", "UTC"):
        with _time_zone(tz):
            assert (F._ctime(t), F.time_to_string(t)) == _reference(t), (tz, t)
