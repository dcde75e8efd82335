"""What each page shows, as plain JSON-ready data: the HTML pages and the JSON API render the same dicts.

Everything here reads an immutable :class:`~boinc.cluster.model.ClusterSnapshot` and builds
dicts of strings, numbers, booleans and lists. Strings that come from hosts stay as they are
(untrusted text): the templates escape them and the JSON API encodes them with ``jsonify``.
The overview of a snapshot is built once and reused until the poller publishes the next one.

This is the only module of the web app that reads :mod:`boinc.gui_rpc.structs` fields (scalar
fields only; sequences come from the model's :class:`~boinc.cluster.model.HostSnapshot`): each
reader is marked ``# struct fields:``.
"""

from __future__ import annotations

import threading
from typing import Any

from ...gui_rpc.enums import ResultState, RunMode, result_client_state_string, suspend_reason_string
from ...gui_rpc.structs import CcStatus, FileTransfer, Message, Notice, Project, Result
from ..history import FinishedTask, History
from ..model import ClusterSnapshot, HostSnapshot, TaskCounts, TaskStatus, task_status

__all__ = ["OverviewCache", "attention", "chart", "history_data", "host_detail", "host_row", "overview"]

Data = dict[str, Any]

#: The task buckets, in display order (keys of ``counts``).
COUNT_KEYS = ("running", "waiting", "suspended", "ready_to_report", "error")

_MODE_NAMES: dict[int, str] = {RunMode.ALWAYS: "always", RunMode.AUTO: "auto", RunMode.NEVER: "never"}


def mode_name(mode: int) -> str:
    """``always``, ``auto`` or ``never`` for a run mode; ``unknown`` for anything else."""
    return _MODE_NAMES.get(int(mode), "unknown")


def _suspend(reason: int) -> str:
    if reason <= 0:
        return ""
    return suspend_reason_string(reason) or "suspended"


def _mode(mode: int, perm: int, delay: float, reason: int) -> Data:
    return {"mode": mode_name(mode), "perm": mode_name(perm), "delay": delay, "suspended": _suspend(reason)}


def _modes(status: CcStatus | None) -> Data | None:
    # struct fields: CcStatus
    if status is None:
        return None
    s = status
    return {
        "run": _mode(s.task_mode, s.task_mode_perm, s.task_mode_delay, s.task_suspend_reason),
        "gpu": _mode(s.gpu_mode, s.gpu_mode_perm, s.gpu_mode_delay, s.gpu_suspend_reason),
        "network": _mode(s.network_mode, s.network_mode_perm, s.network_mode_delay, s.network_suspend_reason),
    }


def _project_name(project: Project) -> str:
    # struct fields: Project
    return project.project_name or project.master_url


def _counts(counts: TaskCounts) -> dict[str, int]:
    # TaskCounts.as_dict() is attrs.asdict: ten times slower than this, which a 1000-host overview feels
    return {
        "running": counts.running,
        "waiting": counts.waiting,
        "suspended": counts.suspended,
        "ready_to_report": counts.ready_to_report,
        "error": counts.error,
    }


def host_row(host: HostSnapshot) -> Data:
    """One row of the overview: state, modes, task counts, projects and last contact of one host."""
    return {
        **host.reachability(),
        "modes": _modes(host.cc_status),
        "counts": _counts(host.counts),
        "projects": [_project_name(p) for p in host.projects],
    }


# -- needs attention --------------------------------------------------------------------------


def time_left(result: Result) -> float:
    """Seconds of computing left at the task's current rate.

    A task with progress (``fraction_done`` > 0 after some elapsed time) extrapolates its own
    rate; any other uses the client's estimate ``estimated_cpu_time_remaining``.
    """
    # struct fields: Result, ActiveTask
    active = result.active_task
    if active is not None and active.fraction_done > 0 and active.elapsed_time > 0:
        done = min(active.fraction_done, 1.0)
        return active.elapsed_time * (1.0 - done) / done
    return max(result.estimated_cpu_time_remaining, 0.0)


def misses_deadline(result: Result, now: float) -> bool:
    """Whether a task not yet computed will finish after its deadline at its current rate."""
    # struct fields: Result, ActiveTask
    if result.state > ResultState.FILES_DOWNLOADED or result.ready_to_report or not result.report_deadline:
        return False
    return now + time_left(result) > result.report_deadline


