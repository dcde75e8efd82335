"""The BOINC backend: jobs run on a BOINC project's volunteers, through :mod:`boinc.submit`."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from typing import Any

from boinc.errors import BoincError, HttpError, SubmitError
from boinc.submit import BatchDesc, BoincServer, FileDesc, JobDesc, JobStatus
from boinc.submit import Job as ServerJob

from ._backend import BackendContext, Finished, Job

__all__ = ["BoincBackend"]

log = logging.getLogger("boinc.pyboinc")

#: Exit statuses the wrapper and client report, and what they mean for a PyBOINC job.
_EXIT_MEANINGS = {
    195: "EXIT_CHILD_FAILED: the worker script raised or exited non-zero under the wrapper",
    206: "EXIT_INIT_FAILURE: the wrapper did not start (bad command line or job.xml)",
    1: "the wrapper could not find the application (is Python at the path in job.xml?)",
}


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
    ``submit_batch`` in ``local_staged`` mode. A thread then polls
    ``query_batch``, every *poll_interval* seconds while jobs finish and up
    to *max_poll_interval* when nothing changes, downloads each finished job's
    output (``get_output.php``; an output that is not there yet, the race
    between a job being marked done and its file arriving, is fetched again at
    the next poll) and reports failed jobs with the server's error names and
    exit statuses, which the master's failure policy then handles. A retried
    job is submitted again under a new name (``<name>_r<attempt>``).

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

    Raises:
        ValueError: a non-positive size or interval.
    """

    durable = True

    def __init__(self, server: BoincServer, app_name: str = "pyboinc", *, batch_size: int = 1000,
                 poll_interval: float = 10.0, max_poll_interval: float = 600.0, retire: bool = True) -> None:
        if batch_size < 1 or poll_interval <= 0 or max_poll_interval < poll_interval:
            raise ValueError("batch_size and poll_interval must be positive, max_poll_interval >= poll_interval")
        self.server = server
        self.app_name = app_name
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.max_poll_interval = max_poll_interval
        self.retire = retire
        self._ctx: BackendContext | None = None
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = False
        self._pending: list[Job] = []
        self._wanted: dict[str, int] = {}  # server job name -> seq, for jobs the master waits for
        self._batches: list[dict[str, Any]] = []
        self._thread: threading.Thread | None = None
        self._missing: dict[str, int] = {}
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
        self._missing = {}
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
            delay = self.poll_interval if busy else min(delay * 2, self.max_poll_interval)
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
                JobDesc(name=name, input_files=(FileDesc.local_staged(by_path[p]),
                                                FileDesc.local_staged(by_path[job.worker])))
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

    def _poll(self) -> bool:
        assert self._ctx is not None
        busy = False
        for rec in list(self._batches):
            if not rec.get("submitted") or rec.get("retired"):
                continue
            if not any(name in self._wanted for name in rec["jobs"]):
                continue
            try:
                batch = self.server.query_batch(int(rec["id"]), get_job_details=True)
            except HttpError:
                raise
            except SubmitError as exc:  # e.g. "no such batch": its jobs cannot finish
                for name in rec["jobs"]:
                    seq = self._wanted.pop(name, None)
                    if seq is not None:
                        self._ctx.report(Finished(seq, False, f"query_batch {rec['id']} failed: {exc}"))
                busy = True
                continue
            for sjob in batch.jobs:
                seq = self._wanted.get(sjob.name)
                if seq is None:
                    continue
                if sjob.status == JobStatus.DONE:
                    busy = self._fetch(sjob.name, seq) or busy
                elif sjob.status == JobStatus.ERROR:
                    self._ctx.report(Finished(seq, False, _describe_error(sjob), self._stderr_of(sjob.name)))
                    del self._wanted[sjob.name]
                    busy = True
        return busy

    def _fetch(self, name: str, seq: int) -> bool:
        assert self._ctx is not None
        dest = os.path.join(self._dir, "out", name)
        try:
            self.server.get_job_output_file(name, 0, dest)
        except (HttpError, SubmitError) as exc:
            # A job can be "done" before its output file is in place; try at the next poll.
            self._missing[name] = n = self._missing.get(name, 0) + 1
            if n < 5:
                log.info("output of %s not there yet: %s", name, exc)
                return False
            self._ctx.report(Finished(seq, False, f"the output of a finished job cannot be downloaded: {exc}"))
            del self._wanted[name]
            return True
        with open(dest, "rb") as f:
            data = f.read()
        os.unlink(dest)
        self._ctx.report(Finished(seq, True, output=data))
        del self._wanted[name]
        return True

    def _stderr_of(self, name: str) -> str:
        try:
            return self.server.query_completed_job(name).stderr_out[-4000:]
        except BoincError:
            return ""  # the server fails with HTTP 500 for jobs without a canonical instance (a BOINC bug)
