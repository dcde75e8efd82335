"""The GUI RPC's enumerations, and the texts ``boinccmd`` prints for them.

Every enum is an :class:`~boinc._enum.OpenIntEnum`: a value this package does
not know (a newer client's) becomes a pseudo-member ``UNKNOWN_<n>`` that still
compares equal to ``n``, so a reply never fails to decode over an enum.
Members are named after BOINC's C constants without their prefix
(``RunMode.ALWAYS`` is ``RUN_MODE_ALWAYS`` of ``lib/common_defs.h``).

The texts come from the functions of the same name in ``lib/str_util.cpp``
(``run_mode_string``, ``suspend_reason_string``, ...), ``lib/coproc.cpp``
(``proc_type_name``, ...) and ``client/boinc_cmd.cpp`` (``prio_name``). A few
changed between releases; those functions take ``version``, the BOINC release
whose text is wanted as ``(major, minor, release)``. ``boinccmd`` prints the
texts compiled into itself, so to print what Debian's ``boinccmd`` 7.20.5 prints
pass ``version=(7, 20, 5)``; the default (``None``) is the newest release's text.
"""

from __future__ import annotations

from typing import Final

from .._enum import OpenIntEnum

__all__ = [
    "ActiveTaskState",
    "BatteryState",
    "DockerType",
    "FileStatus",
    "MsgPriority",
    "NetworkStatus",
    "ProcType",
    "ResultState",
    "RpcReason",
    "RunMode",
    "SchedulerState",
    "SuspendReason",
    "active_task_state_string",
    "battery_state_string",
    "coproc_type_name_to_num",
    "docker_type_str",
    "network_status_string",
    "prio_name",
    "proc_type_name",
    "proc_type_name_xml",
    "result_client_state_string",
    "result_scheduler_state_string",
    "rpc_reason_string",
    "run_mode_string",
    "suspend_reason_string",
]

#: A BOINC release as ``(major, minor, release)``, e.g. ``(7, 20, 5)``.
Version = tuple[int, int, int]


def _before(version: Version | None, since: Version) -> bool:
    """Whether ``version`` is a release older than ``since`` (``None`` is the newest)."""
    return version is not None and tuple(version) < since


class RunMode(OpenIntEnum):
    """A run mode of computing, GPU use or network use (``RUN_MODE_*``).

    The values of :class:`CcStatus` ``task_mode``, ``gpu_mode``,
    ``network_mode`` and their ``*_perm`` twins, and the argument of
    ``set_run_mode``/``set_gpu_mode``/``set_network_mode``.
    """

    #: ``RUN_MODE_ALWAYS`` — run regardless of preferences (request tag ``<always/>``).
    ALWAYS = 1
    #: ``RUN_MODE_AUTO`` — run according to preferences (``<auto/>``).
    AUTO = 2
    #: ``RUN_MODE_NEVER`` — suspended (``<never/>``).
    NEVER = 3
    #: ``RUN_MODE_RESTORE`` — in requests only, to end a temporary mode, back to the permanent one (``<restore/>``).
    RESTORE = 4


