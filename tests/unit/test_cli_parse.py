"""The ``boinc`` command line: boinccmd's options, argument rules, usage errors and exit codes."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from boinc import cli
from tests.fake_gui_rpc import FakePeer, fixture

ROOT = Path(__file__).resolve().parents[2]


def _by_name(name: str) -> cli.Command:
    return next(c for c in cli.COMMANDS if c.name == name)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_table_has_every_boinccmd_7_20_5_command() -> None:
    names = {c.name for c in cli.COMMANDS}
    expected = {
        "--acct_mgr", "--client_version", "--create_account", "--file_transfer", "--get_app_config",
        "--get_cc_status", "--get_daily_xfer_history", "--get_disk_usage", "--get_file_transfers",
        "--get_host_info", "--get_message_count", "--get_messages", "--get_notices", "--get_project_config",
        "--get_project_status", "--get_project_urls", "--get_proxy_settings", "--get_simple_gui_info",
        "--get_state", "--get_tasks", "--get_old_tasks", "--join_acct_mgr", "--lookup_account",
        "--network_available", "--project", "--project_attach", "--quit", "--quit_acct_mgr", "--read_cc_config",
        "--read_global_prefs_override", "--reset_host_info", "--run_benchmarks", "--run_graphics_app",
        "--set_app_config", "--set_gpu_mode", "--set_host_info", "--set_network_mode", "--set_proxy_settings",
        "--set_run_mode", "--task",
    }  # fmt: skip
    assert names == expected


@pytest.mark.parametrize(
    ("name", "argv", "values"),
    [
        ("--get_messages", [], ["0"]),
        ("--get_messages", ["12", "extra"], ["12"]),
        ("--get_messages", ["-3"], ["-3"]),  # an optional seqno is taken whatever it looks like
        ("--set_run_mode", ["never"], ["never", "0"]),
        ("--set_run_mode", ["never", "3600"], ["never", "3600"]),
        ("--set_run_mode", ["never", "-5"], ["never", "0"]),  # a duration starting with - is not one
        ("--task", ["u", "n", "abort"], ["u", "n", "abort"]),
        ("--project", ["u", "update", "ignored"], ["u", "update"]),
    ],
)
def test_arguments_are_read_as_boinccmd_reads_them(name: str, argv: list[str], values: list[str]) -> None:
    _, got = cli.parse_args(_by_name(name), argv)
    assert got == values


def test_acct_mgr_sub_commands() -> None:
    command, values = cli.parse_args(_by_name("--acct_mgr"), ["attach", "u", "n", "p"])
    assert command.name == "attach" and values == ["u", "n", "p"]
    command, values = cli.parse_args(_by_name("--acct_mgr"), ["bogus"])
    assert command.name == "--acct_mgr" and values == ["bogus"]
    with pytest.raises(cli.UsageError):
        cli.parse_args(_by_name("--acct_mgr"), ["attach", "u"])


@pytest.mark.parametrize("name", ["--task", "--project", "--file_transfer", "--set_proxy_settings", "--get_app_config"])
def test_missing_arguments_raise(name: str) -> None:
    with pytest.raises(cli.UsageError) as info:
        cli.parse_args(_by_name(name), [])
    assert info.value.missing


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("host", ("host", 0)),
        ("host:1234", ("host", 1234)),
        ("10.0.0.1:99", ("10.0.0.1", 99)),
        ("[::1]:31417", ("::1", 31417)),
        ("[fe80::1]", ("fe80::1", 0)),
        ("fe80::1", ("fe80::1", 0)),  # more than one ':' and no brackets: a bare IPv6 address
    ],
)
def test_host_syntax(text: str, address: tuple[str, int]) -> None:
    assert cli._split_host(text) == address


def test_usage_errors_exit_1_with_the_usage(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in ([], ["--help"], ["-h"], ["--nonsense"], ["--host"], ["--host", "h"], ["--passwd"]):
        assert cli.main(argv) == 1
        out, err = capsys.readouterr()
        assert out == "" and "usage: boinc" in err and "--get_state" in err
    assert cli.main(["--host", "127.0.0.1:1", "--passwd", "pw", "--task", "url"]) == 1
    _, err = capsys.readouterr()
    assert err.startswith("Missing command-line argument\n")
    assert cli.main(["--host", "[::1"]) == 1
    assert "invalid IPv6 syntax" in capsys.readouterr().err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--version"]) == 0
    assert "boinccmd 7.20.5 compatible" in capsys.readouterr().out


def test_run_graphics_app_is_macos_only(capsys: pytest.CaptureFixture[str]) -> None:
    if sys.platform == "darwin":
        pytest.skip("exists on macOS")
    assert cli.main(["--passwd", "x", "--run_graphics_app", "1", "test"]) == 1
    assert "usage:" in capsys.readouterr().err


def test_unreachable_host_one_line_no_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    port = _closed_port()
    assert cli.main(["--host", f"127.0.0.1:{port}", "--passwd", "hunter2", "--get_state"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err == "can't connect to 127.0.0.1\n"
    assert cli.main(["--host", "no-such-host.invalid", "--passwd", "hunter2", "--get_state"]) == 1
    assert capsys.readouterr().err == "can't connect to no-such-host.invalid\n"


def test_wrong_password(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    with FakePeer({"get_state": fixture("get_state")}, password="right") as peer:
        code = cli.main(["--host", f"127.0.0.1:{peer.port}", "--passwd", "wrong-pw", "--get_state"])
    out, err = capsysbinary.readouterr()
    assert code == 1 and out == b""
    assert err == b"Authorization failure: -155\n"


def test_unauthorized_operation_and_error_codes(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    # no password: the peer refuses the control request; exit status = -155 mod 256
    with FakePeer({}) as peer:
        code = cli.main(["--host", f"127.0.0.1:{peer.port}", "--passwd", "", "--quit"])
    out, err = capsysbinary.readouterr()
    assert code == 101 and out == b""
    assert err == b"Operation failed: authentication error\n"
    # an <error> reply: -1, exit status 255, the message on stderr with a time stamp
    with FakePeer(
        {"project_update": b"<boinc_gui_rpc_reply>\n<error>no such project</error>\n</boinc_gui_rpc_reply>\n"}
    ) as peer:
        code = cli.main(["--host", f"127.0.0.1:{peer.port}", "--passwd", "secret", "--project", "x", "update"])
    out, err = capsysbinary.readouterr()
    assert code == 255 and out == b""
    assert err.endswith(b": GUI RPC error: no such project\nOperation failed: Error -1\n")
    assert b"secret" not in err


def test_unknown_op_complains_and_succeeds(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    with FakePeer({}) as peer:
        code = cli.main(["--host", f"127.0.0.1:{peer.port}", "--passwd", "secret", "--task", "u", "n", "explode"])
    assert code == 0
    assert capsysbinary.readouterr() == (b"", b"Unknown op explode\n")
    assert len(peer.requests) == 2  # auth1 and auth2 only


def test_requests_canonicalize_and_escape(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    success = b"<boinc_gui_rpc_reply>\n<success/>\n</boinc_gui_rpc_reply>\n"
    with FakePeer({"project_suspend": success, "set_run_mode": success}) as peer:
        assert (
            cli.main(["--host", f"127.0.0.1:{peer.port}", "--passwd", "secret", "--project", "A.org//x", "suspend"])
            == 0
        )
        assert (
            cli.main(["--host", f"127.0.0.1:{peer.port}", "--passwd", "secret", "--set_run_mode", "never", "90"]) == 0
        )
    assert b"<project_url>http://A.org/x/</project_url>" in peer.requests[2]
    assert b"<never/>" in peer.requests[5] and b"<duration>90.0</duration>" in peer.requests[5]


def test_environment_host_and_password(
    monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    with FakePeer({"get_message_count": fixture("get_message_count")}, password="env-pw") as peer:
        monkeypatch.setenv("BOINC_HOST", f"127.0.0.1:{peer.port}")
        monkeypatch.setenv("BOINC_PASSWORD", "env-pw")
        assert cli.main(["--get_message_count"]) == 0
    assert capsysbinary.readouterr().out.startswith(b"Greatest message sequence number: ")


def test_no_password_file_warns_and_continues(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    from boinc import _password

    def missing(*args: object, **kwargs: object) -> str:
        raise _password.PasswordFileError("gui_rpc_auth.cfg not found.  See https://boinc.berkeley.edu/gui_rpc.php")

    monkeypatch.setattr(_password, "read_gui_rpc_password", missing)
    monkeypatch.delenv("BOINC_PASSWORD", raising=False)
    with FakePeer({"get_message_count": fixture("get_message_count")}) as peer:
        assert cli.main(["--host", f"127.0.0.1:{peer.port}", "--get_message_count"]) == 0
    out, err = capsysbinary.readouterr()
    assert err.startswith(b"Can't get RPC password: gui_rpc_auth.cfg not found.")
    assert b"Only operations not requiring authorization will be allowed.\n" in err
    assert out.startswith(b"Greatest message sequence number: ")


def test_unexpected_failures_are_one_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def boom(*args: object) -> int:
        raise RuntimeError("password hunter2 leaked?")

    monkeypatch.setattr(cli, "_main", boom)
    assert cli.main(["--passwd", "hunter2", "--get_state"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err == "boinc: password ******** leaked?\n"


def test_usage_text_is_generated_from_the_table() -> None:
    text = cli.usage_text()
    for command in cli.COMMANDS:
        if not command.hidden:
            assert f" {command.name}" in text
    assert " --acct_mgr attach URL name passwd  attach to account manager\n" in text
    assert "   op = suspend | resume | abort\n" in text
    assert "--set_app_config" not in text


def test_the_cli_reference_page_is_current() -> None:
    page = (ROOT / "docs" / "cli.rst").read_text()
    assert page == cli.reference_rst(), (
        "regenerate: python -c 'from boinc.cli import reference_rst; print(reference_rst(), end=\"\")' > docs/cli.rst"
    )


def test_python_m_boinc_runs_the_command() -> None:
    done = subprocess.run([sys.executable, "-m", "boinc", "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "boinccmd 7.20.5 compatible" in done.stdout
    # it leaves with os._exit: the status and both streams, flushed, must still get out
    done = subprocess.run([sys.executable, "-m", "boinc", "--bogus"], capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert done.stderr == cli.usage_text()


def test_the_cli_path_does_not_import_the_gui_rpc_package() -> None:
    code = "import sys, boinc.cli; print('boinc.gui_rpc' in sys.modules, 'attrs' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]


def _hang_up_on(tag: str) -> Callable[[socket.socket, bytes], bool]:
    def misbehave(conn: socket.socket, request: bytes) -> bool:
        return f"<{tag}".encode() in request

    return misbehave


@pytest.mark.parametrize(
    ("tag", "args", "status", "out", "err"),
    [
        # what boinccmd 7.20.5 prints when the client hangs up on that request
        ("lookup_account", ["--lookup_account", "http://x/", "a@b", "pw"], 154, b"status: read() failed\n",
         b"Operation failed: read() failed\n"),
        ("acct_mgr_rpc", ["--acct_mgr", "attach", "http://x/", "n", "p"], 0, b"",
         b"Can't get alerts from client: read() failed\n"),
        ("get_state", ["--get_state"], 154, b"", b"Operation failed: read() failed\n"),
        ("project_attach", ["--project_attach", "http://x/", "k"], 154, b"",
         b"Can't get alerts from client: read() failed\nOperation failed: read() failed\n"),
        ("get_project_config", ["--get_project_config", "http://x/"], 154, b"", b"Operation failed: read() failed\n"),
    ],
)  # fmt: skip
def test_a_client_hanging_up(
    capsysbinary: pytest.CaptureFixture[bytes], tag: str, args: list[str], status: int, out: bytes, err: bytes
) -> None:
    with FakePeer({}, misbehave=_hang_up_on(tag)) as peer:
        code = cli.main(["--host", f"127.0.0.1:{peer.port}", "--passwd", "secret", *args])
    assert (code, *capsysbinary.readouterr()) == (status, out, err)


def test_arguments_are_sent_as_utf_8(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    success = b"<boinc_gui_rpc_reply>\n<success/>\n</boinc_gui_rpc_reply>\n"
    with FakePeer({"set_host_info": success}) as peer:
        assert (
            cli.main(["--host", f"127.0.0.1:{peer.port}", "--passwd", "secret", "--set_host_info", "Rechner Ü 名前"])
            == 0
        )
    assert "<product_name>Rechner Ü 名前</product_name>".encode() in peer.requests[2]


def test_unix_domain_socket(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    peer = FakePeer({"get_message_count": fixture("get_message_count")})
    peer._server.close()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(tmp_path / "boinc_socket"))
    server.listen()
    peer._server = server
    monkeypatch.chdir(tmp_path)
    with peer:
        assert cli.main(["--passwd", "secret", "--unix_domain", "--get_message_count"]) == 0
    assert capsysbinary.readouterr().out.startswith(b"Greatest message sequence number: ")
    monkeypatch.chdir(ROOT)
    assert cli.main(["--passwd", "secret", "--unix_domain", "--get_message_count"]) == 1
    assert capsysbinary.readouterr().err == b"can't connect to Unix domain socket\n"
