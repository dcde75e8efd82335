"""Every job submission operation as a flow: a generator that yields the I/O it needs.

A flow yields :class:`Post` (send a form, receive a :class:`Response`),
:class:`Download` (stream a ``get_output.php`` reply into a file, receive the
path written or ``None`` for the documented temporary miss), :class:`Sleep`
and, for the job iterators, :class:`Emit` (hand a value to the caller). The
blocking :class:`~boinc.submit.BoincServer` and the asyncio
:class:`~boinc.submit.AsyncBoincServer` drive the same flows over their own
HTTP transports, so both share every request, check, retry, workaround and
error; only the transport differs.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import time
import zipfile
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final, TypeVar

import attrs

from ..errors import HttpError, NoCanonicalResult, OperationTimeout, OutputsUnavailable, SubmitError
from . import _protocol as P
from .structs import (
    Batch,
    BatchCounts,
    BatchDesc,
    BatchSetStatus,
    BatchState,
    CompletedJob,
    Estimate,
    Job,
    JobCounts,
    JobResult,
    JobStatus,
    Templates,
)

log = logging.getLogger("boinc.submit")

T = TypeVar("T")
CHUNK: Final = 1 << 20
_PathLike = str | os.PathLike[str]

#: Polls in a row a done job's outputs may be missing before it is reported failed.
MISSING_POLLS: Final = 5

#: The longest wait between two polls of :meth:`Ops.wait_batch` when nothing changes, by default.
MAX_POLL_INTERVAL: Final = 600.0

STDERR_BUG: Final = (
    "the server could not return the volunteer's stderr: its query_completed_job crashes for a job "
    "without a canonical instance (a BOINC server bug)"
)


@attrs.frozen
class Response:
    """An HTTP reply, read whole."""

    status: int
    headers: dict[str, str]  #: names in lower case
    body: bytes


@attrs.frozen
class Post:
    """Send ``body`` to ``endpoint`` (relative to the project URL); the flow receives a :class:`Response`."""

    what: str  #: the operation, for error messages
    endpoint: str
    body: P.Multipart


@attrs.frozen
class Download:
    """GET ``get_output.php?<query>`` into ``dest``; the flow receives the path written, or ``None``.

    ``None`` is the documented temporary miss (:func:`_protocol.check_download`
    returned True): nothing was written.
    """

    what: str
    query: str
    dest: Path  #: a file path, or an existing directory (the server's file name is used)
    default_name: str  #: the file name in ``dest`` when the server sends none
    zip_: bool  #: check the file is a zip (a 0-byte body becomes an empty zip)
    secret: str = attrs.field(repr=False, default="")  #: masked in error messages


@attrs.frozen
class Sleep:
    """Wait this many seconds."""

    seconds: float


@attrs.frozen
class Emit:
    """Hand a value to the caller of an iterator, then go on."""

    value: JobResult


Step = Post | Download | Sleep | Emit
Flow = Generator[Step, Any, T]


@attrs.frozen(kw_only=True)
class StagedFile:
    """A local file as the server knows it after :meth:`~boinc.submit.BoincServer.stage_files`."""

    path: Path  #: the local file
    phys_name: str  #: its physical name on the server, ``jf_<md5>``
    md5: str  #: lowercase hex
    nbytes: int  #: size in bytes
    uploaded: bool  #: sent by this call (False: the server had it already)


def file_md5(path: _PathLike) -> tuple[str, int]:
    """The MD5 (lowercase hex) and size of a file, read in 1 MiB chunks.

    Raises:
        OSError: the file cannot be read.
    """
    h = hashlib.md5()
    n = 0
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
            n += len(chunk)
    return h.hexdigest(), n


def _read_chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            yield chunk


def one_batch(batch_id: int | None, batch_name: str | None) -> None:
    """Check that exactly one of a batch id and a batch name is given.

    Raises:
        ValueError: neither or both.
    """
    if (batch_id is None) == (batch_name is None):
        raise ValueError("give exactly one of batch_id and batch_name")


class Backoff:
    """Poll intervals: ``first`` while things change, doubling up to ``longest`` while nothing does."""

    def __init__(self, first: float, longest: float | None) -> None:
        if first <= 0:
            raise ValueError("poll_interval must be positive")
        self.first = first
        self.longest = max(first, MAX_POLL_INTERVAL if longest is None else longest)
        self.delay = first

    def next(self, changed: bool) -> float:
        """The wait before the next poll."""
        self.delay = self.first if changed else min(self.delay * 2, self.longest)
        return self.delay


class Deadline:
    """A point in time (``time.monotonic``) by which a wait gives up; ``None``: never."""

    def __init__(self, timeout: float | None) -> None:
        self.timeout = timeout
        self.at = None if timeout is None else time.monotonic() + timeout

    def cap(self, delay: float, what: str) -> float:
        """``delay``, shortened so as not to sleep past the deadline.

        Raises:
            OperationTimeout: the deadline has passed.
        """
        if self.at is None:
            return delay
        left = self.at - time.monotonic()
        if left <= 0:
            raise OperationTimeout(f"{what} did not finish within {self.timeout} s", request=what)
        return min(delay, left)


_SUFFIX: Final = re.compile(r"_(\d+)$")


def _file_order(path: Path) -> tuple[int, str]:
    m = _SUFFIX.search(path.name)
    return (int(m.group(1)) if m else 1 << 30, path.name)


def zip_members(path: Path) -> list[str]:
    """The member names of a zip file."""
    with zipfile.ZipFile(path) as z:
        return z.namelist()


def write_zip(target: Path, files: Sequence[Path]) -> None:
    """Write ``files`` into the zip ``target`` (members named by file name), atomically."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
            for f in files:
                z.write(f, f.name)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _batch_over(batch: Batch, counts: BatchCounts) -> bool:
    if batch.state in (BatchState.COMPLETE, BatchState.ABORTED, BatchState.RETIRED):
        return True
    return bool(batch.jobs) and counts.done + counts.failed == len(batch.jobs)


