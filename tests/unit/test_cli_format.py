"""boinccmd's print formats on recorded replies.

The expected texts in ``tests/fixtures/boinccmd/`` are the real boinccmd 7.20.5
run against a loopback peer replaying the recorded replies (see its
``index.md``). Each case runs the whole ``boinc`` command in-process against
the same peer and the same reply, and must print the same bytes with the same
exit status.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from boinc import _format as F
from boinc import cli
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
    assert out == (GOLDEN / "get_host_info_gpus.txt").read_bytes()
    assert b"  NVIDIA GPU: " in out and b"    Count: 2\n" in out and b"  Intel GPU\n" in out


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
    return (REPLIES / f"{name}.xml").read_bytes().decode("latin-1")


def _text(chunks: Iterator[str]) -> str:
    return "".join(chunks)


def test_format_8_changes_units_and_labels(utc: None) -> None:
    du = _text(F.format_disk_usage(_reply("rich_50/get_disk_usage"), F.FORMAT_8))
    assert "GB\n" in du and "MB\n" not in du
    old = _text(F.format_old_results(_reply("rich_50/get_old_results"), F.FORMAT_8))
    assert "   task completed: " in old and "   acked by project: " in old
    state = _text(F.format_state(_reply("rich_50/get_state"), F.FORMAT_8))
    assert "   estimated speed: 3.50 GFLOPS\n" in state
    assert "estimated GFLOPS" not in state


def test_7_20_prints_the_completion_time_twice(utc: None) -> None:
    # boinccmd 7.20.5 passes one static buffer twice to printf
    old = _text(F.format_old_results(_reply("rich_50/get_old_results")))
    completed = re.findall(r"completed time: (.*)", old)
    assert completed and completed == re.findall(r"reported time: (.*)", old)


def test_a_malformed_number_reads_as_c_does() -> None:
    block = "<result>\n<name>t</name>\n<state>2x</state>\n<scheduler_state>junk</scheduler_state>\n</result>"
    text = _text(F.format_results(f"<results>\n{block}\n</results>"))
    assert "   state: new\n" in text  # the C++ rejects a number that is not whole, keeping 0
    assert "   scheduler state: uninitialized\n" in text


@pytest.mark.parametrize(
    ("text", "value"),
    [("12", 12), (" -7 ", -7), ("0x1F", 31), ("010", 8), ("2x", None), ("1.5", None), ("", None), ("1_0", None),
     ("4294967297", 1), ("99999999999999999999", None)],
)  # fmt: skip
def test_c_int_is_strtol_over_the_whole_value(text: str, value: int | None) -> None:
    assert F.c_int(text) == value


def test_c_float() -> None:
    assert F.c_float(" 1.5e3 ") == 1500.0
    assert F.c_float("1.5x") is None
    assert F.c_float("1_0.5") is None


def test_strings_are_unescaped_once_and_names_twice() -> None:
    project = "<project>\n<project_name>A &amp; B</project_name>\n<user_name>x &amp;amp; y</user_name>\n</project>"
    text = _text(F.format_projects(project))
    assert "   name: A & B\n" in text
    assert "   user_name: x & y\n" in text  # the C++ unescapes user and team names a second time


def test_messages_take_cdata_verbatim_and_strip_it() -> None:
    reply = (
        "<msgs>\n<msg>\n <project>P</project>\n <pri>2</pri>\n <seqno>7</seqno>\n"
        " <body><![CDATA[\n  a &amp; <b>\n ]]></body>\n <time>0</time>\n</msg>\n</msgs>"
    )
    assert _text(F.format_messages(reply)) == "7: --- (user notification) [P] a &amp; <b>\n"
    assert F.user_alerts(reply) == []  # a project's alert is not shown after attach
    assert F.user_alerts(reply.replace("<project>P</project>", "")) == ["a &amp; <b>"]


def test_notices_are_newest_first_and_minus_one_resets() -> None:
    reply = "".join(
        f"<notice>\n<seqno>{n}</seqno>\n<description>d{n}</description>\n<create_time>0</create_time>\n</notice>\n"
        for n in (1, -1, 2, 3)
    )
    assert _text(F.format_notices(reply)) == "3: (---) d3\n2: (---) d2\n"


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
    assert F.canonicalize_master_url(url) == canonical


@pytest.mark.parametrize(
    ("reply", "code"),
    [
        ("<boinc_gui_rpc_reply>\n<success/>\n</boinc_gui_rpc_reply>", 0),
        ("<boinc_gui_rpc_reply>\n<status>-130</status>\n</boinc_gui_rpc_reply>", -130),
        ("<boinc_gui_rpc_reply>\n<unauthorized/>\n</boinc_gui_rpc_reply>", -155),
        ("<error>Missing authenticator</error>", -155),
        ("<error>Missing URL</error>", -189),
        ("<error>Already attached to project</error>", -130),
        ("<error>no such project</error>", -1),
        ("<boinc_gui_rpc_reply>\n</boinc_gui_rpc_reply>", -1),
    ],
)
def test_parse_reply_maps_errors_like_the_cpp_library(reply: str, code: int) -> None:
    assert F.parse_reply(reply)[0] == code


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
