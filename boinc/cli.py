"""The ``boinc`` command: boinccmd 7.20.5, in Python, output for output.

``boinc [--host HOST[:PORT]] [--passwd PASSWORD] [--unix_domain] [--format 7.20|8] COMMAND [ARGS]``

The options, commands, argument order, printed text and exit status are those
of ``boinccmd`` 7.20.5 (``client/boinc_cmd.cpp``). :data:`COMMANDS` declares
every command once; it drives the argument parsing, the dispatch, the usage
text and the generated CLI reference (``docs/cli.rst``).

Extensions over boinccmd, none of which changes its output:

* ``--format 8`` prints 8.2's texts instead (spec §7.3);
* without ``--host``/``--passwd``, ``BOINC_HOST`` and ``BOINC_PASSWORD`` are used if set;
* ``[v6addr]:port`` takes its port (boinccmd ignores it);
* poll loops end when the connection is lost, rather than retrying forever;
* an unexpected failure is one line on stderr and exit status 1, never a traceback.

The command talks to the client with a small blocking socket of its own and
formats the reply text directly (:mod:`boinc._format`): it does not import
:mod:`boinc.gui_rpc`, which keeps start-up and large listings fast.
"""

from __future__ import annotations

import os
import socket
import sys
import time

from . import _format as fmt
from ._format import Format, boincerror, canonicalize_master_url, parse_reply, time_to_string

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing is not imported on the command's path
    from collections.abc import Callable, Iterable, Sequence

__all__ = ["COMMANDS", "Arg", "Command", "main", "reference_rst", "usage_text"]

GUI_RPC_PORT = 31416
#: The version boinccmd reports itself as in ``exchange_versions``.
_VERSION = (7, 20, 5)
ERR_IN_PROGRESS = -204
ERR_AUTHENTICATOR = -155
ERR_READ = -102
ERR_XML_PARSE = -112
_CHUNK = 512


class Arg:
    """One positional argument of a command.

    Attributes:
        name: its name in the usage text.
        kind: ``"required"``; ``"optional"`` (taken if present, whatever it looks like);
            or ``"duration"`` (taken if present and not starting with ``-``).
        default: the value of an absent optional argument.
    """

    __slots__ = ("default", "kind", "name")

    def __init__(self, name: str, kind: str = "required", default: str = "") -> None:
        self.name = name
        self.kind = kind
        self.default = default

    def syntax(self) -> str:
        """How the argument is written in the usage text."""
        return self.name if self.kind == "required" else f"[{self.name}]"


class Command:
    """One boinccmd command: its option, arguments, help and handler.

    Attributes:
        name: the option, e.g. ``--get_state``.
        args: its positional arguments, in order.
        help: a short description (may be empty).
        notes: further usage lines, e.g. the list of operations.
        run: the handler; called with the session and the argument values, returns boinccmd's retval.
        sub: for ``--acct_mgr``, the sub-commands by name (their handlers get the remaining values).
        hidden: left out of the usage text (boinccmd's test hook ``--set_app_config``).
        platform: the only :data:`sys.platform` where the command exists, if any.
    """

    __slots__ = ("args", "help", "hidden", "name", "notes", "platform", "run", "sub")

    def __init__(
        self,
        name: str,
        args: Sequence[Arg],
        summary: str,
        run: Callable[[Session, list[str]], int],
        *,
        notes: Sequence[str] = (),
        sub: dict[str, Command] | None = None,
        hidden: bool = False,
        platform: str | None = None,
    ) -> None:
        self.name = name
        self.args = tuple(args)
        self.help = summary
        self.run = run
        self.notes = tuple(notes)
        self.sub = sub
        self.hidden = hidden
        self.platform = platform

    def syntax(self) -> str:
        """The command and its arguments, as in the usage text."""
        return " ".join([self.name, *(a.syntax() for a in self.args)])


class UsageError(Exception):
    """The command line is wrong; ``missing`` if an argument was missing."""

    def __init__(self, missing: bool = False, message: str = "") -> None:
        super().__init__(message)
        self.missing = missing
        self.message = message


