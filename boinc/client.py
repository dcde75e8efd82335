"""Managing a BOINC client from Python: :class:`BoincClient` and :class:`AsyncBoincClient`.

The high-level client over :class:`~boinc.gui_rpc.RpcClient`: one method for
each of ``boinccmd``'s commands, with typed arguments and results. It finds its
address and password the way scripts want (``host:port`` strings, IPv6
literals, ``BOINC_HOST``/``BOINC_PASSWORD``, boinccmd's ``gui_rpc_auth.cfg``
search), connects, exchanges versions and authorizes by itself, reconnects
after the client restarts, and runs multi-step operations (attach, account
look-up and creation, account manager) to the end, with a deadline.

:class:`AsyncBoincClient` has the same methods as coroutines.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import TypeVar

from . import errors
from ._password import PasswordFileError, read_gui_rpc_password
from .gui_rpc import structs as s
from .gui_rpc.async_client import AsyncRpcClient
from .gui_rpc.client import RpcClient
from .gui_rpc.enums import RunMode
from .gui_rpc.urls import canonicalize_master_url, resolve_address

__all__ = ["AsyncBoincClient", "BoincClient", "find_password", "passwd_hash", "resolve_address", "run_mode"]

T = TypeVar("T")

#: The name the client gives itself in ``exchange_versions``.
CLIENT_NAME = "boinc (Python) BoincClient"


def find_password(password: str | None = None) -> str:
    """The password to use: ``password``; else ``$BOINC_PASSWORD``; else boinccmd's search; else ``""``.

    An empty password means: do not authorize (only read-only requests work).
    """
    if password is not None:
        return password
    env = os.environ.get("BOINC_PASSWORD")
    if env is not None:
        return env
    try:
        return read_gui_rpc_password()
    except PasswordFileError:
        return ""


def passwd_hash(password: str, email_or_name: str) -> str:
    """An account's password hash, as projects want it: ``md5_hex(password + lowercase(email))``."""
    return hashlib.md5((password + email_or_name.lower()).encode()).hexdigest()


_MODES = {"always": RunMode.ALWAYS, "auto": RunMode.AUTO, "never": RunMode.NEVER}


def run_mode(mode: RunMode | str | int) -> RunMode:
    """A run mode from a :class:`RunMode`, its value, or boinccmd's word (``always``, ``auto``, ``never``).

    Raises:
        ValueError: none of those.
    """
    if isinstance(mode, str):
        found = _MODES.get(mode.lower())
        if found is None:
            raise ValueError(f"unknown run mode {mode!r}; one of: always, auto, never")
        return found
    if int(mode) not in (1, 2, 3):
        raise ValueError(f"unknown run mode {mode!r}")
    return RunMode(int(mode))


