"""Applications, app versions, workunits and tasks (results).

Written by ``APP::write``, ``APP_VERSION::write``, ``WORKUNIT::write``,
``FILE_REF::write`` and ``RESOURCE_USAGE::write`` (``client/client_types.cpp``),
``RESULT::write_gui`` and ``print_old_results`` (``client/result.cpp``) and
``ACTIVE_TASK::write_gui`` (``client/app.cpp``); the fields are the union of
what 7.20.5 and the newest release send.
"""

from __future__ import annotations

from typing import ClassVar

import attrs

from ..._xml import xml_field
from ..enums import ActiveTaskState, ProcType, ResultState, SchedulerState, SuspendReason, coproc_type_name_to_num

__all__ = [
    "ActiveTask",
    "App",
    "AppVersion",
    "AppVersionCoproc",
    "FileRef",
    "Keyword",
    "OldResult",
    "OldResults",
    "Result",
    "Results",
    "ScreensaverTasks",
    "Workunit",
]


@attrs.frozen(kw_only=True, slots=False)
class App:
    """An application of a project: ``<app>`` (C++ ``APP``).

    In ``get_state`` it belongs to the ``<project>`` before it; see
    :meth:`CcState.project_of <boinc.gui_rpc.structs.CcState.project_of>`.
    """

    #: Short name, the key workunits and app versions refer to.
    name: str
    #: Name to show.
    user_friendly_name: str = ""
    #: The app uses little CPU.
    non_cpu_intensive: bool = False


@attrs.frozen(kw_only=True, slots=False)
class FileRef:
    """A file an app version or workunit uses: ``<file_ref>`` (C++ ``FILE_REF``)."""

    #: The file's name in the project directory.
    file_name: str = ""
    #: The name the app opens it by (empty — the same).
    open_name: str = ""
    #: This is the app version's executable (flag).
    main_program: bool = xml_field(flag=True, default=False)
    #: Copied into the slot directory rather than linked (flag).
    copy_file: bool = xml_field(flag=True, default=False)
    #: The file may be missing (flag).
    optional: bool = xml_field(flag=True, default=False)


@attrs.frozen(kw_only=True, slots=False)
class AppVersionCoproc:
    """GPU usage of an app version or workunit: ``<coproc>`` in ``<app_version>``/``<workunit>``.

    A second ``<coproc>`` names a GPU type the host lacks (the task then shows
    ``coproc_missing``). The C++ client library looks for other tags here and
    never reads these; this port does.
    """

    #: Resource name — ``NVIDIA``, ``ATI``, ``intel_gpu``, ``apple_gpu`` or another vendor's type.
    type: str = ""
    #: Number of GPUs used (may be fractional).
    count: float = 0.0

    @property
    def proc_type(self) -> ProcType | None:
        """The resource kind of ``type``, or ``None`` for another vendor's OpenCL device."""
        return coproc_type_name_to_num(self.type)


@attrs.frozen(kw_only=True, slots=False)
class AppVersion:
    """A version of an application: ``<app_version>`` (C++ ``APP_VERSION``)."""

    #: The application's name.
    app_name: str = ""
    #: Version number times 100 (712 is 7.12).
    version_num: int = 0
    #: Platform, e.g. ``x86_64-pc-linux-gnu``.
    platform: str = ""
    #: Plan class, e.g. ``cuda118`` (empty — none).
    plan_class: str = ""
    #: BOINC API version the app was built with.
    api_version: str = ""
    #: Extra command-line arguments.
    cmdline: str = ""
    #: Prefix of the app's file names.
    file_prefix: str = ""
    #: The app version's files.
    file_refs: tuple[FileRef, ...] = xml_field(tag="file_ref", default=())
    #: CPUs used on average.
    avg_ncpus: float = 0.0
    #: Estimated speed, FLOPS.
    flops: float = 0.0
    #: GPU usage (see :class:`AppVersionCoproc`).
    coprocs: tuple[AppVersionCoproc, ...] = xml_field(tag="coproc", default=())
    #: GPU memory needed, bytes.
    gpu_ram: float = 0.0
    #: Never throttled (flag).
    dont_throttle: bool = xml_field(flag=True, default=False)
    #: The app is a wrapper (flag).
    is_wrapper: bool = xml_field(flag=True, default=False)
    #: The app needs the network while it runs (flag).
    needs_network: bool = xml_field(flag=True, default=False)

    @property
    def exec_filename(self) -> str:
        """The executable's file name (C++ ``exec_filename``), the ``main_program`` file's; empty if none."""
        for ref in self.file_refs:
            if ref.main_program:
                return ref.file_name
        return ""


@attrs.frozen(kw_only=True, slots=False)
class Keyword:
    """A job keyword: ``<keyword>`` in ``<job_keywords>`` (C++ ``KEYWORD``)."""

    #: Keyword ID (not sent to GUIs).
    id: int = 0
    #: Name.
    name: str = ""
    #: Description.
    description: str = ""
    #: Parent keyword's ID (0 — none).
    parent: int = 0
    #: Depth in the hierarchy.
    level: int = 0
    #: Category (0 — science area, 1 — location).
    category: int = 0


