"""``BoincServer``: remote job submission to a BOINC project, over plain stdlib HTTP.

Every method sends one request (a few for file staging), checks the reply with
:mod:`boinc.submit._protocol` and returns a typed value. Transport failures
become :class:`~boinc.errors.TransportError` subclasses, server errors
:class:`~boinc.errors.SubmitError`. The authenticator never appears in a
``repr``, a log line or an exception.
"""

from __future__ import annotations

import hashlib
import http.client
import logging
import os
import socket
import ssl
import tempfile
import time
import urllib.parse
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Final

import attrs

from .. import __version__
from ..errors import (
    ConnectError,
    ConnectionClosed,
    HttpError,
    ProtocolError,
    RpcTimeout,
    SubmitError,
    TransportError,
)
from . import _protocol as P
from .structs import (
    Batch,
    BatchDesc,
    BatchSetStatus,
    CompletedJob,
    Estimate,
    Job,
    JobCounts,
    Templates,
)

__all__ = ["DEFAULT_TIMEOUT", "BoincServer", "StagedFile", "file_md5"]

log = logging.getLogger("boinc.submit")

#: Seconds a request may take, by default (``submit_batch`` runs create_work synchronously).
DEFAULT_TIMEOUT: Final = 300.0
_CHUNK: Final = 1 << 20
_SMALL_BODY: Final = 1 << 20
_USER_AGENT: Final = f"boinc-python/{__version__} (remote job submission)"
_PathLike = str | os.PathLike[str]


@attrs.frozen
class _Response:
    status: int
    headers: dict[str, str]
    body: bytes


@attrs.frozen(kw_only=True)
class StagedFile:
    """A local file as the server knows it after :meth:`BoincServer.stage_files`."""

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
        while chunk := f.read(_CHUNK):
            h.update(chunk)
            n += len(chunk)
    return h.hexdigest(), n


def _read_chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            yield chunk


