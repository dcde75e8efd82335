"""The GUI RPC table: every request the core client answers, declared once.

Each :class:`Rpc` names the request tag (as in ``client/gui_rpc_server_ops.cpp``),
whether it needs authorization, the struct its arguments are encoded from and
how its reply is read. The clients' methods are one-line shells over
:meth:`Rpc.call`; multi-step operations (the ``*_poll`` loops) are flows here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, ClassVar, Final, Generic, TypeVar, cast

import attrs

from .. import errors
from .._xml import LineCache, decode, encode, find_element, plan_for, xml_field
from .._xml.decode import decode_element
from . import structs as s
from ._protocol import Call, Flow, Sleep, check_reply, frame_request
from .enums import RunMode

__all__ = ["RPCS", "AuthId", "NewerVersion", "Rpc"]

T = TypeVar("T")


class Rpc(Generic[T]):
    """One GUI RPC request.

    Attributes:
        tag: the request element, e.g. ``get_state``.
        parse: reads the reply text (already checked for errors) into a value.
        auth: the client answers it only after ``auth2`` (table flag ``auth_required``).
        network: it lets the client use the network for 5 minutes (table flag).
    """

    __slots__ = ("auth", "network", "parse", "tag")

    def __init__(self, tag: str, parse: Callable[[str], T], auth: bool = False, network: bool = False) -> None:
        self.tag = tag
        self.parse = parse
        self.auth = auth
        self.network = network

    def __repr__(self) -> str:
        return f"Rpc({self.tag!r}, auth={self.auth}, network={self.network})"

    def frame(self, args: Any = None, body: str | None = None) -> Call:
        """The framed request: ``args`` (a struct) encoded as the request element, or a raw ``body``."""
        if body is not None:
            xml = f"<{self.tag}>\n{body}</{self.tag}>\n"
        elif args is None:
            xml = f"<{self.tag}/>\n"
        else:
            xml = encode(args, self.tag)
        return Call(frame_request(xml, self.tag), self.tag, getattr(self.parse, "prepare", None))

    def call(self, args: Any = None, body: str | None = None) -> Flow[T]:
        """The flow of one request and its reply."""
        return self.parse((yield from self.call_text(args, body)))

    def call_text(self, args: Any = None, body: str | None = None) -> Flow[str]:
        """The flow of one request and its reply's text: checked for errors as by :meth:`call`, not parsed."""
        text = yield self.frame(args, body)
        assert text is not None
        check_reply(text, self.tag)
        return text

    def parse_with(self, text: str, lines: LineCache) -> T:
        """:attr:`parse`, reading with a line cache kept across replies of many clients.

        For a caller that parses the same kind of reply from many hosts (the
        cluster poller): the leaf lines every host sends alike (a state, a
        platform, a project's URL) are read once. ``lines`` starts as ``{}``
        and stays bounded; the value is the same as ``parse(text)``'s.
        """
        reader = self.parse
        if isinstance(reader, (_Element, _Items)):
            return cast(T, reader(text, lines))
        return reader(text)


# ---------------------------------------------------------------------------
# Reply readers


class _Element(Generic[T]):
    """Read the reply's ``<tag>`` element as struct ``ref()``; an absent one is an empty struct if ``empty_ok``.

    The struct class is looked up on first use, so that its module is imported only if needed:
    by :meth:`prepare`, while the client computes the reply, or else when the reply is read.
    """

    __slots__ = ("empty_ok", "ref", "tag")

    def __init__(self, ref: Callable[[], type[T]], tag: str | None = None, empty_ok: bool = False) -> None:
        self.ref = ref
        self.tag = tag
        self.empty_ok = empty_ok

    def prepare(self) -> None:
        """Import the struct's module and make its binding plan."""
        plan_for(self.ref())

    def __call__(self, text: str, lines: LineCache | None = None) -> T:
        cls = self.ref()
        name = self.tag or cls.xml_tag  # type: ignore[attr-defined]
        if self.empty_ok and find_element(text, name) is None:
            return cls()
        return decode(cls, text, name, caches=lines)  # type: ignore[no-any-return]


class _Items:
    """Read a container element and return its repeated field as a list."""

    __slots__ = ("field", "read")

    def __init__(self, ref: Callable[[], type[Any]], field: str, tag: str | None = None) -> None:
        self.read: _Element[Any] = _Element(ref, tag)
        self.field = field

    def prepare(self) -> None:
        """Import the container's module and make its binding plan."""
        self.read.prepare()

    def __call__(self, text: str, lines: LineCache | None = None) -> list[Any]:
        return list(getattr(self.read(text, lines), self.field))


