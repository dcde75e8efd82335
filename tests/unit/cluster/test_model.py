"""The snapshot model: reasons, task buckets, immutability, selection."""

from __future__ import annotations

import socket

import attrs
import pytest

from boinc import errors
from boinc.cluster.model import (
    ClusterSnapshot,
    HostConfig,
    HostSnapshot,
    Reason,
    TaskCounts,
    TaskStatus,
    reason_of,
    task_status,
)
from boinc.gui_rpc.enums import ResultState, SchedulerState
from boinc.gui_rpc.structs import ActiveTask, Result


def test_reasons_are_distinct() -> None:
    assert len({r.value for r in Reason}) == len(Reason)
    refused = errors.ConnectError("cannot connect")
    refused.__cause__ = ConnectionRefusedError()
    unresolved = errors.ConnectError("cannot connect")
    unresolved.__cause__ = socket.gaierror()
    cases = {
        Reason.REFUSED: reason_of(refused, has_password=True),
        Reason.OTHER: reason_of(unresolved, has_password=True),
        Reason.TIMED_OUT: reason_of(errors.RpcTimeout("slow"), has_password=True),
        Reason.NOT_BOINC: reason_of(errors.ProtocolError("junk"), has_password=True),
        Reason.WRONG_PASSWORD: reason_of(errors.AuthenticationError("no"), has_password=True),
        Reason.NO_PASSWORD: reason_of(errors.AuthenticationError("no"), has_password=False),
    }
    assert all(k is v for k, v in cases.items())


def test_host_config_hides_password_and_formats_address() -> None:
    config = HostConfig(name="a", host="::1", port=5, password="s3cret", groups=["gpu"])
    assert "s3cret" not in repr(config)
    assert config.address == "[::1]:5"
    assert config.groups == ("gpu",)
    assert config.resolve_password() == "s3cret"
    assert HostConfig(name="b", host="h").resolve_password() is None


def test_host_config_password_file(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "pw"
    path.write_text("  from-file \nsecond\n")
    assert HostConfig(name="a", host="h", password_file=str(path)).resolve_password() == "from-file"


def _task(**kw: object) -> Result:
    return Result(name="t", **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("task", "status"),
    [
        (_task(), TaskStatus.WAITING),
        (_task(state=ResultState.COMPUTE_ERROR, ready_to_report=True), TaskStatus.ERROR),
        (_task(state=ResultState.FILES_UPLOADED, ready_to_report=True), TaskStatus.READY_TO_REPORT),
        (_task(suspended_via_gui=True, active_task=ActiveTask()), TaskStatus.SUSPENDED),
        (_task(active_task=ActiveTask(scheduler_state=SchedulerState.SCHEDULED)), TaskStatus.RUNNING),
        (_task(active_task=ActiveTask(scheduler_state=SchedulerState.PREEMPTED)), TaskStatus.WAITING),
    ],
)
def test_task_status(task: Result, status: TaskStatus) -> None:
    assert task_status(task) is status


def test_counts() -> None:
    counts = TaskCounts.of([_task(), _task(), _task(state=ResultState.ABORTED)])
    assert counts == TaskCounts(waiting=2, error=1)
    assert counts.total == 3
    assert counts.as_dict()["waiting"] == 2


def test_snapshots_are_immutable_and_select() -> None:
    a = HostSnapshot(name="a", groups=("gpu",), up=True)
    b = HostSnapshot(name="b", reason=Reason.REFUSED)
    snap = ClusterSnapshot(hosts={"a": a, "b": b}, taken_at=1.0)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        snap.taken_at = 2.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        snap.hosts["c"] = a  # type: ignore[index]
    assert (snap.up, snap.down, snap.groups) == (1, 1, ("gpu",))
    assert snap.select() == ["a", "b"]
    assert snap.select(groups=["gpu"]) == ["a"]
    assert snap.select(names=["b"], groups=["gpu"]) == ["a", "b"]
    with pytest.raises(ValueError, match="no such host: z"):
        snap.select(names=["z"])
    with pytest.raises(ValueError, match="no such group"):
        snap.select(groups=["cpu"])


def test_the_cluster_core_needs_neither_flask_nor_prometheus_client() -> None:
    import subprocess
    import sys

    code = (
        "import sys, boinc, boinc.cluster\n"
        "from boinc.cluster import model, hosts, poller, history, cli\n"
        "boinc.cluster.Poller, boinc.cluster.History, boinc.cluster.load_hosts\n"
        "loaded = [m for m in ('flask', 'werkzeug', 'waitress', 'prometheus_client') if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