class SuspendReason(OpenIntEnum):
    """Why computing, GPU use or network use is suspended (``SUSPEND_REASON_*``).

    The values of :class:`CcStatus` ``task_suspend_reason``,
    ``gpu_suspend_reason`` and ``network_suspend_reason``, and of
    :class:`ScreensaverTasks` ``suspend_reason``. The client reports one reason
    at a time: the values up to 4096 are powers of two only for history and
    4097 up count on from 4096, so this is not a bit mask (compare with ``==``,
    never test bits). 0 means not suspended.
    """

    #: Not suspended (BOINC has no constant for 0).
    NOT_SUSPENDED = 0
    #: ``SUSPEND_REASON_BATTERIES`` — running on batteries.
    BATTERIES = 1
    #: ``SUSPEND_REASON_USER_ACTIVE`` — the computer is in use.
    USER_ACTIVE = 2
    #: ``SUSPEND_REASON_USER_REQ`` — the user asked for it (mode "never").
    USER_REQ = 4
    #: ``SUSPEND_REASON_TIME_OF_DAY`` — outside the allowed hours.
    TIME_OF_DAY = 8
    #: ``SUSPEND_REASON_BENCHMARKS`` — CPU benchmarks are running.
    BENCHMARKS = 16
    #: ``SUSPEND_REASON_DISK_SIZE`` — BOINC needs more disk space.
    DISK_SIZE = 32
    #: ``SUSPEND_REASON_CPU_THROTTLE`` — CPU throttling (no text; 8.2.9+ reports 0 instead).
    CPU_THROTTLE = 64
    #: ``SUSPEND_REASON_NO_RECENT_INPUT`` — no recent user activity.
    NO_RECENT_INPUT = 128
    #: ``SUSPEND_REASON_INITIAL_DELAY`` — the start-up delay.
    INITIAL_DELAY = 256
    #: ``SUSPEND_REASON_EXCLUSIVE_APP_RUNNING`` — an exclusive application is running.
    EXCLUSIVE_APP_RUNNING = 512
    #: ``SUSPEND_REASON_CPU_USAGE`` — non-BOINC CPU usage is above the limit.
    CPU_USAGE = 1024
    #: ``SUSPEND_REASON_NETWORK_QUOTA_EXCEEDED`` — the daily transfer limit is reached.
    NETWORK_QUOTA_EXCEEDED = 2048
    #: ``SUSPEND_REASON_OS`` — the operating system asked for it.
    OS = 4096
    #: ``SUSPEND_REASON_WIFI_STATE`` — not on WiFi (Android).
    WIFI_STATE = 4097
    #: ``SUSPEND_REASON_BATTERY_CHARGING`` — the battery is low (Android).
    BATTERY_CHARGING = 4098
    #: ``SUSPEND_REASON_BATTERY_OVERHEATED`` — battery thermal protection (Android).
    BATTERY_OVERHEATED = 4099
    #: ``SUSPEND_REASON_NO_GUI_KEEPALIVE`` — the GUI is not active (Android).
    NO_GUI_KEEPALIVE = 4100
    #: ``SUSPEND_REASON_PODMAN_INIT`` (8.2.6+) — Podman is initializing.
    PODMAN_INIT = 4101
    #: ``SUSPEND_REASON_BATTERY_CHARGE_WAIT`` (8.2.6+) — waiting for the battery to charge.
    BATTERY_CHARGE_WAIT = 4102
    #: ``SUSPEND_REASON_BATTERY_HEAT_WAIT`` (8.2.6+) — waiting for the battery to cool.
    BATTERY_HEAT_WAIT = 4103


class ResultState(OpenIntEnum):
    """The state of a task (``RESULT_*``, :class:`Result` ``state``).

    Ordered: BOINC compares states with ``<=`` and ``>`` (a task is computed
    when its state is above FILES_DOWNLOADED), and so may you.
    """

    #: ``RESULT_NEW`` — new, nothing downloaded yet.
    NEW = 0
    #: ``RESULT_FILES_DOWNLOADING`` — input files are downloading.
    FILES_DOWNLOADING = 1
    #: ``RESULT_FILES_DOWNLOADED`` — ready to run, or running.
    FILES_DOWNLOADED = 2
    #: ``RESULT_COMPUTE_ERROR`` — the computation failed; nothing is uploaded.
    COMPUTE_ERROR = 3
    #: ``RESULT_FILES_UPLOADING`` — output files are uploading.
    FILES_UPLOADING = 4
    #: ``RESULT_FILES_UPLOADED`` — uploaded, to be reported.
    FILES_UPLOADED = 5
    #: ``RESULT_ABORTED`` — aborted.
    ABORTED = 6
    #: ``RESULT_UPLOAD_FAILED`` — an output file failed to upload for good.
    UPLOAD_FAILED = 7


class SchedulerState(OpenIntEnum):
    """The CPU scheduler's state of a task (``CPU_SCHED_*``, :class:`ActiveTask` ``scheduler_state``).

    SCHEDULED does not mean running: tasks may be suspended or throttled.
    """

    #: ``CPU_SCHED_UNINITIALIZED`` — not started.
    UNINITIALIZED = 0
    #: ``CPU_SCHED_PREEMPTED`` — started, then preempted.
    PREEMPTED = 1
    #: ``CPU_SCHED_SCHEDULED`` — scheduled to run.
    SCHEDULED = 2