class _RpcFailure(Exception):
    """A request could not be completed; ``code`` is the C++ client's retval."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


# ---------------------------------------------------------------------------
# The connection


def _escape(value: str) -> str:
    """Escape a request value (boinccmd sends values raw; the client unescapes, spec §8.3)."""
    if "&" in value or "<" in value or ">" in value:
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value


class Session:
    """One connection to the client, and where the output goes.

    Args:
        output: the boinccmd version whose texts are printed.
        stdout: a binary stream for the output.
        stderr: a text stream for messages.
    """

    def __init__(self, output: Format, stdout: object, stderr: object) -> None:
        self.format = output
        self._stdout = stdout
        self._stderr = stderr
        self._sock: socket.socket | None = None

    # -- transport --------------------------------------------------------

    def connect(self, host: str | None, port: int, unix_domain: bool = False, timeout: float = 30.0) -> None:
        """Open the connection: a TCP socket to ``host`` (127.0.0.1 if None), or ``boinc_socket``.

        Raises:
            OSError: the connection failed.
        """
        if unix_domain:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            try:
                sock.connect("boinc_socket")
            except OSError:
                sock.close()
                raise
        else:
            sock = socket.create_connection((host or "127.0.0.1", port or GUI_RPC_PORT), timeout=timeout)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock = sock

    def close(self) -> None:
        """Close the connection."""
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def call(self, request: str) -> str:
        """Send one request and return the reply text (Latin-1, so bytes pass through unchanged).

        Raises:
            _RpcFailure: the connection failed (``ERR_READ``, as the C++ client reports it).
        """
        sock = self._sock
        if sock is None:
            raise _RpcFailure(-103)
        # arguments go out as the bytes they came in as (boinccmd copies argv); replies come back as Latin-1
        data = f"<boinc_gui_rpc_request>\n{request}</boinc_gui_rpc_request>\n\x03".encode("utf-8", "surrogateescape")
        chunks: list[bytes] = []
        try:
            sock.sendall(data)
            while True:
                chunk = sock.recv(1 << 18)
                if not chunk:
                    raise _RpcFailure(ERR_READ)
                chunks.append(chunk)
                if b"\x03" in chunk:
                    break
        except OSError:
            self.close()
            raise _RpcFailure(ERR_READ) from None
        reply = b"".join(chunks)
        return reply[: reply.index(b"\x03")].decode("latin-1")

    def authorize(self, password: str) -> int:
        """The ``auth1``/``auth2`` handshake; 0, or the C++ client's retval."""
        import hashlib

        try:
            reply = self.call("<auth1/>\n")
            start = reply.find("<nonce>")
            end = reply.find("</nonce>", start)
            if start < 0 or end < 0:
                return ERR_AUTHENTICATOR
            nonce = reply[start + 7 : end].strip()
            digest = hashlib.md5((nonce + password).encode("utf-8", "surrogateescape")).hexdigest()
            reply = self.call(f"<auth2>\n<nonce_hash>{digest}</nonce_hash>\n</auth2>\n")
        except _RpcFailure as failure:
            return failure.code
        return 0 if "<authorized/>" in reply or "<authorized>1" in reply else ERR_AUTHENTICATOR

    def simple(self, request: str) -> int:
        """A request answered by ``<success/>``, ``<status>`` or ``<error>`` (``RPC::parse_reply``)."""
        code, message = parse_reply(self.call(request))
        if message:
            self.err(f"{time_to_string(time.time())}: GUI RPC error: {message}")
        return code

    # -- output -----------------------------------------------------------

    def out(self, chunks: Iterable[str]) -> None:
        """Write text to stdout in batches, without building the whole listing at once."""
        write = self._stdout.write  # type: ignore[attr-defined]
        batch: list[str] = []
        for chunk in chunks:
            batch.append(chunk)
            if len(batch) >= _CHUNK:
                write("".join(batch).encode("latin-1", "replace"))
                batch.clear()
        if batch:
            write("".join(batch).encode("latin-1", "replace"))

    def err(self, line: str) -> None:
        """Write one line to stderr."""
        self._stderr.write(line + "\n")  # type: ignore[attr-defined]

    def flush(self) -> None:
        """Flush stdout."""
        self._stdout.flush()  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------
# Handlers: each returns what boinccmd's ``retval`` would be


def _show(
    request: str, printer: Callable[[str, Format], Iterable[str]], checks_auth: bool = False, requires: str = ""
) -> Callable[[Session, list[str]], int]:
    """A read command: send ``request``, print the reply.

    ``checks_auth``: an ``<unauthorized/>`` reply is -155 (only ``get_state`` and
    ``get_host_info`` check, in the C++); ``requires``: the reply element whose
    absence is ``ERR_XML_PARSE``, as for the C++ parsers that look for their end tag.
    """

    def run(session: Session, args: list[str]) -> int:
        reply = session.call(request)
        if checks_auth and "<unauthorized/>" in reply:
            return ERR_AUTHENTICATOR
        if requires and f"</{requires}>" not in reply:
            return ERR_XML_PARSE
        session.out(printer(reply, session.format))
        return 0

    return run


def _simple(request: str) -> Callable[[Session, list[str]], int]:
    def run(session: Session, args: list[str]) -> int:
        return session.simple(request)

    return run


def _sent(request: str) -> Callable[[Session, list[str]], int]:
    """A request whose reply the C++ does not read (``network_available``): only the transport can fail."""

    def run(session: Session, args: list[str]) -> int:
        session.call(request)
        return 0

    return run


def _atoi(text: str) -> int:
    text = text.lstrip(" \t\n\v\f\r")
    end = 0
    if text[:1] in ("+", "-"):
        end = 1
    while end < len(text) and text[end].isdigit() and text[end].isascii():
        end += 1
    try:
        return int(text[:end])
    except ValueError:
        return 0


