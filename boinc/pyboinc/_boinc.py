"""The BOINC backend: jobs run on a BOINC project's volunteers, through :mod:`boinc.submit`."""

from __future__ import annotations

import logging
import os
import shutil
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any

from boinc.errors import BoincError, HttpError, SubmitError
from boinc.submit import BatchCounts, BatchDesc, BoincServer, FileDesc, JobDesc, JobResult
from boinc.submit import Job as ServerJob
from boinc.submit._ops import Backoff

from ._backend import BackendContext, Finished, Job
from ._makeapp import input_template

__all__ = ["BoincBackend"]

log = logging.getLogger("boinc.pyboinc")

#: Exit statuses the wrapper and client report, and what they mean for a PyBOINC job.
_EXIT_MEANINGS = {
    195: "EXIT_CHILD_FAILED: the worker script raised or exited non-zero under the wrapper",
    206: "EXIT_INIT_FAILURE: the wrapper did not start (bad command line or job.xml)",
    1: "the wrapper could not find the application (is Python at the path in job.xml?)",
}


#: The server's error names that say it ran the job as often as its template allows.
_GAVE_UP = frozenset({"too_many_error_results", "too_many_total_results", "too_many_success_results"})


def _describe_error(job: ServerJob) -> str:
    parts = []
    if job.errors:
        parts.append("BOINC job error: " + ", ".join(job.errors))
    codes = sorted(set(job.exit_statuses))
    for code in codes:
        n = job.exit_statuses.count(code)
        what = f"exit status {code}" + (f" in {n} instances" if n > 1 else "")
        if code in _EXIT_MEANINGS:
            what += f" ({_EXIT_MEANINGS[code]})"
        parts.append(what)
    return "; ".join(parts) or "the server reports the job as failed"


