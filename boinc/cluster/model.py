"""The snapshot model of a cluster: what the poller writes and everyone else reads.

Contract:

* Every class here is an immutable ``attrs`` frozen class. A snapshot is never
  changed after it is made; the poller builds a new :class:`HostSnapshot` for a
  host and a new :class:`ClusterSnapshot` for the cluster, and swaps the
  latter in with one assignment. A reader (the web app, ``boinc-cluster
  status``, the Prometheus collector) takes :attr:`Poller.snapshot
  <boinc.cluster.poller.Poller.snapshot>` once and reads that object as long
  as it likes: it never blocks the poller and never sees half a host.
* Times are Unix times (``time.time()``) so they can be shown and exported;
  ``None`` means "never" (no contact yet, no retry planned).
* A host that is not reachable keeps the data of its last good contact (its
  tasks, projects, …) with ``up`` false, a :class:`Reason` and the error text.
* No snapshot holds a GUI RPC password: :class:`HostConfig` keeps it out of
  its ``repr``, and :class:`HostSnapshot` does not hold the configuration at all.
* Strings that come from hosts (task and project names, messages, notices)
  are untrusted: display them as text, never as markup.

The structs inside (``CcStatus``, ``Result``, ``Project``, …) are those of
:mod:`boinc.gui_rpc.structs`, themselves frozen.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final

import attrs

from .. import errors
from ..gui_rpc.enums import ResultState, SchedulerState
from ..gui_rpc.structs import CcStatus, FileTransfer, Message, Notice, OldResult, Project, Result
from ..gui_rpc.urls import GUI_RPC_PORT

__all__ = [
    "ClusterSnapshot",
    "HostConfig",
    "HostSnapshot",
    "Reason",
    "TaskCounts",
    "TaskStatus",
    "reason_of",
    "task_status",
]


class Reason(enum.Enum):
    """Why a host is not reachable (the value is a short text for displays and metrics labels)."""

    #: The connection was refused (nothing listens on the port, or a firewall rejects it).
    REFUSED = "refused"
    #: No answer (connect or reply) within the timeout.
    TIMED_OUT = "timed out"
    #: Something answered, but not with GUI RPC replies (junk, or part of a reply and a hang-up).
    NOT_BOINC = "not a BOINC client"
    #: The client refused the configured password.
    WRONG_PASSWORD = "wrong password"
    #: The client wants a password and none is configured.
    NO_PASSWORD = "no password"
    #: Anything else: name not resolved, network unreachable, connection closed, an RPC error.
    OTHER = "other"


def reason_of(exc: errors.BoincError, *, has_password: bool) -> Reason:
    """The :class:`Reason` for the error that made a host unreachable.

    Args:
        exc: the error a connect, ``authorize`` or request raised.
        has_password: whether a password is configured for the host.
    """
    if isinstance(exc, errors.AuthenticationError):
        return Reason.WRONG_PASSWORD if has_password else Reason.NO_PASSWORD
    if isinstance(exc, errors.RpcTimeout):
        return Reason.TIMED_OUT
    if isinstance(exc, errors.ProtocolError) or (isinstance(exc, errors.ConnectionClosed) and exc.received > 0):
        return Reason.NOT_BOINC
    if isinstance(exc, errors.ConnectError) and isinstance(exc.__cause__, ConnectionRefusedError):
        return Reason.REFUSED
    return Reason.OTHER


def _groups(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class HostConfig:
    """One host of the hosts file.

    Attributes:
        name: its unique name in the cluster (what displays, URLs and metrics use).
        host: host name or address (an IPv6 address without brackets).
        port: GUI RPC port.
        password: the GUI RPC password, if given inline (never in ``repr``).
        password_file: a file whose first line is the password (a ``gui_rpc_auth.cfg``).
        groups: the groups it belongs to, for selecting hosts.
    """

    name: str
    host: str
    port: int = GUI_RPC_PORT
    password: str | None = attrs.field(default=None, repr=False)
    password_file: str | None = None
    groups: tuple[str, ...] = attrs.field(default=(), converter=_groups)

    @property
    def address(self) -> str:
        """``host:port``, with brackets around an IPv6 address."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    def resolve_password(self) -> str | None:
        """The password: inline, else read from :attr:`password_file`, else ``None``.

        Raises:
            OSError: the password file cannot be read.
        """
        if self.password is not None:
            return self.password
        if self.password_file is not None:
            from .._password import read_password_file

            return read_password_file(self.password_file)
        return None


class TaskStatus(enum.Enum):
    """The one bucket a task is counted in (see :func:`task_status`)."""

    RUNNING = "running"
    WAITING = "waiting"
    SUSPENDED = "suspended"
    READY_TO_REPORT = "ready to report"
    ERROR = "error"


def task_status(result: Result) -> TaskStatus:
    """The bucket of one task, first match wins.

    ERROR: computation failed, aborted or upload failed; READY_TO_REPORT:
    ready to report; SUSPENDED: the task or its project is suspended by the
    user; RUNNING: it has a process slot and is scheduled; WAITING: anything
    else (not started, preempted, downloading, uploading).
    """
    # this runs per task per poll: members compared in a tuple (by identity first, no enum hashing)
    if result.state in _ERROR_STATES:
        return TaskStatus.ERROR
    if result.ready_to_report:
        return TaskStatus.READY_TO_REPORT
    if result.suspended_via_gui or result.project_suspended_via_gui:
        return TaskStatus.SUSPENDED
    active = result.active_task
    if active is not None and active.scheduler_state in _SCHEDULED:
        return TaskStatus.RUNNING
    return TaskStatus.WAITING