def _atof(text: str) -> float:
    text = text.strip(" \t\n\v\f\r")
    for end in range(len(text), 0, -1):
        try:
            return float(text[:end])
        except ValueError:
            continue
    return 0.0


def _get_messages(session: Session, args: list[str]) -> int:
    reply = session.call(f"<get_messages>\n<seqno>{_atoi(args[0])}</seqno>\n</get_messages>\n")
    session.out(fmt.format_messages(reply, session.format))
    return 0


def _get_notices(session: Session, args: list[str]) -> int:
    reply = session.call(f"<get_notices>\n<seqno>{_atoi(args[0])}</seqno>\n</get_notices>\n")
    session.out(fmt.format_notices(reply, session.format))
    return 0


def _client_version(session: Session, args: list[str]) -> int:
    major, minor, release = _VERSION
    request = (
        f"<exchange_versions>\n<major>{major}</major>\n<minor>{minor}</minor>\n<release>{release}</release>\n"
        f"<name>boinccmd {major}.{minor}.{release}</name>\n</exchange_versions>\n"
    )
    session.out(fmt.format_client_version(session.call(request), session.format))
    return 0


def _get_app_config(session: Session, args: list[str]) -> int:
    reply = session.call(f"<get_app_config>\n<url>{_escape(args[0])}</url>\n</get_app_config>\n")
    if "<app_config>" in reply:
        session.out(fmt.format_app_config(reply, session.format))
        return 0
    if "<error>" in reply:
        session.out(fmt.format_app_config(reply, session.format))
        return -1
    return ERR_XML_PARSE


def _set_app_config(session: Session, args: list[str]) -> int:
    config = (
        "<app_config>\n    <app>\n        <name>uppercase</name>\n        <max_concurrent>2</max_concurrent>\n"
        "        <gpu_versions>\n            <gpu_usage>0.000000</gpu_usage>\n"
        "            <cpu_usage>0.000000</cpu_usage>\n        </gpu_versions>\n"
        "        <fraction_done_exact>0</fraction_done_exact>\n"
        "        <report_results_immediately>0</report_results_immediately>\n    </app>\n"
        "    <project_max_concurrent>0</project_max_concurrent>\n"
        "    <report_results_immediately>0</report_results_immediately>\n</app_config>\n"
    )
    return session.simple(f"<set_app_config>\n<url>{_escape(args[0])}</url>\n{config}</set_app_config>\n")


_TASK_OPS = {"suspend": "suspend_result", "resume": "resume_result", "abort": "abort_result"}
_PROJECT_OPS = (
    "reset", "detach", "update", "suspend", "resume", "nomorework", "allowmorework", "detach_when_done",
    "dont_detach_when_done",
)  # fmt: skip
_FILE_OPS = {"retry": "retry_file_transfer", "abort": "abort_file_transfer"}
_MODES = {"always": "<always/>", "auto": "<auto/>", "never": "<never/>"}


def _task(session: Session, args: list[str]) -> int:
    url, name, op = args
    tag = _TASK_OPS.get(op)
    if tag is None:
        session.err(f"Unknown op {op}")
        return 0
    return session.simple(
        f"<{tag}>\n<project_url>{_escape(url)}</project_url>\n<name>{_escape(name)}</name>\n</{tag}>\n"
    )


def _project(session: Session, args: list[str]) -> int:
    url, op = canonicalize_master_url(args[0]), args[1]
    if op not in _PROJECT_OPS:
        session.err(f"Unknown op {op}")
        return 0
    return session.simple(f"<project_{op}>\n<project_url>{_escape(url)}</project_url>\n</project_{op}>\n")


def _file_transfer(session: Session, args: list[str]) -> int:
    url, name, op = args
    tag = _FILE_OPS.get(op)
    if tag is None:
        session.err(f"Unknown op {op}")
        return 0
    return session.simple(
        f"<{tag}>\n<project_url>{_escape(url)}</project_url>\n<filename>{_escape(name)}</filename>\n</{tag}>\n"
    )


def _mode(tag: str) -> Callable[[Session, list[str]], int]:
    def run(session: Session, args: list[str]) -> int:
        mode = _MODES.get(args[0])
        if mode is None:
            session.err(f"Unknown op {args[0]}")
            return 0
        return session.simple(f"<{tag}>\n{mode}\n<duration>{_atof(args[1]):f}</duration>\n</{tag}>\n")

    return run


def _show_alerts(session: Session) -> None:
    try:
        reply = session.call("<get_messages>\n<seqno>0</seqno>\n</get_messages>\n")
    except _RpcFailure as failure:
        session.err(f"Can't get alerts from client: {boincerror(failure.code)}")
        return
    for body in fmt.user_alerts(reply):
        session.err(f"\nAlert from client: {body}")


