"""``BoincServer``: remote job submission to a BOINC project.

Every method runs one flow of :mod:`boinc.submit._ops` (one request, or a few
for file staging, downloads and waiting) over a blocking httpx client, and
returns a typed value. Transport failures become
:class:`~boinc.errors.TransportError` subclasses, server errors
:class:`~boinc.errors.SubmitError`. The authenticator never appears in a
``repr``, a log line or an exception.
"""

from __future__ import annotations

import ssl
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Final, Generic, TypeVar

from ..errors import BoincError
from ._http import AsyncTransport, SyncTransport
from ._ops import Download, Emit, Flow, Ops, Post, Sleep, StagedFile, Step, _PathLike, file_md5
from .structs import (
    Batch,
    BatchCounts,
    BatchDesc,
    BatchSetStatus,
    CompletedJob,
    Estimate,
    Job,
    JobCounts,
    JobResult,
    Templates,
)

__all__ = ["DEFAULT_TIMEOUT", "BoincServer", "StagedFile", "check_url", "file_md5"]

T = TypeVar("T")
TransportT = TypeVar("TransportT", SyncTransport, AsyncTransport)

#: Seconds a request may take, by default (``submit_batch`` runs create_work synchronously).
DEFAULT_TIMEOUT: Final = 300.0


def check_url(url: str, authenticator: str, max_file_uploads: int) -> tuple[str, str, int, bool]:
    """Check a client's arguments; returns the project URL (ending in ``/``), host, port and whether it is https.

    Raises:
        ValueError: a URL that is not ``http``/``https``, has a query, or an empty authenticator.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http or https project URL: {url!r}")
    if parts.query or parts.fragment:
        raise ValueError("the project URL must have no query or fragment")
    if not authenticator or not isinstance(authenticator, str):
        raise ValueError("an authenticator (the account key) is required")
    if max_file_uploads < 1:
        raise ValueError("max_file_uploads must be at least 1")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    https = parts.scheme == "https"
    return f"{parts.scheme}://{parts.netloc}{path}", parts.hostname, parts.port or (443 if https else 80), https


def drive(flow: Flow[T], transport: SyncTransport) -> Iterator[object]:
    """Run a flow over a blocking transport: yield what it emits, return what it returns."""
    try:
        step: Step = next(flow)
        while True:
            if isinstance(step, Emit):
                yield step.value
                step = flow.send(None)
                continue
            try:
                value: object = None
                if isinstance(step, Post):
                    value = transport.post(step)
                elif isinstance(step, Download):
                    value = transport.download(step)
                elif isinstance(step, Sleep):
                    time.sleep(step.seconds)
            except BoincError as exc:
                step = flow.throw(exc)
                continue
            step = flow.send(value)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]


class ServerBase(Generic[TransportT]):
    """What the blocking and the asyncio server share: arguments, flows, transport (one of each kind)."""

    _transport_class: type[TransportT]

    def __init__(
        self,
        url: str,
        authenticator: str,
        timeout: float | None = DEFAULT_TIMEOUT,
        *,
        ssl_context: ssl.SSLContext | None = None,
        max_file_uploads: int = 20,
        retries: int = 3,
        retry_delay: float = 2.0,
    ) -> None:
        self.url, host, port, self._https = check_url(url, authenticator, max_file_uploads)
        self.timeout = timeout
        self.max_file_uploads = max_file_uploads
        self.retries = retries
        self.retry_delay = retry_delay
        self._ssl = ssl_context if ssl_context is not None else ssl.create_default_context()
        self._ops = Ops(authenticator, max_file_uploads=max_file_uploads, retries=retries, retry_delay=retry_delay)
        self._transport: TransportT = self._transport_class(self.url, host, port, timeout, self._ssl)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r})"


class BoincServer(ServerBase[SyncTransport]):
    """A user's handle on a BOINC project's job submission interface.

    Connections are kept and reused: close them with :meth:`close`, or use the
    server as a context manager. ``HTTPS_PROXY``, ``HTTP_PROXY`` and
    ``NO_PROXY`` are honoured.

    Args:
        url: the project URL, e.g. ``https://example.org/project/`` (a missing
            final ``/`` is added). Use ``https`` where the project has it: an
            http POST redirected to https would lose its request, so redirects
            are refused with :class:`~boinc.errors.HttpError`.
        authenticator: the submitting user's account key.
        timeout: seconds each request may take (``None``: no limit).
        ssl_context: TLS settings; the default verifies certificates.
        max_file_uploads: files per ``upload_files`` request; PHP's default
            ``max_file_uploads`` is 20 and the server drops the rest.
        retries: extra attempts of an output download that the server reports
            missing (a job may report done before its file is in place).
        retry_delay: seconds before the first such retry; doubled each time.

    Raises:
        ValueError: a URL that is not ``http``/``https``, or an empty authenticator.
    """

    _transport_class = SyncTransport

    def close(self) -> None:
        """Close the connections kept for reuse (the next request opens new ones)."""
        self._transport.close()

    def __enter__(self) -> BoincServer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _run(self, flow: Flow[T]) -> T:
        run = drive(flow, self._transport)
        try:
            while True:
                next(run)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]

    def ping(self) -> None:
        """Check that the project's submission handler answers.

        Raises:
            SubmitError: the server answered with an error (e.g. down for maintenance, -183).
            TransportError: the server cannot be reached.
        """
        self._run(self._ops.ping())

    def estimate_batch(self, batch_desc: BatchDesc) -> Estimate:
        """Estimate how long a batch would take on the project.

        Every job needs ``rsc_fpops_est``, or the app's template must have one.

        Raises:
            SubmitError: e.g. "app not found", "no rsc_fpops_est given for job".
            TransportError: the server cannot be reached.
        """
        return self._run(self._ops.estimate_batch(batch_desc))

    def submit_batch(self, batch_desc: BatchDesc) -> int:
        """Submit a batch of jobs; returns the batch id.

        With ``batch_desc.batch_id`` the jobs go into that batch (made by
        :meth:`create_batch`, still in state INIT). A ``batch_desc.expire_time``
        is set with :meth:`set_expire_time` once the batch exists, because the
        server ignores it inside ``<batch>``.

        Raises:
            SubmitError: e.g. "wrong # of input files", "batch not in init state",
                "create_work failed: ..." (a failed submission may leave an empty
                batch in state INIT behind).
            TransportError: the server cannot be reached.
        """
        return self._run(self._ops.submit_batch(batch_desc))

    def create_batch(self, app_name: str, batch_name: str | None = None, expire_time: float = 0.0) -> int:
        """Create an empty batch (state INIT) for :meth:`stage_files` and :meth:`submit_batch`.

        Args:
            app_name: the app's short name.
            batch_name: a name (not unique on the server); ``None``: the server makes one.
            expire_time: Unix time after which the project may abort the batch; 0: never.

        Returns:
            the new batch's id.

        Raises:
            SubmitError: e.g. "app not found", "no submit access".
            TransportError: the server cannot be reached.
        """
        return self._run(self._ops.create_batch(app_name, batch_name, expire_time))

    def query_batches(self, get_cpu_time: bool = False) -> list[Batch]:
        """The user's batches, except retired ones.

        Args:
            get_cpu_time: also sum the CPU time of every batch (slow on big projects).

        Raises:
            SubmitError: e.g. "no file access".
            TransportError: the server cannot be reached.
        """
        return self._run(self._ops.query_batches(get_cpu_time))

    def query_batch(
        self,
        batch_id: int | None = None,
        *,
        batch_name: str | None = None,
        get_cpu_time: bool = False,
        get_job_details: bool = False,
    ) -> Batch:
        """One batch and its jobs (:attr:`Batch.jobs`).

        Args:
            batch_id: the batch; or else
            batch_name: its name (the server picks the first batch of that name,
                of any user, so prefer ids).
            get_cpu_time: fill :attr:`Batch.total_cpu_time`.
            get_job_details: fill each job's status, errors, exit statuses and CPU time.

        Raises:
            ValueError: neither or both of ``batch_id`` and ``batch_name``.
            SubmitError: e.g. "no such batch", "not owner of batch".
            TransportError: the server cannot be reached.
        """
        return self._run(self._ops.query_batch(batch_id, batch_name, get_cpu_time, get_job_details))

    def query_batch2(self, batch_names: Sequence[str], min_mod_time: float | None = None) -> BatchSetStatus:
        """Job statuses of several batches, by name (the Condor-style query).

        Args:
            batch_names: the batches' names.
            min_mod_time: only jobs changed since this server time (from a previous reply).

        Raises:
            ValueError: no batch name.
            SubmitError: e.g. "no batch named X".
            TransportError: the server cannot be reached.
        """
        return self._run(self._ops.query_batch2(batch_names, min_mod_time))

    def query_job(self, job_id: int) -> Job:
        """A job's instances (:attr:`Job.instances`), by workunit id.

        Raises:
            SubmitError: e.g. "no such job".
            TransportError: the server cannot be reached.
        """
        return self._run(self._ops.query_job(job_id))

    def query_completed_job(self, job_name: str) -> CompletedJob:
        """Exit status, times and stderr of a job's canonical instance.

        Raises:
            HttpError: the job has no canonical instance (not finished, or failed):
                the server fails with HTTP 500 then, a BOINC bug.
            SubmitError: e.g. "no such job".
            TransportError: the server cannot be reached.
        """
        return self._run(self._ops.query_completed_job(job_name))

    def abort_batch(self, batch_id: int | None = None, *, batch_name: str | None = None) -> None:
        """Abort every job of a batch that has not finished.

        Raises:
            ValueError: neither or both of ``batch_id`` and ``batch_name``.
            SubmitError: e.g. "no such batch".
            TransportError: the server cannot be reached.
        """
        self._run(self._ops.batch_op("abort_batch", batch_id, batch_name))

    def abort_jobs(self, job_names: Sequence[str]) -> list[str]:
        """Abort jobs by name; returns the names the server reports aborted.

        Raises:
            ValueError: no job name.
            SubmitError: e.g. "no job X"; jobs before the failing one stay aborted,
                and the message names them.
            TransportError: the server cannot be reached.
        """
        return self._run(self._ops.abort_jobs(job_names))

    def retire_batch(self, batch_id: int | None = None, *, batch_name: str | None = None) -> None:
        """Retire a batch: the server may delete its files and records.

        Raises:
            ValueError: neither or both of ``batch_id`` and ``batch_name``.
            SubmitError: e.g. "no such batch".
            TransportError: the server cannot be reached.
        """
        self._run(self._ops.batch_op("retire_batch", batch_id, batch_name))

    def set_expire_time(
        self, batch_id: int | None = None, expire_time: float = 0.0, *, batch_name: str | None = None
    ) -> None:
        """Set the Unix time after which the project may abort and retire a batch (0: never).

        Expiry happens only if the project runs ``html/ops/expire_batches``.

        Raises:
            ValueError: neither or both of ``batch_id`` and ``batch_name``.
            SubmitError: e.g. "no such batch".
            TransportError: the server cannot be reached.
        """
        self._run(self._ops.set_expire_time(batch_id, expire_time, batch_name))

    def get_templates(self, app_name: str | None = None, *, job_name: str | None = None) -> Templates:
        """An app's input and output templates, by app name or by one of its jobs' names.

        The server always returns the app's defaults, even for a job that had its own.

        Raises:
            ValueError: neither or both of ``app_name`` and ``job_name``.
            SubmitError: e.g. "app not found".
            TransportError: the server cannot be reached.
        """
        return self._run(self._ops.get_templates(app_name, job_name))

    def get_job_counts(self) -> JobCounts:
        """Server-wide job counts (``server_status.php?counts=1``; needs no account).

        Raises:
            HttpError: the page is not there.
            TransportError: the server cannot be reached.
        """
        return self._run(self._ops.get_job_counts())

    def query_files(self, phys_names: Sequence[str], batch_id: int = 0, delete_time: int = 0) -> list[str]:
        """Which physical files the server lacks (``job_file.php``); registers the present ones.

        Args:
            phys_names: physical names (``jf_<md5>``).
            batch_id: associate the present files with this batch (0: none).
            delete_time: Unix time after which the files may be deleted (0: never).

        Returns:
            the absent names, in request order.

        Raises:
            ValueError: a name the server would refuse.
            SubmitError: e.g. "no file access"; "job_file->update() failed" when a
                larger ``delete_time`` was stored successfully (a BOINC bug).
            HttpError: HTTP 500 when a file is already associated with ``batch_id``
                or the project lacks the ``batch_file_assoc`` table (BOINC bugs).
            TransportError: the server cannot be reached.
        """
        return self._run(self._ops.query_files(phys_names, batch_id, delete_time))

    def upload_files(
        self,
        local_names: Sequence[_PathLike],
        phys_names: Sequence[str],
        batch_id: int = 0,
        delete_time: int = 0,
    ) -> None:
        """Upload files under the given physical names, streamed from disk.

        No check of what the server has: use :meth:`stage_files` for that. Requests
        carry at most ``max_file_uploads`` files each.

        Raises:
            ValueError: the lists differ in length, or a bad physical name.
            OSError: a local file cannot be read.
            SubmitError: e.g. "file immutability violation for X".
            HttpError: HTTP 500 when a name is registered already (a BOINC bug).
            TransportError: the server cannot be reached.
        """
        self._run(self._ops.upload_files(local_names, phys_names, batch_id, delete_time))

    def stage_files(self, paths: Sequence[_PathLike], batch_id: int = 0, delete_time: int = 0) -> list[StagedFile]:
        """Put local files on the server as ``jf_<md5>`` and return their physical names.

        Files the server has already are not sent; the rest are streamed from
        disk, ``max_file_uploads`` a request. Pass the names to
        :meth:`FileDesc.local_staged <boinc.submit.FileDesc.local_staged>`.

        Two BOINC bugs are worked around: a ``query_files`` that fails because
        the files are associated with ``batch_id`` already (HTTP 500) is
        repeated without ``batch_id``, and one that fails storing a later
        ``delete_time`` is repeated with ``delete_time`` 0.

        Args:
            paths: local files.
            batch_id: associate the files with this batch (0: none).
            delete_time: Unix time after which the files may be deleted (0: never).

        Returns:
            one :class:`StagedFile` per path, in order.

        Raises:
            OSError: a local file cannot be read.
            SubmitError: the server refused a request.
            TransportError: the server cannot be reached.
        """
        return self._run(self._ops.stage_files(paths, batch_id, delete_time))

    def get_output_file(self, result_name: str, file_num: int, dest: _PathLike) -> Path:
        """Download one output file of one instance (``get_output.php?cmd=result_file``).

        Args:
            result_name: the instance (result) name, e.g. from :attr:`Job.instances`.
            file_num: the output file's index in the output template.
            dest: a file path, or an existing directory (the server's file name is used).

        Returns:
            the path written (atomically: a partial file never appears there).

        Raises:
            SubmitError: an ``ERROR:`` reply, e.g. bad file number.
            HttpError: the file is still missing after the retries, or a bad reply.
            TransportError: the server cannot be reached, or the download broke off.
            OSError: ``dest`` cannot be written.
        """
        return self._run(self._ops.get_output_file(result_name, file_num, dest))

    def get_job_output_file(self, job_name: str, file_num: int, dest: _PathLike) -> Path:
        """Download one output file of a job's canonical instance (``cmd=workunit_file``).

        Args:
            job_name: the job (workunit) name.
            file_num: the output file's index in the output template.
            dest: a file path, or an existing directory.

        Returns:
            the path written.

        Raises:
            SubmitError: an ``ERROR:`` reply, e.g. no canonical result yet.
            HttpError: the file is still missing after the retries, or a bad reply.
            TransportError: the server cannot be reached, or the download broke off.
            OSError: ``dest`` cannot be written.
        """
        return self._run(self._ops.get_job_output_file(job_name, file_num, dest))

    def get_job_outputs(self, job_id: int, dest: _PathLike) -> Path:
        """Download every output file of a job's canonical instance, as a zip (``cmd=workunit_files``).

        Returns:
            the path of the zip written (checked before it is put in place).

        Raises:
            SubmitError: an ``ERROR:`` reply.
            ProtocolError: the reply is no valid zip.
            HttpError: a bad reply.
            TransportError: the server cannot be reached, or the download broke off.
            OSError: ``dest`` cannot be written.
        """
        return self._run(self._ops.get_job_outputs(job_id, dest))

    def get_batch_outputs(self, batch_id: int, dest: _PathLike) -> Path:
        """Download the outputs of every job of a batch, as a zip (``cmd=batch_files``).

        Members are named by physical name. A batch with no outputs gives an
        empty (valid) zip.

        Returns:
            the path of the zip written (checked before it is put in place).

        Raises:
            SubmitError: an ``ERROR:`` reply.
            ProtocolError: the reply is no valid zip.
            HttpError: a bad reply.
            TransportError: the server cannot be reached, or the download broke off.
            OSError: ``dest`` cannot be written.
        """
        return self._run(self._ops.get_batch_outputs(batch_id, dest))

    # ------------------------------------------------------------------ waiting for jobs

    def wait_batch(
        self,
        batch_id: int,
        *,
        poll_interval: float = 10.0,
        max_poll_interval: float | None = None,
        timeout: float | None = None,
        progress: Callable[[BatchCounts], object] | None = None,
    ) -> Batch:
        """Poll a batch until every job is done or failed; returns the final :class:`Batch` (with job details).

        Polls ``query_batch`` with ``get_job_details``: every *poll_interval*
        seconds while jobs change, doubling up to *max_poll_interval* while
        none does.

        Args:
            batch_id: the batch.
            poll_interval: seconds between polls while things happen.
            max_poll_interval: the longest wait between polls (default 600 s).
            timeout: give up after this many seconds (``None``: never).
            progress: called after each poll with the counts of done, in
                progress, failed and queued jobs.

        Raises:
            OperationTimeout: the batch was not done within *timeout*.
            SubmitError: e.g. "no such batch".
            TransportError: the server cannot be reached.
        """
        return self._run(self._ops.wait_batch(batch_id, poll_interval, max_poll_interval, timeout, progress))

    def collect_completed(
        self,
        batch_id: int,
        dest: _PathLike,
        *,
        skip: Sequence[str] = (),
        progress: Callable[[BatchCounts], object] | None = None,
        missing: dict[str, int] | None = None,
    ) -> list[JobResult]:
        """One poll of a batch: its jobs that ended, except those in *skip*.

        A done job's outputs are downloaded into ``dest/<job name>/`` (the
        ``get_output.php`` workarounds included); a done job whose outputs are
        still missing after the download retries is left out, for the next
        poll. A failed job comes with the server's error names, the exit
        statuses and, where the server can give it, the volunteer's stderr.
        *progress* is called with the batch's counts. Pass the same dict as
        *missing* to every poll: a done job whose outputs are missing five
        polls in a row is then reported failed (:attr:`JobResult.output_error`).

        Raises:
            SubmitError: e.g. "no such batch".
            TransportError: the server cannot be reached.
            OSError: ``dest`` cannot be written.
        """
        return self._run(self._ops.collect(batch_id, Path(dest), frozenset(skip), progress, missing))[1]

    def iter_completed_jobs(
        self,
        batch_id: int,
        dest: _PathLike,
        *,
        poll_interval: float = 10.0,
        max_poll_interval: float | None = None,
        timeout: float | None = None,
        progress: Callable[[BatchCounts], object] | None = None,
        resubmit: BatchDesc | None = None,
    ) -> Iterator[JobResult]:
        """Yield each job of a batch as it ends, until every one has.

        Polls as :meth:`wait_batch` does and yields what
        :meth:`collect_completed` finds: successes with their outputs in
        ``dest/<job name>/``, failures with the server's error names.

        Args:
            resubmit: the batch's description (the jobs must have names): a
                failed job is resubmitted once, as ``<name>_r2`` in a new batch.
                Its failure is yielded with :attr:`JobResult.resubmitted_as`
                set, and the new job's outcome later.

        Raises:
            OperationTimeout: not every job ended within *timeout*.
            SubmitError: e.g. "no such batch".
            TransportError: the server cannot be reached.
        """
        flow = self._ops.iter_completed_jobs(
            batch_id, dest, poll_interval, max_poll_interval, timeout, progress, resubmit
        )
        for value in drive(flow, self._transport):
            assert isinstance(value, JobResult)
            yield value