def _success(text: str) -> None:
    """A ``<success/>`` reply (errors were raised by :func:`check_reply`)."""


def _screensaver_tasks(text: str) -> s.ScreensaverTasks:
    # 7.20.5 and up to 8.2.8 name the element handle_get_screensaver_tasks
    for tag in ("get_screensaver_tasks", "handle_get_screensaver_tasks"):
        found = find_element(text, tag)
        if found is not None:
            value, _ = decode_element(s.ScreensaverTasks, text, found[0], tag, found[1])
            return value  # type: ignore[no-any-return]
    raise errors.ReplyParseError("no <get_screensaver_tasks> element", path="get_screensaver_tasks")


_REPLY: Final = "boinc_gui_rpc_reply"


@attrs.frozen(kw_only=True, slots=False)
class NewerVersion:
    """The reply of ``get_newer_version``."""

    xml_tag: ClassVar[str] = _REPLY
    #: the newer client version, empty if there is none
    newer_version: str = ""
    #: where to download it
    download_url: str = ""


@attrs.frozen(kw_only=True, slots=False)
class AuthId:
    """The reply of ``get_auth_id`` (the HTTP mode's authentication)."""

    xml_tag: ClassVar[str] = _REPLY
    auth_id: int = 0
    auth_salt: str = xml_field(default="", repr=False)


@attrs.frozen(kw_only=True, slots=False)
class _MessageCount:
    xml_tag: ClassVar[str] = _REPLY
    seqno: int = 0


@attrs.frozen(kw_only=True, slots=False)
class _GraphicsPid:
    xml_tag: ClassVar[str] = _REPLY
    graphics_pid: int = 0


# ---------------------------------------------------------------------------
# Request argument structs (encoded by the engine, so every value is escaped). They are
# only ever encoded, never compared or shown: without eq and repr, attrs makes each
# class in half the time, which every one-shot command pays at import.


@attrs.frozen(kw_only=True, eq=False, repr=False)
class ExchangeVersions:
    """Arguments of ``exchange_versions``: the GUI's own version and name."""

    major: int | None = None
    minor: int | None = None
    release: int | None = None
    name: str = ""


@attrs.frozen(kw_only=True, eq=False, repr=False)
class Seqno:
    """Arguments of ``get_messages``/``get_notices``: only what is newer than ``seqno``."""

    seqno: int = 0
    translatable: bool = xml_field(flag=True, default=False)


@attrs.frozen(kw_only=True, eq=False, repr=False)
class ActiveOnly:
    """Arguments of ``get_results``."""

    active_only: bool = False


@attrs.frozen(kw_only=True, eq=False, repr=False)
class ProjectUrl:
    """Arguments of the project operations."""

    project_url: str


@attrs.frozen(kw_only=True, eq=False, repr=False)
class Url:
    """Arguments of requests that take one ``<url>``."""

    url: str


@attrs.frozen(kw_only=True, eq=False, repr=False)
class ResultRef:
    """Arguments of the task operations."""

    project_url: str
    name: str


@attrs.frozen(kw_only=True, eq=False, repr=False)
class FileRef:
    """Arguments of the file transfer operations."""

    project_url: str
    filename: str


@attrs.frozen(kw_only=True, eq=False, repr=False)
class ModeRequest:
    """Arguments of ``set_run_mode``/``set_gpu_mode``/``set_network_mode``: one flag selects the mode."""

    always: bool = xml_field(flag=True, default=False)
    auto: bool = xml_field(flag=True, default=False)
    never: bool = xml_field(flag=True, default=False)
    restore: bool = xml_field(flag=True, default=False)
    duration: float = 0.0

    @classmethod
    def of(cls, mode: RunMode | int, duration: float) -> ModeRequest:
        """The request for ``mode``.

        Raises:
            ValueError: not one of ALWAYS, AUTO, NEVER, RESTORE.
        """
        name = {1: "always", 2: "auto", 3: "never", 4: "restore"}.get(int(mode))
        if name is None:
            raise ValueError(f"not a run mode: {mode!r}")
        return cls(**{name: True}, duration=float(duration))


@attrs.frozen(kw_only=True, eq=False, repr=False)
class HostInfoRequest:
    """Arguments of ``set_host_info``: non-empty values overwrite what the client detected."""

    product_name: str = xml_field(default="", omit_default=True)
    os_name: str = xml_field(default="", omit_default=True)
    os_version: str = xml_field(default="", omit_default=True)
    domain_name: str = xml_field(default="", omit_default=True)