def _project_attach(session: Session, args: list[str]) -> int:
    url = canonicalize_master_url(args[0])
    request = (
        f"<project_attach>\n<project_url>{_escape(url)}</project_url>\n"
        f"<authenticator>{_escape(args[1])}</authenticator>\n<project_name></project_name>\n</project_attach>\n"
    )
    try:
        retval = session.simple(request)
    except _RpcFailure as failure:
        retval = failure.code
    _show_alerts(session)
    return retval


def _set_host_info(session: Session, args: list[str]) -> int:
    return session.simple(
        f"<set_host_info>\n<host_info>\n<product_name>{_escape(args[0])}</product_name>\n</host_info>\n"
        "</set_host_info>\n"
    )


def _set_proxy_settings(session: Session, args: list[str]) -> int:
    http_server, http_port, http_user, http_passwd, socks_server, socks_port, socks_user, socks_passwd, noproxy = args
    flags = "".join(
        flag
        for flag, on in (
            ("<use_http_proxy/>\n", http_server),
            ("<use_socks_proxy/>\n", socks_server),
            ("<use_http_auth/>\n", http_user),
        )
        if on
    )
    e = _escape
    return session.simple(
        f"<set_proxy_settings>\n<proxy_info>\n{flags}"
        f"<http_server_name>{e(http_server)}</http_server_name>\n<http_server_port>{_atoi(http_port)}</http_server_port>\n"
        f"<http_user_name>{e(http_user)}</http_user_name>\n<http_user_passwd>{e(http_passwd)}</http_user_passwd>\n"
        f"<socks_server_name>{e(socks_server)}</socks_server_name>\n"
        f"<socks_server_port>{_atoi(socks_port)}</socks_server_port>\n"
        f"<socks5_user_name>{e(socks_user)}</socks5_user_name>\n"
        f"<socks5_user_passwd>{e(socks_passwd)}</socks5_user_passwd>\n"
        f"<socks5_remote_dns>0</socks5_remote_dns>\n<no_proxy>{e(noproxy)}</no_proxy>\n"
        "</proxy_info>\n</set_proxy_settings>\n"
    )


def _poll(session: Session, request: str, done: Callable[[str], None]) -> int:
    """boinccmd's poll loop: print each status; sleep 1 s while in progress; print the result when done."""
    while True:
        try:
            reply = session.call(request)
        except _RpcFailure as failure:
            session.out([f"poll status: {boincerror(failure.code)}\n"])
            # boinccmd retries forever here; a lost connection cannot come back
            return failure.code
        code = fmt.reply_fields(reply).get("error_num", "0").strip()
        error_num = _atoi(code)
        if error_num:
            session.out([f"poll status: {boincerror(error_num)}\n"])
            if error_num != ERR_IN_PROGRESS:
                return 0
            session.flush()
            time.sleep(1)
            continue
        done(reply)
        return 0


def _acct_mgr_do_rpc(session: Session, url: str | None, name: str = "", passwd: str = "") -> None:
    if url is None:
        request = "<acct_mgr_rpc>\n<use_config_file/>\n</acct_mgr_rpc>\n"
    else:
        request = (
            f"<acct_mgr_rpc>\n<url>{_escape(url)}</url>\n<name>{_escape(name)}</name>\n"
            f"<password>{_escape(passwd)}</password>\n</acct_mgr_rpc>\n"
        )
    try:
        if session.simple(request):
            return
    except _RpcFailure:
        return  # boinccmd's acct_mgr_do_rpc keeps this error to itself (exit status 0)

    def done(reply: str) -> None:
        messages = fmt.acct_mgr_messages(reply)
        if messages:
            session.out(["Messages from account manager:\n", *(f"{m}\n" for m in messages)])

    while True:
        session.out(["polling for reply\n"])
        try:
            reply = session.call("<acct_mgr_rpc_poll/>\n")
        except _RpcFailure as failure:
            session.out([f"poll status: {boincerror(failure.code)}\n"])
            return
        error_num = _atoi(fmt.reply_fields(reply).get("error_num", "0").strip())
        if error_num:
            session.out([f"poll status: {boincerror(error_num)}\n"])
            if error_num != ERR_IN_PROGRESS:
                return
            session.flush()
            time.sleep(1)
            continue
        done(reply)
        return


def _acct_mgr_attach(session: Session, args: list[str]) -> int:
    _acct_mgr_do_rpc(session, args[0], args[1], args[2])
    _show_alerts(session)
    return 0


def _acct_mgr_sync(session: Session, args: list[str]) -> int:
    _acct_mgr_do_rpc(session, None)
    return 0


def _join_acct_mgr(session: Session, args: list[str]) -> int:
    _acct_mgr_do_rpc(session, args[0], args[1], args[2])
    return 0


_acct_mgr_detach = _simple("<acct_mgr_rpc>\n<url></url>\n<name></name>\n<password></password>\n</acct_mgr_rpc>\n")