class BoincBackend:
    """Run jobs on a BOINC project: stage, submit, poll, download.

    The project needs the PyBOINC app that ``python -m boinc.pyboinc make-app``
    describes: the wrapper running Python on the worker script, with the
    input template's file 0 the job's input and file 1 the worker script.

    For every group of up to *batch_size* jobs the backend creates a batch
    (``create_batch``), records it in the batch directory's checkpoint,
    stages the inputs and worker scripts with ``job_file.php`` (as
    ``jf_<md5>`` files, each sent once), and submits the jobs with
    ``submit_batch`` in ``local_staged`` mode. A thread then polls each batch
    with :meth:`BoincServer.collect_completed
    <boinc.submit.BoincServer.collect_completed>`, every *poll_interval*
    seconds while jobs finish and up to *max_poll_interval* when nothing
    changes: it downloads each finished job's output (the ``get_output.php``
    workarounds and the race between a job being marked done and its file
    arriving included) and reports failed jobs with the server's error names,
    exit statuses and, where the server can give it, the volunteer's stderr;
    the master's failure policy then handles them.

    One retry budget: the master's ``retries=N`` means at most N+1 runs of a
    job in total. Every job carries make-app's input template with
    ``max_total_results`` set to the runs it has left, so the server's own
    reruns count; a job the server gave up on (``too_many_error_results``,
    ``too_many_total_results``) has spent them and is not submitted again. A
    job that failed otherwise (cancelled, not sendable) is submitted again
    under a new name (``<name>_r<attempt>``) while it has runs left.

    While stderr is not a terminal, the counts of jobs done, running, failed
    and queued on the server are logged (``boinc.pyboinc``, INFO) at most
    every *log_interval* seconds.

    After a restart, jobs recorded as submitted are not submitted again: the
    backend polls for them. Successful runs retire their server batches at
    the end; an interrupted run leaves them for the next.

    Args:
        server: the project and the submitting user's authenticator.
        app_name: the app's short name on the project.
        batch_size: most jobs per server batch.
        poll_interval: seconds between polls while things happen.
        max_poll_interval: the longest wait between polls when nothing changes.
        retire: retire the server batches when the master finishes.
        log_interval: seconds between two progress lines in the log.

    Raises:
        ValueError: a non-positive size or interval.
    """

    durable = True

    def __init__(self, server: BoincServer, app_name: str = "pyboinc", *, batch_size: int = 1000,
                 poll_interval: float = 10.0, max_poll_interval: float = 600.0, retire: bool = True,
                 log_interval: float = 60.0) -> None:
        if batch_size < 1 or poll_interval <= 0 or max_poll_interval < poll_interval:
            raise ValueError("batch_size and poll_interval must be positive, max_poll_interval >= poll_interval")
        self.server = server
        self.app_name = app_name
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.max_poll_interval = max_poll_interval
        self.retire = retire
        self.log_interval = log_interval
        self._logged_at = -float("inf")
        self._ctx: BackendContext | None = None
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = False
        self._pending: list[Job] = []
        self._wanted: dict[str, int] = {}  # server job name -> seq, for jobs the master waits for
        self._batches: list[dict[str, Any]] = []
        self._thread: threading.Thread | None = None
        self._runs_left: dict[str, int] = {}  # server job name -> runs its template allows
        self._missing: dict[str, int] = {}  # server job name -> polls its outputs were missing
        self._dir = ""

    # -- the master's side --------------------------------------------------

    def start(self, ctx: BackendContext) -> None:
        """Load the recorded server batches and start the polling thread."""
        self._ctx = ctx
        self._dir = os.path.join(ctx.batch_dir, "boinc")
        os.makedirs(os.path.join(self._dir, "stage"), exist_ok=True)
        os.makedirs(os.path.join(self._dir, "out"), exist_ok=True)
        state = ctx.load_state()
        batches = state.get("batches", [])
        self._batches = [dict(b) for b in batches] if isinstance(batches, list) else []
        self._stop = False
        self._pending = []
        self._wanted = {}
        self._runs_left = {}
        self._thread = threading.Thread(target=self._run, name="pyboinc-boinc", daemon=True)
        self._thread.start()

    def submit(self, jobs: Sequence[Job]) -> None:
        """Queue *jobs*; the thread submits them."""
        with self._lock:
            self._pending.extend(jobs)
        self._wake.set()

    def fractions(self) -> dict[int, float]:
        """Return ``{}``: the server reports no per-job progress."""
        return {}

    def close(self, *, cancel: bool = False) -> None:
        """Stop polling; unless *cancel*, retire the batches (every result is in by then).

        Server jobs are never aborted: a re-run of the master picks them up.
        """
        self._stop = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=60)
        if cancel or not self.retire:
            return
        changed = False
        for rec in self._batches:
            if rec.get("submitted") and not rec.get("retired"):
                try:
                    self.server.retire_batch(int(rec["id"]))
                except BoincError as exc:
                    log.warning("retire_batch %s failed: %s", rec["id"], exc)
                    continue
                rec["retired"] = changed = True
        if changed:
            self._save()

    # -- the thread ---------------------------------------------------------

    def _save(self) -> None:
        assert self._ctx is not None
        self._ctx.save_state({"batches": self._batches})

    @staticmethod
    def _server_name(job: Job) -> str:
        return job.name if job.attempt == 1 else f"{job.name}_r{job.attempt}"

    def _run(self) -> None:
        backoff = Backoff(self.poll_interval, self.max_poll_interval)  # wait_batch's, iter_completed_jobs'
        delay = self.poll_interval
        self._recover()
        while not self._stop:
            try:
                busy = self._submit_pending()
                busy = self._poll() or busy
            except BoincError as exc:
                log.warning("BOINC server: %s; trying again in %.0f s", exc, delay)
                busy = False
            except Exception as exc:  # a bug or a broken server: fail every job rather than hang
                log.exception("PyBOINC BOINC backend stopped")
                self._fail_all(f"the BOINC backend stopped: {exc!r}")
                return
            delay = backoff.next(busy)
            self._wake.wait(delay if self._wanted or self._pending else None)
            self._wake.clear()

    def _recover(self) -> None:
        # A batch recorded before submit_batch finished: submitted if it has jobs, else forgotten.
        keep = []
        for rec in self._batches:
            if not rec.get("submitted"):
                try:
                    batch = self.server.query_batch(int(rec["id"]))
                except BoincError as exc:
                    log.warning("query_batch %s failed: %s", rec["id"], exc)
                    continue
                if batch.njobs == 0:
                    continue
                rec["submitted"] = True
            keep.append(rec)
        if keep != self._batches:
            self._batches = keep
            self._save()

    def _fail_all(self, reason: str) -> None:
        assert self._ctx is not None
        with self._lock:
            jobs, self._pending = self._pending, []
        for job in jobs:
            self._ctx.report(Finished(job.seq, False, reason))
        for seq in list(self._wanted.values()):
            self._ctx.report(Finished(seq, False, reason))
        self._wanted.clear()

    def _submit_pending(self) -> bool:
        assert self._ctx is not None
        with self._lock:
            jobs, self._pending = self._pending[: self.batch_size], self._pending[self.batch_size:]
        if not jobs:
            return False
        known = {name for rec in self._batches for name in rec["jobs"]}
        fresh = []
        for job in jobs:
            name = self._server_name(job)
            self._wanted[name] = job.seq
            if name not in known:
                fresh.append((name, job))
        if not fresh:
            return True
        ctx = self._ctx
        try:
            batch_id = self.server.create_batch(self.app_name, batch_name=f"{ctx.token}_b{len(self._batches)}")
        except HttpError:
            raise  # transient: the loop backs off and the jobs stay pending
        except SubmitError as exc:  # a refusal (authenticator, access, app): fail these jobs
            for name, job in fresh:
                self._wanted.pop(name, None)
                ctx.report(Finished(job.seq, False, f"the server refused the jobs: {exc}"))
            return True
        rec: dict[str, Any] = {"id": batch_id, "jobs": {name: job.seq for name, job in fresh}, "submitted": False}
        self._batches.append(rec)
        self._save()  # before submit_batch: a restart then knows where these jobs may be
        stage = os.path.join(self._dir, "stage")
        paths = []
        for name, job in fresh:
            path = os.path.join(stage, f"{name}.in")
            with open(path, "wb") as f:
                f.write(job.payload)
            paths.append(path)
        workers = sorted({job.worker for _, job in fresh})
        try:
            staged = self.server.stage_files(paths + workers, batch_id=batch_id)
            by_path = {str(s.path): s.phys_name for s in staged}
            descs = tuple(
                JobDesc(name=name, input_template=input_template(max_runs=self._runs_for(name, job)),
                        input_files=(FileDesc.local_staged(by_path[p]), FileDesc.local_staged(by_path[job.worker])))
                for (name, job), p in zip(fresh, paths)
            )
            self.server.submit_batch(BatchDesc(app_name=self.app_name, batch_id=batch_id, jobs=descs))
        except HttpError:
            with self._lock:  # transient: submit them again later, in a new batch
                self._pending[:0] = [job for _, job in fresh]
            for name, _job in fresh:
                self._wanted.pop(name, None)
            self._batches.remove(rec)
            self._save()
            raise
        except SubmitError as exc:
            self._batches.remove(rec)
            self._save()
            for name, job in fresh:
                self._wanted.pop(name, None)
                ctx.report(Finished(job.seq, False, f"the server refused the jobs: {exc}"))
            return True
        finally:
            for p in paths:
                try:
                    os.unlink(p)
                except OSError:
                    pass
        rec["submitted"] = True
        self._save()
        return True

    def _runs_for(self, name: str, job: Job) -> int:
        assert self._ctx is not None
        runs = max(1, self._ctx.retries + 2 - job.attempt)  # attempt n: n - 1 runs spent already
        self._runs_left[name] = runs
        return runs

    def _poll(self) -> bool:
        assert self._ctx is not None
        busy = False
        total = BatchCounts()
        polled = False
        for rec in list(self._batches):
            if not rec.get("submitted") or rec.get("retired"):
                continue
            if not any(name in self._wanted for name in rec["jobs"]):
                continue
            polled = True
            counts: list[BatchCounts] = []
            skip = [name for name in rec["jobs"] if name not in self._wanted]
            try:
                results = self.server.collect_completed(int(rec["id"]), os.path.join(self._dir, "out"),
                                                        skip=skip, progress=counts.append,
                                                        missing=self._missing)
            except HttpError:
                raise
            except SubmitError as exc:  # e.g. "no such batch": its jobs cannot finish
                for name in rec["jobs"]:
                    seq = self._wanted.pop(name, None)
                    if seq is not None:
                        self._ctx.report(Finished(seq, False, f"query_batch {rec['id']} failed: {exc}"))
                busy = True
                continue
            for c in counts:
                total = BatchCounts(done=total.done + c.done, in_progress=total.in_progress + c.in_progress,
                                    failed=total.failed + c.failed, queued=total.queued + c.queued)
            for result in results:
                seq = self._wanted.pop(result.name, None)
                if seq is not None:
                    self._ctx.report(self._finished(seq, result))
                    busy = True
        if polled:
            self._log_progress(total)
        return busy

    def _finished(self, seq: int, result: JobResult) -> Finished:
        if result.ok:
            if not result.output_files:
                return Finished(seq, False, "the finished job has no output file on the server")
            try:
                with open(result.output_files[0], "rb") as f:
                    data = f.read()
            finally:
                shutil.rmtree(result.output_files[0].parent, ignore_errors=True)
            return Finished(seq, True, output=data)
        if result.output_error:  # done, but its output never arrived: a rerun may deliver
            return Finished(seq, False, result.output_error)
        job = result.job
        gave_up = bool(_GAVE_UP & set(job.errors))
        left = self._runs_left.get(result.name, 1)
        runs = left if gave_up else max(1, min(left, len(job.exit_statuses)))
        reason = _describe_error(job)
        if result.stderr_out is None:
            reason += f" ({result.stderr_error})" if result.stderr_error else ""
        if gave_up:
            reason += f"; the server ran it {runs} time{'s' if runs > 1 else ''} and gave up"
        return Finished(seq, False, reason, (result.stderr_out or "")[-4000:], runs=runs, final=gave_up)

    def _log_progress(self, counts: BatchCounts) -> None:
        now = time.monotonic()
        if sys.stderr.isatty() or now - self._logged_at < self.log_interval:
            return
        self._logged_at = now
        log.info("BOINC server: %d done, %d running, %d failed, %d queued", counts.done, counts.in_progress,
                 counts.failed, counts.queued)