class ActiveTaskState(OpenIntEnum):
    """The state of a task's process (``PROCESS_*``, :class:`ActiveTask` ``active_task_state``)."""

    #: ``PROCESS_UNINITIALIZED`` — no process yet.
    UNINITIALIZED = 0
    #: ``PROCESS_EXECUTING`` — running, as far as the client knows.
    EXECUTING = 1
    #: ``PROCESS_EXITED`` — exited.
    EXITED = 2
    #: ``PROCESS_WAS_SIGNALED`` — killed by a signal.
    WAS_SIGNALED = 3
    #: ``PROCESS_EXIT_UNKNOWN`` — exited, how is unknown.
    EXIT_UNKNOWN = 4
    #: ``PROCESS_ABORT_PENDING`` — over its limits; told to abort, waiting for it to exit.
    ABORT_PENDING = 5
    #: ``PROCESS_ABORTED`` — aborted, and exited.
    ABORTED = 6
    #: ``PROCESS_COULDNT_START`` — could not be started.
    COULDNT_START = 7
    #: ``PROCESS_QUIT_PENDING`` — told to quit, waiting for it to exit.
    QUIT_PENDING = 8
    #: ``PROCESS_SUSPENDED`` — told to suspend.
    SUSPENDED = 9
    #: ``PROCESS_COPY_PENDING`` — waiting for file copies to finish.
    COPY_PENDING = 10


class NetworkStatus(OpenIntEnum):
    """The client's network state (``NETWORK_STATUS_*``, :class:`CcStatus` ``network_status``)."""

    #: ``NETWORK_STATUS_ONLINE`` — online.
    ONLINE = 0
    #: ``NETWORK_STATUS_WANT_CONNECTION`` — needs a connection.
    WANT_CONNECTION = 1
    #: ``NETWORK_STATUS_WANT_DISCONNECT`` — does not need the connection.
    WANT_DISCONNECT = 2
    #: ``NETWORK_STATUS_LOOKUP_PENDING`` — looking up the reference site.
    LOOKUP_PENDING = 3


class MsgPriority(OpenIntEnum):
    """The priority of an event log message (``MSG_*``, :class:`Message` ``pri``)."""

    #: ``MSG_INFO`` — information.
    INFO = 1
    #: ``MSG_USER_ALERT`` — needs the user's attention (also shown as a notice).
    USER_ALERT = 2
    #: ``MSG_INTERNAL_ERROR`` — a problem in BOINC or a project; the body starts with ``[error]``.
    INTERNAL_ERROR = 3
    #: ``MSG_SCHEDULER_ALERT`` — internal to the client; replies carry USER_ALERT instead.
    SCHEDULER_ALERT = 4


class RpcReason(OpenIntEnum):
    """Why a scheduler request is pending (``RPC_REASON_*``, :class:`Project` ``sched_rpc_pending``)."""

    #: No request pending (BOINC has no constant for 0).
    NONE = 0
    #: ``RPC_REASON_USER_REQ`` — the user asked for an update.
    USER_REQ = 1
    #: ``RPC_REASON_RESULTS_DUE`` — completed tasks are due for reporting.
    RESULTS_DUE = 2
    #: ``RPC_REASON_NEED_WORK`` — to fetch work.
    NEED_WORK = 3
    #: ``RPC_REASON_TRICKLE_UP`` — to send a trickle-up message.
    TRICKLE_UP = 4
    #: ``RPC_REASON_ACCT_MGR_REQ`` — the account manager asked for it.
    ACCT_MGR_REQ = 5
    #: ``RPC_REASON_INIT`` — project initialization.
    INIT = 6
    #: ``RPC_REASON_PROJECT_REQ`` — the project asked for it.
    PROJECT_REQ = 7


class FileStatus(OpenIntEnum):
    """The state of a file (``FILE_*``).

    :class:`FileTransfer` ``status`` holds one of these, or a negative BOINC
    error code (see :class:`~boinc.gui_rpc.error_codes.ErrorCode`) when the
    transfer failed for good; it is declared ``int`` for that reason, and
    ``FileStatus(status)`` reads it.
    """

    #: ``FILE_NOT_PRESENT`` — not (yet) on disk.
    NOT_PRESENT = 0
    #: ``FILE_PRESENT`` — on disk.
    PRESENT = 1
    #: ``FILE_VERIFY_PENDING`` — downloaded, its checksum not yet verified.
    VERIFY_PENDING = 2


