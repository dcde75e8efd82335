"""The control actions of the web app: one table of operations, parsed once for forms and JSON.

A page form and the JSON API send the same fields; :func:`parse_mode`, :func:`parse_project`
and :func:`parse_task` check them against the latest snapshot (hosts must exist, modes and
operations must be known) and raise :class:`BadAction` with a message for the user. The parsed
action's ``coroutine(poller)`` is what runs on the poller's event loop.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

import attrs

from ...gui_rpc.enums import RunMode
from ..model import ClusterSnapshot

__all__ = [
    "MODES",
    "MODE_KINDS",
    "PARSERS",
    "PROJECT_OPS",
    "TASK_OPS",
    "TRANSFER_OPS",
    "Action",
    "BadAction",
    "CheckpointAction",
    "ModeAction",
    "ProjectAction",
    "TaskAction",
    "TransferAction",
    "parse_checkpoint",
    "parse_mode",
    "parse_project",
    "parse_task",
    "parse_transfer",
]

#: ``kind`` -> the poller's coroutine method that sets that mode.
MODE_KINDS: dict[str, str] = {"run": "set_run_mode", "gpu": "set_gpu_mode", "network": "set_network_mode"}
#: ``mode`` -> the run mode.
MODES: dict[str, RunMode] = {
    "always": RunMode.ALWAYS,
    "auto": RunMode.AUTO,
    "never": RunMode.NEVER,
    "restore": RunMode.RESTORE,
}
#: Project operations (``project_op``'s names, as ``boinccmd --project`` takes them) -> button text.
PROJECT_OPS: dict[str, str] = {
    "update": "Update",
    "suspend": "Suspend",
    "resume": "Resume",
    "nomorework": "No new tasks",
    "allowmorework": "Allow new tasks",
}
#: Task operations -> text; ``abort`` needs a confirmation, ``suspend_at_checkpoint`` is the poller's.
TASK_OPS: dict[str, str] = {
    "suspend": "Suspend",
    "resume": "Resume",
    "abort": "Abort",
    "suspend_at_checkpoint": "Suspend at next checkpoint",
}

#: File transfer operations -> text; ``abort`` needs a confirmation.
TRANSFER_OPS: dict[str, str] = {"retry": "Retry now", "abort": "Abort"}

#: The most seconds a timed mode may last (a year).
MAX_DURATION = 365 * 86400.0

Outcome = Mapping[str, Any]
Poller = Any


class BadAction(ValueError):
    """A control request names an unknown host, mode or operation, or lacks a field."""


@attrs.frozen(kw_only=True)
class ModeAction:
    """Set the run, GPU or network mode of some hosts, for ``duration`` seconds (0: until changed)."""

    hosts: tuple[str, ...]
    kind: str
    mode: str
    duration: float = 0.0

    def coroutine(self, poller: Poller) -> Coroutine[Any, Any, Outcome]:
        """The poller's coroutine that does it."""
        method: Callable[..., Coroutine[Any, Any, Outcome]] = getattr(poller, MODE_KINDS[self.kind])
        return method(list(self.hosts), MODES[self.mode], self.duration)

    def describe(self) -> str:
        """A sentence for the page."""
        span = f" for {self.duration:g} s" if self.duration else ""
        return f"{self.kind} mode {self.mode}{span}"


@attrs.frozen(kw_only=True)
class CheckpointAction:
    """Suspend every running task of some hosts right after its next checkpoint."""

    hosts: tuple[str, ...]

    def coroutine(self, poller: Poller) -> Coroutine[Any, Any, Outcome]:
        """The poller's coroutine that does it."""
        method: Callable[..., Coroutine[Any, Any, Outcome]] = poller.suspend_at_checkpoint
        return method(list(self.hosts))

    def describe(self) -> str:
        """A sentence for the page."""
        return "suspend running tasks at their next checkpoint"


@attrs.frozen(kw_only=True)
class ProjectAction:
    """A project operation on some hosts."""

    hosts: tuple[str, ...]
    project_url: str
    op: str

    def coroutine(self, poller: Poller) -> Coroutine[Any, Any, Outcome]:
        """The poller's coroutine that does it."""
        method: Callable[..., Coroutine[Any, Any, Outcome]] = poller.project_op
        return method(list(self.hosts), self.project_url, self.op)

    def describe(self) -> str:
        """A sentence for the page."""
        return f"project {self.op} ({self.project_url})"


@attrs.frozen(kw_only=True)
class _OnOneHost:
    """An operation on one thing (a task, a file) of one host."""

    host: str
    project_url: str
    name: str
    op: str

    @property
    def hosts(self) -> tuple[str, ...]:
        """The one host, as a tuple (like the other actions)."""
        return (self.host,)

    def coroutine(self, poller: Poller) -> Coroutine[Any, Any, Outcome]:
        """The poller's coroutine that does it (its outcome is ``{host: error or None}``)."""
        return self._run(poller)

    async def _run(self, poller: Poller) -> Outcome:
        raise NotImplementedError