_ERROR_STATES: Final = (ResultState.COMPUTE_ERROR, ResultState.ABORTED, ResultState.UPLOAD_FAILED)
_SCHEDULED: Final = (SchedulerState.SCHEDULED,)


@attrs.frozen(kw_only=True)
class TaskCounts:
    """How many tasks a host has in each :class:`TaskStatus`."""

    running: int = 0
    waiting: int = 0
    suspended: int = 0
    ready_to_report: int = 0
    error: int = 0

    @classmethod
    def of(cls, results: Iterable[Result]) -> TaskCounts:
        """The counts of a list of tasks."""
        return cls.of_statuses(tuple(map(task_status, results)))

    @classmethod
    def of_statuses(cls, statuses: Sequence[TaskStatus]) -> TaskCounts:
        """The counts of tasks whose :func:`task_status` is known."""
        # tuple.count compares by identity first, in C: no enum hashing per task
        return cls(
            running=statuses.count(TaskStatus.RUNNING),
            waiting=statuses.count(TaskStatus.WAITING),
            suspended=statuses.count(TaskStatus.SUSPENDED),
            ready_to_report=statuses.count(TaskStatus.READY_TO_REPORT),
            error=statuses.count(TaskStatus.ERROR),
        )

    def as_dict(self) -> dict[str, int]:
        """The counts by :class:`TaskStatus` name in lower case (``running``, ``ready_to_report``, …)."""
        return attrs.asdict(self)

    @property
    def total(self) -> int:
        """All tasks."""
        return self.running + self.waiting + self.suspended + self.ready_to_report + self.error


@attrs.frozen(kw_only=True)
class HostSnapshot:
    """What the poller knows about one host at one moment.

    Attributes:
        name: the host's name (:attr:`HostConfig.name`).
        address: ``host:port``.
        groups: its groups.
        up: whether the last contact attempt succeeded.
        reason: why it is down (``None`` while up).
        error: the error text while down (never contains a password).
        last_contact: when it last answered, Unix time (``None``: never).
        next_try: while down, when it is tried again, Unix time.
        failures: consecutive failed attempts (0 while up).
        cc_status: modes and suspend reasons (``None`` until first fetched).
        results: its tasks.
        projects: its projects.
        file_transfers: its pending file transfers.
        messages: the newest event log messages (oldest first, at most the poller's ``keep_messages``).
        notices: its notices (oldest first).
        old_results: tasks reported within the last hour.
        counts: :attr:`results` counted by :class:`TaskStatus`.
        pending_suspends: ``(project_url, task name)`` of the tasks to be suspended at their
            next checkpoint (see :meth:`Poller.suspend_at_checkpoint
            <boinc.cluster.poller.Poller.suspend_at_checkpoint>`).
    """

    name: str
    address: str = ""
    groups: tuple[str, ...] = ()
    up: bool = False
    reason: Reason | None = None
    error: str = ""
    last_contact: float | None = None
    next_try: float | None = None
    failures: int = 0
    cc_status: CcStatus | None = None
    results: tuple[Result, ...] = ()
    projects: tuple[Project, ...] = ()
    file_transfers: tuple[FileTransfer, ...] = ()
    messages: tuple[Message, ...] = ()
    notices: tuple[Notice, ...] = ()
    old_results: tuple[OldResult, ...] = ()
    counts: TaskCounts = TaskCounts()
    pending_suspends: tuple[tuple[str, str], ...] = ()

    def reachability(self) -> dict[str, Any]:
        """Who the host is and whether it answers, as JSON-ready data (``status --json``, the web app)."""
        return {
            "name": self.name,
            "address": self.address,
            "groups": list(self.groups),
            "up": self.up,
            "reason": self.reason.value if self.reason is not None else None,
            "error": self.error,
            "last_contact": self.last_contact,
            "next_try": self.next_try,
            "failures": self.failures,
        }


def _frozen_mapping(value: Mapping[str, HostSnapshot]) -> Mapping[str, HostSnapshot]:
    return value if isinstance(value, MappingProxyType) else MappingProxyType(dict(value))


@attrs.frozen(kw_only=True)
class ClusterSnapshot:
    """Every host at one moment.

    Attributes:
        hosts: host name → :class:`HostSnapshot`, in the hosts file's order (read-only).
        taken_at: when this snapshot was assembled, Unix time.
    """

    hosts: Mapping[str, HostSnapshot] = attrs.field(factory=dict, converter=_frozen_mapping)
    taken_at: float = 0.0

    @property
    def up(self) -> int:
        """How many hosts are up."""
        return sum(1 for h in self.hosts.values() if h.up)

    @property
    def down(self) -> int:
        """How many hosts are down."""
        return len(self.hosts) - self.up

    @property
    def groups(self) -> tuple[str, ...]:
        """Every group named by a host, sorted."""
        return tuple(sorted({g for h in self.hosts.values() for g in h.groups}))

    def select(self, names: Iterable[str] = (), groups: Iterable[str] = ()) -> list[str]:
        """The names of the hosts named in ``names`` or in one of ``groups`` (all hosts if both are empty).

        Raises:
            ValueError: a name or group that no host has.
        """
        names, groups = list(names), list(groups)
        unknown = [n for n in names if n not in self.hosts]
        if unknown:
            raise ValueError(f"no such host: {', '.join(unknown)}")
        missing = [g for g in groups if g not in self.groups]
        if missing:
            raise ValueError(f"no such group: {', '.join(missing)}")
        if not names and not groups:
            return list(self.hosts)
        wanted = set(names)
        return [n for n, h in self.hosts.items() if n in wanted or any(g in groups for g in h.groups)]
