"""boinccmd's print formats, ported from BOINC 7.20.5 (8.x selectable).

Each ``format_*`` function takes the typed value the GUI RPC client returned
(:mod:`boinc.gui_rpc.structs`) and yields the text boinccmd prints for it, in
chunks (one per project, task, message...), so a caller can write a large
listing without building it twice. The texts come from
``lib/gui_rpc_client_print.cpp``, ``client/boinc_cmd.cpp`` and
``lib/str_util.cpp``; the state names from :mod:`boinc.gui_rpc.enums` and the
error texts from :mod:`boinc.gui_rpc.error_codes`, both as of 7.20.5.

Nothing here reads XML: the values come decoded by the one XML engine.
"""

from __future__ import annotations

import time

from .gui_rpc.enums import (
    active_task_state_string,
    network_status_string,
    prio_name,
    result_client_state_string,
    result_scheduler_state_string,
    run_mode_string,
    suspend_reason_string,
)

# The typing names are only annotations here: not importing typing keeps the command's start-up short.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence
    from typing import Final

    from .gui_rpc.structs.account import AccountOut, AcctMgrInfo, ProjectConfig
    from .gui_rpc.structs.app_config import AppConfigs
    from .gui_rpc.structs.host import HostInfo, OpenclDeviceProp
    from .gui_rpc.structs.messages import Message, Notice
    from .gui_rpc.structs.project import Project
    from .gui_rpc.structs.proxy import ProxyInfo
    from .gui_rpc.structs.state import CcState, SimpleGuiInfo
    from .gui_rpc.structs.stats import DailyXfer, DiskUsage, TimeStats
    from .gui_rpc.structs.status import CcStatus, VersionInfo
    from .gui_rpc.structs.task import AppVersion, OldResult, Result, Workunit
    from .gui_rpc.structs.transfer import FileTransfer

__all__ = [
    "BOINCCMD_VERSION",
    "FORMAT_7_20",
    "FORMAT_8",
    "Format",
    "boincerror",
    "format_account_out",
    "format_acct_mgr_info",
    "format_app_config",
    "format_cc_status",
    "format_client_version",
    "format_daily_xfer_history",
    "format_disk_usage",
    "format_file_transfers",
    "format_host_info",
    "format_message_count",
    "format_messages",
    "format_notices",
    "format_old_results",
    "format_project_config",
    "format_project_urls",
    "format_projects",
    "format_proxy_info",
    "format_results",
    "format_simple_gui_info",
    "format_state",
    "time_to_string",
    "user_alerts",
]

#: The boinccmd release whose texts are printed (its state names and error texts).
BOINCCMD_VERSION: Final = (7, 20, 5)
MEGA: Final = 1048576.0
GIGA: Final = 1073741824.0


class Format:
    """Which boinccmd's output to reproduce.

    Attributes:
        name: ``"7.20"`` (the default, BOINC 7.20.5) or ``"8"`` (8.2's changes, spec §7.3).
        v8: whether the 8.x texts are used.
    """

    __slots__ = ("name", "v8")

    def __init__(self, name: str) -> None:
        if name not in ("7.20", "8"):
            raise ValueError(f"unknown boinccmd format {name!r}; one of: 7.20, 8")
        self.name = name
        self.v8 = name == "8"

    def __repr__(self) -> str:
        return f"Format({self.name!r})"


#: boinccmd 7.20.5, the reference.
FORMAT_7_20: Final = Format("7.20")
#: boinccmd 8.2: units in GB, renamed old-task labels, workunit and task project lines.
FORMAT_8: Final = Format("8")


def boincerror(code: int) -> str:
    """The text boinccmd 7.20.5 prints for an error code, e.g. ``Error -999`` for an unknown one."""
    from .gui_rpc.error_codes import boincerror as text_of  # 300 names: only when an error is printed

    return text_of(code, BOINCCMD_VERSION)


# ---------------------------------------------------------------------------
# lib/str_util.cpp