class BoincClient:
    """A BOINC core client, managed from Python: one method for each of boinccmd's commands.

    The connection opens on first use: the client connects, exchanges versions
    and authorizes by itself. Use it as a context manager to close it. If the
    client restarts, the next call reconnects (once) and carries on: a request
    whose connection was found closed is sent again on the new one.

    Args:
        host: ``name``, ``name:port``, ``a.b.c.d:port``, ``[v6addr]:port`` or a
            bare IPv6 address; ``$BOINC_HOST``, else ``localhost``, when None.
        port: the GUI RPC port, if ``host`` names none (31416 by default).
        password: the GUI RPC password; when None, ``$BOINC_PASSWORD``, else the
            ``gui_rpc_auth.cfg`` found as boinccmd finds it
            (:func:`~boinc._password.read_gui_rpc_password`); an empty one skips
            authorization, leaving only the read-only requests.
        timeout: seconds a connect or a whole request may take.

    Example::

        with BoincClient("localhost") as client:
            for task in client.get_tasks():
                print(task.name, task.fraction_done)
    """

    def __init__(
        self, host: str | None = None, port: int | None = None, password: str | None = None, timeout: float = 30.0
    ) -> None:
        self.host, self.port = resolve_address(host, port)
        self._password = password
        self.timeout = timeout
        self._rpc: RpcClient | None = None
        self._version: s.VersionInfo | None = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.host}:{self.port}>"

    def __enter__(self) -> BoincClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def connect(self) -> None:
        """Connect, exchange versions and authorize (also done by the first call).

        Raises:
            ConnectError: the client is not reachable.
            AuthenticationError: the client refused the password.
            RpcTimeout: it did not answer in time.
        """
        self.close()
        rpc = RpcClient(self.host, self.port, self.timeout)
        try:
            rpc.connect()
            self._version = rpc.exchange_versions(CLIENT_NAME)
            password = find_password(self._password)
            if password:
                rpc.authorize(password)
        except BaseException:
            rpc.close()
            raise
        self._rpc = rpc

    def close(self) -> None:
        """Close the connection (the next call opens a new one)."""
        if self._rpc is not None:
            self._rpc.close()
            self._rpc = None

    def _call(self, op: Callable[[RpcClient], T]) -> T:
        if self._rpc is None:
            self.connect()
        assert self._rpc is not None
        try:
            return op(self._rpc)
        except (errors.ConnectionClosed, errors.ConnectError):
            # the client restarted or dropped us: reconnect once, then retry
            self.connect()
            assert self._rpc is not None
            return op(self._rpc)

    # --- reading -------------------------------------------------------------

    def client_version(self) -> s.VersionInfo:
        """The client's version (``--client_version``), from the ``exchange_versions`` of the connection."""
        if self._rpc is None or self._version is None:
            self.connect()
        assert self._version is not None
        return self._version

    def get_state(self) -> s.CcState:
        """The whole state (``--get_state``): host, projects, apps, workunits, tasks, time stats."""
        return self._call(lambda rpc: rpc.get_state())

    def get_tasks(self, active_only: bool = False) -> list[s.Result]:
        """The tasks (``--get_tasks``); only those with a process if ``active_only``."""
        return self._call(lambda rpc: rpc.get_results(active_only))

    def get_old_tasks(self) -> list[s.OldResult]:
        """Tasks reported within the last hour (``--get_old_tasks``)."""
        return self._call(lambda rpc: rpc.get_old_results())

    def get_project_status(self) -> list[s.Project]:
        """The attached projects (``--get_project_status``)."""
        return self._call(lambda rpc: rpc.get_project_status())

    def get_project_urls(self) -> list[str]:
        """The master URLs of the attached projects (``--get_project_urls``)."""
        return [p.master_url for p in self.get_project_status()]

    def get_simple_gui_info(self) -> s.SimpleGuiInfo:
        """Projects and active tasks (``--get_simple_gui_info``)."""
        return self._call(lambda rpc: rpc.get_simple_gui_info())

    def get_file_transfers(self) -> list[s.FileTransfer]:
        """The pending file transfers (``--get_file_transfers``)."""
        return self._call(lambda rpc: rpc.get_file_transfers())

    def get_daily_xfer_history(self) -> list[s.DailyXfer]:
        """Bytes moved per day (``--get_daily_xfer_history``)."""
        return self._call(lambda rpc: rpc.get_daily_xfer_history())

    def get_disk_usage(self) -> s.DiskUsage:
        """Disk use by BOINC and each project (``--get_disk_usage``)."""
        return self._call(lambda rpc: rpc.get_disk_usage())

    def get_host_info(self) -> s.HostInfo:
        """The host's hardware and OS (``--get_host_info``)."""
        return self._call(lambda rpc: rpc.get_host_info())

    def get_statistics(self) -> list[s.ProjectStatistics]:
        """Daily credit statistics of each project (the ``get_statistics`` request; boinccmd has no option for it)."""
        return self._call(lambda rpc: rpc.get_statistics())

    def get_cc_status(self) -> s.CcStatus:
        """Run modes and suspend reasons (``--get_cc_status``)."""
        return self._call(lambda rpc: rpc.get_cc_status())

    def get_messages(self, seqno: int = 0) -> list[s.Message]:
        """Event-log messages after ``seqno`` (``--get_messages [seqno]``)."""
        return self._call(lambda rpc: rpc.get_messages(seqno))

    def get_message_count(self) -> int:
        """The greatest message sequence number (``--get_message_count``)."""
        return self._call(lambda rpc: rpc.get_message_count())

    def get_notices(self, seqno: int = 0) -> list[s.Notice]:
        """Notices after ``seqno``, oldest first, private ones included (``--get_notices [seqno]``; needs the password).

        A first notice with ``seqno == -1`` means the client dropped notices:
        discard the ones you have.
        """
        return self._call(lambda rpc: rpc.get_notices(seqno))

    def get_proxy_settings(self) -> s.ProxyInfo:
        """The proxy settings (``--get_proxy_settings``; needs the password)."""
        return self._call(lambda rpc: rpc.get_proxy_settings())

    def acct_mgr_info(self) -> s.AcctMgrInfo:
        """The account manager in use, if any (``--acct_mgr info``)."""
        return self._call(lambda rpc: rpc.acct_mgr_info())

    def get_app_config(self, url: str) -> s.AppConfigs:
        """A project's ``app_config.xml`` (``--get_app_config URL``).

        Raises:
            RpcError: no such project, or it has no ``app_config.xml``.
        """
        return self._call(lambda rpc: rpc.get_app_config(canonicalize_master_url(url)))

    def get_cc_config(self) -> s.CcConfig:
        """The client's ``cc_config.xml`` (the ``get_cc_config`` request; boinccmd has no option for it)."""
        return self._call(lambda rpc: rpc.get_cc_config())

    def get_global_prefs_override(self) -> s.GlobalPreferences:
        """The local preference override, ``global_prefs_override.xml`` (the ``get_global_prefs_override`` request).

        Raises:
            RpcError: there is none.
        """
        return self._call(lambda rpc: rpc.get_global_prefs_override())

    # --- control -------------------------------------------------------------

    def set_run_mode(self, mode: RunMode | str | int, duration: float = 0) -> None:
        """Computing mode for ``duration`` s, 0 meaning until changed (``--set_run_mode``).

        Raises:
            ValueError: not ``always``, ``auto``, ``never`` or a :class:`RunMode`.
        """
        value = run_mode(mode)
        self._call(lambda rpc: rpc.set_run_mode(value, duration))

    def set_gpu_mode(self, mode: RunMode | str | int, duration: float = 0) -> None:
        """GPU mode for ``duration`` s, 0 meaning until changed (``--set_gpu_mode``).

        Raises:
            ValueError: not a run mode.
        """
        value = run_mode(mode)
        self._call(lambda rpc: rpc.set_gpu_mode(value, duration))

    def set_network_mode(self, mode: RunMode | str | int, duration: float = 0) -> None:
        """Network mode for ``duration`` s, 0 meaning until changed (``--set_network_mode``).

        Raises:
            ValueError: not a run mode.
        """
        value = run_mode(mode)
        self._call(lambda rpc: rpc.set_network_mode(value, duration))

    def project(self, url: str, op: str) -> None:
        """A project operation (``--project URL op``); the URL is canonicalised as boinccmd does.

        ``op``: ``reset``, ``detach``, ``update``, ``suspend``, ``resume``, ``nomorework``,
        ``allowmorework``, ``detach_when_done`` or ``dont_detach_when_done``.

        Raises:
            ValueError: an unknown operation.
            RpcError: no such project.
        """
        canonical = canonicalize_master_url(url)
        self._call(lambda rpc: rpc.project_op(canonical, op))

    def task(self, url: str, name: str, op: str) -> None:
        """A task operation (``--task URL name op``): ``suspend``, ``resume`` or ``abort``.

        Raises:
            ValueError: an unknown operation.
            RpcError: no such project or task.
        """
        self._call(lambda rpc: rpc.result_op((url, name), op))

    def file_transfer(self, url: str, filename: str, op: str) -> None:
        """A file transfer operation (``--file_transfer URL filename op``): ``retry`` or ``abort``.

        Raises:
            ValueError: an unknown operation.
            RpcError: no such transfer.
        """
        self._call(lambda rpc: rpc.file_transfer_op((url, filename), op))

    def project_attach(self, url: str, authenticator: str, timeout: float = 60.0) -> s.ProjectAttachReply:
        """Attach to a project with an account key, and wait until that is done (``--project_attach``).

        Raises:
            AlreadyAttached: already attached to that project.
            RpcError: the attach failed (``.code`` is the client's error number).
            OperationTimeout: not done within ``timeout`` seconds.
        """
        canonical = canonicalize_master_url(url)
        return self._call(lambda rpc: rpc.project_attach_wait(canonical, authenticator, timeout=timeout))

    def get_project_config(self, url: str, timeout: float = 60.0) -> s.ProjectConfig:
        """Fetch a project's configuration and wait for it (``--get_project_config URL``).

        Raises:
            RpcError: the fetch failed (``.code`` is the client's error number).
            OperationTimeout: not done within ``timeout`` seconds.
        """
        return self._call(lambda rpc: rpc.get_project_config_wait(url, timeout))

    def lookup_account(self, url: str, email: str, password: str, timeout: float = 60.0) -> s.AccountOut:
        """Look up an account's key on a project, and wait for it (``--lookup_account``).

        Raises:
            RpcError: the look-up failed (``.code``: -136 no such account, -206 bad password, ...).
            OperationTimeout: not done within ``timeout`` seconds.
        """
        email = email.lower()
        account = s.AccountIn(url=url, email_addr=email, passwd_hash=passwd_hash(password, email))
        return self._call(lambda rpc: rpc.lookup_account_wait(account, timeout))

    def create_account(
        self, url: str, email: str, password: str, user_name: str, team_name: str = "", timeout: float = 60.0
    ) -> s.AccountOut:
        """Create an account on a project, and wait for it (``--create_account``).

        Raises:
            RpcError: the creation failed (``.code`` is the client's error number).
            OperationTimeout: not done within ``timeout`` seconds.
        """
        email = email.lower()
        account = s.AccountIn(
            url=url,
            email_addr=email,
            passwd_hash=passwd_hash(password, email),
            user_name=user_name,
            team_name=team_name,
        )
        return self._call(lambda rpc: rpc.create_account_wait(account, timeout))

    def acct_mgr_attach(self, url: str, name: str, password: str, timeout: float = 60.0) -> s.AcctMgrRpcReply:
        """Attach to an account manager, and wait until that is done (``--acct_mgr attach``).

        Raises:
            RpcError: the attach failed (``.code`` is the client's error number).
            OperationTimeout: not done within ``timeout`` seconds.
        """
        return self._call(lambda rpc: rpc.acct_mgr_rpc_wait(url, name, password, timeout=timeout))

    def acct_mgr_sync(self, timeout: float = 60.0) -> s.AcctMgrRpcReply:
        """Synchronise with the account manager, and wait until that is done (``--acct_mgr sync``).

        Raises:
            RpcError: the sync failed.
            OperationTimeout: not done within ``timeout`` seconds.
        """
        return self._call(lambda rpc: rpc.acct_mgr_rpc_wait(use_config_file=True, timeout=timeout))

    def acct_mgr_detach(self) -> None:
        """Stop using the account manager (``--acct_mgr detach``).

        Raises:
            RpcError: the client refused.
        """
        self._call(lambda rpc: rpc.acct_mgr_rpc("", "", ""))

    def set_proxy_settings(self, proxy: s.ProxyInfo) -> None:
        """Set the proxy settings (``--set_proxy_settings``)."""
        self._call(lambda rpc: rpc.set_proxy_settings(proxy))

    def set_host_info(self, product_name: str) -> None:
        """Set the host's product name (``--set_host_info``)."""
        self._call(lambda rpc: rpc.set_host_info(product_name=product_name))

    def set_cc_config(self, config: s.CcConfig | str) -> None:
        """Write ``cc_config.xml``; apply it with :meth:`read_cc_config`.

        Raises:
            RequestTooLarge: the file would be over 65,535 bytes.
        """
        self._call(lambda rpc: rpc.set_cc_config(config))

    def read_cc_config(self) -> None:
        """Make the client re-read ``cc_config.xml`` and the app configs (``--read_cc_config``)."""
        self._call(lambda rpc: rpc.read_cc_config())

    def set_global_prefs_override(self, prefs: s.GlobalPreferences | str) -> None:
        """Write the local preference override; apply it with :meth:`read_global_prefs_override`.

        Raises:
            RequestTooLarge: the file would be over 65,535 bytes.
        """
        self._call(lambda rpc: rpc.set_global_prefs_override(prefs))

    def read_global_prefs_override(self) -> None:
        """Make the client re-read the preference override (``--read_global_prefs_override``)."""
        self._call(lambda rpc: rpc.read_global_prefs_override())

    def set_app_config(self, url: str, config: s.AppConfigs) -> None:
        """Write a project's ``app_config.xml``; apply it with :meth:`read_cc_config`."""
        canonical = canonicalize_master_url(url)
        self._call(lambda rpc: rpc.set_app_config(canonical, config))

    def run_benchmarks(self) -> None:
        """Run the CPU benchmarks now (``--run_benchmarks``)."""
        self._call(lambda rpc: rpc.run_benchmarks())

    def network_available(self) -> None:
        """Retry deferred network communication now (``--network_available``)."""
        self._call(lambda rpc: rpc.network_available())

    def reset_host_info(self) -> None:
        """Make the client detect the hardware again (``--reset_host_info``)."""
        self._call(lambda rpc: rpc.reset_host_info())

    def quit(self) -> None:
        """Make the client exit (``--quit``)."""
        self._call(lambda rpc: rpc.quit())
        self.close()