@attrs.frozen(kw_only=True, eq=False, repr=False)
class Language:
    """Arguments of ``set_language``."""

    language: str


@attrs.frozen(kw_only=True, eq=False, repr=False)
class ProxyRequest:
    """Arguments of ``set_proxy_settings``."""

    proxy_info: s.ProxyInfo


@attrs.frozen(kw_only=True, eq=False, repr=False)
class AcctMgrRequest:
    """Arguments of ``acct_mgr_rpc``."""

    url: str | None = None
    name: str | None = None
    password: str | None = xml_field(default=None, repr=False)
    use_config_file: bool = xml_field(flag=True, default=False)


@attrs.frozen(kw_only=True, eq=False, repr=False)
class AttachRequest:
    """Arguments of ``project_attach``."""

    project_url: str | None = None
    authenticator: str | None = xml_field(default=None, repr=False)
    project_name: str | None = None
    email_addr: str | None = None
    use_config_file: bool = xml_field(flag=True, default=False)


@attrs.frozen(kw_only=True, eq=False, repr=False)
class DeviceStatusRequest:
    """Arguments of ``report_device_status``."""

    device_status: s.DeviceStatus


@attrs.frozen(kw_only=True, eq=False, repr=False)
class GraphicsRequest:
    """Arguments of ``run_graphics_app`` (macOS clients only)."""

    slot: int | None = None
    graphics_pid: int | None = None
    run: bool = xml_field(flag=True, default=False)
    runfullscreen: bool = xml_field(flag=True, default=False)
    stop: bool = xml_field(flag=True, default=False)
    test: bool = xml_field(flag=True, default=False)
    ScreensaverLoginUser: str | None = None


# ---------------------------------------------------------------------------
# The table, in the order of client/gui_rpc_server_ops.cpp

EXCHANGE_VERSIONS = Rpc("exchange_versions", _Element(lambda: s.VersionInfo))
GET_ALL_PROJECTS_LIST = Rpc("get_all_projects_list", _Element(lambda: s.AllProjectsList, empty_ok=True))
GET_CC_STATUS = Rpc("get_cc_status", _Element(lambda: s.CcStatus))
GET_DISK_USAGE = Rpc("get_disk_usage", _Element(lambda: s.DiskUsage))
GET_DAILY_XFER_HISTORY = Rpc("get_daily_xfer_history", _Items(lambda: s.DailyXferHistory, "daily_xfers"))
GET_FILE_TRANSFERS = Rpc("get_file_transfers", _Items(lambda: s.FileTransfers, "file_transfers"))
GET_HOST_INFO = Rpc("get_host_info", _Element(lambda: s.HostInfo))
GET_MESSAGES = Rpc("get_messages", _Items(lambda: s.Messages, "messages"))


def _message_count(text: str) -> int:
    return decode(_MessageCount, text, _REPLY).seqno  # type: ignore[no-any-return]


def _graphics_pid(text: str) -> int:
    return decode(_GraphicsPid, text, _REPLY).graphics_pid  # type: ignore[no-any-return]