def _acct_mgr_unknown(session: Session, args: list[str]) -> int:
    session.out([f"unknown operation {args[0]}\n"])
    return 0


def _get_project_config(session: Session, args: list[str]) -> int:
    retval = session.simple(f"<get_project_config>\n<url>{_escape(args[0])}</url>\n</get_project_config>\n")
    if retval:
        return retval

    def done(reply: str) -> None:
        session.out(fmt.format_project_config(reply, session.format))

    return _poll(session, "<get_project_config_poll/>\n", done)


def _passwd_hash(passwd: str, name: str) -> str:
    import hashlib

    return hashlib.md5((passwd + name).encode("utf-8", "surrogateescape")).hexdigest()


def _account(tag: str, with_name: bool) -> Callable[[Session, list[str]], int]:
    def run(session: Session, args: list[str]) -> int:
        url, email, passwd = args[0], args[1], args[2]
        email = email.lower() if email.isascii() else "".join(c.lower() if c.isascii() else c for c in email)
        lines = [
            f"<url>{_escape(url)}</url>\n",
            f"<email_addr>{_escape(email)}</email_addr>\n",
            f"<passwd_hash>{_passwd_hash(passwd, email)}</passwd_hash>\n",
        ]
        if with_name:
            lines.append(f"<user_name>{_escape(args[3])}</user_name>\n<team_name></team_name>\n")
        else:
            lines.append("<ldap_auth>0</ldap_auth>\n")
        try:
            retval = session.simple(f"<{tag}>\n{''.join(lines)}</{tag}>\n")
        except _RpcFailure as failure:
            retval = failure.code
        session.out([f"status: {boincerror(retval)}\n"])
        if retval:
            return retval

        def done(reply: str) -> None:
            session.out(fmt.format_account_out(reply, session.format))

        return _poll(session, f"<{tag}_poll/>\n", done)

    return run


def _read_cc_config(session: Session, args: list[str]) -> int:
    retval = session.simple("<read_cc_config/>\n")
    session.out([f"retval {retval}\n"])
    return retval


def _run_graphics_app(session: Session, args: list[str]) -> int:
    operand, op = _atoi(args[0]), args[1]
    target = "slot" if op in ("run", "runfullscreen") else "graphics_pid"
    user = os.environ.get("USER", "")
    retval = session.simple(
        f"<run_graphics_app>\n<{target}>{operand}</{target}>\n<{op}/>\n"
        f"<ScreensaverLoginUser>{_escape(user)}</ScreensaverLoginUser>\n</run_graphics_app>\n"
    )
    if op == "test" and not retval:
        session.out([f"pid: {operand}\n"])
    return retval


# ---------------------------------------------------------------------------
# The command table

_MODE_NOTE = ("mode = always | auto | never",)
_URL = Arg("URL")

