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

Each command runs on the package's shared core: the typed client
(:class:`~boinc.gui_rpc.RpcClient`, the one XML engine, the structs), its
errors mapped to boinccmd's retvals in one place (:func:`_retval`), and
:mod:`boinc._format` prints the typed values. Importing this module imports
none of that: each command imports what it needs when it runs.
"""

from __future__ import annotations

import os
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing is not imported on the command's path
    from collections.abc import Callable, Iterable, Sequence
    from types import ModuleType
    from typing import Any, NoReturn

    from ._format import Format
    from .errors import BoincError
    from .gui_rpc.client import RpcClient
    from .gui_rpc.structs.account import AcctMgrRpcReply
    from .gui_rpc.structs.status import VersionInfo

__all__ = ["COMMANDS", "Arg", "Command", "console", "main", "reference_rst", "usage_text"]

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


# ---------------------------------------------------------------------------
# The connection: the typed GUI RPC client, and boinccmd's retvals for its errors


def _retval(exc: BoincError) -> int:
    """The retval the C++ ``RPC_CLIENT`` gives where our client raised ``exc``: the one mapping of errors."""
    from .errors import AuthenticationError, ReplyParseError, RpcError

    if isinstance(exc, RpcError):
        return exc.code
    if isinstance(exc, AuthenticationError):
        return ERR_AUTHENTICATOR
    if isinstance(exc, ReplyParseError):
        return ERR_XML_PARSE
    return ERR_READ  # the connection failed (closed, timed out, a reply too large, a request refused)


def _error_text(exc: BoincError) -> str:
    """The ``<error>`` text of a refusal, which ``RPC::parse_reply`` prints; empty if there was none."""
    from .errors import AuthenticationError, RpcError

    if isinstance(exc, (RpcError, AuthenticationError)):
        return exc.message
    return ""


class Session:
    """One connection to the client (a :class:`~boinc.gui_rpc.RpcClient`), and where the output goes.

    Args:
        output: the boinccmd version whose texts are printed (``7.20`` or ``8``).
        stdout: a binary stream for the output.
        stderr: a text stream for messages.
    """

    def __init__(self, output: str, stdout: object, stderr: object) -> None:
        self._output = output
        self._format: Format | None = None
        self._stdout = stdout
        self._stderr = stderr
        self._rpc: RpcClient | None = None

    @property
    def format(self) -> Format:
        """The output format; :mod:`boinc._format` is imported when first printing, after the request went out."""
        if self._format is None:
            self._format = _fmt().Format(self._output)
        return self._format

    @property
    def rpc(self) -> RpcClient:
        """The GUI RPC client.

        Raises:
            ConnectionClosed: the connection was lost. boinccmd does not reconnect
                (our client would): its next request fails, with ``ERR_READ``.
        """
        rpc = self._rpc
        assert rpc is not None, "not connected"
        if not rpc.connected:
            from .errors import ConnectionClosed

            raise ConnectionClosed("the connection was lost", host=rpc.host, port=rpc.port)
        return rpc

    def connect(self, host: str | None, port: int, unix_domain: bool = False, timeout: float = 30.0) -> None:
        """Open the connection: TCP to ``host`` (127.0.0.1 if None), or the socket ``boinc_socket``.

        Raises:
            ConnectError: the connection failed.
            RpcTimeout: it timed out.
        """
        from .gui_rpc.client import GUI_RPC_PORT, RpcClient

        rpc = RpcClient(
            host or "127.0.0.1", port or GUI_RPC_PORT, timeout, unix_socket="boinc_socket" if unix_domain else None
        )
        self._rpc = rpc
        rpc.connect()

    def close(self) -> None:
        """Close the connection."""
        if self._rpc is not None:
            self._rpc.close()

    def simple(self, request: Callable[[RpcClient], object]) -> int:
        """A request answered by ``<success/>``, ``<status>`` or ``<error>``: its retval, as ``RPC::parse_reply``.

        An ``<error>`` text goes to stderr with a time stamp, as the C++ prints it.
        """
        from .errors import BoincError

        try:
            request(self.rpc)
        except BoincError as exc:
            message = _error_text(exc)
            if message:
                self.err(f"{_fmt().time_to_string(time.time())}: GUI RPC error: {message}")
            return _retval(exc)
        return 0

    # -- output -----------------------------------------------------------

    def out(self, chunks: Iterable[str]) -> None:
        """Write text to stdout in batches, without building the whole listing at once."""
        write = self._stdout.write  # type: ignore[attr-defined]
        batch: list[str] = []
        for chunk in chunks:
            batch.append(chunk)
            if len(batch) >= _CHUNK:
                write("".join(batch).encode("utf-8", "replace"))
                batch.clear()
        if batch:
            write("".join(batch).encode("utf-8", "replace"))

    def err(self, line: str) -> None:
        """Write one line to stderr."""
        self._stderr.write(line + "\n")  # type: ignore[attr-defined]

    def flush(self) -> None:
        """Flush stdout."""
        self._stdout.flush()  # type: ignore[attr-defined]


def _fmt() -> ModuleType:
    from . import _format

    return _format


# ---------------------------------------------------------------------------
# Handlers: each returns what boinccmd's ``retval`` would be


def _show(
    fetch: Callable[[RpcClient], Any],
    printer: str,
    empty: Callable[[], Any] = list,
    checks_auth: bool = False,
    requires: bool = False,
) -> Callable[[Session, list[str]], int]:
    """A read command: fetch the value, print it with ``boinc._format``'s ``printer``.

    As the C++ parsers: a refused request prints an empty listing, except where
    ``checks_auth`` (``get_state`` and ``get_host_info``: -155); a reply without
    the element prints an empty listing, except where ``requires`` (the parsers
    that look for their end tag: ``ERR_XML_PARSE``). A bad value in the reply is
    ``ERR_XML_PARSE`` (the C++ would keep the field's default instead).
    """

    def run(session: Session, args: list[str]) -> int:
        from .errors import AuthenticationError, ReplyParseError, RpcError

        try:
            value = fetch(session.rpc)
        except AuthenticationError:
            if checks_auth:
                return ERR_AUTHENTICATOR
            if requires:  # <unauthorized/> has no such element
                return ERR_XML_PARSE
            value = empty()
        except (RpcError, ReplyParseError) as exc:
            if requires or (isinstance(exc, ReplyParseError) and "/" in exc.path):
                return ERR_XML_PARSE
            value = empty()
        session.out(getattr(_fmt(), printer)(value, session.format))
        return 0

    return run


def _simple(request: Callable[[RpcClient], object]) -> Callable[[Session, list[str]], int]:
    def run(session: Session, args: list[str]) -> int:
        return session.simple(request)

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


def _empty(module: str, name: str) -> Callable[[], Any]:
    """A factory of an empty ``boinc.gui_rpc.structs.<module>.<name>``, imported when called."""

    def make() -> Any:
        import importlib

        return getattr(importlib.import_module(f"boinc.gui_rpc.structs.{module}"), name)()

    return make


def _network_available(session: Session, args: list[str]) -> int:
    """boinccmd does not read this reply: only the connection can fail."""
    from .errors import AuthenticationError, ProtocolError, RpcError

    try:
        session.rpc.network_available()
    except (AuthenticationError, RpcError, ProtocolError):
        pass
    return 0


def _get_state(session: Session, args: list[str]) -> int:
    """``--get_state``: the typed state, each item with the project it follows in the reply."""
    from .errors import AuthenticationError, ReplyParseError, RpcError
    from .gui_rpc.structs.state import CcState

    try:
        state = session.rpc.get_state()
    except AuthenticationError:
        return ERR_AUTHENTICATOR
    except (RpcError, ReplyParseError) as exc:
        if isinstance(exc, ReplyParseError) and "/" in exc.path:
            return ERR_XML_PARSE
        state = CcState()
    session.out(_fmt().format_state(state, session.format))
    return 0


def _get_messages(session: Session, args: list[str]) -> int:
    seqno = _atoi(args[0])
    return _show(lambda rpc: rpc.get_messages(seqno), "format_messages")(session, args)


def _get_notices(session: Session, args: list[str]) -> int:
    seqno = _atoi(args[0])
    return _show(lambda rpc: rpc.get_notices(seqno), "format_notices")(session, args)


def _client_version(session: Session, args: list[str]) -> int:
    major, minor, release = _VERSION

    def fetch(rpc: RpcClient) -> VersionInfo:
        return rpc.exchange_versions(f"boinccmd {major}.{minor}.{release}", major, minor, release)

    from .gui_rpc.structs.status import VersionInfo

    return _show(fetch, "format_client_version", VersionInfo)(session, args)


def _get_app_config(session: Session, args: list[str]) -> int:
    from .errors import BoincError, RpcError

    try:
        config = session.rpc.get_app_config(args[0])
    except RpcError as exc:
        session.out([f"get_app_config error: {exc.message}\n"])
        return -1
    except BoincError as exc:
        # an unauthorized reply has neither <app_config> nor <error>
        return ERR_XML_PARSE if _retval(exc) != ERR_READ else ERR_READ
    session.out(_fmt().format_app_config(config, session.format))
    return 0


def _set_app_config(session: Session, args: list[str]) -> int:
    from .gui_rpc.structs.app_config import AppConfig, AppConfigs, GpuVersions

    config = AppConfigs(apps=(AppConfig(name="uppercase", max_concurrent=2, gpu_versions=GpuVersions()),))
    return session.simple(lambda rpc: rpc.set_app_config(args[0], config))


_TASK_OPS = ("suspend", "resume", "abort")
_PROJECT_OPS = (
    "reset", "detach", "update", "suspend", "resume", "nomorework", "allowmorework", "detach_when_done",
    "dont_detach_when_done",
)  # fmt: skip
_FILE_OPS = ("retry", "abort")
_MODES = {"always": 1, "auto": 2, "never": 3}


def _task(session: Session, args: list[str]) -> int:
    url, name, op = args
    if op not in _TASK_OPS:
        session.err(f"Unknown op {op}")
        return 0
    return session.simple(lambda rpc: rpc.result_op((url, name), op))


def _project(session: Session, args: list[str]) -> int:
    from .gui_rpc.urls import canonicalize_master_url

    url, op = canonicalize_master_url(args[0]), args[1]
    if op not in _PROJECT_OPS:
        session.err(f"Unknown op {op}")
        return 0
    return session.simple(lambda rpc: rpc.project_op(url, op))


def _file_transfer(session: Session, args: list[str]) -> int:
    url, name, op = args
    if op not in _FILE_OPS:
        session.err(f"Unknown op {op}")
        return 0
    return session.simple(lambda rpc: rpc.file_transfer_op((url, name), op))


def _mode(which: str) -> Callable[[Session, list[str]], int]:
    def run(session: Session, args: list[str]) -> int:
        mode = _MODES.get(args[0])
        if mode is None:
            session.err(f"Unknown op {args[0]}")
            return 0
        duration = _atof(args[1])
        return session.simple(lambda rpc: getattr(rpc, f"set_{which}_mode")(mode, duration))

    return run


def _show_alerts(session: Session) -> None:
    from .errors import BoincError, TransportError

    try:
        messages = session.rpc.get_messages(0)
    except TransportError as exc:
        session.err(f"Can't get alerts from client: {_fmt().boincerror(_retval(exc))}")
        return
    except BoincError:
        return  # the C++ reads a refusal as no messages
    for body in _fmt().user_alerts(messages):
        session.err(f"\nAlert from client: {body}")


def _project_attach(session: Session, args: list[str]) -> int:
    from .gui_rpc.urls import canonicalize_master_url

    url, auth = canonicalize_master_url(args[0]), args[1]
    retval = session.simple(lambda rpc: rpc.project_attach(url, auth))
    _show_alerts(session)
    return retval


def _set_host_info(session: Session, args: list[str]) -> int:
    return session.simple(lambda rpc: rpc.set_host_info(product_name=args[0]))


def _set_proxy_settings(session: Session, args: list[str]) -> int:
    from .gui_rpc.structs.proxy import ProxyInfo

    http_server, http_port, http_user, http_passwd, socks_server, socks_port, socks_user, socks_passwd, noproxy = args
    proxy = ProxyInfo(
        use_http_proxy=bool(http_server),
        use_socks_proxy=bool(socks_server),
        use_http_auth=bool(http_user),
        http_server_name=http_server,
        http_server_port=_atoi(http_port),
        http_user_name=http_user,
        http_user_passwd=http_passwd,
        socks_server_name=socks_server,
        socks_server_port=_atoi(socks_port),
        socks5_user_name=socks_user,
        socks5_user_passwd=socks_passwd,
        no_proxy=noproxy,
    )
    return session.simple(lambda rpc: rpc.set_proxy_settings(proxy))


def _poll(session: Session, poll: Callable[[RpcClient], Any], done: Callable[[Any], Iterable[str]]) -> int:
    """boinccmd's poll loop: print each status; sleep 1 s while in progress; print the result when done."""
    from .errors import BoincError, RpcError, TransportError

    boincerror = _fmt().boincerror
    while True:
        try:
            reply = poll(session.rpc)
            error_num = int(reply.error_num)
        except TransportError as exc:
            session.out([f"poll status: {boincerror(_retval(exc))}\n"])
            # boinccmd retries forever here; a lost connection cannot come back
            return _retval(exc)
        except RpcError as exc:  # a project server's <error><error_num>…, passed through
            error_num = exc.code
        except BoincError as exc:
            error_num = _retval(exc)
        if error_num:
            session.out([f"poll status: {boincerror(error_num)}\n"])
            if error_num != ERR_IN_PROGRESS:
                return 0
            session.flush()
            time.sleep(1)
            continue
        session.out(done(reply))
        return 0


def _acct_mgr_messages(reply: AcctMgrRpcReply) -> list[str]:
    if not reply.messages:
        return []
    return ["Messages from account manager:\n", *(f"{m}\n" for m in reply.messages)]


def _acct_mgr_do_rpc(session: Session, url: str | None, name: str = "", passwd: str = "") -> None:
    if url is None:
        start: Callable[[RpcClient], object] = lambda rpc: rpc.acct_mgr_rpc(use_config_file=True)  # noqa: E731
    else:
        start = lambda rpc: rpc.acct_mgr_rpc(url, name, passwd)  # noqa: E731
    if session.simple(start):
        return  # boinccmd's acct_mgr_do_rpc keeps this error to itself (exit status 0)

    def poll(rpc: RpcClient) -> AcctMgrRpcReply:
        session.out(["polling for reply\n"])
        return rpc.acct_mgr_rpc_poll()

    _poll(session, poll, _acct_mgr_messages)


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


_acct_mgr_detach = _simple(lambda rpc: rpc.acct_mgr_rpc("", "", ""))


def _acct_mgr_unknown(session: Session, args: list[str]) -> int:
    session.out([f"unknown operation {args[0]}\n"])
    return 0


def _get_project_config(session: Session, args: list[str]) -> int:
    url = args[0]
    retval = session.simple(lambda rpc: rpc.get_project_config(url))
    if retval:
        return retval
    done = _fmt().format_project_config
    return _poll(session, lambda rpc: rpc.get_project_config_poll(), lambda reply: done(reply, session.format))


def _account(tag: str) -> Callable[[Session, list[str]], int]:
    def run(session: Session, args: list[str]) -> int:
        import hashlib

        from .gui_rpc.structs.account import AccountIn

        url, email, passwd = args[0], args[1], args[2]
        # boinccmd lower-cases with C's tolower: ASCII letters only
        email = email.lower() if email.isascii() else "".join(c.lower() if c.isascii() else c for c in email)
        digest = hashlib.md5((passwd + email).encode("utf-8", "surrogateescape")).hexdigest()
        account = AccountIn(
            url=url, email_addr=email, passwd_hash=digest, user_name=args[3] if tag == "create_account" else ""
        )
        retval = session.simple(lambda rpc: getattr(rpc, tag)(account))
        boincerror = _fmt().boincerror
        session.out([f"status: {boincerror(retval)}\n"])
        if retval:
            return retval
        done = _fmt().format_account_out
        return _poll(session, lambda rpc: getattr(rpc, f"{tag}_poll")(), lambda reply: done(reply, session.format))

    return run


def _read_cc_config(session: Session, args: list[str]) -> int:
    retval = session.simple(lambda rpc: rpc.read_cc_config())
    session.out([f"retval {retval}\n"])
    return retval


def _run_graphics_app(session: Session, args: list[str]) -> int:
    from .errors import BoincError

    operand, op = _atoi(args[0]), args[1]
    user = os.environ.get("USER", "")
    try:
        pid = session.rpc.run_graphics_app(op, operand, user)
    except ValueError:
        return -1  # not an operation RPC_CLIENT::run_graphics_app knows
    except BoincError as exc:
        return _retval(exc)
    if op == "test":
        session.out([f"pid: {pid}\n"])
    return 0


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
                _show(lambda rpc: rpc.acct_mgr_info(), "format_acct_mgr_info", requires=True),
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
        _account("create_account"),
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
        _show(lambda rpc: rpc.get_cc_status(), "format_cc_status", requires=True),
    ),
    Command(
        "--get_daily_xfer_history",
        [],
        "show network traffic history",
        _show(lambda rpc: rpc.get_daily_xfer_history(), "format_daily_xfer_history"),
    ),
    Command(
        "--get_disk_usage",
        [],
        "show disk usage",
        _show(lambda rpc: rpc.get_disk_usage(), "format_disk_usage", _empty("stats", "DiskUsage")),
    ),
    Command(
        "--get_file_transfers",
        [],
        "show file transfers",
        _show(lambda rpc: rpc.get_file_transfers(), "format_file_transfers"),
    ),
    Command(
        "--get_host_info",
        [],
        "show host hardware and OS",
        _show(lambda rpc: rpc.get_host_info(), "format_host_info", checks_auth=True, requires=True),
    ),
    Command(
        "--get_message_count",
        [],
        "show largest message seqno",
        _show(lambda rpc: rpc.get_message_count(), "format_message_count", int),
    ),
    Command("--get_messages", [Arg("seqno", "optional", "0")], "show messages > seqno", _get_messages),
    Command("--get_notices", [Arg("seqno", "optional", "0")], "show notices > seqno", _get_notices),
    Command("--get_project_config", [_URL], "show a project's configuration", _get_project_config),
    Command(
        "--get_project_status",
        [],
        "show status of all attached projects",
        _show(lambda rpc: rpc.get_project_status(), "format_projects"),
    ),
    Command(
        "--get_project_urls",
        [],
        "show the master URLs of attached projects",
        _show(lambda rpc: rpc.get_project_status(), "format_project_urls"),
    ),
    Command(
        "--get_proxy_settings",
        [],
        "show proxy settings",
        _show(lambda rpc: rpc.get_proxy_settings(), "format_proxy_info", requires=True),
    ),
    Command(
        "--get_simple_gui_info",
        [],
        "show status of projects and active tasks",
        _show(lambda rpc: rpc.get_simple_gui_info(), "format_simple_gui_info", _empty("state", "SimpleGuiInfo")),
    ),
    Command("--get_state", [], "show entire state", _get_state),
    Command(
        "--get_tasks",
        [],
        "show tasks",
        _show(lambda rpc: rpc.get_results(active_only=False), "format_results"),
    ),
    Command(
        "--get_old_tasks",
        [],
        "show reported tasks from last 1 hour",
        _show(lambda rpc: rpc.get_old_results(), "format_old_results"),
    ),
    Command("--join_acct_mgr", [_URL, Arg("name"), Arg("passwd")], "same as --acct_mgr attach", _join_acct_mgr),
    Command(
        "--lookup_account",
        [_URL, Arg("email"), Arg("passwd")],
        "look up an account's key",
        _account("lookup_account"),
    ),
    Command(
        "--network_available",
        [],
        "retry deferred network communication",
        _network_available,
    ),
    Command(
        "--project",
        [_URL, Arg("op")],
        "project operation",
        _project,
        notes=["op = " + " | ".join(_PROJECT_OPS)],
    ),
    Command("--project_attach", [_URL, Arg("auth")], "attach to project", _project_attach),
    Command("--quit", [], "tell client to exit", _simple(lambda rpc: rpc.quit())),
    Command("--quit_acct_mgr", [], "same as --acct_mgr detach", _acct_mgr_detach),
    Command("--read_cc_config", [], "make the client read cc_config.xml", _read_cc_config),
    Command(
        "--read_global_prefs_override",
        [],
        "make the client read global_prefs_override.xml",
        _simple(lambda rpc: rpc.read_global_prefs_override()),
    ),
    Command(
        "--reset_host_info",
        [],
        "have client get mem size, #CPUs etc. again",
        _simple(lambda rpc: rpc.reset_host_info()),
    ),
    Command("--run_benchmarks", [], "run the CPU benchmarks", _simple(lambda rpc: rpc.run_benchmarks())),
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
        _mode("gpu"),
        notes=_MODE_NOTE,
    ),
    Command("--set_host_info", [Arg("product_name")], "set the host's product name", _set_host_info),
    Command(
        "--set_network_mode",
        [Arg("mode"), Arg("duration", "duration", "0")],
        "set network mode for given duration",
        _mode("network"),
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
        _mode("run"),
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


def console() -> NoReturn:
    """The ``boinc`` console script and ``python -m boinc``: :func:`main`, then exit at once.

    The output is flushed, then the process ends without the interpreter's teardown, as a C
    program's would: clearing every imported module and collecting what a listing of 10,000
    tasks left behind takes some 10 ms, for nothing. The command registers no exit handlers.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that went away (``boinc --get_tasks | head``), or closed
            pass
    os._exit(code)


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
    output = "7.20"
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
        output = args[i + 1]
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
    return _run(session, handler, values, host, port, unix_domain, password)


def _run(
    session: Session, handler: Command, values: list[str], host: str | None, port: int, unix_domain: bool, password: str
) -> int:
    """Connect, authorize if there is a password, run the handler; boinccmd's messages and exit status."""
    from .errors import BoincError

    try:
        try:
            session.connect(host, port, unix_domain)
        except BoincError:
            if unix_domain:
                sys.stderr.write("can't connect to Unix domain socket\n")
            else:
                sys.stderr.write(f"can't connect to {host or 'local host'}\n")
            return 1
        if password:
            try:
                session.rpc.authorize(password)
            except BoincError as exc:
                sys.stderr.write(f"Authorization failure: {_retval(exc)}\n")
                return 1
        try:
            retval = handler.run(session, values)
        except BoincError as exc:
            retval = _retval(exc)
        session.flush()
    finally:
        session.close()
    if retval:
        sys.stderr.write(f"Operation failed: {_fmt().boincerror(retval)}\n")
    return retval & 0xFF