GET_MESSAGE_COUNT = Rpc("get_message_count", _message_count)
GET_NEWER_VERSION = Rpc("get_newer_version", _Element(lambda: NewerVersion))
GET_NOTICES_PUBLIC = Rpc("get_notices_public", _Items(lambda: s.Notices, "notices"))
GET_OLD_RESULTS = Rpc("get_old_results", _Items(lambda: s.OldResults, "old_results"))
GET_PROJECT_STATUS = Rpc("get_project_status", _Items(lambda: s.Projects, "projects"))
GET_RESULTS = Rpc("get_results", _Items(lambda: s.Results, "results"))
GET_SCREENSAVER_TASKS = Rpc("get_screensaver_tasks", _screensaver_tasks)
GET_SIMPLE_GUI_INFO = Rpc("get_simple_gui_info", _Element(lambda: s.SimpleGuiInfo))
GET_STATE = Rpc("get_state", _Element(lambda: s.CcState))
GET_STATISTICS = Rpc("get_statistics", _Items(lambda: s.Statistics, "project_statistics"))
ABORT_FILE_TRANSFER = Rpc("abort_file_transfer", _success, auth=True)
ABORT_RESULT = Rpc("abort_result", _success, auth=True)
ACCT_MGR_INFO = Rpc("acct_mgr_info", _Element(lambda: s.AcctMgrInfo), auth=True)
GET_APP_CONFIG = Rpc("get_app_config", _Element(lambda: s.AppConfigs, empty_ok=True), auth=True)
GET_CC_CONFIG = Rpc("get_cc_config", _Element(lambda: s.CcConfig, empty_ok=True), auth=True)
GET_GLOBAL_PREFS_FILE = Rpc("get_global_prefs_file", _Element(lambda: s.GlobalPreferences), auth=True)
GET_GLOBAL_PREFS_OVERRIDE = Rpc("get_global_prefs_override", _Element(lambda: s.GlobalPreferences), auth=True)
GET_GLOBAL_PREFS_WORKING = Rpc("get_global_prefs_working", _Element(lambda: s.GlobalPreferences), auth=True)
GET_NOTICES = Rpc("get_notices", _Items(lambda: s.Notices, "notices"), auth=True)
GET_PROJECT_INIT_STATUS = Rpc("get_project_init_status", _Element(lambda: s.ProjectInitStatus), auth=True)
GET_PROXY_SETTINGS = Rpc("get_proxy_settings", _Element(lambda: s.ProxyInfo), auth=True)
NETWORK_AVAILABLE = Rpc("network_available", _success, auth=True)
PROJECT_ALLOWMOREWORK = Rpc("project_allowmorework", _success, auth=True)
PROJECT_DETACH = Rpc("project_detach", _success, auth=True)
PROJECT_DETACH_WHEN_DONE = Rpc("project_detach_when_done", _success, auth=True)
PROJECT_DONT_DETACH_WHEN_DONE = Rpc("project_dont_detach_when_done", _success, auth=True)
PROJECT_NOMOREWORK = Rpc("project_nomorework", _success, auth=True)
PROJECT_RESUME = Rpc("project_resume", _success, auth=True)
PROJECT_SUSPEND = Rpc("project_suspend", _success, auth=True)
QUIT = Rpc("quit", _success, auth=True)
READ_CC_CONFIG = Rpc("read_cc_config", _success, auth=True)
READ_GLOBAL_PREFS_OVERRIDE = Rpc("read_global_prefs_override", _success, auth=True)
REPORT_DEVICE_STATUS = Rpc("report_device_status", _success, auth=True)
RESET_HOST_INFO = Rpc("reset_host_info", _success, auth=True)
RESUME_RESULT = Rpc("resume_result", _success, auth=True)
RUN_BENCHMARKS = Rpc("run_benchmarks", _success, auth=True)
SET_APP_CONFIG = Rpc("set_app_config", _success, auth=True)
SET_CC_CONFIG = Rpc("set_cc_config", _success, auth=True)
SET_GLOBAL_PREFS_OVERRIDE = Rpc("set_global_prefs_override", _success, auth=True)
SET_GPU_MODE = Rpc("set_gpu_mode", _success, auth=True)
SET_HOST_INFO = Rpc("set_host_info", _success, auth=True)
SET_LANGUAGE = Rpc("set_language", _success, auth=True)
SET_NETWORK_MODE = Rpc("set_network_mode", _success, auth=True)
SET_PROXY_SETTINGS = Rpc("set_proxy_settings", _success, auth=True)
SET_RUN_MODE = Rpc("set_run_mode", _success, auth=True)
SUSPEND_RESULT = Rpc("suspend_result", _success, auth=True)
ACCT_MGR_RPC = Rpc("acct_mgr_rpc", _success, auth=True, network=True)
ACCT_MGR_RPC_POLL = Rpc("acct_mgr_rpc_poll", _Element(lambda: s.AcctMgrRpcReply), auth=True, network=True)
CREATE_ACCOUNT = Rpc("create_account", _success, auth=True, network=True)
CREATE_ACCOUNT_POLL = Rpc("create_account_poll", _Element(lambda: s.AccountOut, empty_ok=True), auth=True, network=True)
GET_PROJECT_CONFIG = Rpc("get_project_config", _success, auth=True, network=True)
GET_PROJECT_CONFIG_POLL = Rpc(
    "get_project_config_poll", _Element(lambda: s.ProjectConfig, empty_ok=True), auth=True, network=True
)
LOOKUP_ACCOUNT = Rpc("lookup_account", _success, auth=True, network=True)
LOOKUP_ACCOUNT_POLL = Rpc("lookup_account_poll", _Element(lambda: s.AccountOut, empty_ok=True), auth=True, network=True)
PROJECT_ATTACH = Rpc("project_attach", _success, auth=True, network=True)
PROJECT_ATTACH_POLL = Rpc("project_attach_poll", _Element(lambda: s.ProjectAttachReply), auth=True, network=True)
PROJECT_RESET = Rpc("project_reset", _success, auth=True, network=True)
PROJECT_UPDATE = Rpc("project_update", _success, auth=True, network=True)
RETRY_FILE_TRANSFER = Rpc("retry_file_transfer", _success, auth=True, network=True)
RUN_GRAPHICS_APP = Rpc("run_graphics_app", _graphics_pid)
#: Answered before the table, for the HTTP mode's authentication.
GET_AUTH_ID = Rpc("get_auth_id", _Element(lambda: AuthId))