@attrs.frozen(kw_only=True, slots=False)
class Workunit:
    """A workunit (job): ``<workunit>`` (C++ ``WORKUNIT``).

    In ``get_state`` it belongs to the ``<project>`` before it; see
    :meth:`CcState.project_of <boinc.gui_rpc.structs.CcState.project_of>` and
    :meth:`CcState.workunit_of <boinc.gui_rpc.structs.CcState.workunit_of>`.
    """

    #: Name, the key tasks refer to.
    name: str
    #: The application's name.
    app_name: str = ""
    #: App version number (old clients; tasks carry their own).
    version_num: int = 0
    #: Estimated computation, floating-point operations.
    rsc_fpops_est: float = 0.0
    #: Limit of computation, floating-point operations.
    rsc_fpops_bound: float = 0.0
    #: Memory limit, bytes.
    rsc_memory_bound: float = 0.0
    #: Disk limit, bytes.
    rsc_disk_bound: float = 0.0
    #: Command-line arguments (trimmed; may span lines).
    command_line: str = ""
    #: Input files.
    file_refs: tuple[FileRef, ...] = xml_field(tag="file_ref", default=())
    #: Sub-application name (8.2.5+).
    sub_appname: str = ""
    #: CPUs used on average, if the workunit sets its own resource usage (8.2.5+; else 0).
    avg_ncpus: float = 0.0
    #: Estimated speed, FLOPS, if set per workunit (8.2.5+).
    flops: float = 0.0
    #: GPU usage, if set per workunit (8.2.5+).
    coprocs: tuple[AppVersionCoproc, ...] = xml_field(tag="coproc", default=())
    #: GPU memory needed, bytes, if set per workunit (8.2.5+).
    gpu_ram: float = 0.0
    #: Keywords of the job.
    job_keywords: tuple[Keyword, ...] = xml_field(wrapper="job_keywords", tag="keyword", default=())


@attrs.frozen(kw_only=True, slots=False)
class ActiveTask:
    """A task's process (slot): ``<active_task>`` inside ``<result>`` (C++ ``ACTIVE_TASK``).

    Present while the task has a slot: running, suspended or preempted. The C++
    client library folds these fields into its ``RESULT``.
    """

    #: The process's state.
    active_task_state: ActiveTaskState = ActiveTaskState.UNINITIALIZED
    #: Version number of the app version running it.
    app_version_num: int = 0
    #: Slot directory number.
    slot: int = -1
    #: Process ID (0 — no process).
    pid: int = 0
    #: The CPU scheduler's state.
    scheduler_state: SchedulerState = SchedulerState.UNINITIALIZED
    #: CPU time at the last checkpoint, seconds.
    checkpoint_cpu_time: float = 0.0
    #: Fraction done, 0 to 1 (estimated if the app reports none).
    fraction_done: float = 0.0
    #: CPU time so far, seconds.
    current_cpu_time: float = 0.0
    #: Elapsed (wall-clock) time so far, seconds.
    elapsed_time: float = 0.0
    #: Swap usage, bytes (C++ ``swap_usage``).
    swap_size: float = 0.0
    #: Virtual memory size, bytes (8.3+).
    virtual_size: float = 0.0
    #: Resident set size, bytes.
    working_set_size: float = 0.0
    #: Resident set size, smoothed, bytes (C++ ``rss_smoothed``).
    working_set_size_smoothed: float = 0.0
    #: Page faults per second (up to 8.2.15).
    page_fault_rate: float = 0.0
    #: Bytes sent by the app (up to 8.2.13).
    bytes_sent: float = 0.0
    #: Bytes received by the app (up to 8.2.13).
    bytes_received: float = 0.0
    #: Uses more memory than allowed (C++ ``wss_too_large``) (flag).
    too_large: bool = xml_field(flag=True, default=False)
    #: Uses more swap than allowed (8.2.14+) (flag).
    swap_too_large: bool = xml_field(flag=True, default=False)
    #: Waiting for shared memory (flag).
    needs_shmem: bool = xml_field(flag=True, default=False)
    #: Waiting for the network (8.2.14+) (flag).
    want_network: bool = xml_field(flag=True, default=False)
    #: Average increase of ``fraction_done`` per second of elapsed time.
    progress_rate: float = 0.0
    #: Path of the graphics app (with ``slot_path``; empty — none).
    graphics_exec_path: str = ""
    #: Path of the slot directory (sent with ``graphics_exec_path``).
    slot_path: str = ""
    #: URL of the task's web graphics.
    web_graphics_url: str = ""
    #: Address of the task's remote desktop.
    remote_desktop_addr: str = ""