def attention(snapshot: ClusterSnapshot, now: float) -> list[Data]:
    """What needs attention: hosts down, errored tasks, tasks that will miss their deadline, projects in back-off.

    Each item has ``kind`` (``host_down``, ``deadline``, ``task_errors``, ``backoff``), ``host``
    and a few fields of its kind; items come in that order of kinds, then in the hosts' order.
    """
    # struct fields: Result, Project
    down: list[Data] = []
    late_tasks: list[Data] = []
    errors: list[Data] = []
    backoffs: list[Data] = []
    for host in snapshot.hosts.values():
        if not host.up:
            down.append(
                {
                    "kind": "host_down",
                    "host": host.name,
                    "reason": host.reason.value if host.reason is not None else "not contacted yet",
                    "error": host.error,
                    "next_try": host.next_try,
                }
            )
        if host.counts.error:
            errored = [r.name for r in host.results if task_status(r) is TaskStatus.ERROR]
            errors.append({"kind": "task_errors", "host": host.name, "count": len(errored), "tasks": errored[:10]})
        late = [r for r in host.results if misses_deadline(r, now)]
        if late:
            late_tasks.append(
                {
                    "kind": "deadline",
                    "host": host.name,
                    "count": len(late),
                    "tasks": [{"name": r.name, "deadline": r.report_deadline} for r in late[:10]],
                }
            )
        for project in host.projects:
            if project.min_rpc_time > now:
                backoffs.append(
                    {
                        "kind": "backoff",
                        "host": host.name,
                        "project": _project_name(project),
                        "project_url": project.master_url,
                        "until": project.min_rpc_time,
                        "failures": project.nrpc_failures,
                    }
                )
    return down + late_tasks + errors + backoffs


def overview(snapshot: ClusterSnapshot, now: float) -> Data:
    """The overview page: every host's row, the totals and the "needs attention" list."""
    rows = [host_row(h) for h in snapshot.hosts.values()]
    totals = dict.fromkeys(COUNT_KEYS, 0)
    for host in snapshot.hosts.values():
        counts = host.counts
        totals["running"] += counts.running
        totals["waiting"] += counts.waiting
        totals["suspended"] += counts.suspended
        totals["ready_to_report"] += counts.ready_to_report
        totals["error"] += counts.error
    projects = sorted({(_project_name(p), p.master_url) for h in snapshot.hosts.values() for p in h.projects})
    return {
        "taken_at": snapshot.taken_at,
        "up": snapshot.up,
        "down": snapshot.down,
        "totals": totals,
        "groups": list(snapshot.groups),
        "projects": [{"name": name, "master_url": url} for name, url in projects],
        "hosts": rows,
        "attention": attention(snapshot, now),
    }