@attrs.frozen(kw_only=True)
class TaskAction(_OnOneHost):
    """A task operation on one host."""

    async def _run(self, poller: Poller) -> Outcome:
        if self.op == "suspend_at_checkpoint":
            watched: Outcome = await poller.suspend_at_checkpoint([self.host], [(self.project_url, self.name)])
            return watched
        return {self.host: await poller.result_op(self.host, self.project_url, self.name, self.op)}

    def describe(self) -> str:
        """A sentence for the page."""
        return f"task {TASK_OPS[self.op].lower()} ({self.name})"


@attrs.frozen(kw_only=True)
class TransferAction(_OnOneHost):
    """A file transfer operation on one host: ``retry`` now, or ``abort`` (the task that needs the file fails)."""

    async def _run(self, poller: Poller) -> Outcome:
        return {self.host: await poller.file_transfer_op(self.host, self.project_url, self.name, self.op)}

    def describe(self) -> str:
        """A sentence for the page."""
        return f"transfer {TRANSFER_OPS[self.op].lower()} ({self.name})"


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise BadAction(f"missing {key}")
    return value


def _choice(data: Mapping[str, Any], key: str, choices: Mapping[str, object]) -> str:
    value = _text(data, key)
    if value not in choices:
        raise BadAction(f"unknown {key} {value!r}; one of {', '.join(choices)}")
    return value


def _names(data: Mapping[str, Any], key: str) -> list[str]:
    value = data.get(key, ())
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise BadAction(f"{key} must be a list of names")
    return [v for v in value if v]


def _selected(data: Mapping[str, Any], snapshot: ClusterSnapshot) -> tuple[str, ...]:
    """The hosts named in ``hosts`` and those of the groups named in ``groups``."""
    names, groups = _names(data, "hosts"), _names(data, "groups")
    if not names and not groups:
        raise BadAction("no host selected")
    try:
        return tuple(snapshot.select(names, groups))
    except ValueError as exc:
        raise BadAction(str(exc)) from None


def _duration(value: Any) -> float:
    if value in (None, ""):
        return 0.0
    try:
        duration = float(value)
    except (TypeError, ValueError):
        raise BadAction("duration must be a number of seconds") from None
    if isinstance(value, bool) or not math.isfinite(duration) or not 0 <= duration <= MAX_DURATION:
        raise BadAction(f"duration must be 0 to {MAX_DURATION:.0f} seconds")
    return duration


def parse_mode(data: Mapping[str, Any], snapshot: ClusterSnapshot) -> ModeAction:
    """A mode action from ``hosts`` (and/or ``groups``), ``kind``, ``mode`` and ``duration`` fields.

    Raises:
        BadAction: a field is missing or wrong, or a host is unknown.
    """
    return ModeAction(
        hosts=_selected(data, snapshot),
        kind=_choice(data, "kind", MODE_KINDS),
        mode=_choice(data, "mode", MODES),
        duration=_duration(data.get("duration")),
    )


def parse_checkpoint(data: Mapping[str, Any], snapshot: ClusterSnapshot) -> CheckpointAction:
    """A suspend-at-checkpoint action on the hosts of the ``hosts`` and ``groups`` fields.

    Raises:
        BadAction: no host, or an unknown host.
    """
    return CheckpointAction(hosts=_selected(data, snapshot))


def parse_project(data: Mapping[str, Any], snapshot: ClusterSnapshot) -> ProjectAction:
    """A project action from ``hosts`` (and/or ``groups``), ``project_url`` and ``op`` fields.

    Raises:
        BadAction: a field is missing or wrong, or a host is unknown.
    """
    return ProjectAction(
        hosts=_selected(data, snapshot),
        project_url=_text(data, "project_url"),
        op=_choice(data, "op", PROJECT_OPS),
    )


def _on_one_host(data: Mapping[str, Any], snapshot: ClusterSnapshot, ops: Mapping[str, str]) -> dict[str, str]:
    """The ``host``, ``project_url``, ``name`` and ``op`` fields of an action on one thing of one host."""
    host = _text(data, "host")
    if host not in snapshot.hosts:
        raise BadAction(f"no such host: {host}")
    return {
        "host": host,
        "project_url": _text(data, "project_url"),
        "name": _text(data, "name"),
        "op": _choice(data, "op", ops),
    }


def parse_transfer(data: Mapping[str, Any], snapshot: ClusterSnapshot) -> TransferAction:
    """A file transfer action from ``host``, ``project_url``, ``name`` (the file's) and ``op`` fields.

    Raises:
        BadAction: a field is missing or wrong, or the host is unknown.
    """
    return TransferAction(**_on_one_host(data, snapshot, TRANSFER_OPS))


def parse_task(data: Mapping[str, Any], snapshot: ClusterSnapshot) -> TaskAction:
    """A task action from ``host``, ``project_url``, ``name`` and ``op`` fields.

    Raises:
        BadAction: a field is missing or wrong, or the host is unknown.
    """
    return TaskAction(**_on_one_host(data, snapshot, TASK_OPS))


Action = ModeAction | ProjectAction | TaskAction | TransferAction | CheckpointAction

#: The kinds of action, as the JSON API's paths (``/api/control/<kind>``) and the forms' ``action`` field name them.
PARSERS: dict[str, Callable[[Mapping[str, Any], ClusterSnapshot], Action]] = {
    "modes": parse_mode,
    "projects": parse_project,
    "tasks": parse_task,
    "transfers": parse_transfer,
    "checkpoint": parse_checkpoint,
}