class ProcType(OpenIntEnum):
    """A kind of processing resource (``PROC_TYPE_*`` of ``lib/coproc.h``).

    In replies a resource is named by its XML name (:func:`proc_type_name_xml`):
    ``CPU``, ``NVIDIA``, ``ATI``, ``intel_gpu``, ``apple_gpu``, or any other
    OpenCL vendor's type string; :func:`coproc_type_name_to_num` maps a name to
    its member. 7.20 used 4 for ``PROC_TYPE_MINER_ASIC`` (``miner_asic``);
    from 8.0 on 4 is the Apple GPU.
    """

    #: ``PROC_TYPE_CPU`` — the CPU.
    CPU = 0
    #: ``PROC_TYPE_NVIDIA_GPU`` — an NVIDIA GPU (``NVIDIA``, also ``CUDA``).
    NVIDIA_GPU = 1
    #: ``PROC_TYPE_AMD_GPU`` — an AMD/ATI GPU (``ATI``).
    AMD_GPU = 2
    #: ``PROC_TYPE_INTEL_GPU`` — an Intel GPU (``intel_gpu``).
    INTEL_GPU = 3
    #: ``PROC_TYPE_APPLE_GPU`` (8.0+) — an Apple GPU (``apple_gpu``); ``PROC_TYPE_MINER_ASIC`` in 7.20.
    APPLE_GPU = 4


class BatteryState(OpenIntEnum):
    """A battery's state (``BATTERY_STATE_*``, Android; :class:`DeviceStatus` ``battery_state``)."""

    #: ``BATTERY_STATE_UNKNOWN`` — unknown.
    UNKNOWN = 0
    #: ``BATTERY_STATE_DISCHARGING`` — discharging.
    DISCHARGING = 1
    #: ``BATTERY_STATE_CHARGING`` — charging.
    CHARGING = 2
    #: ``BATTERY_STATE_FULL`` — full.
    FULL = 3
    #: ``BATTERY_STATE_OVERHEATED`` — overheated.
    OVERHEATED = 4


class DockerType(OpenIntEnum):
    """A container engine (``DOCKER_TYPE`` of ``lib/common_defs.h``, 8.2+; :class:`HostInfo` ``docker_type``)."""

    #: ``NONE`` — none found.
    NONE = 0
    #: ``DOCKER`` — Docker.
    DOCKER = 1
    #: ``PODMAN`` — Podman.
    PODMAN = 2


# ---------------------------------------------------------------------------
# The texts boinccmd prints

_RUN_MODE: Final = {1: "always", 2: "according to prefs", 3: "never"}


def run_mode_string(mode: int) -> str:
    """The text of a run mode (``run_mode_string``): ``always``, ``according to prefs``, ``never``, else ``unknown``."""
    return _RUN_MODE.get(int(mode), "unknown")


_SUSPEND_REASON: Final = {
    1: "on batteries",
    2: "computer is in use",
    4: "user request",
    8: "time of day",
    16: "CPU benchmarks in progress",
    32: "need disk space - check preferences",
    128: "no recent user activity",
    256: "initial delay",
    512: "an exclusive app is running",
    1024: "CPU is busy",
    2048: "network transfer limit exceeded",
    4096: "requested by operating system",
    4097: "not connected to WiFi network",
    4098: "battery low",
    4099: "battery thermal protection",
    4100: "GUI not active",
    4101: "Podman initializing",
    4102: "battery charge wait",
    4103: "battery heat wait",
}


def suspend_reason_string(reason: int, version: Version | None = None) -> str:
    """The text of a suspend reason (``suspend_reason_string``), else ``unknown reason``.

    CPU_THROTTLE (64) and 0 have no text. 4101 to 4103 have texts from 8.2.6 on.

    Args:
        reason: the reason.
        version: the BOINC release whose text to give; ``None`` for the newest.
    """
    reason = int(reason)
    if reason > 4100 and _before(version, (8, 2, 6)):
        return "unknown reason"
    return _SUSPEND_REASON.get(reason, "unknown reason")


_RESULT_STATE: Final = {
    0: "new",
    1: "downloading",
    2: "downloaded",
    3: "compute error",
    4: "uploading",
    5: "uploaded",
    6: "aborted",
    7: "upload failed",
}


def result_client_state_string(state: int) -> str:
    """The text of a task state (``result_client_state_string``), e.g. ``downloaded``, else ``unknown``."""
    return _RESULT_STATE.get(int(state), "unknown")


_SCHEDULER_STATE: Final = {0: "uninitialized", 1: "preempted", 2: "scheduled"}


def result_scheduler_state_string(state: int) -> str:
    """The text of a scheduler state (``result_scheduler_state_string``), else ``unknown``."""
    return _SCHEDULER_STATE.get(int(state), "unknown")


def active_task_state_string(state: int) -> str:
    """The text of a process state (``active_task_state_string``): its name, e.g. ``EXECUTING``, else ``Unknown``."""
    value = int(state)
    if 0 <= value <= 10:
        return ActiveTaskState(value).name
    return "Unknown"


