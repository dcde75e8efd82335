"""The blocking GUI RPC client, :class:`RpcClient`.

Its twin :class:`~boinc.gui_rpc.AsyncRpcClient` is generated from this file
(``scripts/unasync.py``; a test checks it is current), so the two have the
same methods and share every piece of logic but the transport.
"""

from __future__ import annotations

import time
from types import TracebackType
from typing import Any, TypeVar

from .. import errors
from .._xml import decode_bytes, encode, escape
from . import rpcs
from . import structs as s
from ._protocol import DEFAULT_MAX_REPLY_SIZE, Call, Flow, authorize
from ._transports import SyncTransport
from .enums import RunMode
from .urls import GUI_RPC_PORT

__all__ = ["GUI_RPC_PORT", "RpcClient"]

T = TypeVar("T")

#: The name this library gives itself in ``exchange_versions``.
CLIENT_NAME = "boinc (Python)"


def _result_ref(result: s.Result | tuple[str, str]) -> rpcs.ResultRef:
    if isinstance(result, tuple):
        return rpcs.ResultRef(project_url=result[0], name=result[1])
    return rpcs.ResultRef(project_url=result.project_url, name=result.name)


def _file_ref(transfer: s.FileTransfer | tuple[str, str]) -> rpcs.FileRef:
    if isinstance(transfer, tuple):
        return rpcs.FileRef(project_url=transfer[0], filename=transfer[1])
    return rpcs.FileRef(project_url=transfer.project_url, filename=transfer.name)


def _config_text(config: object, tag: str) -> str:
    return config if isinstance(config, str) else encode(config, tag)