#: Every command, in the order of boinccmd's usage text.
COMMANDS: tuple[Command, ...] = (
    Command(
        "--acct_mgr",
        [Arg("op")],
        "account manager operation",
        _acct_mgr_unknown,
        sub={
            "attach": Command(
                "attach", [_URL, Arg("name"), Arg("passwd")], "attach to account manager", _acct_mgr_attach
            ),
            "info": Command(
                "info",
                [],
                "show current account manager info",
                _show("<acct_mgr_info/>\n", fmt.format_acct_mgr_info, requires="acct_mgr_info"),
            ),
            "sync": Command("sync", [], "synchronize with acct mgr", _acct_mgr_sync),
            "detach": Command("detach", [], "detach from acct mgr", _acct_mgr_detach),
        },
    ),
    Command("--client_version", [], "show client version", _client_version),
    Command(
        "--create_account",
        [_URL, Arg("email"), Arg("passwd"), Arg("name")],
        "create an account on a project",
        _account("create_account", True),
    ),
    Command(
        "--file_transfer",
        [_URL, Arg("filename"), Arg("op")],
        "file transfer operation",
        _file_transfer,
        notes=["op = retry | abort"],
    ),
    Command("--get_app_config", [_URL], "show app config for given project", _get_app_config),
    Command(
        "--get_cc_status",
        [],
        "show run modes and suspend reasons",
        _show("<get_cc_status/>\n", fmt.format_cc_status, requires="cc_status"),
    ),
    Command(
        "--get_daily_xfer_history",
        [],
        "show network traffic history",
        _show("<get_daily_xfer_history/>\n", fmt.format_daily_xfer_history),
    ),
    Command("--get_disk_usage", [], "show disk usage", _show("<get_disk_usage/>\n", fmt.format_disk_usage)),
    Command(
        "--get_file_transfers", [], "show file transfers", _show("<get_file_transfers/>\n", fmt.format_file_transfers)
    ),
    Command(
        "--get_host_info",
        [],
        "show host hardware and OS",
        _show("<get_host_info/>\n", fmt.format_host_info, True, "host_info"),
    ),
    Command(
        "--get_message_count",
        [],
        "show largest message seqno",
        _show("<get_message_count/>\n", fmt.format_message_count),
    ),
    Command("--get_messages", [Arg("seqno", "optional", "0")], "show messages > seqno", _get_messages),
    Command("--get_notices", [Arg("seqno", "optional", "0")], "show notices > seqno", _get_notices),
    Command("--get_project_config", [_URL], "show a project's configuration", _get_project_config),
    Command(
        "--get_project_status",
        [],
        "show status of all attached projects",
        _show("<get_project_status/>\n", fmt.format_projects),
    ),
    Command(
        "--get_project_urls",
        [],
        "show the master URLs of attached projects",
        _show("<get_project_status/>\n", fmt.format_project_urls),
    ),
    Command(
        "--get_proxy_settings",
        [],
        "show proxy settings",
        _show("<get_proxy_settings/>\n", fmt.format_proxy_info, requires="proxy_info"),
    ),
    Command(
        "--get_simple_gui_info",
        [],
        "show status of projects and active tasks",
        _show("<get_simple_gui_info/>\n", fmt.format_simple_gui_info),
    ),
    Command("--get_state", [], "show entire state", _show("<get_state/>\n", fmt.format_state, True)),
    Command(
        "--get_tasks",
        [],
        "show tasks",
        _show("<get_results>\n<active_only>0</active_only>\n</get_results>\n", fmt.format_results),
    ),
    Command(
        "--get_old_tasks",
        [],
        "show reported tasks from last 1 hour",
        _show("<get_old_results/>\n", fmt.format_old_results),
    ),
    Command("--join_acct_mgr", [_URL, Arg("name"), Arg("passwd")], "same as --acct_mgr attach", _join_acct_mgr),
    Command(
        "--lookup_account",
        [_URL, Arg("email"), Arg("passwd")],
        "look up an account's key",
        _account("lookup_account", False),
    ),
    Command(
        "--network_available",
        [],
        "retry deferred network communication",
        _sent("<network_available/>\n"),
    ),
    Command(
        "--project",
        [_URL, Arg("op")],
        "project operation",
        _project,
        notes=["op = " + " | ".join(_PROJECT_OPS)],
    ),
    Command("--project_attach", [_URL, Arg("auth")], "attach to project", _project_attach),
    Command("--quit", [], "tell client to exit", _simple("<quit/>\n")),
    Command("--quit_acct_mgr", [], "same as --acct_mgr detach", _acct_mgr_detach),
    Command("--read_cc_config", [], "make the client read cc_config.xml", _read_cc_config),
    Command(
        "--read_global_prefs_override",
        [],
        "make the client read global_prefs_override.xml",
        _simple("<read_global_prefs_override/>\n"),
    ),
    Command(
        "--reset_host_info",
        [],
        "have client get mem size, #CPUs etc. again",
        _simple("<reset_host_info>\n</reset_host_info>\n"),
    ),
    Command("--run_benchmarks", [], "run the CPU benchmarks", _simple("<run_benchmarks/>\n")),
    Command(
        "--run_graphics_app",
        [Arg("id"), Arg("op")],
        "(Macintosh only) run, test or stop graphics app",
        _run_graphics_app,
        notes=[
            "op = run | runfullscreen | stop | test",
            "id = slot # for run or runfullscreen, process ID for stop or test",
            "id = -1 for default screensaver (boincscr)",
        ],
        platform="darwin",
    ),
    Command("--set_app_config", [_URL], "(test hook) limit app 'uppercase' to 2 jobs", _set_app_config, hidden=True),
    Command(
        "--set_gpu_mode",
        [Arg("mode"), Arg("duration", "duration", "0")],
        "set GPU run mode for given duration",
        _mode("set_gpu_mode"),
        notes=_MODE_NOTE,
    ),
    Command("--set_host_info", [Arg("product_name")], "set the host's product name", _set_host_info),
    Command(
        "--set_network_mode",
        [Arg("mode"), Arg("duration", "duration", "0")],
        "set network mode for given duration",
        _mode("set_network_mode"),
        notes=_MODE_NOTE,
    ),
    Command(
        "--set_proxy_settings",
        [
            Arg("http_server_name"),
            Arg("http_server_port"),
            Arg("http_user_name"),
            Arg("http_user_passwd"),
            Arg("socks_server_name"),
            Arg("socks_server_port"),
            Arg("socks5_user_name"),
            Arg("socks5_user_passwd"),
            Arg("noproxy_hosts"),
        ],
        "set proxy settings",
        _set_proxy_settings,
    ),
    Command(
        "--set_run_mode",
        [Arg("mode"), Arg("duration", "duration", "0")],
        "set run mode for given duration",
        _mode("set_run_mode"),
        notes=_MODE_NOTE,
    ),
    Command(
        "--task",
        [_URL, Arg("task_name"), Arg("op")],
        "task operation",
        _task,
        notes=["op = suspend | resume | abort"],
    ),
)