_NETWORK_STATUS: Final = {
    0: "online",
    1: "need connection",
    2: "don't need connection",
    3: "reference site lookup pending",
}


def network_status_string(status: int) -> str:
    """The text of a network status (``network_status_string``), else ``unknown``."""
    return _NETWORK_STATUS.get(int(status), "unknown")


_RPC_REASON: Final = {
    1: "Requested by user",
    2: "To report completed tasks",
    3: "To fetch work",
    4: "To send trickle-up message",
    5: "Requested by account manager",
    6: "Project initialization",
    7: "Requested by project",
}


def rpc_reason_string(reason: int) -> str:
    """The text of a scheduler request reason (``rpc_reason_string``), else ``Unknown reason`` (also for 0)."""
    return _RPC_REASON.get(int(reason), "Unknown reason")


_BATTERY_STATE: Final = {1: "discharging", 2: "charging", 3: "full", 4: "overheated"}


def battery_state_string(state: int) -> str:
    """The text of a battery state (``battery_state_string``), else ``unknown``."""
    return _BATTERY_STATE.get(int(state), "unknown")


_PRIO: Final = {1: "low", 2: "user notification", 3: "internal error"}


def prio_name(priority: int) -> str:
    """The text ``boinccmd --get_messages`` prints for a message priority (``prio_name`` of ``boinc_cmd.cpp``).

    ``low``, ``user notification``, ``internal error``, else ``unknown``.
    """
    return _PRIO.get(int(priority), "unknown")


_PROC_XML: Final = {0: "CPU", 1: "NVIDIA", 2: "ATI", 3: "intel_gpu", 4: "apple_gpu"}
_PROC_NAME: Final = {0: "CPU", 1: "NVIDIA GPU", 2: "AMD/ATI GPU", 3: "Intel GPU", 4: "Apple GPU"}


def proc_type_name_xml(proc_type: int, version: Version | None = None) -> str:
    """The XML name of a resource (``proc_type_name_xml``), e.g. ``NVIDIA``, else ``unknown``.

    Args:
        proc_type: the resource.
        version: the BOINC release whose name to give (7.20: 4 is ``miner_asic``); ``None`` for the newest.
    """
    value = int(proc_type)
    if value == 4 and _before(version, (8, 0, 0)):
        return "miner_asic"
    return _PROC_XML.get(value, "unknown")


def proc_type_name(proc_type: int, version: Version | None = None) -> str:
    """The user-visible name of a resource (``proc_type_name``), e.g. ``NVIDIA GPU``, else ``unknown``.

    Args:
        proc_type: the resource.
        version: the BOINC release whose name to give (7.20: 4 is ``Miner ASIC``); ``None`` for the newest.
    """
    value = int(proc_type)
    if value == 4 and _before(version, (8, 0, 0)):
        return "Miner ASIC"
    return _PROC_NAME.get(value, "unknown")


_PROC_BY_NAME: Final = {
    "CPU": ProcType.CPU,
    "CUDA": ProcType.NVIDIA_GPU,
    "NVIDIA": ProcType.NVIDIA_GPU,
    "ATI": ProcType.AMD_GPU,
    "intel_gpu": ProcType.INTEL_GPU,
    "apple_gpu": ProcType.APPLE_GPU,
}


def coproc_type_name_to_num(name: str, version: Version | None = None) -> ProcType | None:
    """The resource of an XML resource name (``coproc_type_name_to_num``).

    ``CPU``, ``NVIDIA`` (or ``CUDA``), ``ATI``, ``intel_gpu``, ``apple_gpu``;
    case matters. Any other name is another vendor's OpenCL device: ``None``
    (the C++ returns -1).

    Args:
        name: the name, as in ``<rsc_backoff_time><name>`` or ``<coproc><type>``.
        version: the BOINC release whose mapping to use (7.20 knows ``miner_asic``
            but not ``apple_gpu`` nor ``CPU``); ``None`` for the newest.
    """
    if version is not None and _before(version, (8, 0, 0)):
        if name in ("CPU", "apple_gpu"):
            return None
        if name == "miner_asic":
            return ProcType(4)
    return _PROC_BY_NAME.get(name)


def docker_type_str(docker_type: int) -> str:
    """The user-visible name of a container engine (``docker_type_str``): ``Docker``, ``Podman``, else ``Unknown``."""
    return {1: "Docker", 2: "Podman"}.get(int(docker_type), "Unknown")