class RpcClient:
    """A connection to one BOINC core client's GUI RPC.

    Every method sends one request (or runs one documented multi-step flow)
    and returns a typed value. The connection opens on first use, or with
    :meth:`connect`; use the client as a context manager to close it.

    Args:
        host: the client's host name or address.
        port: its GUI RPC port.
        timeout: seconds a connect or a whole request/reply may take.
        max_reply_size: the largest reply accepted, in bytes.
        unix_socket: the path of a client's Unix domain socket (``boinc_socket`` in
            its data dir, with ``--gui_rpc_unix_domain``); ``host`` and ``port`` are then unused.
            The client then serves no TCP, and treats the connection as local: the requests
            that need no password are answered without :meth:`authorize`, the others need it.
    """

    def __init__(
        self,
        host: str = "localhost",
        port: int = GUI_RPC_PORT,
        timeout: float = 30.0,
        *,
        max_reply_size: int = DEFAULT_MAX_REPLY_SIZE,
        unix_socket: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self._transport = SyncTransport(host, port, timeout, max_reply_size, unix_socket)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.host}:{self.port}>"

    @property
    def connected(self) -> bool:
        """Whether the connection is open (it opens again by itself on the next request)."""
        return self._transport.connected

    def connect(self) -> None:
        """Open the connection (closing an open one first).

        Raises:
            ConnectError: the client is not reachable.
            RpcTimeout: it did not answer in time.
        """
        self._transport.connect()

    def close(self) -> None:
        """Close the connection."""
        self._transport.close()

    def __enter__(self) -> RpcClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _run(self, flow: Flow[T]) -> T:
        """Drive a flow: send its calls, sleep its sleeps, return its value."""
        try:
            step = next(flow)
            while True:
                if isinstance(step, Call):
                    try:
                        reply = self._transport.call(step.data, step.prepare)
                    except errors.BoincError as exc:
                        step = flow.throw(exc)
                        continue
                    step = flow.send(decode_bytes(reply))
                else:
                    time.sleep(step.seconds)
                    step = flow.send(None)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]

    def reply_text(self, request: rpcs.Rpc[Any], args: Any = None) -> str:
        """The reply of one request of :mod:`~boinc.gui_rpc.rpcs`, checked for errors but not parsed.

        For a caller that keeps, compares or parses replies itself (the cluster
        poller parses a task list only where it changed); ``request.parse(text)``
        gives what the request's own method returns.

        Raises:
            RpcError: the client answered with an error (as the request's own method).
        """
        return self._run(request.call_text(args))

    def authorize(self, password: str) -> None:
        """Authorize this connection with the client's GUI RPC password (``auth1``/``auth2``).

        Raises:
            AuthenticationError: the client refused the password (and closed the connection).
        """
        return self._run(authorize(password))

    def exchange_versions(
        self,
        client_name: str = CLIENT_NAME,
        major: int | None = None,
        minor: int | None = None,
        release: int | None = None,
    ) -> s.VersionInfo:
        """Tell the client our name (and version); return the client's version."""
        args = rpcs.ExchangeVersions(major=major, minor=minor, release=release, name=client_name)
        return self._run(rpcs.EXCHANGE_VERSIONS.call(args))

    def get_state(self) -> s.CcState:
        """The client's whole state: host, projects, apps, workunits, tasks, prefs."""
        return self._run(rpcs.GET_STATE.call())

    def get_results(self, active_only: bool = False) -> list[s.Result]:
        """The tasks; only those with a process (running or preempted in memory) if ``active_only``."""
        return self._run(rpcs.GET_RESULTS.call(rpcs.ActiveOnly(active_only=active_only)))

    def get_file_transfers(self) -> list[s.FileTransfer]:
        """The pending file transfers."""
        return self._run(rpcs.GET_FILE_TRANSFERS.call())

    def get_simple_gui_info(self) -> s.SimpleGuiInfo:
        """The projects and the active tasks."""
        return self._run(rpcs.GET_SIMPLE_GUI_INFO.call())

    def get_project_status(self) -> list[s.Project]:
        """The attached projects."""
        return self._run(rpcs.GET_PROJECT_STATUS.call())

    def get_all_projects_list(self) -> s.AllProjectsList:
        """The list of BOINC projects and account managers the client has cached (empty if none)."""
        return self._run(rpcs.GET_ALL_PROJECTS_LIST.call())

    def get_disk_usage(self) -> s.DiskUsage:
        """Disk usage of each project and of BOINC as a whole."""
        return self._run(rpcs.GET_DISK_USAGE.call())

    def get_statistics(self) -> list[s.ProjectStatistics]:
        """Daily credit statistics of each project."""
        return self._run(rpcs.GET_STATISTICS.call())

    def get_cc_status(self) -> s.CcStatus:
        """Run, GPU and network modes and why work is suspended."""
        return self._run(rpcs.GET_CC_STATUS.call())

    def get_host_info(self) -> s.HostInfo:
        """The host's hardware and operating system."""
        return self._run(rpcs.GET_HOST_INFO.call())

    def get_messages(self, seqno: int = 0, translatable: bool = False) -> list[s.Message]:
        """Event log messages with a sequence number above ``seqno`` (all kept ones for 0)."""
        return self._run(rpcs.GET_MESSAGES.call(rpcs.Seqno(seqno=seqno, translatable=translatable)))

    def get_message_count(self) -> int:
        """The highest message sequence number (0 if there is none)."""
        return self._run(rpcs.GET_MESSAGE_COUNT.call())

    def get_notices(self, seqno: int = 0) -> list[s.Notice]:
        """Notices above ``seqno``, private ones included (needs authorization).

        A first notice with ``seqno == -1`` means the client dropped notices:
        discard the ones you have and keep the rest of this list.
        """
        return self._run(rpcs.GET_NOTICES.call(rpcs.Seqno(seqno=seqno)))

    def get_notices_public(self, seqno: int = 0) -> list[s.Notice]:
        """Notices above ``seqno``, private ones left out."""
        return self._run(rpcs.GET_NOTICES_PUBLIC.call(rpcs.Seqno(seqno=seqno)))

    def get_old_results(self) -> list[s.OldResult]:
        """Tasks reported to their project within the last hour."""
        return self._run(rpcs.GET_OLD_RESULTS.call())

    def get_screensaver_tasks(self) -> s.ScreensaverTasks:
        """The suspend reason and the tasks scheduled to run."""
        return self._run(rpcs.GET_SCREENSAVER_TASKS.call())

    def get_daily_xfer_history(self) -> list[s.DailyXfer]:
        """Bytes uploaded and downloaded per day."""
        return self._run(rpcs.GET_DAILY_XFER_HISTORY.call())

    def get_newer_version(self) -> rpcs.NewerVersion:
        """Whether a newer client exists; the client checks over HTTP before it answers."""
        return self._run(rpcs.GET_NEWER_VERSION.call())

    def get_project_init_status(self) -> s.ProjectInitStatus:
        """The project named by an installer's ``project_init.xml``, if any."""
        return self._run(rpcs.GET_PROJECT_INIT_STATUS.call())

    def get_proxy_settings(self) -> s.ProxyInfo:
        """The proxy settings, passwords included (needs authorization)."""
        return self._run(rpcs.GET_PROXY_SETTINGS.call())

    def set_proxy_settings(self, proxy: s.ProxyInfo) -> None:
        """Set the proxy settings."""
        return self._run(rpcs.SET_PROXY_SETTINGS.call(rpcs.ProxyRequest(proxy_info=proxy)))

    def get_cc_config(self) -> s.CcConfig:
        """The client's ``cc_config.xml`` (defaults if there is none)."""
        return self._run(rpcs.GET_CC_CONFIG.call())

    def set_cc_config(self, config: s.CcConfig | str) -> None:
        """Write ``cc_config.xml`` (a struct, or XML text sent verbatim); apply it with :meth:`read_cc_config`.

        Raises:
            ValueError: the text is not a well-formed ``<cc_config>`` document.
            RequestTooLarge: the file would be over 65,535 bytes.
        """
        return self._run(
            rpcs.SET_CC_CONFIG.call(
                body=rpcs.file_body(_config_text(config, "cc_config"), "set_cc_config", "cc_config")
            )
        )

    def read_cc_config(self) -> None:
        """Make the client re-read ``cc_config.xml`` and every ``app_config.xml``."""
        return self._run(rpcs.READ_CC_CONFIG.call())

    def get_global_prefs_file(self) -> s.GlobalPreferences:
        """The preferences from the projects' web sites (``global_prefs.xml``)."""
        return self._run(rpcs.GET_GLOBAL_PREFS_FILE.call())

    def get_global_prefs_working(self) -> s.GlobalPreferences:
        """The preferences in force: the web preferences with the local override applied."""
        return self._run(rpcs.GET_GLOBAL_PREFS_WORKING.call())

    def get_global_prefs_override(self) -> s.GlobalPreferences:
        """The local override (``global_prefs_override.xml``): only the preferences it sets.

        Raises:
            RpcError: there is no override file.
        """
        return self._run(rpcs.GET_GLOBAL_PREFS_OVERRIDE.call())

    def set_global_prefs_override(self, prefs: s.GlobalPreferences | str) -> None:
        """Write the local override (a struct, or XML text sent verbatim; empty text deletes it).

        Apply it with :meth:`read_global_prefs_override`.

        Raises:
            ValueError: the text is not a well-formed ``<global_preferences>`` document.
            RequestTooLarge: the file would be over 65,535 bytes.
        """
        text = _config_text(prefs, "global_preferences")
        body = rpcs.file_body(text, "set_global_prefs_override", "global_preferences") if text.strip() else ""
        return self._run(rpcs.SET_GLOBAL_PREFS_OVERRIDE.call(body=body))

    def read_global_prefs_override(self) -> None:
        """Make the client re-read and apply the local preference override."""
        return self._run(rpcs.READ_GLOBAL_PREFS_OVERRIDE.call())

    def get_app_config(self, url: str) -> s.AppConfigs:
        """A project's ``app_config.xml``.

        Raises:
            RpcError: no such project, or it has no ``app_config.xml``.
        """
        return self._run(rpcs.GET_APP_CONFIG.call(rpcs.Url(url=url)))

    def set_app_config(self, url: str, config: s.AppConfigs) -> None:
        """Write a project's ``app_config.xml``; apply it with :meth:`read_cc_config`."""
        return self._run(rpcs.SET_APP_CONFIG.call(body=_app_config_body(url, config)))

    def project_op(self, project: s.Project | str, op: str) -> None:
        """A project operation: ``suspend``, ``resume``, ``reset``, ``detach``, ``update``,
        ``nomorework``, ``allowmorework``, ``detach_when_done`` or ``dont_detach_when_done``.

        Raises:
            ValueError: an unknown operation.
            RpcError: no such project, or the client refused.
        """
        url = project if isinstance(project, str) else project.master_url
        rpc = rpcs.op_rpc(rpcs.PROJECT_OPS, op, "project")
        return self._run(rpc.call(rpcs.ProjectUrl(project_url=url)))

    def result_op(self, result: s.Result | tuple[str, str], op: str) -> None:
        """A task operation: ``abort``, ``suspend`` or ``resume``.

        Args:
            result: the task, or its ``(project_url, name)``.
            op: the operation.

        Raises:
            ValueError: an unknown operation.
            RpcError: no such project or task.
        """
        rpc = rpcs.op_rpc(rpcs.RESULT_OPS, op, "task")
        return self._run(rpc.call(_result_ref(result)))

    def file_transfer_op(self, transfer: s.FileTransfer | tuple[str, str], op: str) -> None:
        """A file transfer operation: ``abort`` or ``retry``.

        Args:
            transfer: the transfer, or its ``(project_url, file name)``.
            op: the operation.

        Raises:
            ValueError: an unknown operation.
            RpcError: no such project, file or transfer.
        """
        rpc = rpcs.op_rpc(rpcs.FILE_TRANSFER_OPS, op, "file transfer")
        return self._run(rpc.call(_file_ref(transfer)))

    def set_run_mode(self, mode: RunMode | int, duration: float = 0) -> None:
        """Set the computing mode, for ``duration`` seconds (0: until changed).

        Raises:
            ValueError: not a run mode.
        """
        return self._run(rpcs.SET_RUN_MODE.call(rpcs.ModeRequest.of(mode, duration)))

    def set_gpu_mode(self, mode: RunMode | int, duration: float = 0) -> None:
        """Set the GPU computing mode, for ``duration`` seconds (0: until changed).

        Raises:
            ValueError: not a run mode.
        """
        return self._run(rpcs.SET_GPU_MODE.call(rpcs.ModeRequest.of(mode, duration)))

    def set_network_mode(self, mode: RunMode | int, duration: float = 0) -> None:
        """Set the network mode, for ``duration`` seconds (0: until changed).

        Raises:
            ValueError: not a run mode.
        """
        return self._run(rpcs.SET_NETWORK_MODE.call(rpcs.ModeRequest.of(mode, duration)))

    def run_benchmarks(self) -> None:
        """Run the CPU benchmarks now."""
        return self._run(rpcs.RUN_BENCHMARKS.call())

    def network_available(self) -> None:
        """Retry deferred network communication now."""
        return self._run(rpcs.NETWORK_AVAILABLE.call())

    def quit(self) -> None:
        """Make the client exit."""
        return self._run(rpcs.QUIT.call())

    def reset_host_info(self) -> None:
        """Make the client detect the host's hardware again."""
        return self._run(rpcs.RESET_HOST_INFO.call())

    def set_host_info(
        self, *, product_name: str = "", os_name: str = "", os_version: str = "", domain_name: str = ""
    ) -> None:
        """Overwrite host details the client reports (empty values are left as detected)."""
        args = rpcs.HostInfoRequest(
            product_name=product_name, os_name=os_name, os_version=os_version, domain_name=domain_name
        )
        return self._run(rpcs.SET_HOST_INFO.call(body=_host_info_body(args)))

    def set_language(self, language: str) -> None:
        """Set the language of the client's messages, e.g. ``de``."""
        return self._run(rpcs.SET_LANGUAGE.call(rpcs.Language(language=language)))

    def report_device_status(self, status: s.DeviceStatus) -> None:
        """Report battery and network state (the Android GUI does this)."""
        return self._run(rpcs.REPORT_DEVICE_STATUS.call(rpcs.DeviceStatusRequest(device_status=status)))

    def run_graphics_app(self, operation: str, operand: int, screensaver_login_user: str = "") -> int:
        """Run (``run``, ``runfullscreen``: operand = slot), ``stop`` or ``test`` (operand = pid) a graphics app.

        Only macOS clients do this; others answer with an error.

        Returns:
            For ``test``, the graphics app's pid (0 once it exited); else 0.

        Raises:
            ValueError: an unknown operation.
            RpcError: the client refused.
        """
        return self._run(rpcs.RUN_GRAPHICS_APP.call(_graphics_args(operation, operand, screensaver_login_user)))

    def acct_mgr_info(self) -> s.AcctMgrInfo:
        """The account manager the client uses, if any."""
        return self._run(rpcs.ACCT_MGR_INFO.call())

    def acct_mgr_rpc(self, url: str = "", name: str = "", passwd: str = "", use_config_file: bool = False) -> None:
        """Start attaching to (or, with an empty ``url``, detaching from) an account manager.

        ``use_config_file`` syncs with the current account manager instead.
        Poll with :meth:`acct_mgr_rpc_poll`.
        """
        return self._run(rpcs.ACCT_MGR_RPC.call(_acct_mgr_args(url, name, passwd, use_config_file)))

    def acct_mgr_rpc_poll(self) -> s.AcctMgrRpcReply:
        """The state of the account manager operation (``error_num`` -204 while it runs)."""
        return self._run(rpcs.ACCT_MGR_RPC_POLL.call())

    def get_project_config(self, url: str) -> None:
        """Start fetching a project's configuration; poll with :meth:`get_project_config_poll`."""
        return self._run(rpcs.GET_PROJECT_CONFIG.call(rpcs.Url(url=url)))

    def get_project_config_poll(self) -> s.ProjectConfig:
        """The fetched project configuration (``error_num`` -204 while in progress)."""
        return self._run(rpcs.GET_PROJECT_CONFIG_POLL.call())

    def lookup_account(self, account: s.AccountIn) -> None:
        """Start looking up an account on a project; poll with :meth:`lookup_account_poll`."""
        return self._run(rpcs.LOOKUP_ACCOUNT.call(account))

    def lookup_account_poll(self) -> s.AccountOut:
        """The looked-up account (``error_num`` -204 while in progress)."""
        return self._run(rpcs.LOOKUP_ACCOUNT_POLL.call())

    def create_account(self, account: s.AccountIn) -> None:
        """Start creating an account on a project; poll with :meth:`create_account_poll`."""
        return self._run(rpcs.CREATE_ACCOUNT.call(account))

    def create_account_poll(self) -> s.AccountOut:
        """The created account (``error_num`` -204 while in progress)."""
        return self._run(rpcs.CREATE_ACCOUNT_POLL.call())

    def project_attach(self, url: str, auth: str, project_name: str = "", email_addr: str = "") -> None:
        """Attach to a project with an account key; poll with :meth:`project_attach_poll`.

        Raises:
            AlreadyAttached: the client is attached to that project.
            InvalidUrl: no URL.
        """
        args = rpcs.AttachRequest(project_url=url, authenticator=auth, project_name=project_name, email_addr=email_addr)
        return self._run(rpcs.PROJECT_ATTACH.call(args))

    def project_attach_from_file(self) -> None:
        """Attach to the project named by an installer's ``project_init.xml``."""
        return self._run(rpcs.PROJECT_ATTACH.call(rpcs.AttachRequest(use_config_file=True)))

    def project_attach_poll(self) -> s.ProjectAttachReply:
        """The result of the last attach (``error_num`` 0 when it worked)."""
        return self._run(rpcs.PROJECT_ATTACH_POLL.call())

    def get_auth_id(self) -> rpcs.AuthId:
        """An id and salt for the HTTP mode's request signing."""
        return self._run(rpcs.GET_AUTH_ID.call())

    def project_attach_wait(
        self, url: str, auth: str, project_name: str = "", email_addr: str = "", timeout: float = 60.0
    ) -> s.ProjectAttachReply:
        """:meth:`project_attach`, then poll until it is done.

        Raises:
            RpcError: the attach failed (``.code`` is its error_num).
            OperationTimeout: not done within ``timeout`` seconds.
        """
        args = rpcs.AttachRequest(project_url=url, authenticator=auth, project_name=project_name, email_addr=email_addr)
        flow = rpcs.poll(rpcs.PROJECT_ATTACH.call(args), rpcs.PROJECT_ATTACH_POLL, _error_num, timeout)
        return self._run(flow)

    def get_project_config_wait(self, url: str, timeout: float = 60.0) -> s.ProjectConfig:
        """:meth:`get_project_config`, then poll until it is done.

        Raises:
            RpcError: the fetch failed (``.code`` is its error_num).
            OperationTimeout: not done within ``timeout`` seconds.
        """
        start = rpcs.GET_PROJECT_CONFIG.call(rpcs.Url(url=url))
        return self._run(rpcs.poll(start, rpcs.GET_PROJECT_CONFIG_POLL, _error_num, timeout))

    def lookup_account_wait(self, account: s.AccountIn, timeout: float = 60.0) -> s.AccountOut:
        """:meth:`lookup_account`, then poll until it is done.

        Raises:
            RpcError: the lookup failed (``.code`` is its error_num).
            OperationTimeout: not done within ``timeout`` seconds.
        """
        start = rpcs.LOOKUP_ACCOUNT.call(account)
        return self._run(rpcs.poll(start, rpcs.LOOKUP_ACCOUNT_POLL, _error_num, timeout))

    def create_account_wait(self, account: s.AccountIn, timeout: float = 60.0) -> s.AccountOut:
        """:meth:`create_account`, then poll until it is done.

        Raises:
            RpcError: the creation failed (``.code`` is its error_num).
            OperationTimeout: not done within ``timeout`` seconds.
        """
        start = rpcs.CREATE_ACCOUNT.call(account)
        return self._run(rpcs.poll(start, rpcs.CREATE_ACCOUNT_POLL, _error_num, timeout))

    def acct_mgr_rpc_wait(
        self, url: str = "", name: str = "", passwd: str = "", use_config_file: bool = False, timeout: float = 60.0
    ) -> s.AcctMgrRpcReply:
        """:meth:`acct_mgr_rpc`, then poll until it is done.

        Raises:
            RpcError: the operation failed (``.code`` is its error_num).
            OperationTimeout: not done within ``timeout`` seconds.
        """
        start = rpcs.ACCT_MGR_RPC.call(_acct_mgr_args(url, name, passwd, use_config_file))
        return self._run(rpcs.poll(start, rpcs.ACCT_MGR_RPC_POLL, _error_num, timeout))