_BY_NAME = {c.name: c for c in COMMANDS}


def available(command: Command) -> bool:
    """Whether a command exists on this platform."""
    return command.platform is None or sys.platform == command.platform


def usage_text() -> str:
    """The usage text, generated from :data:`COMMANDS` in boinccmd's layout."""
    lines = [
        "",
        "usage: boinc [--host hostname] [--passwd passwd] [--unix_domain] [--format 7.20|8] command",
        "",
        "default hostname: localhost",
        "default password: contents of gui_rpc_auth.cfg",
        "Commands:",
    ]
    for command in COMMANDS:
        if command.hidden:
            continue
        if command.sub:
            for sub in command.sub.values():
                syntax = " ".join([command.name, sub.name, *(a.syntax() for a in sub.args)])
                lines.append(f" {syntax:<34} {sub.help}".rstrip())
            continue
        lines.append(f" {command.syntax():<34} {command.help}".rstrip())
        lines.extend(f"   {note}" for note in command.notes)
    return "\n".join(lines) + "\n"


_REFERENCE_HEAD = """\
..
   Generated from boinc/cli.py (COMMANDS) by boinc.cli.reference_rst(); do not edit.
   A test checks that this page is current.

The ``boinc`` command
=====================

``boinc`` is ``boinccmd`` 7.20.5 in Python: the same options, commands and
argument order, the same printed text and the same exit status. It is also
``python -m boinc``.

.. code-block:: text

   boinc [--host HOST[:PORT]] [--passwd PASSWORD] [--unix_domain] [--format 7.20|8] COMMAND [ARGS]

Options
-------

The options are recognised only in this order, and only before the command.

``--host HOST[:PORT]``
   The client's address: ``name``, ``name:port``, ``a.b.c.d:port``,
   ``[v6addr]:port``, or a bare IPv6 address. Default: 127.0.0.1, port 31416,
   or ``$BOINC_HOST`` when set.
``--passwd PASSWORD``
   The GUI RPC password. Default: ``$BOINC_PASSWORD`` when set, else the
   first line of ``gui_rpc_auth.cfg``, looked for in the working directory,
   then (Linux) the ``data_dir=`` of ``/etc/boinc-client/config.properties``,
   then ``/var/lib/boinc-client`` and ``/var/lib/boinc``. If none is found,
   only requests that need no authorization work. The password is never
   printed.
``--unix_domain``
   Connect to the Unix domain socket ``boinc_socket`` in the working directory.
``--format 7.20|8``
   Print boinccmd 7.20.5's texts (the default) or 8.2's: sizes in GB, the
   ``estimated speed`` of application versions, the project of workunits and
   tasks, the new labels of old tasks.
``-h``, ``--help``
   The usage text, on stderr; exit status 1 (as boinccmd).
``-V``, ``--version``
   The version.

Exit status
-----------

* 0: the operation succeeded, or printed its own complaint (``Unknown op``).
* 1: a usage error, a missing argument, no connection (``can't connect to
  HOST``), a refused password (``Authorization failure: -155``), or an
  unexpected failure (one line on stderr, never a traceback).
* Otherwise the failing operation's BOINC error code modulo 256, after
  ``Operation failed: TEXT`` on stderr, e.g. 101 for -155 (authentication
  error) and 255 for -1.

Commands
--------
"""


def reference_rst() -> str:
    """The CLI reference page (``docs/cli.rst``), generated from :data:`COMMANDS`."""
    out = [_REFERENCE_HEAD]
    for command in COMMANDS:
        if command.hidden:
            continue
        entries = (
            [(f"{command.name} {sub.name}", sub) for sub in command.sub.values()]
            if command.sub
            else [(command.name, command)]
        )
        for name, entry in entries:
            syntax = " ".join([name, *(a.syntax() for a in entry.args)])
            out.append(f"\n``{syntax}``\n   {entry.help[:1].upper()}{entry.help[1:]}.\n")
            for note in entry.notes:
                out.append(f"\n   ``{note}``\n")
            if entry.platform:
                out.append(f"\n   Only on ``{entry.platform}``.\n")
    out.append(
        "\nWith ``[seqno]``, an absent value is 0; with ``[duration]``, an absent value or one\n"
        "starting with ``-`` is 0 (until changed). Arguments after those a command takes are ignored.\n"
    )
    return "".join(out)


def parse_args(command: Command, argv: Sequence[str]) -> tuple[Command, list[str]]:
    """The handler to run and its argument values, as boinccmd reads them.

    Missing required arguments raise; extra ones are ignored, as boinccmd does.

    Raises:
        UsageError: a required argument is missing.
    """
    values: list[str] = []
    i = 0
    for arg in command.args:
        if arg.kind == "required":
            if i >= len(argv):
                raise UsageError(missing=True)
            values.append(argv[i])
            i += 1
        elif i < len(argv) and not (arg.kind == "duration" and argv[i].startswith("-")):
            values.append(argv[i])
            i += 1
        else:
            values.append(arg.default)
    if command.sub is not None:
        sub = command.sub.get(values[0])
        if sub is None:
            return command, values
        return parse_args(sub, argv[i:])
    return command, values


