"""What the master needs from a backend, and the records that pass between them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import attrs

__all__ = ["Backend", "BackendContext", "Finished", "Job"]


@attrs.frozen
class Job:
    """One run of a worker script on one input.

    Attributes:
        seq: the call's sequence number in the batch (0-based).
        name: the job's name, unique within the batch (``<batch token>_<seq>``).
        worker: absolute path of the worker script.
        payload: the encoded input.
        attempt: 1 for the first run, 2 for the first retry, ...
    """

    seq: int
    name: str
    worker: str
    payload: bytes
    attempt: int = 1


@attrs.frozen
class Finished:
    """A backend's report that a job ended.

    Attributes:
        seq: the job's sequence number.
        ok: True when the job succeeded and *output* is its output file.
        reason: why it failed (empty when *ok*).
        stderr_tail: the end of the worker's stderr, if known.
        output: the bytes of the job's output file (empty unless *ok*).
        logged: where the backend already logged the output in the batch
            directory, ``(log file name, offset)``; ``None``: the master logs it.
        runs: how many times the job ran for this report (a BOINC server may
            run a failing job several times before it gives up); counted
            against the master's ``retries``.
        final: the backend gave up on the job itself (its retries are spent
            where it ran): the master must not run it again.
    """

    seq: int
    ok: bool
    reason: str = ""
    stderr_tail: str = ""
    output: bytes = b""
    logged: tuple[str, int] | None = None
    runs: int = 1
    final: bool = False


@attrs.frozen
class BackendContext:
    """What the master hands a backend when it starts.

    Attributes:
        batch_dir: the batch directory; a backend may keep files in a
            subdirectory named after it (``local/``, ``boinc/``).
        token: the batch's random token, for unique job names.
        report: call it from any thread with each :class:`Finished`.
        load_state: returns the backend's own restart state (a JSON-ready
            dict kept in the batch's checkpoint file).
        save_state: replaces that state, atomically and durably.
        retries: the master's ``retries``: a job may run at most ``retries + 1``
            times in total, wherever the reruns happen.
    """

    batch_dir: str
    token: str
    report: Callable[[Finished], None]
    load_state: Callable[[], dict[str, object]]
    save_state: Callable[[dict[str, object]], None]
    retries: int = 0


class Backend(Protocol):
    """Runs jobs somewhere and reports when they end.

    A backend must tolerate being given, after a restart, jobs that it may
    already have run or submitted: the master re-submits every journaled job
    that has no result yet.

    Attributes:
        durable: True if submitted jobs survive a power cut of this machine
            (a BOINC server); the master then fsyncs the journal before every
            submission instead of in groups.
    """

    durable: bool

    def start(self, ctx: BackendContext) -> None:
        """Get ready to run jobs of the batch described by *ctx*."""

    def submit(self, jobs: Sequence[Job]) -> None:
        """Queue *jobs*; must not block for long."""

    def fractions(self) -> dict[int, float]:
        """Return the fraction done of running jobs, by sequence number."""

    def close(self, *, cancel: bool = False) -> None:
        """Stop: with *cancel*, abandon queued and running jobs."""