#: Every request of the dispatch table (68), by tag.
RPCS: Final[dict[str, Rpc[Any]]] = {
    rpc.tag: rpc for rpc in list(globals().values()) if isinstance(rpc, Rpc) and rpc.tag != "get_auth_id"
}

PROJECT_OPS: Final = {
    "suspend": PROJECT_SUSPEND,
    "resume": PROJECT_RESUME,
    "reset": PROJECT_RESET,
    "detach": PROJECT_DETACH,
    "update": PROJECT_UPDATE,
    "nomorework": PROJECT_NOMOREWORK,
    "allowmorework": PROJECT_ALLOWMOREWORK,
    "detach_when_done": PROJECT_DETACH_WHEN_DONE,
    "dont_detach_when_done": PROJECT_DONT_DETACH_WHEN_DONE,
}
RESULT_OPS: Final = {"abort": ABORT_RESULT, "suspend": SUSPEND_RESULT, "resume": RESUME_RESULT}
FILE_TRANSFER_OPS: Final = {"abort": ABORT_FILE_TRANSFER, "retry": RETRY_FILE_TRANSFER}
MODE_RPCS: Final = {"run": SET_RUN_MODE, "gpu": SET_GPU_MODE, "network": SET_NETWORK_MODE}

#: Largest body of a file the client writes verbatim (``set_cc_config``, ``set_global_prefs_override``).
FILE_BODY_LIMIT: Final = 65_535


def op_rpc(table: dict[str, Rpc[None]], op: str, what: str) -> Rpc[None]:
    """The request of an operation name.

    Raises:
        ValueError: not an operation of that kind.
    """
    rpc = table.get(op)
    if rpc is None:
        raise ValueError(f"unknown {what} operation {op!r}; one of: {', '.join(table)}")
    return rpc


def file_body(xml: str, tag: str, root: str) -> str:
    """A config file's text to send verbatim, checked first.

    Raises:
        ValueError: it is not a well-formed ``<root>`` document (the client would write a broken file).
        RequestTooLarge: the client would not write a file this large.
    """
    from .._xml.check import check_document  # defusedxml: only for documents sent verbatim

    check_document(xml, f"{tag}'s document", root)
    if len(xml.encode("utf-8")) > FILE_BODY_LIMIT:
        raise errors.RequestTooLarge(f"{tag}: the client writes at most {FILE_BODY_LIMIT} bytes of a config file")
    return xml if xml.endswith("\n") else xml + "\n"


# ---------------------------------------------------------------------------
# Poll flows: start an operation, then poll until it is no longer in progress

#: ERR_IN_PROGRESS: the poll's answer while the operation runs.
IN_PROGRESS: Final = -204


def poll(
    start: Flow[None],
    poll_rpc: Rpc[T],
    error_num: Callable[[T], int],
    timeout: float,
    interval: float = 0.5,
) -> Flow[T]:
    """Run ``start``, then ``poll_rpc`` every ``interval`` s until its error_num is no longer -204.

    Returns:
        The last poll reply, whose error_num is 0.

    Raises:
        RpcError: the operation failed (``.code`` is its error_num).
        OperationTimeout: still in progress after ``timeout`` seconds.
    """
    yield from start
    deadline = time.monotonic() + timeout
    while True:
        reply = yield from poll_rpc.call()
        code = error_num(reply)
        if code == 0:
            return reply
        if code != IN_PROGRESS:
            message = getattr(reply, "error_msg", "") or ""
            raise errors.RpcError(message, code=code, request=poll_rpc.tag)
        if time.monotonic() >= deadline:
            raise errors.OperationTimeout(f"still in progress after {timeout:g} s", code=code, request=poll_rpc.tag)
        yield Sleep(interval)