# ---------------------------------------------------------------------------
# main


def _split_host(text: str) -> tuple[str, int]:
    """boinccmd's ``--host`` syntax: ``[v6]:port``, ``a.b.c.d:port``, ``name:port``, or a bare IPv6 address.

    Raises:
        UsageError: a ``[`` without ``]``.
    """
    if "[" in text:
        start = text.index("[")
        end = text.find("]", start)
        if end < 0:
            raise UsageError(message=f"invalid IPv6 syntax: {text}")
        rest = text[end + 1 :]
        return text[start + 1 : end], _atoi(rest[1:] if rest.startswith(":") else rest)
    if text.count(":") == 1:
        host, port = text.split(":")
        return host, _atoi(port)
    return text, 0


def _redact(message: str, secret: str | None) -> str:
    return message.replace(secret, "********") if secret else message


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``boinc`` command.

    Args:
        argv: the arguments without the program name; ``sys.argv[1:]`` by default.

    Returns:
        The exit status: boinccmd's, i.e. the failing operation's error code modulo 256.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    stdout = getattr(sys.stdout, "buffer", None) or sys.stdout
    try:
        return _main(args, stdout)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader went away (``boinc --get_tasks | head``): stop quietly, as boinccmd does
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 1
    except Exception as exc:  # the command must never print a traceback
        password = next((args[i + 1] for i in range(len(args) - 1) if args[i] == "--passwd"), None)
        message = _redact(str(exc), password) or type(exc).__name__
        sys.stderr.write(f"boinc: {message}\n")
        return 1


def _usage(missing: bool = False) -> int:
    if missing:
        sys.stderr.write("Missing command-line argument\n")
    sys.stderr.write(usage_text())
    return 1


def _main(args: list[str], stdout: object) -> int:
    if not args or args[0] in ("--help", "-h"):
        return _usage()
    if args[0] in ("--version", "-V"):
        from . import __version__

        major, minor, release = _VERSION
        sys.stdout.write(f"boinc {__version__} (boinccmd {major}.{minor}.{release} compatible)\n")
        return 0
    i = 0
    host: str | None = None
    port = 0
    password: str | None = None
    unix_domain = False
    output = fmt.FORMAT_7_20
    if args[i] == "--host":
        i += 1
        if i == len(args):
            return _usage()
        try:
            host, port = _split_host(args[i])
        except UsageError as exc:
            sys.stderr.write(exc.message + "\n")
            return 1
        i += 1
    if i < len(args) and args[i] == "--passwd":
        i += 1
        if i == len(args):
            return _usage()
        password = args[i]
        i += 1
    if i < len(args) and args[i] == "--unix_domain":
        unix_domain = True
        i += 1
    if i < len(args) and args[i] == "--format":
        if i + 1 == len(args) or args[i + 1] not in ("7.20", "8"):
            sys.stderr.write("--format takes 7.20 or 8\n")
            return 1
        output = fmt.Format(args[i + 1])
        i += 2
    if i == len(args):
        return _usage()
    command = _BY_NAME.get(args[i])
    if command is None or not available(command):
        return _usage()
    try:
        handler, values = parse_args(command, args[i + 1 :])
    except UsageError:
        return _usage(missing=True)

    if host is None and not unix_domain and os.environ.get("BOINC_HOST"):
        host, port = _split_host(os.environ["BOINC_HOST"])
    if password is None:
        password = os.environ.get("BOINC_PASSWORD")
    if password is None:
        from ._password import PasswordFileError, read_gui_rpc_password

        try:
            password = read_gui_rpc_password()
        except PasswordFileError as exc:
            password = ""
            sys.stderr.write(f"Can't get RPC password: {exc}\n")
            sys.stderr.write("Only operations not requiring authorization will be allowed.\n")

    session = Session(output, stdout, sys.stderr)
    try:
        try:
            session.connect(host, port, unix_domain)
        except OSError:
            if unix_domain:
                sys.stderr.write("can't connect to Unix domain socket\n")
            else:
                sys.stderr.write(f"can't connect to {host or 'local host'}\n")
            return 1
        if password:
            retval = session.authorize(password)
            if retval:
                sys.stderr.write(f"Authorization failure: {retval}\n")
                return 1
        try:
            retval = handler.run(session, values)
        except _RpcFailure as failure:
            retval = failure.code
        session.flush()
    finally:
        session.close()
    if retval:
        sys.stderr.write(f"Operation failed: {boincerror(retval)}\n")
    return retval & 0xFF
