"""The master: journals calls, drives a backend, hands results to ``handle_result`` exactly once per run."""

from __future__ import annotations

import contextvars
import os
import queue
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, Literal, TextIO

import attrs

from boinc.errors import JobFailed, JournalMismatch, PyboincError, UnsafePayload

from ._backend import Backend, BackendContext, Finished, Job
from ._batch import BatchDir, call_hash
from ._codec import Codec, JsonCodec
from ._local import LocalBackend

__all__ = ["JobFailure", "Master", "Progress", "default_batch_dir", "pyboinc_call", "pyboinc_master"]

_current: contextvars.ContextVar[Master | None] = contextvars.ContextVar("pyboinc_master", default=None)

_FLUSH_CALLS = 256
_FLUSH_SECONDS = 0.02
_SYNC_SECONDS = 0.5


@attrs.frozen
class Progress:
    """Where a batch stands.

    Attributes:
        done: jobs whose result was handled (replayed ones included).
        failed: jobs given up by the failure policy.
        total: number of calls, or ``None`` while ``make_calls`` is still running.
        running: the sum of the fractions done that running jobs reported.
        retries: job runs that failed and were retried, in this run.
        elapsed: seconds since this run started.
        eta: estimated seconds until the batch is finished, or ``None`` if unknown.
    """

    done: int
    failed: int
    total: int | None
    running: float
    retries: int
    elapsed: float
    eta: float | None


@attrs.frozen
class JobFailure:
    """A job that failed past its retries, as given to a callable ``on_error`` policy.

    Attributes:
        seq: the call's sequence number.
        name: the job's name.
        worker: the worker script.
        reason: why the last attempt failed.
        stderr_tail: the end of the worker's stderr in the last attempt.
        attempts: how many times the job ran.
    """

    seq: int
    name: str
    worker: str
    reason: str
    stderr_tail: str
    attempts: int


OnError = Literal["raise", "skip"] | Callable[[JobFailure], object]