@attrs.frozen(kw_only=True, slots=False)
class Result:
    """A task: ``<result>`` (C++ ``RESULT``).

    Presence flags (``<x/>`` when true, absent when false) are marked "flag".
    The C++ client library copies CPU time into a zero elapsed time (for
    clients older than 6.x); this port keeps the values as sent.
    """

    #: The task's name — with ``project_url``, the key of every task operation.
    name: str
    #: The workunit's name.
    wu_name: str = ""
    #: Platform of the app version it uses.
    platform: str = ""
    #: Version number of the app version it uses.
    version_num: int = 0
    #: Plan class of the app version it uses (empty — none).
    plan_class: str = ""
    #: The project's master URL.
    project_url: str = ""
    #: CPU time when it finished, seconds.
    final_cpu_time: float = 0.0
    #: Elapsed time when it finished, seconds.
    final_elapsed_time: float = 0.0
    #: Exit status of the app (see :class:`~boinc.gui_rpc.error_codes.ExitCode`).
    exit_status: int = 0
    #: The task's state.
    state: ResultState = ResultState.NEW
    #: Deadline, Unix time.
    report_deadline: float = 0.0
    #: When it was received, Unix time.
    received_time: float = 0.0
    #: Estimated elapsed (not CPU) time remaining, seconds.
    estimated_cpu_time_remaining: float = 0.0
    #: The server acknowledged the report (flag).
    got_server_ack: bool = xml_field(flag=True, default=False)
    #: Ready to report (flag).
    ready_to_report: bool = xml_field(flag=True, default=False)
    #: When it completed, Unix time (sent only when nonzero; the C++ ignores it).
    completed_time: float = 0.0
    #: Suspended by the user (flag).
    suspended_via_gui: bool = xml_field(flag=True, default=False)
    #: Its project is suspended by the user (flag).
    project_suspended_via_gui: bool = xml_field(flag=True, default=False)
    #: To be reported at once (the C++ ignores it) (flag).
    report_immediately: bool = xml_field(flag=True, default=False)
    #: Scheduled earliest-deadline-first (deadline trouble) (flag).
    edf_scheduled: bool = xml_field(flag=True, default=False)
    #: The GPU it needs is missing (flag).
    coproc_missing: bool = xml_field(flag=True, default=False)
    #: The app asked to be rescheduled later (flag).
    scheduler_wait: bool = xml_field(flag=True, default=False)
    #: Why (with ``scheduler_wait``).
    scheduler_wait_reason: str = ""
    #: Waiting for the network (flag).
    network_wait: bool = xml_field(flag=True, default=False)
    #: Its process, while it has a slot.
    active_task: ActiveTask | None = None
    #: Resources it uses, e.g. ``0.5 CPUs + 1 NVIDIA GPU (device 1)``; empty means "1 CPU".
    resources: str = ""
    #: Signal that ended it (the C++ reads it; clients do not send it).
    signal: int = 0

    @property
    def is_active(self) -> bool:
        """Whether it has a process slot (C++ ``RESULT::active_task``), running, suspended or preempted."""
        return self.active_task is not None

    @property
    def is_not_started(self) -> bool:
        """Whether it has not started (C++ ``RESULT::is_not_started``), i.e. not computed, not ready, no slot."""
        return self.state < ResultState.COMPUTE_ERROR and not self.ready_to_report and self.active_task is None


@attrs.frozen(kw_only=True, slots=False)
class Results:
    """The reply of ``get_results``: ``<results>`` (C++ ``RESULTS``)."""

    xml_tag: ClassVar[str] = "results"

    #: The tasks, in the client's order (by received time).
    results: tuple[Result, ...] = xml_field(tag="result", default=())


@attrs.frozen(kw_only=True, slots=False)
class OldResult:
    """A recently reported task: ``<old_result>`` (C++ ``OLD_RESULT``; kept an hour)."""

    #: The project's master URL.
    project_url: str = ""
    #: The task's name.
    result_name: str = ""
    #: The application's name.
    app_name: str = ""
    #: Exit status of the app.
    exit_status: int = 0
    #: Elapsed time, seconds.
    elapsed_time: float = 0.0
    #: CPU time, seconds.
    cpu_time: float = 0.0
    #: When it completed, Unix time.
    completed_time: float = 0.0
    #: When the server acknowledged the report, Unix time.
    create_time: float = 0.0

    @property
    def name(self) -> str:
        """The task's name (``result_name``), as :attr:`Result.name` names it."""
        return self.result_name


@attrs.frozen(kw_only=True, slots=False)
class OldResults:
    """The reply of ``get_old_results``: ``<old_results>``."""

    xml_tag: ClassVar[str] = "old_results"

    #: The tasks reported within the last hour.
    old_results: tuple[OldResult, ...] = xml_field(tag="old_result", default=())


@attrs.frozen(kw_only=True, slots=False)
class ScreensaverTasks:
    """The reply of ``get_screensaver_tasks``.

    The element is ``<get_screensaver_tasks>`` from 8.2.9 on, and
    ``<handle_get_screensaver_tasks>`` before (7.20.5 included): ``xml_tag``
    and ``xml_tag_old``.
    """

    xml_tag: ClassVar[str] = "get_screensaver_tasks"
    xml_tag_old: ClassVar[str] = "handle_get_screensaver_tasks"

    #: Why computing is suspended (NOT_SUSPENDED — it is not).
    suspend_reason: SuspendReason = SuspendReason.NOT_SUSPENDED
    #: The tasks scheduled to run.
    results: tuple[Result, ...] = xml_field(tag="result", default=())