# Local time for many time stamps, fast: the same text as ``ctime()``. ``localtime()``
# runs twice per quarter hour of time stamps, to learn the UTC offset there; then a time
# stamp's text is its day's (made once per day, by ``localtime()``) and two table entries.
# A quarter hour where the offset changes (a DST switch), or where the time stamp plus the
# offset is not the local time of day (a time zone with leap seconds), is left to ``time``
# itself. A listing calls :func:`_reset_clock` first: the time zone may have changed.

#: quarter hour -> the UTC offset all through it; None: ask ``time``
_OFFSETS: dict[int, int | None] = {}
#: local day -> its date parts in ``ctime()``: ("Sat Nov 21 ", " 2026\n")
_CTIME_DAYS: dict[int, tuple[str, str]] = {}
_HOURS: Final = tuple(f"{h:02d}:" for h in range(24))
#: "MM:SS" for each second of an hour, made with the first offset learnt
_MINUTES_SECONDS: list[str] = []


def _reset_clock() -> None:
    """Forget what was learnt of the time zone."""
    _OFFSETS.clear()
    _CTIME_DAYS.clear()


def _learn_offset(seconds: int) -> int | None:
    """The UTC offset that holds for the whole quarter hour of ``seconds``, if one does."""
    start = seconds - seconds % 900
    offset: int | None = None
    try:
        first, last = time.localtime(start), time.localtime(start + 899)
    except (OverflowError, OSError, ValueError):
        pass
    else:
        gmtoff = first.tm_gmtoff
        if (
            gmtoff == last.tm_gmtoff
            and (start + gmtoff) % 86400 == first.tm_hour * 3600 + first.tm_min * 60 + first.tm_sec
            and (start + gmtoff + 899) % 86400 == last.tm_hour * 3600 + last.tm_min * 60 + last.tm_sec
        ):
            offset = gmtoff
    _OFFSETS[start // 900] = offset
    if not _MINUTES_SECONDS:
        _MINUTES_SECONDS.extend(f"{m:02d}:{s:02d}" for m in range(60) for s in range(60))
    return offset


def _ctime_day(day: int, seconds: int) -> tuple[str, str]:
    """The date parts of ``ctime()`` for the local day of ``seconds``."""
    text = time.asctime(time.localtime(seconds))  # "Sat Nov 21 10:46:13 2026"
    parts = _CTIME_DAYS[day] = (text[:11], text[19:] + "\n")
    return parts


def _ctime(t: float) -> str:
    """``ctime()``: ``Www Mmm dd hh:mm:ss yyyy`` and a newline, local time; ``(null)`` if out of range."""
    if -1e11 < t < 1e11:
        seconds = int(t)
        try:
            offset = _OFFSETS[seconds // 900]
        except KeyError:
            offset = _learn_offset(seconds)
        if offset is not None:
            day, sec = divmod(seconds + offset, 86400)
            parts = _CTIME_DAYS.get(day) or _ctime_day(day, seconds)
            return parts[0] + _HOURS[sec // 3600] + _MINUTES_SECONDS[sec % 3600] + parts[1]
    try:
        return time.ctime(int(t)) + "\n"
    except (OverflowError, ValueError, OSError):
        return "(null)"


def time_to_string(t: float) -> str:
    """``time_to_string``: local ``DD-Mon-YYYY HH:MM:SS``, ``---`` for 0 or out of range."""
    text = _ctime(t) if t else "(null)"  # "Sat Nov  7 10:46:13 2026\n"
    if text == "(null)":
        return "---"
    return f"{text[8:10].replace(' ', '0')}-{text[4:7]}-{text[20:-1]} {text[11:19]}"


def _yn(flag: bool) -> str:
    return "yes" if flag else "no"


def _memo(text_of: Callable[[int], str]) -> Callable[[int], str]:
    """``text_of``, remembering each value's text (a listing of 10,000 tasks asks for a few values only)."""
    cache: dict[int, str] = {}

    def text(value: int) -> str:
        found = cache.get(value)
        if found is None:
            found = cache[value] = text_of(value)
        return found

    return text


_state_text = _memo(result_client_state_string)
_scheduler_text = _memo(result_scheduler_state_string)
_task_state_text = _memo(active_task_state_string)


def _unescape_again(text: str) -> str:
    """The C++ unescapes user and team names a second time (``PROJECT::parse``)."""
    if "&" not in text:
        return text
    from ._xml.scalars import unescape

    return unescape(text)


# ---------------------------------------------------------------------------
# lib/gui_rpc_client_print.cpp


def _numbered(items: Iterable[str]) -> Iterator[str]:
    for n, text in enumerate(items, 1):
        yield f"{n}) -----------\n{text}"


def _project(p: Project, fmt: Format) -> str:
    unit, scale = ("GB", GIGA) if fmt.v8 else ("MB", MEGA)
    out = [
        f"   name: {p.project_name}\n"
        f"   master URL: {p.master_url}\n"
        f"   user_name: {_unescape_again(p.user_name)}\n"
        f"   team_name: {_unescape_again(p.team_name)}\n"
        f"   resource share: {p.resource_share:f}\n"
        f"   user_total_credit: {p.user_total_credit:f}\n"
        f"   user_expavg_credit: {p.user_expavg_credit:f}\n"
        f"   host_total_credit: {p.host_total_credit:f}\n"
        f"   host_expavg_credit: {p.host_expavg_credit:f}\n"
        f"   nrpc_failures: {p.nrpc_failures}\n"
        f"   master_fetch_failures: {p.master_fetch_failures}\n"
        f"   master fetch pending: {_yn(p.master_url_fetch_pending)}\n"
        f"   scheduler RPC pending: {_yn(p.sched_rpc_pending != 0)}\n"
        f"   trickle upload pending: {_yn(p.trickle_up_pending)}\n"
        f"   attached via Account Manager: {_yn(p.attached_via_acct_mgr)}\n"
        f"   ended: {_yn(p.ended)}\n"
        f"   suspended via GUI: {_yn(p.suspended_via_gui)}\n"
        f"   don't request more work: {_yn(p.dont_request_more_work)}\n"
        f"   disk usage: {p.disk_usage / scale:.2f}{unit}\n"
        f"   last RPC: {_ctime(p.last_rpc_time)}\n"
        f"   project files downloaded: {p.project_files_downloaded_time:f}\n"
    ]
    for u in p.gui_urls:
        out.append(f"GUI URL:\n   name: {u.name}\n   description: {u.description}\n   URL: {u.url}\n")
    out.append(
        f"   jobs succeeded: {p.njobs_success}\n"
        f"   jobs failed: {p.njobs_error}\n"
        f"   elapsed time: {p.elapsed_time:f}\n"
        f"   cross-project ID: {p.external_cpid}\n"
    )
    return "".join(out)


def _result(r: Result, fmt: Format, project_name: str = "") -> str:
    """``RESULT::print`` (the hot path of ``--get_tasks`` and ``--get_state``): one string, one f-string."""
    state = r.state
    at = r.active_task
    project = f"   project: {project_name}\n" if fmt.v8 and project_name else ""
    running = finished = remaining = ""
    if at is None:
        sched = task_state = 0
        current_cpu = elapsed = 0.0
    else:
        sched, task_state = at.scheduler_state, at.active_task_state
        current_cpu = at.current_cpu_time
        elapsed = at.elapsed_time
        if sched > 0:
            sent, received = at.bytes_sent, at.bytes_received
            running = (
                f"   slot: {at.slot}\n"
                f"   PID: {at.pid}\n"
                f"   CPU time at last checkpoint: {at.checkpoint_cpu_time:f}\n"
                f"   current CPU time: {current_cpu:f}\n"
                f"   fraction done: {at.fraction_done:f}\n"
                f"   swap size: {at.swap_size / MEGA:.0f} MB\n"
                f"   working set size: {at.working_set_size_smoothed / MEGA:.0f} MB\n"
            )
            if sent or received:
                running += f"   bytes sent: {sent:.0f} received: {received:.0f}\n"
    if state <= 2:
        # the C++ library copies the CPU time into a zero elapsed time
        remaining = (
            f"{'   suspended via GUI: yes' + chr(10) if r.suspended_via_gui else ''}"
            f"   estimated CPU time remaining: {r.estimated_cpu_time_remaining:f}\n"
            f"   elapsed task time: {elapsed or current_cpu:f}\n"
        )
    else:
        final_cpu = r.final_cpu_time
        finished = (
            f"   final CPU time: {final_cpu:f}\n"
            f"   final elapsed time: {r.final_elapsed_time or final_cpu:f}\n"
            f"   exit_status: {r.exit_status}\n"
            f"   signal: {r.signal}\n"
        )
    return (
        f"   name: {r.name}\n   WU name: {r.wu_name}\n{project}"
        f"   project URL: {r.project_url}\n"
        f"   received: {_ctime(r.received_time)}"
        f"   report deadline: {_ctime(r.report_deadline)}"
        f"   ready to report: {'yes' if r.ready_to_report else 'no'}\n"
        f"   state: {_state_text(state)}\n"
        f"   scheduler state: {_scheduler_text(sched)}\n"
        f"   active_task_state: {_task_state_text(task_state)}\n"
        f"   app version num: {r.version_num}\n"
        f"   resources: {r.resources or '1 CPU'}\n"
        f"{remaining}{running}{finished}"
    )


def format_projects(projects: Sequence[Project], fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_project_status``: ``PROJECTS::print``."""
    _reset_clock()  # the time zone may have changed since the last call
    yield "======== Projects ========\n"
    yield from _numbered(_project(p, fmt) for p in projects)


def format_project_urls(projects: Sequence[Project], fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_project_urls``: one master URL a line."""
    for p in projects:
        yield f"{p.master_url}\n"


def format_results(results: Sequence[Result], fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_tasks``: ``RESULTS::print``."""
    _reset_clock()  # the time zone may have changed since the last call
    yield "\n======== Tasks ========\n"
    for n, r in enumerate(results, 1):
        yield f"{n}) -----------\n{_result(r, fmt)}"


def format_simple_gui_info(info: SimpleGuiInfo, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_simple_gui_info``: projects, then tasks."""
    yield from format_projects(info.projects, fmt)
    yield "\n======== Tasks ========\n"
    for n, r in enumerate(info.results, 1):
        yield f"{n}) -----------\n{_result(r, fmt)}"


def _app_version(av: AppVersion, project_name: str, fmt: Format) -> str:
    out = [f"   project: {project_name}\n   application: {av.app_name}\n   platform: {av.platform}\n"]
    if av.plan_class:
        out.append(f"   plan class: {av.plan_class}\n")
    out.append(f"   version: {av.version_num / 100.0:.2f}\n")
    if av.avg_ncpus != 1:
        out.append(f"   avg #CPUS: {av.avg_ncpus:.3f}\n")
    flops = av.flops
    if fmt.v8:
        if flops >= 1e12:
            out.append(f"   estimated speed: {flops / 1e12:.2f} TFLOPS\n")
        elif flops >= 1e9:
            out.append(f"   estimated speed: {flops / 1e9:.2f} GFLOPS\n")
        else:
            out.append(f"   estimated speed: {flops / 1e6:.2f} MFLOPS\n")
    else:
        out.append(f"   estimated GFLOPS: {flops / 1e9:.2f}\n")
    # APP_VERSION::parse keeps the last main program's name
    exec_filename = next((ref.file_name for ref in reversed(av.file_refs) if ref.main_program), "")
    out.append(f"   filename: {exec_filename}\n")
    return "".join(out)


def _workunit(wu: Workunit, project_name: str, fmt: Format) -> str:
    out = [f"   project: {project_name}\n"] if fmt.v8 else []
    out.append(
        f"   name: {wu.name}\n"
        f"   FP estimate: {wu.rsc_fpops_est:e}\n"
        f"   FP bound: {wu.rsc_fpops_bound:e}\n"
        f"   memory bound: {wu.rsc_memory_bound / MEGA:.2f} MB\n"
        f"   disk bound: {wu.rsc_disk_bound / MEGA:.2f} MB\n"
    )
    if wu.job_keywords:
        out.append("   keywords:\n")
        out.extend(f"      {k.name}\n" for k in wu.job_keywords)
    return "".join(out)


def _time_stats(t: TimeStats) -> str:
    return (
        f"  now: {t.now:f}\n"
        f"  on_frac: {t.on_frac:f}\n"
        f"  connected_frac: {t.connected_frac:f}\n"
        f"  cpu_and_network_available_frac: {t.cpu_and_network_available_frac:f}\n"
        f"  active_frac: {t.active_frac:f}\n"
        f"  gpu_active_frac: {t.gpu_active_frac:f}\n"
        f"  client_start_time: {_ctime(t.client_start_time)}\n"
        f"  previous_uptime: {t.previous_uptime:f}\n"
        f"  session_active_duration: {t.session_active_duration:f}\n"
        f"  session_gpu_active_duration: {t.session_gpu_active_duration:f}\n"
        f"  total_start_time: {_ctime(t.total_start_time)}\n"
        f"  total_duration: {t.total_duration:f}\n"
        f"  total_active_duration: {t.total_active_duration:f}\n"
        f"  total_gpu_active_duration: {t.total_gpu_active_duration:f}\n"
    )


def format_state(state: CcState, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_state``: ``CC_STATE::print``, of the items ``CC_STATE::parse`` keeps.

    The C++ keeps an app, app version, workunit or task only if it follows a
    project, an app version or workunit only if its project has its app, and a
    task only if it has a workunit and an app version: those are the links
    :class:`~boinc.gui_rpc.structs.CcState` answers.
    """
    _reset_clock()  # the time zone may have changed since the last call
    project_of = state.project_of
    app_of = state.app_of
    projects = [_project(p, fmt) for p in state.projects]
    apps: list[str] = []
    for a in state.apps:
        owner = project_of(a)
        if owner is not None:
            apps.append(f"   name: {a.name}\n   Project: {owner.project_name}\n")
    versions: list[str] = []
    for av in state.app_versions:
        owner = project_of(av)
        if owner is not None and app_of(av) is not None:
            versions.append(_app_version(av, owner.project_name, fmt))
    wus: list[str] = []
    for w in state.workunits:
        owner = project_of(w)
        if owner is not None and app_of(w) is not None:
            wus.append(_workunit(w, owner.project_name, fmt))
    results: list[str] = []
    workunit_of = state.workunit_of
    app_version_of = state.app_version_of
    for r in state.results:
        owner = project_of(r)
        if owner is not None and workunit_of(r) is not None and app_version_of(r) is not None:
            results.append(_result(r, fmt, owner.project_name))
    yield "======== Projects ========\n"
    yield from _numbered(projects)
    yield "\n======== Applications ========\n"
    yield from _numbered(apps)
    yield "\n======== Application versions ========\n"
    yield from _numbered(versions)
    yield "\n======== Workunits ========\n"
    yield from _numbered(wus)
    yield "\n======== Tasks ========\n"
    yield from _numbered(results)
    yield "\n======== Time stats ========\n"
    if state.time_stats is None:
        from .gui_rpc.structs.stats import TimeStats

        yield _time_stats(TimeStats())
    else:
        yield _time_stats(state.time_stats)


def format_file_transfers(transfers: Sequence[FileTransfer], fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_file_transfers``: ``FILE_TRANSFERS::print``.

    ``sticky`` is always ``no``: the client does not send it to GUIs.
    """
    yield "\n======== File transfers ========\n"
    for n, ft in enumerate(transfers, 1):
        pfx, xfer = ft.persistent_file_xfer, ft.file_xfer
        out = (
            f"{n}) -----------\n"
            f"   name: {ft.name}\n"
            f"   direction: {'upload' if ft.is_upload else 'download'}\n"
            "   sticky: no\n"
            f"   xfer active: {_yn(xfer is not None)}\n"
            f"   time_so_far: {pfx.time_so_far if pfx is not None else 0.0:f}\n"
        )
        if fmt.v8 and xfer is not None:
            out += f"   estimated_xfer_time_remaining: {xfer.estimated_xfer_time_remaining:f}\n"
        done = pfx.last_bytes_xferred if pfx is not None else 0.0
        speed = xfer.xfer_speed if xfer is not None else 0.0
        yield out + f"   bytes_xferred: {done:f}\n   xfer_speed: {speed:f}\n"


def format_disk_usage(usage: DiskUsage, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_disk_usage``: ``DISK_USAGE::print``."""
    unit, scale = ("GB", GIGA) if fmt.v8 else ("MB", MEGA)
    yield (
        "======== Disk usage ========\n"
        f"total: {usage.d_total / scale:.2f}{unit}\n"
        f"free: {usage.d_free / scale:.2f}{unit}\n"
    )
    for n, p in enumerate(usage.projects, 1):
        yield f"{n}) -----------\n   master URL: {p.master_url}\n   disk usage: {p.disk_usage / scale:.2f}{unit}\n"


def format_old_results(old: Sequence[OldResult], fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_old_tasks``: ``OLD_RESULT::print`` for each."""
    _reset_clock()  # the time zone may have changed since the last call
    done, acked = ("task completed", "acked by project") if fmt.v8 else ("completed time", "reported time")
    for o in old:
        completed = time_to_string(o.completed_time)
        # 7.20.5 passes time_to_string() twice to one printf; the function returns a
        # static buffer, so both lines show the completion time.
        reported = time_to_string(o.create_time) if fmt.v8 else completed
        yield (
            f"task {o.result_name}:\n"
            f"   project URL: {o.project_url}\n"
            f"   app name: {o.app_name}\n"
            f"   exit status: {o.exit_status}\n"
            f"   elapsed time: {o.elapsed_time:f} sec\n"
            f"   {done}: {completed}\n"
            f"   {acked}: {reported}\n"
        )


def format_daily_xfer_history(days: Sequence[DailyXfer], fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_daily_xfer_history``: one line a day."""
    for dx in days:
        try:
            day = time.strftime("%d-%b-%Y", time.localtime(dx.when * 86400))
        except (OverflowError, ValueError, OSError):
            day = ""
        yield f"{day}: {dx.up:.0f} bytes uploaded, {dx.down:.0f} bytes downloaded\n"


def format_messages(messages: Sequence[Message], fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_messages``: ``SEQNO: TIME (PRIORITY) [PROJECT] BODY`` a message."""
    _reset_clock()  # the time zone may have changed since the last call
    for m in messages:
        yield f"{m.seqno}: {time_to_string(m.time)} ({prio_name(m.pri)}) [{m.project}] {m.body}\n"


def user_alerts(messages: Sequence[Message]) -> list[str]:
    """The bodies of the user alerts not from a project (boinccmd's ``show_alerts``)."""
    return [m.body for m in messages if m.pri == 2 and not m.project]


def format_notices(notices: Sequence[Notice], fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_notices``: ``SEQNO: (TIME) DESCRIPTION``, newest first; seqno -1 drops those before it."""
    _reset_clock()  # the time zone may have changed since the last call
    lines: list[str] = []
    for n in notices:
        if n.seqno == -1:
            lines.clear()
            continue
        lines.append(f"{n.seqno}: ({time_to_string(n.create_time)}) {n.description}\n")
    yield from reversed(lines)


def format_message_count(seqno: int, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_message_count``."""
    yield f"Greatest message sequence number: {seqno}\n"


def format_client_version(version: VersionInfo, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--client_version``."""
    yield f"Client version: {version.major}.{version.minor}.{version.release}\n"


def format_host_info(h: HostInfo, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_host_info``: ``HOST_INFO::print``, GPUs included."""
    yield (
        f"  timezone: {h.timezone}\n"
        f"  domain name: {h.domain_name}\n"
        f"  IP addr: {h.ip_addr}\n"
        f"  #CPUS: {h.p_ncpus}\n"
        f"  CPU vendor: {h.p_vendor}\n"
        f"  CPU model: {h.p_model}\n"
        f"  CPU FP OPS: {h.p_fpops:f}\n"
        f"  CPU int OPS: {h.p_iops:f}\n"
        f"  OS name: {h.os_name}\n"
        f"  OS version: {h.os_version}\n"
        f"  mem size: {h.m_nbytes:f}\n"
        f"  cache size: {h.m_cache:f}\n"
        f"  swap size: {h.m_swap:f}\n"
        f"  disk size: {h.d_total:f}\n"
        f"  disk free: {h.d_free:f}\n"
    )
    if h.coprocs is not None:
        yield from _gpu_lines(h)


def _opencl_line(o: OpenclDeviceProp | None, vendor: str, peak_flops: float, available_ram: float) -> str:
    """``OPENCL_DEVICE_PROP::description`` of a GPU the client uses."""
    if o is None:
        from .gui_rpc.structs.host import OpenclDeviceProp

        o = OpenclDeviceProp()
    device_version = o.opencl_device_version
    if len(device_version) > 1 and device_version.endswith(" "):
        device_version = device_version[:-1]
    return (
        f"    OpenCL: {vendor} {o.device_num}: {o.name[:64]} (driver version "
        f"{o.opencl_driver_version[:64]}, device version {device_version[:64]}, "
        f"{o.global_mem_size / MEGA:.0f}MB, {available_ram / MEGA:.0f}MB available, "
        f"{peak_flops / 1e9:.0f} GFLOPS peak)\n"
    )


def _gpu_lines(h: HostInfo) -> Iterator[str]:
    """``HOST_INFO::print``'s GPU lines (7.20.5: sizes in MB; a zero peak is not estimated)."""
    coprocs = h.coprocs
    assert coprocs is not None
    for c in coprocs.coproc_cudas[-1:]:
        if not c.count:
            continue
        total = c.totalGlobalMem
        available, peak = c.available_ram or total, c.peak_flops
        drv, cuda = c.drvVersion, c.cudaVersion
        driver = f"{drv // 100}.{drv % 100:02d}" if drv else "unknown"
        cuda_version = f"{cuda // 1000}.{cuda % 1000 // 10}" if cuda else "unknown"
        yield (
            f"  NVIDIA GPU: {c.name} (driver version {driver}, CUDA version {cuda_version}, "
            f"compute capability {c.major}.{c.minor}, {total / MEGA:.0f}MB, "
            f"{available / MEGA:.0f}MB available, {peak / 1e9:.0f} GFLOPS peak)\n"
        )
        if c.count > 1:
            yield f"    Count: {c.count}\n"
        if c.have_opencl:
            yield _opencl_line(c.coproc_opencl, "NVIDIA", peak, available)
    for a in coprocs.coproc_atis[-1:]:
        if not a.count:
            continue
        local_ram = a.localRAM
        available, peak = a.available_ram or local_ram * MEGA, a.peak_flops
        yield (
            f"  AMD GPU: {a.name} (CAL version {a.CALVersion}, {local_ram % (1 << 32)}MB, "
            f"{available / MEGA:.0f}MB available, {peak / 1e9:.0f} GFLOPS peak)\n"
        )
        if a.count > 1:
            yield f"    Count: {a.count}\n"
        if a.have_opencl:
            yield _opencl_line(a.coproc_opencl, "AMD", peak, available)
    for g in coprocs.coproc_intel_gpus[-1:]:
        if not g.count:
            continue
        yield "  Intel GPU\n"
        if g.count > 1:
            yield f"    Count: {g.count}\n"
        if g.have_opencl:
            prop = g.coproc_opencl
            yield _opencl_line(prop, "Intel GPU", g.peak_flops, prop.global_mem_size if prop is not None else 0.0)


def format_proxy_info(p: ProxyInfo, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_proxy_settings``: ``GR_PROXY_INFO::print`` (passwords are not shown)."""
    yield (
        f"HTTP server name: {p.http_server_name}\n"
        f"HTTP server port: {p.http_server_port}\n"
        f"HTTP user name: {p.http_user_name}\n"
        f"SOCKS server name: {p.socks_server_name}\n"
        f"SOCKS server port: {p.socks_server_port}\n"
        f"SOCKS5 user name: {p.socks5_user_name}\n"
        f"no proxy hosts: {p.no_proxy}\n"
    )


def format_cc_status(c: CcStatus, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_cc_status``: ``CC_STATUS::print``."""
    out = [f"network connection status: {network_status_string(c.network_status)}\n"]
    for label, reason, mode, perm, delay in (
        ("CPU", c.task_suspend_reason, c.task_mode, c.task_mode_perm, c.task_mode_delay),
        ("GPU", c.gpu_suspend_reason, c.gpu_mode, c.gpu_mode_perm, c.gpu_mode_delay),
        ("Network", c.network_suspend_reason, c.network_mode, c.network_mode_perm, c.network_mode_delay),
    ):
        out.append(f"{label} status\n")
        if reason:
            out.append(f"    suspended: {suspend_reason_string(reason, BOINCCMD_VERSION)}\n")
        else:
            out.append("    not suspended\n")
        out.append(
            f"    current mode: {run_mode_string(mode)}\n"
            f"    perm mode: {run_mode_string(perm)}\n"
            f"    perm becomes current in {delay:.0f} sec\n"
        )
    yield "".join(out)


def format_acct_mgr_info(a: AcctMgrInfo, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--acct_mgr info``: ``ACCT_MGR_INFO::print``."""
    yield f"Account manager info:\n   Name: {a.acct_mgr_name}\n   URL: {a.acct_mgr_url}\n"


def format_app_config(config: AppConfigs, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_app_config``: ``APP_CONFIGS::write``, the project's ``app_config.xml`` re-serialised."""
    out = ["<app_config>\n"]
    for a in config.apps:
        gpu_usage = a.gpu_versions.gpu_usage if a.gpu_versions is not None else 0.0
        cpu_usage = a.gpu_versions.cpu_usage if a.gpu_versions is not None else 0.0
        out.append(
            "    <app>\n"
            f"        <name>{a.name}</name>\n"
            f"        <max_concurrent>{a.max_concurrent}</max_concurrent>\n"
            "        <gpu_versions>\n"
            f"            <gpu_usage>{gpu_usage:f}</gpu_usage>\n"
            f"            <cpu_usage>{cpu_usage:f}</cpu_usage>\n"
            "        </gpu_versions>\n"
            f"        <fraction_done_exact>{int(a.fraction_done_exact)}</fraction_done_exact>\n"
            f"        <report_results_immediately>{int(a.report_results_immediately)}"
            "</report_results_immediately>\n"
            "    </app>\n"
        )
    for v in config.app_versions:
        out.append(
            "    <app_version>\n"
            f"        <app_name>{v.app_name}</app_name>\n"
            f"        <plan_class>{v.plan_class}</plan_class>\n"
            f"        <cmdline>{v.cmdline}</cmdline>\n"
            f"        <avg_ncpus>{v.avg_ncpus:f}</avg_ncpus>\n"
            f"        <ngpus>{v.ngpus:f}</ngpus>\n"
            "    </app_version>\n"
        )
    out.append(
        f"    <project_max_concurrent>{config.project_max_concurrent}</project_max_concurrent>\n"
        f"    <report_results_immediately>{int(config.report_results_immediately)}</report_results_immediately>\n"
        "</app_config>\n"
    )
    yield "".join(out)


def format_project_config(c: ProjectConfig, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_project_config`` on success: ``PROJECT_CONFIG::print``."""
    yield f"uses_username: {int(c.uses_username)}\nname: {c.name}\nmin_passwd_length: {c.min_passwd_length}\n"


def format_account_out(a: AccountOut, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--lookup_account``/``--create_account`` when done: ``ACCOUNT_OUT::print``."""
    if a.error_num:
        yield f"error in account lookup: {boincerror(a.error_num)}\n"
    else:
        yield f"account key: {a.authenticator}\n"
