"""The local backend: runs jobs on this machine the way a BOINC client would."""

from __future__ import annotations

import collections
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Sequence
from multiprocessing.connection import Connection

from boinc.errors import PyboincError

from . import _slots
from ._backend import BackendContext, Finished, Job

__all__ = ["LocalBackend"]

_PROJECT = "local_pyboinc"


class LocalBackend:
    """Run jobs in parallel on this machine, each in a BOINC-style slot directory.

    A warm pool of long-lived Python processes (one per core by default) serves
    the jobs. Each process owns a slot directory under ``<batch>/local/slots/``
    holding the ``input``/``output`` soft-link files (``<soft_link>`` files
    pointing into the project directory ``<batch>/local/projects/local_pyboinc/``)
    and, per job, a fresh ``init_data.xml``; it runs the worker script there as
    ``__main__``, with stdout discarded and stderr kept in ``stderr.txt`` (and
    in ``<batch>/stderr/<seq>.txt`` when not empty). A job succeeds when the
    script exits with status 0 and wrote its output, as under a BOINC client.

    Unlike a real client, the script runs in a reused process: modules it
    imports stay imported from one job to the next, which is what makes the
    pool fast. A script that crashes its process (``os._exit``, a segfault)
    fails its job and the process is replaced.

    Args:
        workers: number of pool processes; default ``os.cpu_count()``.
        chunk: most jobs handed to a process at once.
    """

    durable = False

    def __init__(self, workers: int | None = None, *, chunk: int = 32) -> None:
        if workers is not None and workers < 1:
            raise ValueError("workers must be at least 1")
        self.workers = workers or os.cpu_count() or 1
        self.chunk = max(1, chunk)
        self._queue: collections.deque[Job] = collections.deque()
        self._cond = threading.Condition()
        self._closing = False
        self._threads: list[threading.Thread] = []
        self._procs: dict[int, subprocess.Popen[bytes]] = {}
        self._running: dict[int, tuple[int, str]] = {}  # thread index -> (seq, slot path)
        self._ctx: BackendContext | None = None
        self._client_dir = ""

    def start(self, ctx: BackendContext) -> None:
        """Start the pool processes.

        Raises:
            PyboincError: a pool process could not start.
        """
        self._ctx = ctx
        self._client_dir = os.path.join(ctx.batch_dir, "local")
        self._closing = False  # a backend may serve one run after another
        self._queue.clear()
        self._threads = []
        self._procs = {}
        self._running = {}
        conns = [self._spawn(i) for i in range(self.workers)]
        for i, conn in enumerate(conns):
            t = threading.Thread(target=self._serve, args=(i, conn), name=f"pyboinc-local-{i}", daemon=True)
            self._threads.append(t)
            t.start()

    def _spawn(self, i: int) -> tuple[Connection, str]:
        parent, child = socket.socketpair()
        # The pool sees the modules the master sees (the worker script's own
        # directory is added per script, as its slot holds its files on BOINC).
        env = dict(os.environ)
        pkg_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        paths = [pkg_root] + [os.path.abspath(p) for p in sys.path if p and os.path.isdir(p)]
        env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
        proc = subprocess.Popen(
            [sys.executable, "-m", "boinc.pyboinc._pool", str(child.fileno()), self._client_dir, _PROJECT,
             os.path.abspath(self._ctx.batch_dir if self._ctx else ".")],
            pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL, env=env,
        )
        child.close()
        conn = Connection(parent.detach())
        self._procs[i] = proc
        try:
            msg = conn.recv()
        except (EOFError, OSError) as exc:
            raise PyboincError(f"local worker process failed to start (exit code {proc.wait()})") from exc
        slot = os.path.join(self._client_dir, "slots", str(msg[1]))
        return conn, slot

    def submit(self, jobs: Sequence[Job]) -> None:
        """Queue *jobs* for the pool."""
        with self._cond:
            self._queue.extend(jobs)
            self._cond.notify_all()

    def _take(self, block: bool) -> list[Job] | None:
        with self._cond:
            while block and not self._queue and not self._closing:
                self._cond.wait()
            if self._closing:
                return None
            n = max(1, min(self.chunk, len(self._queue) // (2 * self.workers)))
            return [self._queue.popleft() for _ in range(min(n, len(self._queue)))]

    def _serve(self, i: int, conn_slot: tuple[Connection, str]) -> None:
        # Keeps up to 2 * chunk jobs in flight, so the process never waits for
        # this thread (which may wait for the GIL) between jobs.
        conn, slot = conn_slot
        assert self._ctx is not None
        report = self._ctx.report
        inflight: collections.deque[Job] = collections.deque()
        while True:
            chunk = self._take(block=not inflight) if len(inflight) < 2 * self.chunk else []
            if chunk is None:
                break
            try:
                if chunk:
                    conn.send([(j.seq, j.name, j.worker, j.payload) for j in chunk])
                    inflight.extend(chunk)
                if inflight:
                    self._running[i] = (inflight[0].seq, slot)
                    seq, ok, reason, tail, output, logged = conn.recv()
                    inflight.popleft()
                    self._running.pop(i, None)
                    report(Finished(seq, ok, reason, tail, output, logged))
            except (EOFError, OSError):
                self._running.pop(i, None)
                if self._closing:
                    break
                code = self._procs[i].wait()
                if inflight:
                    dead = inflight.popleft()
                    tail = _stderr_tail_of(slot)
                    report(Finished(dead.seq, False, _exit_reason(code), tail))
                    with self._cond:
                        self._queue.extendleft(reversed(inflight))
                        self._cond.notify_all()
                    inflight.clear()
                conn.close()
                try:
                    conn, slot = self._spawn(i)
                except PyboincError:
                    break
        try:
            conn.send(None)
        except OSError:
            pass
        conn.close()

    def fractions(self) -> dict[int, float]:
        """Return the last fraction each running job reported with ``pyboinc_fraction_done``."""
        out: dict[int, float] = {}
        for seq, slot in list(self._running.values()):
            try:
                with open(os.path.join(slot, _slots.FRACTION_DONE_FILE), "rb") as f:
                    f.seek(0, os.SEEK_END)
                    f.seek(max(0, f.tell() - 32))
                    lines = f.read().split(b"\n")
            except OSError:
                continue
            for line in reversed(lines):
                try:
                    out[seq] = min(1.0, max(0.0, float(line)))
                    break
                except ValueError:
                    continue
        return out

    def close(self, *, cancel: bool = False) -> None:
        """Stop the pool; with *cancel*, kill running jobs instead of waiting for them."""
        with self._cond:
            self._closing = True
            self._queue.clear()
            self._cond.notify_all()
        if cancel:
            for proc in self._procs.values():
                if proc.poll() is None:
                    proc.kill()
        for t in self._threads:
            t.join(timeout=30)
        for proc in self._procs.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _exit_reason(code: int) -> str:
    # The client's own words (client/app_control.cpp).
    return f"process got signal {-code}" if code < 0 else f"process exited with code {code}"


def _stderr_tail_of(slot: str) -> str:
    from ._pool import stderr_tail

    return stderr_tail(os.path.join(slot, _slots.STDERR_FILE))