def _app_config_body(url: str, config: s.AppConfigs) -> str:
    return f"<url>{escape(url)}</url>\n" + encode(config, "app_config")


def _error_num(reply: object) -> int:
    return int(getattr(reply, "error_num", 0))


def _host_info_body(args: rpcs.HostInfoRequest) -> str:
    return encode(args, "host_info")


def _acct_mgr_args(url: str, name: str, passwd: str, use_config_file: bool) -> rpcs.AcctMgrRequest:
    if use_config_file:
        return rpcs.AcctMgrRequest(use_config_file=True)
    return rpcs.AcctMgrRequest(url=url, name=name, password=passwd)


_GRAPHICS_OPS = {"run": "slot", "runfullscreen": "slot", "stop": "graphics_pid", "test": "graphics_pid"}


def _graphics_args(operation: str, operand: int, user: str) -> rpcs.GraphicsRequest:
    target = _GRAPHICS_OPS.get(operation)
    if target is None:
        raise ValueError(f"unknown graphics operation {operation!r}; one of: {', '.join(_GRAPHICS_OPS)}")
    by_slot = target == "slot"
    return rpcs.GraphicsRequest(
        slot=operand if by_slot else None,
        graphics_pid=None if by_slot else operand,
        run=operation == "run",
        runfullscreen=operation == "runfullscreen",
        stop=operation == "stop",
        test=operation == "test",
        ScreensaverLoginUser=user or None,
    )