class BoincServer:
    """A user's handle on a BOINC project's job submission interface.

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
        self.url = f"{parts.scheme}://{parts.netloc}{path}"
        self.timeout = timeout
        self.max_file_uploads = max_file_uploads
        self.retries = retries
        self.retry_delay = retry_delay
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port or (443 if self._https else 80)
        self._path = path
        self._auth = authenticator
        self._ssl = ssl_context if ssl_context is not None else ssl.create_default_context()

    def __repr__(self) -> str:
        return f"BoincServer({self.url!r})"

    # ------------------------------------------------------------------ transport

    def _connect(self) -> http.client.HTTPConnection:
        if self._https:
            return http.client.HTTPSConnection(self._host, self._port, timeout=self.timeout, context=self._ssl)
        return http.client.HTTPConnection(self._host, self._port, timeout=self.timeout)

    def _transport_error(self, what: str, exc: BaseException) -> TransportError:
        host, port = self._host, self._port
        if isinstance(exc, (socket.timeout, TimeoutError)):
            return RpcTimeout(f"{what}: no answer within {self.timeout} s", host=host, port=port)
        if isinstance(exc, ssl.SSLCertVerificationError):
            msg = f"{what}: TLS certificate verification failed ({exc.verify_message})"
            return ConnectError(msg, host=host, port=port)
        if isinstance(exc, (http.client.RemoteDisconnected, http.client.IncompleteRead, ConnectionResetError)):
            return ConnectionClosed(f"{what}: the server closed the connection early", host=host, port=port)
        if isinstance(exc, http.client.HTTPException):
            return ConnectionClosed(f"{what}: bad HTTP reply ({type(exc).__name__})", host=host, port=port)
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        return ConnectError(f"{what}: cannot reach the server ({detail})", host=host, port=port)

    def _post(self, what: str, endpoint: str, body: P.Multipart) -> _Response:
        conn = self._connect()
        size = len(body)
        # Small bodies go in one piece, which http.client sends with the headers
        # (no Nagle/delayed-ACK stall); big ones are streamed.
        payload: bytes | Iterator[bytes] = body.to_bytes() if size <= _SMALL_BODY else iter(body)
        try:
            conn.request(
                "POST",
                self._path + endpoint,
                body=payload,
                headers={"Content-Type": body.content_type, "Content-Length": str(size), "User-Agent": _USER_AGENT},
            )
            resp = conn.getresponse()
            data = resp.read()
            headers = {k.lower(): v for k, v in resp.getheaders()}
        except (OSError, http.client.HTTPException) as exc:
            raise self._transport_error(what, exc) from _cause(exc)
        finally:
            conn.close()
        log.debug("POST %s (%s) -> HTTP %d, %d bytes", endpoint, what, resp.status, len(data))
        return _Response(resp.status, headers, data)

    def _rpc(
        self,
        op: str,
        request: bytes,
        *,
        endpoint: str = P.RPC_ENDPOINT,
        files: Sequence[tuple[str, int, Iterable[bytes]]] = (),
        root: str | None = None,
    ) -> str:
        resp = self._post(op, endpoint, P.Multipart(request, files))
        return P.check_reply(
            op, resp.status, resp.body, secret=self._auth, location=resp.headers.get("location"), root=root
        )

    # ------------------------------------------------------------------ operations

    def ping(self) -> None:
        """Check that the project's submission handler answers.

        Raises:
            SubmitError: the server answered with an error (e.g. down for maintenance, -183).
            TransportError: the server cannot be reached.
        """
        P.parse_success(self._rpc("ping", P.PING_XML), "ping")

    def estimate_batch(self, batch_desc: BatchDesc) -> Estimate:
        """Estimate how long a batch would take on the project.

        Every job needs ``rsc_fpops_est``, or the app's template must have one.

        Raises:
            SubmitError: e.g. "app not found", "no rsc_fpops_est given for job".
            TransportError: the server cannot be reached.
        """
        req = P.BatchRequest(authenticator=self._auth, batch=batch_desc)
        return P.parse_estimate(self._rpc("estimate_batch", P.encode_request(req, "estimate_batch")))

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
        req = P.BatchRequest(authenticator=self._auth, batch=batch_desc)
        batch_id = P.parse_batch_id(self._rpc("submit_batch", P.encode_request(req, "submit_batch")), "submit_batch")
        if batch_desc.expire_time:
            self.set_expire_time(batch_id, batch_desc.expire_time)
        return batch_id

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
        req = P.CreateBatchRequest(
            authenticator=self._auth, app_name=app_name, batch_name=batch_name, expire_time=float(expire_time)
        )
        return P.parse_batch_id(self._rpc("create_batch", P.encode_request(req, "create_batch")), "create_batch")

    def query_batches(self, get_cpu_time: bool = False) -> list[Batch]:
        """The user's batches, except retired ones.

        Args:
            get_cpu_time: also sum the CPU time of every batch (slow on big projects).

        Raises:
            SubmitError: e.g. "no file access".
            TransportError: the server cannot be reached.
        """
        req = P.QueryBatchesRequest(authenticator=self._auth, get_cpu_time=get_cpu_time)
        return P.parse_batches(self._rpc("query_batches", P.encode_request(req, "query_batches")))

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
        _one_batch(batch_id, batch_name)
        req = P.QueryBatchRequest(
            authenticator=self._auth,
            batch_id=batch_id,
            batch_name=batch_name,
            get_cpu_time=get_cpu_time,
            get_job_details=get_job_details,
        )
        return P.parse_batch(self._rpc("query_batch", P.encode_request(req, "query_batch")))

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
        if isinstance(batch_names, str) or not batch_names:
            raise ValueError("batch_names must be a non-empty sequence of names")
        req = P.QueryBatch2Request(authenticator=self._auth, batch_names=tuple(batch_names), min_mod_time=min_mod_time)
        return P.parse_batch2(self._rpc("query_batch2", P.encode_request(req, "query_batch2")), batch_names)

    def query_job(self, job_id: int) -> Job:
        """A job's instances (:attr:`Job.instances`), by workunit id.

        Raises:
            SubmitError: e.g. "no such job".
            TransportError: the server cannot be reached.
        """
        req = P.QueryJobRequest(authenticator=self._auth, job_id=job_id)
        return P.parse_job(self._rpc("query_job", P.encode_request(req, "query_job")), job_id)

    def query_completed_job(self, job_name: str) -> CompletedJob:
        """Exit status, times and stderr of a job's canonical instance.

        Raises:
            HttpError: the job has no canonical instance (not finished, or failed):
                the server fails with HTTP 500 then, a BOINC bug.
            SubmitError: e.g. "no such job".
            TransportError: the server cannot be reached.
        """
        req = P.JobNamesRequest(authenticator=self._auth, job_names=(job_name,))
        return P.parse_completed_job(self._rpc("query_completed_job", P.encode_request(req, "query_completed_job")))

    def abort_batch(self, batch_id: int | None = None, *, batch_name: str | None = None) -> None:
        """Abort every job of a batch that has not finished.

        Raises:
            ValueError: neither or both of ``batch_id`` and ``batch_name``.
            SubmitError: e.g. "no such batch".
            TransportError: the server cannot be reached.
        """
        self._batch_op("abort_batch", batch_id, batch_name)

    def abort_jobs(self, job_names: Sequence[str]) -> list[str]:
        """Abort jobs by name; returns the names the server reports aborted.

        Raises:
            ValueError: no job name.
            SubmitError: e.g. "no job X"; jobs before the failing one stay aborted,
                and the message names them.
            TransportError: the server cannot be reached.
        """
        if isinstance(job_names, str) or not job_names:
            raise ValueError("job_names must be a non-empty sequence of names")
        req = P.JobNamesRequest(authenticator=self._auth, job_names=tuple(job_names))
        resp = self._post("abort_jobs", P.RPC_ENDPOINT, P.Multipart(P.encode_request(req, "abort_jobs")))
        body, aborted = P.split_aborted(resp.body)
        try:
            text = P.check_reply(
                "abort_jobs", resp.status, body, secret=self._auth, location=resp.headers.get("location")
            )
        except SubmitError as exc:
            if aborted and not isinstance(exc, HttpError):
                msg = f"{exc.error_msg} (aborted before the error: {', '.join(aborted)})"
                raise SubmitError(exc.error_num, msg) from None
            raise
        P.parse_success(text, "abort_jobs")
        return aborted

    def retire_batch(self, batch_id: int | None = None, *, batch_name: str | None = None) -> None:
        """Retire a batch: the server may delete its files and records.

        Raises:
            ValueError: neither or both of ``batch_id`` and ``batch_name``.
            SubmitError: e.g. "no such batch".
            TransportError: the server cannot be reached.
        """
        self._batch_op("retire_batch", batch_id, batch_name)

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
        self._batch_op("set_expire_time", batch_id, batch_name, expire_time=float(expire_time))

    def _batch_op(self, op: str, batch_id: int | None, batch_name: str | None, **extra: float) -> None:
        _one_batch(batch_id, batch_name)
        req = P.BatchRefRequest(authenticator=self._auth, batch_id=batch_id, batch_name=batch_name, **extra)
        P.parse_success(self._rpc(op, P.encode_request(req, op)), op)

    def get_templates(self, app_name: str | None = None, *, job_name: str | None = None) -> Templates:
        """An app's input and output templates, by app name or by one of its jobs' names.

        The server always returns the app's defaults, even for a job that had its own.

        Raises:
            ValueError: neither or both of ``app_name`` and ``job_name``.
            SubmitError: e.g. "app not found".
            TransportError: the server cannot be reached.
        """
        if (app_name is None) == (job_name is None):
            raise ValueError("give exactly one of app_name and job_name")
        req = P.GetTemplatesRequest(authenticator=self._auth, app_name=app_name, job_name=job_name)
        return P.parse_templates(self._rpc("get_templates", P.encode_request(req, "get_templates")))

    def get_job_counts(self) -> JobCounts:
        """Server-wide job counts (``server_status.php?counts=1``; needs no account).

        Raises:
            HttpError: the page is not there.
            TransportError: the server cannot be reached.
        """
        text = self._rpc("get_job_counts", b"", endpoint=P.COUNTS_ENDPOINT, root="job_counts")
        return P.parse_job_counts(text)

    # ------------------------------------------------------------------ input files

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
        names = list(phys_names)
        for name in names:
            P.check_phys_name(name)
        req = P.FilesRequest(
            authenticator=self._auth, batch_id=batch_id, delete_time=int(delete_time), phys_names=tuple(names)
        )
        text = self._rpc("query_files", P.encode_request(req, "query_files"), endpoint=P.FILE_ENDPOINT)
        return [names[i] for i in P.parse_absent(text, len(names))]

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
                authenticator=self._auth,
                batch_id=batch_id,
                delete_time=int(delete_time),
                phys_names=tuple(n for _, n in group),
            )
            files = [(name, path.stat().st_size, _read_chunks(path)) for path, name in group]
            text = self._rpc(
                "upload_files", P.encode_request(req, "upload_files"), endpoint=P.FILE_ENDPOINT, files=files
            )
            P.parse_success(text, "upload_files")

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
        absent = self._query_absent(list(unique), batch_id, delete_time)
        todo = [unique[n] for n in absent]
        if todo:
            self.upload_files([s.path for s in todo], [s.phys_name for s in todo], batch_id, delete_time)
        sent = set(absent)
        out: list[StagedFile] = []
        for s in staged:
            if s.phys_name in sent:
                sent.discard(s.phys_name)  # the first path of duplicates carries the upload
                s = attrs.evolve(s, uploaded=True)
            out.append(s)
        return out

    def _query_absent(self, names: list[str], batch_id: int, delete_time: int) -> list[str]:
        try:
            return self.query_files(names, batch_id, delete_time)
        except HttpError as exc:
            if exc.status != 500 or not batch_id:
                raise
            log.warning("query_files with batch_id failed (HTTP 500, a BOINC bug); repeating it without batch_id")
            return self.query_files(names, 0, delete_time)
        except SubmitError as exc:
            if "update() failed" not in exc.error_msg or not delete_time:
                raise
            log.warning("query_files failed storing delete_time (a BOINC bug); repeating it with delete_time 0")
            return self.query_files(names, batch_id, 0)

    # ------------------------------------------------------------------ output files

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
        query = P.output_query("result_file", self._auth, result_name=result_name, file_num=file_num)
        return self._download(query, Path(dest), f"{result_name}_{file_num}", zip_=False)

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
        query = P.output_query("workunit_file", self._auth, wu_name=job_name, file_num=file_num)
        return self._download(query, Path(dest), f"{job_name}_{file_num}", zip_=False)

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
        query = P.output_query("workunit_files", self._auth, wu_id=job_id)
        return self._download(query, Path(dest), f"job_{job_id}.zip", zip_=True)

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
        query = P.output_query("batch_files", self._auth, batch_id=batch_id)
        return self._download(query, Path(dest), f"batch_{batch_id}.zip", zip_=True)

    def _download(self, query: str, dest: Path, default_name: str, *, zip_: bool) -> Path:
        what = "get_output.php?" + query.split("&", 1)[0]
        for attempt in range(self.retries + 1):
            conn = self._connect()
            try:
                try:
                    conn.request("GET", f"{self._path}{P.OUTPUT_ENDPOINT}?{query}", headers={"User-Agent": _USER_AGENT})
                    resp = conn.getresponse()
                    headers = {k.lower(): v for k, v in resp.getheaders()}
                    head = resp.read(_CHUNK) if resp.status == 200 else resp.read(65536)
                except (OSError, http.client.HTTPException) as net:
                    raise _NetError(net) from net
                retry = P.check_download(resp.status, headers, head, secret=self._auth)
                if retry is None:
                    target = dest / (P.download_name(headers) or default_name) if dest.is_dir() else dest
                    return _write_atomically(target, head, resp, zip_=zip_, length=_length(headers))
            except _NetError as wrapped:
                raise self._transport_error(what, wrapped.exc) from _cause(wrapped.exc)
            finally:
                conn.close()
            log.debug("%s: output not there yet (attempt %d)", what, attempt + 1)
            if attempt < self.retries:
                time.sleep(self.retry_delay * 2**attempt)
        raise HttpError(404, f"{what}: the output file is still missing after {self.retries + 1} attempts")


class _NetError(Exception):
    """A network failure while a download is written (told apart from local file errors)."""

    def __init__(self, exc: OSError | http.client.HTTPException) -> None:
        super().__init__(type(exc).__name__)
        self.exc = exc


def _read(resp: http.client.HTTPResponse) -> bytes:
    try:
        return resp.read(_CHUNK)
    except (OSError, http.client.HTTPException) as exc:
        raise _NetError(exc) from exc


def _length(headers: dict[str, str]) -> int | None:
    try:
        return int(headers["content-length"])
    except (KeyError, ValueError):
        return None


def _write_atomically(
    target: Path, head: bytes, resp: http.client.HTTPResponse, *, zip_: bool, length: int | None
) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(head)
            size = len(head)
            while chunk := _read(resp):
                f.write(chunk)
                size += len(chunk)
            if length is not None and size != length:  # read(amt) does not notice an early EOF
                raise _NetError(http.client.IncompleteRead(b"", length - size))
            if zip_ and size == 0:
                f.write(P.EMPTY_ZIP)  # get_output.php sends 0 bytes for a batch without outputs
            f.flush()
            os.fsync(f.fileno())
        if zip_:
            _check_zip(tmp)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return target


def _check_zip(path: str) -> None:
    try:
        with zipfile.ZipFile(path) as z:
            bad = z.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ProtocolError(f"the server's zip is not valid: {exc}") from None
    if bad is not None:
        raise ProtocolError(f"the server's zip is damaged: bad member {bad!r}")


def _cause(exc: BaseException) -> BaseException | None:
    # Socket errors carry no URL; http.client's own errors may quote the request
    # line, whose query can hold the authenticator (workunit_file): not chained.
    return exc if isinstance(exc, OSError) else None


def _one_batch(batch_id: int | None, batch_name: str | None) -> None:
    if (batch_id is None) == (batch_name is None):
        raise ValueError("give exactly one of batch_id and batch_name")