class Ops:
    """The flows of every operation, for one project URL's user.

    Args:
        authenticator: the user's account key (masked in every error).
        max_file_uploads: files per ``upload_files`` request.
        retries: extra attempts of an output download that the server reports missing.
        retry_delay: seconds before the first such retry; doubled each time.
    """

    def __init__(self, authenticator: str, *, max_file_uploads: int, retries: int, retry_delay: float) -> None:
        self.auth = authenticator
        self.max_file_uploads = max_file_uploads
        self.retries = retries
        self.retry_delay = retry_delay

    def __repr__(self) -> str:
        return "Ops()"

    # ------------------------------------------------------------------ requests

    def rpc(
        self,
        op: str,
        request: bytes,
        *,
        endpoint: str = P.RPC_ENDPOINT,
        files: Sequence[tuple[str, int, Iterable[bytes]]] = (),
        root: str | None = None,
    ) -> Flow[str]:
        """Send one request and check its reply; returns the reply's text."""
        resp: Response = yield Post(op, endpoint, P.Multipart(request, files))
        return P.check_reply(
            op, resp.status, resp.body, secret=self.auth, location=resp.headers.get("location"), root=root
        )

    def ping(self) -> Flow[None]:
        """``ping``."""
        P.parse_success((yield from self.rpc("ping", P.PING_XML)), "ping")

    def estimate_batch(self, batch_desc: BatchDesc) -> Flow[Estimate]:
        """``estimate_batch``."""
        req = P.BatchRequest(authenticator=self.auth, batch=batch_desc)
        return P.parse_estimate((yield from self.rpc("estimate_batch", P.encode_request(req, "estimate_batch"))))

    def submit_batch(self, batch_desc: BatchDesc) -> Flow[int]:
        """``submit_batch``, then ``set_expire_time`` if the batch has one."""
        req = P.BatchRequest(authenticator=self.auth, batch=batch_desc)
        text = yield from self.rpc("submit_batch", P.encode_request(req, "submit_batch"))
        batch_id = P.parse_batch_id(text, "submit_batch")
        if batch_desc.expire_time:
            yield from self.set_expire_time(batch_id, batch_desc.expire_time, None)
        return batch_id

    def create_batch(self, app_name: str, batch_name: str | None, expire_time: float) -> Flow[int]:
        """``create_batch``."""
        req = P.CreateBatchRequest(
            authenticator=self.auth, app_name=app_name, batch_name=batch_name, expire_time=float(expire_time)
        )
        return P.parse_batch_id((yield from self.rpc("create_batch", P.encode_request(req, "create_batch"))),
                                "create_batch")

    def query_batches(self, get_cpu_time: bool) -> Flow[list[Batch]]:
        """``query_batches``."""
        req = P.QueryBatchesRequest(authenticator=self.auth, get_cpu_time=get_cpu_time)
        return P.parse_batches((yield from self.rpc("query_batches", P.encode_request(req, "query_batches"))))

    def query_batch(
        self, batch_id: int | None, batch_name: str | None, get_cpu_time: bool, get_job_details: bool
    ) -> Flow[Batch]:
        """``query_batch``."""
        one_batch(batch_id, batch_name)
        req = P.QueryBatchRequest(
            authenticator=self.auth,
            batch_id=batch_id,
            batch_name=batch_name,
            get_cpu_time=get_cpu_time,
            get_job_details=get_job_details,
        )
        return P.parse_batch((yield from self.rpc("query_batch", P.encode_request(req, "query_batch"))))

    def query_batch2(self, batch_names: Sequence[str], min_mod_time: float | None) -> Flow[BatchSetStatus]:
        """``query_batch2``."""
        if isinstance(batch_names, str) or not batch_names:
            raise ValueError("batch_names must be a non-empty sequence of names")
        req = P.QueryBatch2Request(authenticator=self.auth, batch_names=tuple(batch_names), min_mod_time=min_mod_time)
        text = yield from self.rpc("query_batch2", P.encode_request(req, "query_batch2"))
        return P.parse_batch2(text, batch_names)

    def query_job(self, job_id: int) -> Flow[Job]:
        """``query_job``."""
        req = P.QueryJobRequest(authenticator=self.auth, job_id=job_id)
        return P.parse_job((yield from self.rpc("query_job", P.encode_request(req, "query_job"))), job_id)

    def query_completed_job(self, job_name: str) -> Flow[CompletedJob]:
        """``query_completed_job``; its crash on a job without a canonical instance is :class:`NoCanonicalResult`."""
        req = P.JobNamesRequest(authenticator=self.auth, job_names=(job_name,))
        try:
            text = yield from self.rpc("query_completed_job", P.encode_request(req, "query_completed_job"))
        except HttpError as exc:
            # HTTP 500 cut short, or (display_errors on) "Undefined variable $job_id" and a fatal SQL error
            if exc.status == 500 or "fatal error" in exc.error_msg.lower():
                raise NoCanonicalResult(
                    f"query_completed_job: job {job_name} has no canonical instance (not finished, or failed); "
                    f"the server crashes on such a job (a BOINC server bug; HTTP {exc.status}), so it cannot "
                    "return the job's stderr",
                    job_name=job_name,
                ) from None
            raise
        return P.parse_completed_job(text)

    def abort_jobs(self, job_names: Sequence[str]) -> Flow[list[str]]:
        """``abort_jobs`` (its reply holds non-XML ``<aborted NAME>`` lines)."""
        if isinstance(job_names, str) or not job_names:
            raise ValueError("job_names must be a non-empty sequence of names")
        req = P.JobNamesRequest(authenticator=self.auth, job_names=tuple(job_names))
        resp: Response = yield Post("abort_jobs", P.RPC_ENDPOINT, P.Multipart(P.encode_request(req, "abort_jobs")))
        body, aborted = P.split_aborted(resp.body)
        try:
            text = P.check_reply(
                "abort_jobs", resp.status, body, secret=self.auth, location=resp.headers.get("location")
            )
        except SubmitError as exc:
            if aborted and not isinstance(exc, HttpError):
                msg = f"{exc.error_msg} (aborted before the error: {', '.join(aborted)})"
                raise SubmitError(exc.error_num, msg) from None
            raise
        P.parse_success(text, "abort_jobs")
        return aborted

    def batch_op(self, op: str, batch_id: int | None, batch_name: str | None, **extra: float) -> Flow[None]:
        """``abort_batch``, ``retire_batch`` and ``set_expire_time``."""
        one_batch(batch_id, batch_name)
        req = P.BatchRefRequest(authenticator=self.auth, batch_id=batch_id, batch_name=batch_name, **extra)
        P.parse_success((yield from self.rpc(op, P.encode_request(req, op))), op)

    def set_expire_time(self, batch_id: int | None, expire_time: float, batch_name: str | None) -> Flow[None]:
        """``set_expire_time``."""
        yield from self.batch_op("set_expire_time", batch_id, batch_name, expire_time=float(expire_time))

    def get_templates(self, app_name: str | None, job_name: str | None) -> Flow[Templates]:
        """``get_templates``."""
        if (app_name is None) == (job_name is None):
            raise ValueError("give exactly one of app_name and job_name")
        req = P.GetTemplatesRequest(authenticator=self.auth, app_name=app_name, job_name=job_name)
        return P.parse_templates((yield from self.rpc("get_templates", P.encode_request(req, "get_templates"))))

    def get_job_counts(self) -> Flow[JobCounts]:
        """``server_status.php?counts=1``."""
        text = yield from self.rpc("get_job_counts", b"", endpoint=P.COUNTS_ENDPOINT, root="job_counts")
        return P.parse_job_counts(text)

    # ------------------------------------------------------------------ input files

    def query_files(self, phys_names: Sequence[str], batch_id: int, delete_time: int) -> Flow[list[str]]:
        """``query_files``: the absent names, in request order."""
        names = list(phys_names)
        for name in names:
            P.check_phys_name(name)
        req = P.FilesRequest(
            authenticator=self.auth, batch_id=batch_id, delete_time=int(delete_time), phys_names=tuple(names)
        )
        text = yield from self.rpc("query_files", P.encode_request(req, "query_files"), endpoint=P.FILE_ENDPOINT)
        return [names[i] for i in P.parse_absent(text, len(names))]

    def upload_files(
        self, local_names: Sequence[_PathLike], phys_names: Sequence[str], batch_id: int, delete_time: int
    ) -> Flow[None]:
        """``upload_files``, ``max_file_uploads`` files a request, streamed from disk."""
        paths = [Path(p) for p in local_names]
        names = list(phys_names)
        if len(paths) != len(names):
            raise ValueError("local_names and phys_names differ in length")
        for name in names:
            P.check_phys_name(name)
        step = self.max_file_uploads
        for start in range(0, len(names), step):
            group = list(zip(paths[start : start + step], names[start : start + step]))
            req = P.FilesRequest(
                authenticator=self.auth,
                batch_id=batch_id,
                delete_time=int(delete_time),
                phys_names=tuple(n for _, n in group),
            )
            files = [(name, path.stat().st_size, _read_chunks(path)) for path, name in group]
            text = yield from self.rpc(
                "upload_files", P.encode_request(req, "upload_files"), endpoint=P.FILE_ENDPOINT, files=files
            )
            P.parse_success(text, "upload_files")

    def stage_files(self, paths: Sequence[_PathLike], batch_id: int, delete_time: int) -> Flow[list[StagedFile]]:
        """MD5 each file, ask what the server lacks, upload that."""
        staged: list[StagedFile] = []
        for p in paths:
            path = Path(p)
            md5, size = file_md5(path)
            staged.append(StagedFile(path=path, phys_name=P.job_file_name(md5), md5=md5, nbytes=size, uploaded=False))
        unique: dict[str, StagedFile] = {}
        for s in staged:
            unique.setdefault(s.phys_name, s)
        if not unique:
            return staged
        absent = yield from self._query_absent(list(unique), batch_id, delete_time)
        todo = [unique[n] for n in absent]
        if todo:
            yield from self.upload_files([s.path for s in todo], [s.phys_name for s in todo], batch_id, delete_time)
        sent = set(absent)
        out: list[StagedFile] = []
        for s in staged:
            if s.phys_name in sent:
                sent.discard(s.phys_name)  # the first path of duplicates carries the upload
                s = attrs.evolve(s, uploaded=True)
            out.append(s)
        return out

    def _query_absent(self, names: list[str], batch_id: int, delete_time: int) -> Flow[list[str]]:
        try:
            return (yield from self.query_files(names, batch_id, delete_time))
        except HttpError as exc:
            if exc.status != 500 or not batch_id:
                raise
            log.warning("query_files with batch_id failed (HTTP 500, a BOINC bug); repeating it without batch_id")
            return (yield from self.query_files(names, 0, delete_time))
        except SubmitError as exc:
            if "update() failed" not in exc.error_msg or not delete_time:
                raise
            log.warning("query_files failed storing delete_time (a BOINC bug); repeating it with delete_time 0")
            return (yield from self.query_files(names, batch_id, 0))

    # ------------------------------------------------------------------ output files

    def download(self, query: str, dest: Path, default_name: str, *, zip_: bool) -> Flow[Path]:
        """One ``get_output.php`` download, retried while the server reports the file missing."""
        what = "get_output.php?" + query.split("&", 1)[0]
        for attempt in range(self.retries + 1):
            path: Path | None = yield Download(what, query, dest, default_name, zip_, self.auth)
            if path is not None:
                return path
            log.debug("%s: output not there yet (attempt %d)", what, attempt + 1)
            if attempt < self.retries:
                yield Sleep(self.retry_delay * 2**attempt)
        raise HttpError(404, f"{what}: the output file is still missing after {self.retries + 1} attempts")

    def get_output_file(self, result_name: str, file_num: int, dest: _PathLike) -> Flow[Path]:
        """``get_output.php?cmd=result_file``."""
        query = P.output_query("result_file", self.auth, result_name=result_name, file_num=file_num)
        return (yield from self.download(query, Path(dest), f"{result_name}_{file_num}", zip_=False))

    def get_job_output_file(self, job_name: str, file_num: int, dest: _PathLike) -> Flow[Path]:
        """``get_output.php?cmd=workunit_file``."""
        query = P.output_query("workunit_file", self.auth, wu_name=job_name, file_num=file_num)
        return (yield from self.download(query, Path(dest), f"{job_name}_{file_num}", zip_=False))

    def get_batch_outputs(self, batch_id: int, dest: _PathLike) -> Flow[Path]:
        """``get_output.php?cmd=batch_files``."""
        query = P.output_query("batch_files", self.auth, batch_id=batch_id)
        return (yield from self.download(query, Path(dest), f"batch_{batch_id}.zip", zip_=True))

    def get_job_outputs(self, job_id: int, dest: _PathLike) -> Flow[Path]:
        """``get_output.php?cmd=workunit_files``, with the workaround of its empty replies (server bug #23).

        An empty zip for a job whose instances list output files is the bug:
        the files are fetched one by one (``cmd=workunit_file``) and zipped here.
        """
        query = P.output_query("workunit_files", self.auth, wu_id=job_id)
        for attempt in range(self.retries + 1):
            path = yield from self.download(query, Path(dest), f"job_{job_id}.zip", zip_=True)
            if zip_members(path):
                return path
            try:
                job = yield from self.query_job(job_id)
                done = [i for i in job.instances if i.outfiles]
                if done:
                    inst = max(done, key=lambda i: len(i.outfiles))
                    yield from self._zip_one_by_one(path, inst.name.rsplit("_", 1)[0], len(inst.outfiles))
                    return path
            except BaseException:
                _unlink(path)
                raise
            # No instance lists its files: the job has none, or (the race of a job
            # reported done before its files are in place) not yet.
            if attempt < self.retries:
                _unlink(path)
                yield Sleep(self.retry_delay * 2**attempt)
        log.info("job %d has no output files on the server", job_id)
        return path

    def _zip_one_by_one(self, target: Path, job_name: str, count: int) -> Flow[None]:
        log.info(
            "get_output.php sent an empty zip for job %s, which has %d output file(s) (a BOINC bug with dotted "
            "job names); fetching them one by one",
            job_name,
            count,
        )
        with tempfile.TemporaryDirectory(prefix=".boinc-outputs-", dir=target.parent) as tmp:
            files: list[Path] = []
            for num in range(count):
                one = Path(tmp) / str(num)
                one.mkdir()
                try:
                    files.append((yield from self.get_job_output_file(job_name, num, one)))
                except SubmitError as exc:
                    raise OutputsUnavailable(
                        f"get_output.php?cmd=workunit_files sent an empty zip for job {job_name}, whose canonical "
                        f"instance has {count} output file(s) (BOINC server bug: get_output.php zips nothing when "
                        f"a job's name contains a dot), and fetching file {num} alone failed too: {exc}"
                    ) from exc
            write_zip(target, files)

    # ------------------------------------------------------------------ waiting

    def wait_batch(
        self,
        batch_id: int,
        poll_interval: float,
        max_poll_interval: float | None,
        timeout: float | None,
        progress: Callable[[BatchCounts], object] | None,
    ) -> Flow[Batch]:
        """Poll ``query_batch`` (with job details) with back-off until every job is done or failed."""
        backoff = Backoff(poll_interval, max_poll_interval)
        deadline = Deadline(timeout)
        last: BatchCounts | None = None
        while True:
            batch = yield from self.query_batch(batch_id, None, False, True)
            counts = BatchCounts.of(batch.jobs)
            if progress is not None:
                progress(counts)
            if _batch_over(batch, counts):
                return batch
            delay = backoff.next(counts != last)
            last = counts
            yield Sleep(deadline.cap(delay, f"wait_batch {batch_id}"))

    def collect(
        self,
        batch_id: int,
        dest: Path,
        skip: frozenset[str] | set[str],
        progress: Callable[[BatchCounts], object] | None = None,
        missing: dict[str, int] | None = None,
    ) -> Flow[tuple[Batch, list[JobResult]]]:
        """One poll: the batch, and its jobs that ended and are not in ``skip``, outputs downloaded.

        A done job whose outputs are still missing after the download retries
        is left out (the next poll tries again); with ``missing`` (polls in a
        row each such job was left out, kept by the caller) it is reported
        failed after :data:`MISSING_POLLS` polls.
        """
        batch = yield from self.query_batch(batch_id, None, False, True)
        if progress is not None:
            progress(BatchCounts.of(batch.jobs))
        out: list[JobResult] = []
        for job in batch.jobs:
            name = job.name or str(job.id)
            if name in skip:
                continue
            if job.status == JobStatus.DONE:
                try:
                    files = yield from self._fetch_outputs(job, dest / name)
                except (HttpError, OutputsUnavailable) as exc:
                    n = 0 if missing is None else missing.get(name, 0) + 1
                    if missing is None or n < MISSING_POLLS:
                        if missing is not None:
                            missing[name] = n
                        log.info("outputs of %s not there yet: %s", name, exc)
                        continue
                    del missing[name]
                    error = f"the outputs of a finished job could not be downloaded in {n} polls: {exc}"
                    out.append(JobResult(job=job, ok=False, output_error=error))
                    continue
                if missing is not None:
                    missing.pop(name, None)
                out.append(JobResult(job=job, ok=True, output_files=files))
            elif job.status == JobStatus.ERROR:
                stderr: str | None = None
                why = ""
                try:
                    stderr = (yield from self.query_completed_job(name)).stderr_out
                except NoCanonicalResult:
                    why = STDERR_BUG
                except SubmitError as exc:
                    why = f"the server could not return the volunteer's stderr: {exc}"
                out.append(JobResult(job=job, ok=False, stderr_out=stderr, stderr_error=why))
        return batch, out

    def _fetch_outputs(self, job: Job, where: Path) -> Flow[tuple[Path, ...]]:
        where.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".outputs-", suffix=".zip", dir=where)
        os.close(fd)
        try:
            zpath = yield from self.get_job_outputs(job.id, tmp)
            with zipfile.ZipFile(zpath) as z:
                names = [n for n in z.namelist() if P.download_name({"content-disposition": f"filename={n}"}) == n]
                for n in names:
                    z.extract(n, where)
        finally:
            _unlink(Path(tmp))
        return tuple(sorted((where / n for n in names), key=_file_order))

    def iter_completed_jobs(
        self,
        batch_id: int,
        dest: _PathLike,
        poll_interval: float,
        max_poll_interval: float | None,
        timeout: float | None,
        progress: Callable[[BatchCounts], object] | None,
        resubmit: BatchDesc | None,
    ) -> Flow[None]:
        """Emit each job of the batch as it ends; failed jobs of ``resubmit`` run once more under new names."""
        root = Path(dest)
        backoff = Backoff(poll_interval, max_poll_interval)
        deadline = Deadline(timeout)
        descs = {j.name: j for j in resubmit.jobs if j.name} if resubmit is not None else {}
        retried: set[str] = set()  # new names
        batches = [batch_id]
        seen: set[str] = set()
        missing: dict[str, int] = {}
        last: BatchCounts | None = None
        while True:
            changed = False
            total = BatchCounts()
            over = True
            for bid in list(batches):
                batch, results = yield from self.collect(bid, root, seen, None, missing)
                counts = BatchCounts.of(batch.jobs)
                total = BatchCounts(
                    done=total.done + counts.done,
                    in_progress=total.in_progress + counts.in_progress,
                    failed=total.failed + counts.failed,
                    queued=total.queued + counts.queued,
                )
                for result in results:
                    seen.add(result.name)
                    changed = True
                    if not result.ok and result.name in descs and result.name not in retried:
                        assert resubmit is not None
                        new = f"{result.name}_r2"
                        new_id = yield from self.submit_batch(
                            attrs.evolve(
                                resubmit,
                                batch_id=None,
                                batch_name=f"{resubmit.batch_name or 'batch'}_r2_{new}",
                                expire_time=None,
                                jobs=(attrs.evolve(descs[result.name], name=new),),
                            )
                        )
                        log.info("job %s failed (%s); resubmitted as %s", result.name, ", ".join(result.errors), new)
                        retried.add(new)
                        batches.append(new_id)
                        over = False
                        result = attrs.evolve(result, resubmitted_as=new)
                    yield Emit(result)
                ended = bool(batch.jobs) and all((j.name or str(j.id)) in seen for j in batch.jobs)
                if not ended and batch.state not in (BatchState.ABORTED, BatchState.RETIRED):
                    over = False
            if progress is not None:
                progress(total)
            if over:
                return
            delay = backoff.next(changed or total != last)
            last = total
            yield Sleep(deadline.cap(delay, f"iter_completed_jobs {batch_id}"))


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
