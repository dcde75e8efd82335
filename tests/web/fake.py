"""A hand-made cluster snapshot and a fake poller that records control calls, for the web app's unit tests."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Coroutine
from typing import Any

from boinc import errors
from boinc.cluster.model import ClusterSnapshot, HostSnapshot, Reason, TaskCounts
from boinc.gui_rpc.enums import ResultState, RunMode, SchedulerState, SuspendReason
from boinc.gui_rpc.structs import (
    ActiveTask,
    CcStatus,
    FileTransfer,
    Message,
    Notice,
    PersistentFileXfer,
    Project,
    Result,
)

#: What a hostile host might send: markup in every string it controls.
EVIL = '<script>document.title="pwned";window.pwned=1</script>'
SECRET = "gui-rpc-secret-Zq81"
URL_A = "http://alpha.example/"
URL_EVIL = "http://evil.example/"


def _results(now: float) -> tuple[Result, ...]:
    running = ActiveTask(
        active_task_state=1, scheduler_state=SchedulerState.SCHEDULED, fraction_done=0.25, elapsed_time=3600.0
    )
    return (
        Result(
            name="task_running",
            project_url=URL_A,
            state=ResultState.FILES_DOWNLOADED,
            active_task=running,
            report_deadline=now + 86400 * 7,
        ),
        # 25 % in an hour -> 3 more hours, deadline in one: late
        Result(
            name="task_late",
            project_url=URL_A,
            state=ResultState.FILES_DOWNLOADED,
            active_task=running,
            report_deadline=now + 3600,
        ),
        Result(
            name="task_waiting",
            project_url=URL_A,
            state=ResultState.FILES_DOWNLOADED,
            estimated_cpu_time_remaining=600.0,
            report_deadline=now + 86400,
        ),
        Result(
            name="task_suspended",
            project_url=URL_A,
            state=ResultState.FILES_DOWNLOADED,
            suspended_via_gui=True,
            report_deadline=now + 86400,
        ),
        Result(name="task_done", project_url=URL_A, state=ResultState.FILES_UPLOADED, ready_to_report=True),
        Result(
            name="task_error", project_url=URL_A, state=ResultState.COMPUTE_ERROR, ready_to_report=True, exit_status=-1
        ),
        Result(name=EVIL, project_url=URL_EVIL, state=ResultState.FILES_DOWNLOADED, report_deadline=now + 86400),
    )


def snapshot(now: float | None = None) -> ClusterSnapshot:
    """Three hosts: ``node1`` up with every kind of task and a hostile project, ``node2`` idle, ``node3`` down."""
    now = time.time() if now is None else now
    status = CcStatus(
        task_mode=RunMode.AUTO,
        task_mode_perm=RunMode.AUTO,
        gpu_mode=RunMode.NEVER,
        gpu_mode_perm=RunMode.AUTO,
        gpu_mode_delay=1800.0,
        network_mode=RunMode.ALWAYS,
        network_mode_perm=RunMode.ALWAYS,
        task_suspend_reason=SuspendReason.NOT_SUSPENDED,
        gpu_suspend_reason=SuspendReason.USER_REQ,
        network_suspend_reason=SuspendReason.NOT_SUSPENDED,
    )
    results = _results(now)
    node1 = HostSnapshot(
        name="node1",
        address="127.0.0.1:31416",
        groups=("lab",),
        up=True,
        last_contact=now - 5,
        cc_status=status,
        results=results,
        projects=(
            Project(master_url=URL_A, project_name="Alpha@Lab", min_rpc_time=now + 600, nrpc_failures=2),
            Project(master_url=URL_EVIL, project_name=EVIL, suspended_via_gui=True),
        ),
        file_transfers=(
            FileTransfer(
                project_url=URL_A,
                project_name="Alpha@Lab",
                name="in_1.dat",
                nbytes=2048.0,
                persistent_file_xfer=PersistentFileXfer(num_retries=1, next_request_time=now + 60),
            ),
        ),
        messages=(Message(project="Alpha@Lab", seqno=1, body=f"hello {EVIL}", time=int(now) - 100),),
        notices=(
            Notice(
                title=EVIL,
                description=f"<b>bold</b>{EVIL}",
                project_name=EVIL,
                seqno=1,
                link="javascript:alert(1)",
                create_time=now - 50,
            ),
            Notice(
                title="Fine news",
                description="ok",
                project_name="Alpha@Lab",
                seqno=2,
                link="https://alpha.example/news",
                create_time=now - 40,
            ),
        ),
        counts=TaskCounts.of(results),
    )
    node2 = HostSnapshot(name="node2", address="127.0.0.1:31417", up=True, last_contact=now - 1, cc_status=status)
    node3 = HostSnapshot(
        name="node3",
        address="127.0.0.1:9",
        up=False,
        reason=Reason.REFUSED,
        error="connection refused",
        failures=3,
        next_try=now + 30,
    )
    return ClusterSnapshot(hosts={h.name: h for h in (node1, node2, node3)}, taken_at=now)


class FakePoller:
    """A poller without hosts: a fixed :attr:`snapshot`; control calls are recorded in :attr:`calls`."""

    def __init__(self, snap: ClusterSnapshot | None = None) -> None:
        self.snapshot = snap if snap is not None else snapshot()
        self.calls: list[tuple[Any, ...]] = []

    @property
    def hosts(self) -> list[str]:
        return list(self.snapshot.hosts)

    def _outcome(self, names: list[str]) -> dict[str, errors.BoincError | None]:
        return {n: None if self.snapshot.hosts[n].up else errors.HostDown(n, "refused") for n in names}

    async def set_run_mode(self, names: list[str], mode: RunMode, duration: float = 0) -> dict[str, Any]:
        self.calls.append(("set_run_mode", names, mode, duration))
        return self._outcome(names)

    async def set_gpu_mode(self, names: list[str], mode: RunMode, duration: float = 0) -> dict[str, Any]:
        self.calls.append(("set_gpu_mode", names, mode, duration))
        return self._outcome(names)

    async def set_network_mode(self, names: list[str], mode: RunMode, duration: float = 0) -> dict[str, Any]:
        self.calls.append(("set_network_mode", names, mode, duration))
        return self._outcome(names)

    async def project_op(self, names: list[str], url: str, op: str) -> dict[str, Any]:
        self.calls.append(("project_op", names, url, op))
        return self._outcome(names)

    async def result_op(self, name: str, project_url: str, task: str, op: str) -> errors.BoincError | None:
        self.calls.append(("result_op", name, project_url, task, op))
        return None

    async def file_transfer_op(self, name: str, project_url: str, filename: str, op: str) -> errors.BoincError | None:
        self.calls.append(("file_transfer_op", name, project_url, filename, op))
        return None

    async def suspend_at_checkpoint(self, names: list[str], tasks: Any = None) -> dict[str, Any]:
        self.calls.append(("suspend_at_checkpoint", names, tasks))
        return dict.fromkeys(names, 1)


class InlineRunner:
    """Runs control coroutines on a private event loop in the calling thread (tests only)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def call(self, coro: Coroutine[Any, Any, Any], timeout: float | None = None) -> Any:
        with self._lock:
            return asyncio.run(coro)


def verify(stored: str, candidate: str) -> bool:
    """A stand-in for the stored-hash check: ``stored`` is ``"plain:" + password``."""
    return stored == "plain:" + candidate