def default_batch_dir() -> str:
    """Return the default batch directory: ``pyboinc_batch_<script>`` beside the master script.

    The master script is the program's ``__main__`` file; without one (an
    interactive session) the current directory is used.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if not path:
        return os.path.abspath("pyboinc_batch")
    stem = os.path.splitext(os.path.basename(path))[0]
    return os.path.join(os.path.dirname(os.path.abspath(path)), f"pyboinc_batch_{stem}")


class _ProgressDisplay:
    def __init__(self, stream: TextIO | None, callback: Callable[[Progress], object] | None) -> None:
        self.stream = stream
        self.callback = callback
        self.last_draw = 0.0
        self.drawn = False

    def update(self, p: Progress, *, force: bool = False) -> None:
        if self.callback is not None:
            self.callback(p)
        if self.stream is None:
            return
        now = time.monotonic()
        if not force and now - self.last_draw < 0.2:
            return
        self.last_draw = now
        total = "?" if p.total is None else str(p.total)
        eta = "" if p.eta is None else f", about {_fmt_seconds(p.eta)} left"
        fail = f", {p.failed} failed" if p.failed else ""
        retry = f", {p.retries} retried" if p.retries else ""
        self.stream.write(f"\r\x1b[K[pyboinc] {p.done}/{total} done{fail}{retry}{eta}")
        self.stream.flush()
        self.drawn = True

    def finish(self) -> None:
        if self.stream is not None and self.drawn:
            self.stream.write("\n")
            self.stream.flush()


def _fmt_seconds(s: float) -> str:
    s = int(s + 0.5)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


class Master:
    """Runs a PyBOINC batch: the object API behind :func:`pyboinc_master`.

    Typical use::

        master = Master(backend=LocalBackend(), on_error="skip")
        master.run(make_calls, handle_result)

    where ``make_calls`` calls :meth:`call` (or :func:`pyboinc_call`).

    Args:
        batch_dir: the batch directory; default :func:`default_batch_dir`.
            Re-running with the same directory resumes the batch.
        backend: where jobs run; default a new :class:`LocalBackend`.
        codec: how inputs and outputs are (de)serialized; default a
            :class:`JsonCodec` whose allow-list is the modules of the inputs.
        retries: how many times a failed job is run again before ``on_error``.
        on_error: ``"raise"`` (stop with :class:`~boinc.errors.JobFailed`),
            ``"skip"`` (record the failure, go on), or a callable given a
            :class:`JobFailure`, after which the job is skipped (it may raise
            to stop the batch).
        progress: called with a :class:`Progress` after every job and a few
            times a second while waiting.
        show_progress: draw a progress line on stderr; default: when stderr is
            a terminal.
        base_dir: where relative worker-script names are looked up; default
            the directory of the master script.

    Raises:
        ValueError: *retries* is negative or *on_error* is not valid.
    """

    def __init__(
        self,
        batch_dir: str | os.PathLike[str] | None = None,
        *,
        backend: Backend | None = None,
        codec: Codec | None = None,
        retries: int = 2,
        on_error: OnError = "raise",
        progress: Callable[[Progress], object] | None = None,
        show_progress: bool | None = None,
        base_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        if retries < 0:
            raise ValueError("retries must be >= 0")
        if not callable(on_error) and on_error not in ("raise", "skip"):
            raise ValueError(f"on_error must be 'raise', 'skip' or a callable, not {on_error!r}")
        self.batch_dir = os.fspath(batch_dir) if batch_dir is not None else default_batch_dir()
        self.backend: Backend = backend if backend is not None else LocalBackend()
        self.codec: Codec = codec if codec is not None else JsonCodec()
        self.retries = retries
        self.on_error = on_error
        if base_dir is None:
            main = sys.modules.get("__main__")
            main_file = getattr(main, "__file__", None)
            base_dir = os.path.dirname(os.path.abspath(main_file)) if main_file else os.getcwd()
        self.base_dir = os.fspath(base_dir)
        if show_progress is None:
            show_progress = sys.stderr is not None and sys.stderr.isatty()
        self._display = _ProgressDisplay(sys.stderr if show_progress else None, progress)
        self._batch: BatchDir | None = None
        self._events: queue.Queue[Finished] = queue.Queue()
        self._pending: list[Job] = []
        self._last_flush = 0.0
        self._last_sync = 0.0
        self._nmade = 0
        self._workers_ok: set[str] = set()
        self._paths: dict[str, str] = {}
        self._state_lock = threading.Lock()

    # -- making calls -------------------------------------------------------

    def call(self, worker_script: str, input: Any) -> int:  # noqa: A002 (the design's name)
        """Make one call: run *worker_script* on *input* as a job, unless a previous run already did.

        Args:
            worker_script: the worker's file name, relative to ``base_dir``.
            input: the object the worker's ``pyboinc_get_input()`` returns.

        Returns:
            The call's sequence number.

        Raises:
            PyboincError: no batch is running.
            FileNotFoundError: the worker script does not exist.
            TypeError: *input* cannot be encoded.
            JournalMismatch: a previous run made a different call at this position.
        """
        batch = self._batch
        if batch is None:
            raise PyboincError("Master.call() works only while Master.run() is running make_calls")
        if worker_script not in self._workers_ok:
            if not os.path.isfile(self._worker_path(worker_script)):
                raise FileNotFoundError(f"worker script {self._worker_path(worker_script)!r} does not exist")
            self._workers_ok.add(worker_script)
        payload = self.codec.encode(input)
        digest = call_hash(worker_script, payload)
        seq = self._nmade
        self._nmade += 1
        if seq < len(batch.entries):
            batch.check(seq, worker_script, digest)
            return seq
        batch.append(worker_script, digest, payload)
        self._pending.append(Job(seq, batch.job_name(seq), self._worker_path(worker_script), payload))
        now = time.monotonic()
        if len(self._pending) >= _FLUSH_CALLS or now - self._last_flush >= _FLUSH_SECONDS:
            self._flush()
        return seq

    def _worker_path(self, worker: str) -> str:
        path = self._paths.get(worker)
        if path is None:
            path = self._paths[worker] = os.path.abspath(os.path.join(self.base_dir, worker))
        return path

    def _flush(self) -> None:
        assert self._batch is not None
        self._last_flush = time.monotonic()
        if self._pending:
            self._batch.write()
            now = time.monotonic()
            if self.backend.durable or now - self._last_sync >= _SYNC_SECONDS:
                self._batch.sync()  # see _batch: when the journal must be on disk before a job runs
                self._last_sync = now
            self.backend.submit(self._pending)
            self._pending = []

    # -- running ------------------------------------------------------------

    def run(self, make_calls: Callable[[], object], handle_result: Callable[[Any], object]) -> None:
        """Run the batch to the end: make the calls, wait for the jobs, handle each result once.

        On a re-run with the same batch directory, calls already journaled are
        checked, not made again; jobs without a result run again; results
        handled by earlier runs are handed to *handle_result* again first.

        Args:
            make_calls: makes the calls, with :meth:`call` or :func:`pyboinc_call`.
            handle_result: called once per job with its output.

        Raises:
            JournalMismatch: *make_calls* made other calls than the journaled run.
            JobFailed: a job failed past its retries and ``on_error`` is ``"raise"``.
            UnsafePayload: a result was refused by the codec.
            PyboincError: the batch directory is in use or damaged.
        """
        batch = BatchDir(self.batch_dir)
        self._batch = batch
        self._nmade = 0
        self._pending = []
        started = time.monotonic()
        cancel = True
        try:
            self.backend.start(BackendContext(
                batch_dir=batch.path, token=batch.token, report=self._report,
                load_state=self._load_backend_state, save_state=self._save_backend_state, retries=self.retries))
            skipped = batch.failed_seqs()
            old = set(batch.handled)
            new = set(batch.results) - old - skipped
            redo = [e for e in batch.entries if e.seq not in old and e.seq not in new and e.seq not in skipped]
            if redo:
                self.backend.submit([Job(e.seq, batch.job_name(e.seq), self._worker_path(e.worker), e.payload)
                                     for e in redo])
            token = _current.set(self)
            try:
                make_calls()
            finally:
                _current.reset(token)
            self._flush()
            batch.sync()
            total = self._nmade
            if total < len(batch.entries):
                raise JournalMismatch(
                    f"make_calls changed since the batch in {batch.path} was started: it made {total} calls, "
                    f"but the journal has {len(batch.entries)}. Restore the old make_calls, or start a new "
                    "batch by deleting or renaming the batch directory.")
            if batch.checkpoint.get("ncalls") != total:
                batch.checkpoint["ncalls"] = total
                with self._state_lock:
                    batch.save_checkpoint()
            self._wait(batch, handle_result, old, new, skipped, total, started)
            cancel = False
        finally:
            try:
                self.backend.close(cancel=cancel)
            finally:
                self._batch = None
                self._display.finish()
                batch.close()

    def _wait(self, batch: BatchDir, handle_result: Callable[[Any], object], old: set[int], new: set[int],
              skipped: set[int], total: int, started: float) -> None:
        handled: set[int] = set()
        attempts: dict[int, int] = {}
        nretries = 0
        nfailed = len(skipped)
        first_done = len(old) + len(new)

        frac_cache = [0.0, -1.0]  # [sum of fractions, when read]

        def progress(force: bool = False) -> None:
            done = len(handled)
            now = time.monotonic()
            if now - frac_cache[1] >= 0.25:
                frac_cache[:] = [sum(self.backend.fractions().values()), now]
            running = frac_cache[0]
            elapsed = time.monotonic() - started
            fresh = done - first_done + running
            remaining = total - done - nfailed
            eta = elapsed / fresh * max(0.0, remaining - running) if fresh > 0 and remaining > 0 else None
            if remaining <= 0:
                eta = 0.0
            self._display.update(Progress(done, nfailed, total, running, nretries, elapsed, eta), force=force)

        def handle(seq: int, data: bytes | None = None) -> None:
            try:
                value = self.codec.decode(batch.read_result(seq) if data is None else data)
            except UnsafePayload as exc:
                raise UnsafePayload(f"result of job {batch.job_name(seq)} (call #{seq}) refused: {exc}") from exc
            handle_result(value)
            handled.add(seq)

        for seq in list(batch.handled):  # replay, in the order they were first handled
            handle(seq)
        for seq in sorted(new):
            handle(seq)
            batch.mark_handled([seq])
        progress(force=True)
        while len(handled) + nfailed < total:
            try:
                events = [self._events.get(timeout=0.25)]
            except queue.Empty:
                progress()
                continue
            while len(events) < 256:  # take what else is there, to write the logs once per group
                try:
                    events.append(self._events.get_nowait())
                except queue.Empty:
                    break
            fresh = [ev for ev in events if ev.seq not in handled and ev.seq not in skipped]
            done: list[int] = []
            try:
                for ev in fresh:
                    seq = ev.seq
                    if seq in handled or seq in skipped:
                        continue  # a late duplicate (a job re-run after a restart delivered twice)
                    if ev.ok:
                        handle(seq, ev.output)
                        done.append(seq)
                        continue
                    attempts[seq] = n = attempts.get(seq, 0) + max(1, ev.runs)
                    entry = batch.entries[seq]
                    if n <= self.retries and not ev.final:
                        nretries += 1
                        self.backend.submit([Job(seq, batch.job_name(seq), self._worker_path(entry.worker),
                                                 entry.payload, attempt=n + 1)])
                        continue
                    failure = JobFailure(seq, batch.job_name(seq), entry.worker, ev.reason, ev.stderr_tail, n)
                    if self.on_error == "raise":
                        raise JobFailed(f"{failure.name} (call #{seq}, {entry.worker})",
                                        f"{ev.reason} (after {n} attempt{'s' if n > 1 else ''})", ev.stderr_tail)
                    if callable(self.on_error):
                        self.on_error(failure)
                    batch.mark_failed(seq, attrs.asdict(failure))
                    skipped.add(seq)
                    nfailed += 1
            finally:
                batch.mark_handled(done)
            progress()
        progress(force=True)

    def _report(self, ev: Finished) -> None:
        # Called by backend threads. Outputs are logged at once, not when the main
        # thread gets to them: it may still be in make_calls when the master is killed.
        batch = self._batch
        if ev.ok and batch is not None:
            with self._state_lock:
                if ev.logged is not None:
                    batch.register_result(ev.seq, ev.logged[0], ev.logged[1], len(ev.output))
                elif ev.seq not in batch.results:
                    batch.add_results([(ev.seq, ev.output)])
        self._events.put(ev)

    def _load_backend_state(self) -> dict[str, object]:
        assert self._batch is not None
        state = self._batch.checkpoint.setdefault("backend", {})
        assert isinstance(state, dict)
        return dict(state)

    def _save_backend_state(self, state: dict[str, object]) -> None:
        batch = self._batch
        if batch is None:
            raise PyboincError("the batch is closed")
        with self._state_lock:
            batch.checkpoint["backend"] = state
            batch.save_checkpoint()


def pyboinc_call(worker_script: str, input: Any) -> None:  # noqa: A002 (the design's name)
    """Run *worker_script* on *input* as one job; call it from ``make_calls``.

    Args:
        worker_script: the worker's file name, relative to the master script's directory.
        input: the object the worker's :func:`pyboinc_get_input` returns.

    Raises:
        PyboincError: called outside ``make_calls``.
        JournalMismatch: a previous run made a different call at this position.
        TypeError: *input* cannot be encoded.
    """
    master = _current.get()
    if master is None:
        raise PyboincError("pyboinc_call() works only inside the make_calls function given to pyboinc_master()")
    master.call(worker_script, input)


def pyboinc_master(make_calls: Callable[[], object], handle_result: Callable[[Any], object],
                   **options: Any) -> None:
    """Run a PyBOINC batch: ``make_calls()`` makes the calls, ``handle_result(output)`` sees each result.

    Jobs run locally by default, in a batch directory beside the master
    script, so that running the script again resumes the batch.

    Args:
        make_calls: a function that calls :func:`pyboinc_call` once per job.
        handle_result: a function called once per job with its output.
        **options: passed to :class:`Master` (``batch_dir``, ``backend``,
            ``retries``, ``on_error``, ``progress``, ...).

    Raises:
        JournalMismatch: make_calls changed since the batch was started.
        JobFailed: a job failed past its retries (with the default ``on_error="raise"``).
        UnsafePayload: a result was refused.
    """
    Master(**options).run(make_calls, handle_result)