# --- AsyncBoincClient: generated by scripts/unasync.py from BoincClient above; do not edit below ---


class AsyncBoincClient:
    """The asyncio twin of :class:`BoincClient`: the same methods, as coroutines.

    The connection opens on first use: the client connects, exchanges versions
    and authorizes by itself. Use it as a context manager to close it. If the
    client restarts, the next call reconnects (once) and carries on: a request
    whose connection was found closed is sent again on the new one.

    Args:
        host: ``name``, ``name:port``, ``a.b.c.d:port``, ``[v6addr]:port`` or a
            bare IPv6 address; ``$BOINC_HOST``, else ``localhost``, when None.
        port: the GUI RPC port, if ``host`` names none (31416 by default).
        password: the GUI RPC password; when None, ``$BOINC_PASSWORD``, else the
            ``gui_rpc_auth.cfg`` found as boinccmd finds it
            (:func:`~boinc._password.read_gui_rpc_password`); an empty one skips
            authorization, leaving only the read-only requests.
        timeout: seconds a connect or a whole request may take.

    Example::

        async with AsyncBoincClient("localhost") as client:
            for task in await client.get_tasks():
                print(task.name, task.fraction_done)
    """

    def __init__(
        self, host: str | None = None, port: int | None = None, password: str | None = None, timeout: float = 30.0
    ) -> None:
        self.host, self.port = resolve_address(host, port)
        self._password = password
        self.timeout = timeout
        self._rpc: AsyncRpcClient | None = None
        self._version: s.VersionInfo | None = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.host}:{self.port}>"

    async def __aenter__(self) -> AsyncBoincClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def connect(self) -> None:
        """Connect, exchange versions and authorize (also done by the first call).

        Raises:
            ConnectError: the client is not reachable.
            AuthenticationError: the client refused the password.
            RpcTimeout: it did not answer in time.
        """
        await self.close()
        rpc = AsyncRpcClient(self.host, self.port, self.timeout)
        try:
            await rpc.connect()
            self._version = await rpc.exchange_versions(CLIENT_NAME)
            password = find_password(self._password)
            if password:
                await rpc.authorize(password)
        except BaseException:
            await rpc.close()
            raise
        self._rpc = rpc

    async def close(self) -> None:
        """Close the connection (the next call opens a new one)."""
        if self._rpc is not None:
            await self._rpc.close()
            self._rpc = None

    async def _call(self, op: Callable[[AsyncRpcClient], Awaitable[T]]) -> T:
        if self._rpc is None:
            await self.connect()
        assert self._rpc is not None
        try:
            return await op(self._rpc)
        except (errors.ConnectionClosed, errors.ConnectError):
            # the client restarted or dropped us: reconnect once, then retry
            await self.connect()
            assert self._rpc is not None
            return await op(self._rpc)

    # --- reading -------------------------------------------------------------

    async def client_version(self) -> s.VersionInfo:
        """The client's version (``--client_version``), from the ``exchange_versions`` of the connection."""
        if self._rpc is None or self._version is None:
            await self.connect()
        assert self._version is not None
        return self._version

    async def get_state(self) -> s.CcState:
        """The whole state (``--get_state``): host, projects, apps, workunits, tasks, time stats."""
        return await self._call(lambda rpc: rpc.get_state())

    async def get_tasks(self, active_only: bool = False) -> list[s.Result]:
        """The tasks (``--get_tasks``); only those with a process if ``active_only``."""
        return await self._call(lambda rpc: rpc.get_results(active_only))

    async def get_old_tasks(self) -> list[s.OldResult]:
        """Tasks reported within the last hour (``--get_old_tasks``)."""
        return await self._call(lambda rpc: rpc.get_old_results())

    async def get_project_status(self) -> list[s.Project]:
        """The attached projects (``--get_project_status``)."""
        return await self._call(lambda rpc: rpc.get_project_status())

    async def get_project_urls(self) -> list[str]:
        """The master URLs of the attached projects (``--get_project_urls``)."""
        return [p.master_url for p in await self.get_project_status()]

    async def get_simple_gui_info(self) -> s.SimpleGuiInfo:
        """Projects and active tasks (``--get_simple_gui_info``)."""
        return await self._call(lambda rpc: rpc.get_simple_gui_info())

    async def get_file_transfers(self) -> list[s.FileTransfer]:
        """The pending file transfers (``--get_file_transfers``)."""
        return await self._call(lambda rpc: rpc.get_file_transfers())

    async def get_daily_xfer_history(self) -> list[s.DailyXfer]:
        """Bytes moved per day (``--get_daily_xfer_history``)."""
        return await self._call(lambda rpc: rpc.get_daily_xfer_history())

    async def get_disk_usage(self) -> s.DiskUsage:
        """Disk use by BOINC and each project (``--get_disk_usage``)."""
        return await self._call(lambda rpc: rpc.get_disk_usage())

    async def get_host_info(self) -> s.HostInfo:
        """The host's hardware and OS (``--get_host_info``)."""
        return await self._call(lambda rpc: rpc.get_host_info())

    async def get_statistics(self) -> list[s.ProjectStatistics]:
        """Daily credit statistics of each project (the ``get_statistics`` request; boinccmd has no option for it)."""
        return await self._call(lambda rpc: rpc.get_statistics())

    async def get_cc_status(self) -> s.CcStatus:
        """Run modes and suspend reasons (``--get_cc_status``)."""
        return await self._call(lambda rpc: rpc.get_cc_status())

    async def get_messages(self, seqno: int = 0) -> list[s.Message]:
        """Event-log messages after ``seqno`` (``--get_messages [seqno]``)."""
        return await self._call(lambda rpc: rpc.get_messages(seqno))

    async def get_message_count(self) -> int:
        """The greatest message sequence number (``--get_message_count``)."""
        return await self._call(lambda rpc: rpc.get_message_count())

    async def get_notices(self, seqno: int = 0) -> list[s.Notice]:
        """Notices after ``seqno``, oldest first, private ones included (``--get_notices [seqno]``; needs the password).

        A first notice with ``seqno == -1`` means the client dropped notices:
        discard the ones you have.
        """
        return await self._call(lambda rpc: rpc.get_notices(seqno))

    async def get_proxy_settings(self) -> s.ProxyInfo:
        """The proxy settings (``--get_proxy_settings``; needs the password)."""
        return await self._call(lambda rpc: rpc.get_proxy_settings())

    async def acct_mgr_info(self) -> s.AcctMgrInfo:
        """The account manager in use, if any (``--acct_mgr info``)."""
        return await self._call(lambda rpc: rpc.acct_mgr_info())

    async def get_app_config(self, url: str) -> s.AppConfigs:
        """A project's ``app_config.xml`` (``--get_app_config URL``).

        Raises:
            RpcError: no such project, or it has no ``app_config.xml``.
        """
        return await self._call(lambda rpc: rpc.get_app_config(canonicalize_master_url(url)))

    async def get_cc_config(self) -> s.CcConfig:
        """The client's ``cc_config.xml`` (the ``get_cc_config`` request; boinccmd has no option for it)."""
        return await self._call(lambda rpc: rpc.get_cc_config())

    async def get_global_prefs_override(self) -> s.GlobalPreferences:
        """The local preference override, ``global_prefs_override.xml`` (the ``get_global_prefs_override`` request).

        Raises:
            RpcError: there is none.
        """
        return await self._call(lambda rpc: rpc.get_global_prefs_override())

    # --- control -------------------------------------------------------------

    async def set_run_mode(self, mode: RunMode | str | int, duration: float = 0) -> None:
        """Computing mode for ``duration`` s, 0 meaning until changed (``--set_run_mode``).

        Raises:
            ValueError: not ``always``, ``auto``, ``never`` or a :class:`RunMode`.
        """
        value = run_mode(mode)
        await self._call(lambda rpc: rpc.set_run_mode(value, duration))

    async def set_gpu_mode(self, mode: RunMode | str | int, duration: float = 0) -> None:
        """GPU mode for ``duration`` s, 0 meaning until changed (``--set_gpu_mode``).

        Raises:
            ValueError: not a run mode.
        """
        value = run_mode(mode)
        await self._call(lambda rpc: rpc.set_gpu_mode(value, duration))

    async def set_network_mode(self, mode: RunMode | str | int, duration: float = 0) -> None:
        """Network mode for ``duration`` s, 0 meaning until changed (``--set_network_mode``).

        Raises:
            ValueError: not a run mode.
        """
        value = run_mode(mode)
        await self._call(lambda rpc: rpc.set_network_mode(value, duration))

    async def project(self, url: str, op: str) -> None:
        """A project operation (``--project URL op``); the URL is canonicalised as boinccmd does.

        ``op``: ``reset``, ``detach``, ``update``, ``suspend``, ``resume``, ``nomorework``,
        ``allowmorework``, ``detach_when_done`` or ``dont_detach_when_done``.

        Raises:
            ValueError: an unknown operation.
            RpcError: no such project.
        """
        canonical = canonicalize_master_url(url)
        await self._call(lambda rpc: rpc.project_op(canonical, op))

    async def task(self, url: str, name: str, op: str) -> None:
        """A task operation (``--task URL name op``): ``suspend``, ``resume`` or ``abort``.

        Raises:
            ValueError: an unknown operation.
            RpcError: no such project or task.
        """
        await self._call(lambda rpc: rpc.result_op((url, name), op))

    async def file_transfer(self, url: str, filename: str, op: str) -> None:
        """A file transfer operation (``--file_transfer URL filename op``): ``retry`` or ``abort``.

        Raises:
            ValueError: an unknown operation.
            RpcError: no such transfer.
        """
        await self._call(lambda rpc: rpc.file_transfer_op((url, filename), op))

    async def project_attach(self, url: str, authenticator: str, timeout: float = 60.0) -> s.ProjectAttachReply:
        """Attach to a project with an account key, and wait until that is done (``--project_attach``).

        Raises:
            AlreadyAttached: already attached to that project.
            RpcError: the attach failed (``.code`` is the client's error number).
            OperationTimeout: not done within ``timeout`` seconds.
        """
        canonical = canonicalize_master_url(url)
        return await self._call(lambda rpc: rpc.project_attach_wait(canonical, authenticator, timeout=timeout))

    async def get_project_config(self, url: str, timeout: float = 60.0) -> s.ProjectConfig:
        """Fetch a project's configuration and wait for it (``--get_project_config URL``).

        Raises:
            RpcError: the fetch failed (``.code`` is the client's error number).
            OperationTimeout: not done within ``timeout`` seconds.
        """
        return await self._call(lambda rpc: rpc.get_project_config_wait(url, timeout))

    async def lookup_account(self, url: str, email: str, password: str, timeout: float = 60.0) -> s.AccountOut:
        """Look up an account's key on a project, and wait for it (``--lookup_account``).

        Raises:
            RpcError: the look-up failed (``.code``: -136 no such account, -206 bad password, ...).
            OperationTimeout: not done within ``timeout`` seconds.
        """
        email = email.lower()
        account = s.AccountIn(url=url, email_addr=email, passwd_hash=passwd_hash(password, email))
        return await self._call(lambda rpc: rpc.lookup_account_wait(account, timeout))

    async def create_account(
        self, url: str, email: str, password: str, user_name: str, team_name: str = "", timeout: float = 60.0
    ) -> s.AccountOut:
        """Create an account on a project, and wait for it (``--create_account``).

        Raises:
            RpcError: the creation failed (``.code`` is the client's error number).
            OperationTimeout: not done within ``timeout`` seconds.
        """
        email = email.lower()
        account = s.AccountIn(
            url=url,
            email_addr=email,
            passwd_hash=passwd_hash(password, email),
            user_name=user_name,
            team_name=team_name,
        )
        return await self._call(lambda rpc: rpc.create_account_wait(account, timeout))

    async def acct_mgr_attach(self, url: str, name: str, password: str, timeout: float = 60.0) -> s.AcctMgrRpcReply:
        """Attach to an account manager, and wait until that is done (``--acct_mgr attach``).

        Raises:
            RpcError: the attach failed (``.code`` is the client's error number).
            OperationTimeout: not done within ``timeout`` seconds.
        """
        return await self._call(lambda rpc: rpc.acct_mgr_rpc_wait(url, name, password, timeout=timeout))

    async def acct_mgr_sync(self, timeout: float = 60.0) -> s.AcctMgrRpcReply:
        """Synchronise with the account manager, and wait until that is done (``--acct_mgr sync``).

        Raises:
            RpcError: the sync failed.
            OperationTimeout: not done within ``timeout`` seconds.
        """
        return await self._call(lambda rpc: rpc.acct_mgr_rpc_wait(use_config_file=True, timeout=timeout))

    async def acct_mgr_detach(self) -> None:
        """Stop using the account manager (``--acct_mgr detach``).

        Raises:
            RpcError: the client refused.
        """
        await self._call(lambda rpc: rpc.acct_mgr_rpc("", "", ""))

    async def set_proxy_settings(self, proxy: s.ProxyInfo) -> None:
        """Set the proxy settings (``--set_proxy_settings``)."""
        await self._call(lambda rpc: rpc.set_proxy_settings(proxy))

    async def set_host_info(self, product_name: str) -> None:
        """Set the host's product name (``--set_host_info``)."""
        await self._call(lambda rpc: rpc.set_host_info(product_name=product_name))

    async def set_cc_config(self, config: s.CcConfig | str) -> None:
        """Write ``cc_config.xml``; apply it with :meth:`read_cc_config`.

        Raises:
            RequestTooLarge: the file would be over 65,535 bytes.
        """
        await self._call(lambda rpc: rpc.set_cc_config(config))

    async def read_cc_config(self) -> None:
        """Make the client re-read ``cc_config.xml`` and the app configs (``--read_cc_config``)."""
        await self._call(lambda rpc: rpc.read_cc_config())

    async def set_global_prefs_override(self, prefs: s.GlobalPreferences | str) -> None:
        """Write the local preference override; apply it with :meth:`read_global_prefs_override`.

        Raises:
            RequestTooLarge: the file would be over 65,535 bytes.
        """
        await self._call(lambda rpc: rpc.set_global_prefs_override(prefs))

    async def read_global_prefs_override(self) -> None:
        """Make the client re-read the preference override (``--read_global_prefs_override``)."""
        await self._call(lambda rpc: rpc.read_global_prefs_override())

    async def set_app_config(self, url: str, config: s.AppConfigs) -> None:
        """Write a project's ``app_config.xml``; apply it with :meth:`read_cc_config`."""
        canonical = canonicalize_master_url(url)
        await self._call(lambda rpc: rpc.set_app_config(canonical, config))

    async def run_benchmarks(self) -> None:
        """Run the CPU benchmarks now (``--run_benchmarks``)."""
        await self._call(lambda rpc: rpc.run_benchmarks())

    async def network_available(self) -> None:
        """Retry deferred network communication now (``--network_available``)."""
        await self._call(lambda rpc: rpc.network_available())

    async def reset_host_info(self) -> None:
        """Make the client detect the hardware again (``--reset_host_info``)."""
        await self._call(lambda rpc: rpc.reset_host_info())

    async def quit(self) -> None:
        """Make the client exit (``--quit``)."""
        await self._call(lambda rpc: rpc.quit())
        await self.close()