class OverviewCache:
    """The overview of the latest snapshot, built once per snapshot and group (snapshots are immutable)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: ClusterSnapshot | None = None
        self._data: dict[str | None, Data] = {}

    def get(self, snapshot: ClusterSnapshot, now: float, group: str | None = None) -> Data:
        """The overview of ``snapshot``, or of its hosts in ``group``.

        Raises:
            ValueError: no host is in ``group``.
        """
        with self._lock:
            if self._key is not snapshot:
                self._data = {}
                self._key = snapshot
            data = self._data.get(group)
            if data is None:
                part = snapshot
                if group is not None:
                    hosts = snapshot.hosts
                    part = ClusterSnapshot(
                        hosts={n: hosts[n] for n in snapshot.select(groups=[group])}, taken_at=snapshot.taken_at
                    )
                data = self._data[group] = overview(part, now)
                data["group"] = group
                data["groups"] = list(snapshot.groups)
            return data


# -- the host page ----------------------------------------------------------------------------


def _task(result: Result, names: dict[str, str], now: float) -> Data:
    # struct fields: Result, ActiveTask
    active = result.active_task
    return {
        "name": result.name,
        "wu_name": result.wu_name,
        "project_url": result.project_url,
        "project": names.get(result.project_url, result.project_url),
        "status": task_status(result).value,
        "state": result_client_state_string(result.state),
        "active": active is not None,
        "fraction_done": active.fraction_done if active is not None else (1.0 if result.state > 2 else 0.0),
        "elapsed": active.elapsed_time if active is not None else result.final_elapsed_time,
        "time_left": time_left(result),
        "deadline": result.report_deadline,
        "late": misses_deadline(result, now),
        "suspended": result.suspended_via_gui,
        "exit_status": result.exit_status,
        "resources": result.resources,
    }


def _project(project: Project, now: float) -> Data:
    # struct fields: Project
    return {
        "master_url": project.master_url,
        "name": _project_name(project),
        "suspended": project.suspended_via_gui,
        "no_more_work": project.dont_request_more_work,
        "detach_when_done": project.detach_when_done,
        "backoff_until": project.min_rpc_time if project.min_rpc_time > now else None,
        "rpc_failures": project.nrpc_failures,
        "user_total_credit": project.user_total_credit,
        "host_total_credit": project.host_total_credit,
        "resource_share": project.resource_share,
    }


def _transfer(transfer: FileTransfer) -> Data:
    # struct fields: FileTransfer, PersistentFileXfer, FileXfer
    pers = transfer.persistent_file_xfer
    live = transfer.file_xfer
    done = live.bytes_xferred if live is not None else (pers.last_bytes_xferred if pers is not None else 0.0)
    return {
        "project_url": transfer.project_url,
        "project": transfer.project_name,
        "name": transfer.name,
        "direction": "upload" if transfer.is_upload else "download",
        "nbytes": transfer.nbytes,
        "bytes_done": done,
        "active": live is not None,
        "retries": pers.num_retries if pers is not None else 0,
        "next_try": pers.next_request_time if pers is not None and pers.next_request_time else None,
        "project_backoff": transfer.project_backoff,
        "status": transfer.status,
    }


def _message(message: Message) -> Data:
    # struct fields: Message
    return {
        "seqno": message.seqno,
        "time": message.time,
        "project": message.project,
        "priority": int(message.pri),
        "body": message.body,
    }


def _safe_link(link: str) -> str:
    """The link if it is an http(s) URL, else empty (a ``javascript:`` URL is never made a link)."""
    return link if link.lower().startswith(("http://", "https://")) else ""


def _notice(notice: Notice) -> Data:
    # struct fields: Notice
    return {
        "seqno": notice.seqno,
        "title": notice.title,
        "description": notice.description,
        "project": notice.project_name,
        "category": notice.category,
        "create_time": notice.create_time,
        "link": _safe_link(notice.link),
    }


def host_detail(host: HostSnapshot, now: float) -> Data:
    """The host page: its row plus tasks, projects (as objects, not names), transfers, event log and notices."""
    names = {p.master_url: _project_name(p) for p in host.projects}
    data = host_row(host)
    data.update(
        tasks=[_task(r, names, now) for r in host.results],
        projects=[_project(p, now) for p in host.projects],
        transfers=[_transfer(t) for t in host.file_transfers],
        messages=[_message(m) for m in host.messages],
        notices=[_notice(n) for n in host.notices],
    )
    return data


# -- history ----------------------------------------------------------------------------------

_HOUR = 3600.0


def history_data(
    history: History | None,
    snapshot: ClusterSnapshot,
    now: float,
    *,
    hours: int = 48,
    limit: int = 100,
    host: str | None = None,
    project_url: str | None = None,
) -> Data:
    """The history page: finished tasks per hour for the last ``hours`` hours, and the latest ones.

    ``per_hour`` lists ``{"hour": start, "count": n}`` for every hour, oldest first (empty hours
    included); ``recent`` the latest finished tasks, newest first. ``host`` and ``project_url``
    narrow both to one host or one project. Project names come from ``snapshot``.
    """
    filters: Data = {"host": host or None, "project_url": project_url or None}
    if history is None:
        return {"available": False, "hours": hours, "total": 0, "per_hour": [], "recent": [], "filters": filters}
    end = (now // _HOUR + 1) * _HOUR
    start = end - hours * _HOUR
    counts = dict(history.completed_per_hour(since=start, until=end, host=host, project_url=project_url))
    per_hour = [{"hour": start + i * _HOUR, "count": counts.get(start + i * _HOUR, 0)} for i in range(hours)]
    names = {p.master_url: _project_name(p) for h in snapshot.hosts.values() for p in h.projects}
    recent = history.tasks(host=host, project_url=project_url, limit=limit)
    return {
        "available": True,
        "hours": hours,
        "total": sum(p["count"] for p in per_hour),
        "per_hour": per_hour,
        "recent": [_finished(t, names) for t in recent],
        "filters": filters,
    }


def _finished(task: FinishedTask, names: dict[str, str]) -> Data:
    # struct fields: FinishedTask (boinc.cluster.history)
    return {
        "host": task.host,
        "project": names.get(task.project_url, task.project_url),
        "project_url": task.project_url,
        "name": task.name,
        "app": task.app_name,
        "completed": task.completed_time,
        "elapsed": task.elapsed_time,
        "cpu_time": task.cpu_time,
        "exit_status": task.exit_status,
        "outcome": task.outcome.value,
        "reported": task.reported,
    }


def _nice_max(n: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten that is at least ``n`` (at least 1)."""
    scale = 1
    while True:
        for step in (1, 2, 5):
            if step * scale >= n:
                return step * scale
        scale *= 10


def chart(per_hour: list[Data], *, width: int = 720, height: int = 180) -> Data:
    """The bar chart of completed tasks per hour, as numbers for the SVG template (no text from hosts)."""
    import time as _time

    left, bottom, top = 36, 18, 8
    base = height - bottom
    top_value = _nice_max(max((p["count"] for p in per_hour), default=0))
    span = base - top
    slot = (width - left) / max(len(per_hour), 1)
    bars = []
    for i, point in enumerate(per_hour):
        h = span * point["count"] / top_value
        label = _time.strftime("%Y-%m-%d %H:00 UTC", _time.gmtime(point["hour"]))
        bars.append(
            {
                "x": round(left + i * slot + 0.5, 1),
                "y": round(base - h, 1),
                "w": round(max(slot - 1, 1), 1),
                "h": round(h, 1),
                "title": f"{label}: {point['count']}",
            }
        )
    yticks = [{"y": round(base - span * f, 1), "label": str(round(top_value * f))} for f in (0, 0.5, 1)]
    every = max(1, len(per_hour) // 8)
    xticks = [
        {"x": round(left + (i + 0.5) * slot, 1), "label": _time.strftime("%H:00", _time.gmtime(p["hour"]))}
        for i, p in enumerate(per_hour)
        if i % every == 0
    ]
    return {
        "width": width,
        "height": height,
        "left": left,
        "base": base,
        "bars": bars,
        "yticks": yticks,
        "xticks": xticks,
    }
