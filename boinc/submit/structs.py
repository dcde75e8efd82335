"""Typed requests and replies of BOINC's remote job submission RPCs.

Every class here is a frozen attrs struct read and written by the XML engine of
:mod:`boinc` (:mod:`boinc._xml`): the field names are the XML tags of
``submit_rpc_handler.php``. Times are Unix seconds as the server sends them.

Requests are slotted classes: a batch makes 100,000 of them, and slots are
smaller and quicker to make. Replies are not (``slots=False``): the decoder
builds those by copying a template ``__dict__``, which is faster still.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from pathlib import Path
from typing import Final

import attrs

from .._enum import OpenIntEnum
from .._xml import xml_field
from .._xml.check import check_document

__all__ = [
    "Batch",
    "BatchCounts",
    "BatchDesc",
    "BatchJobs",
    "BatchSetStatus",
    "BatchState",
    "CompletedJob",
    "ErrorMask",
    "Estimate",
    "FileDesc",
    "FileMode",
    "Job",
    "JobCounts",
    "JobDesc",
    "JobDetail",
    "JobInstance",
    "JobParams",
    "JobResult",
    "JobStatus",
    "OutputFile",
    "Templates",
]


class BatchState(OpenIntEnum):
    """``batch.state`` (``html/inc/common_defs.inc``); unknown values are kept."""

    INIT = 0  #: created by ``create_batch`` (or mid ``submit_batch``); no jobs yet
    IN_PROGRESS = 1  #: jobs created
    COMPLETE = 2  #: every job has a canonical instance or an error (set lazily by queries)
    ABORTED = 3  #: ``abort_batch``
    RETIRED = 4  #: ``retire_batch``; hidden from ``query_batches``


class ErrorMask(enum.IntFlag):
    """``workunit.error_mask`` bits; ``query_batch`` names them in ``<error>`` elements."""

    COULDNT_SEND_RESULT = 1
    TOO_MANY_ERROR_RESULTS = 2
    TOO_MANY_SUCCESS_RESULTS = 4
    TOO_MANY_TOTAL_RESULTS = 8
    CANCELLED = 16
    NO_CANONICAL_RESULT = 32


class JobStatus(str, enum.Enum):
    """A :class:`Job`'s status in ``query_batch`` (``query_batch2`` uses other, uppercase words).

    Members are strings, so ``job.status == JobStatus.DONE`` works on the raw text.
    """

    DONE = "done"
    ERROR = "error"
    IN_PROGRESS = "in_progress"
    QUEUED = "queued"


class FileMode(str, enum.Enum):
    """How ``submit_batch`` finds an input file (``stage_file()`` in the handler)."""

    LOCAL_STAGED = "local_staged"  #: a physical name already in the download hierarchy
    LOCAL = "local"  #: a path on the server
    SEMILOCAL = "semilocal"  #: a URL the server reads
    REMOTE = "remote"  #: a URL the volunteer's client downloads (url, nbytes, md5)
    INLINE = "inline"  #: the contents themselves
    SANDBOX = "sandbox"  #: a file of the user's web sandbox (broken on servers 1.6.1+)


# --------------------------------------------------------------------------- requests


_MODES: Final = frozenset(m.value for m in FileMode)
_MD5: Final = re.compile(r"[0-9a-f]{32}")
_NOT_XML: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@attrs.frozen(kw_only=True)
class FileDesc:
    """One ``<input_file>`` of a job.

    Build it with a constructor named after the mode: :meth:`local_staged`,
    :meth:`local`, :meth:`semilocal`, :meth:`remote`, :meth:`inline` or
    :meth:`sandbox`. The order of a job's files must match the ``<file_info>``
    slots of the app's input template.

    Raises:
        ValueError: an unknown mode, or fields that do not fit the mode.
    """

    #: one of :class:`FileMode`'s values
    mode: str
    #: physical name, server path, URL or contents, per ``mode`` (not ``remote``)
    source: str | None = None
    #: ``remote`` only: where the volunteer's client downloads the file
    url: str | None = None
    #: ``remote`` only: the file's size in bytes
    nbytes: float | None = None
    #: ``remote`` only: the file's MD5, lowercase hex
    md5: str | None = None

    def __attrs_post_init__(self) -> None:
        mode = self.mode
        if mode not in _MODES:
            raise ValueError(f"unknown input file mode {mode!r}; one of {sorted(_MODES)}")
        if type(mode) is not str:
            object.__setattr__(self, "mode", str(FileMode(mode).value))
        if mode == "remote":
            if self.url is None or self.nbytes is None or self.md5 is None or self.source is not None:
                raise ValueError("a remote input file needs url, nbytes and md5 (and no source)")
        elif self.source is None or self.url is not None or self.nbytes is not None or self.md5 is not None:
            raise ValueError(f"a {self.mode} input file needs source (and no url, nbytes or md5)")

    @classmethod
    def local_staged(cls, phys_name: str) -> FileDesc:
        """A file already staged on the server, e.g. by :meth:`BoincServer.stage_files`.

        Args:
            phys_name: its physical name (``jf_<md5>``).
        """
        return cls(mode="local_staged", source=phys_name)

    @classmethod
    def local(cls, server_path: str) -> FileDesc:
        """A file the server copies from a path on its own file system."""
        return cls(mode="local", source=server_path)

    @classmethod
    def semilocal(cls, url: str) -> FileDesc:
        """A file the server downloads from ``url`` at submission time."""
        return cls(mode="semilocal", source=url)

    @classmethod
    def remote(cls, url: str, nbytes: int | float, md5: str) -> FileDesc:
        """A file the volunteers' clients download from ``url`` themselves.

        Raises:
            ValueError: ``md5`` is not 32 lowercase hex digits, or ``nbytes`` is negative.
        """
        if not _MD5.fullmatch(md5):
            raise ValueError("md5 must be 32 lowercase hex digits")
        if nbytes < 0:
            raise ValueError("nbytes must not be negative")
        return cls(mode="remote", url=url, nbytes=float(nbytes), md5=md5)

    @classmethod
    def inline(cls, contents: str) -> FileDesc:
        """A file whose contents travel inside the request.

        Only text XML 1.0 can carry: no control characters except tab and line
        breaks (stage binary files with :meth:`BoincServer.stage_files` instead).

        Raises:
            ValueError: the contents hold a character XML cannot carry.
        """
        if _NOT_XML.search(contents):
            raise ValueError("inline contents must be text XML can carry; stage binary files instead")
        return cls(mode="inline", source=contents)

    @classmethod
    def sandbox(cls, name: str) -> FileDesc:
        """A file of the user's web sandbox.

        Servers 1.6.1 to at least 1.6.2 stage the *name* instead of the file
        (a fall-through bug); prefer :meth:`local_staged`.
        """
        return cls(mode="sandbox", source=name)


def _inner_template(tag: str) -> Callable[[str], str]:
    pattern = re.compile(rf"^\s*(?:<\?xml[^>]*>\s*)?<{tag}\s*>(.*)</{tag}\s*>\s*$", re.S)

    def convert(value: str) -> str:
        if not isinstance(value, str):
            raise TypeError(f"{tag} must be a str")
        if not value:
            return value
        m = pattern.match(value)
        inner = m.group(1) if m else value
        # sent unescaped inside the request: a malformed template would break the whole request
        check_document(f"<{tag}>{inner}</{tag}>", tag)
        return inner

    return convert


@attrs.frozen(kw_only=True)
class JobParams:
    """A batch's ``<job_params>``: create_work defaults for every job (0 or ``None`` = unset).

    An input template that sets the same value wins.
    """

    rsc_disk_bound: float | None = None  #: bytes
    rsc_fpops_est: float | None = None  #: floating-point operations
    rsc_fpops_bound: float | None = None  #: floating-point operations
    rsc_memory_bound: float | None = None  #: bytes
    delay_bound: float | None = None  #: seconds


@attrs.frozen(kw_only=True)
class JobDesc:
    """One ``<job>`` of a batch.

    Templates are the inner XML of ``<input_template>``/``<output_template>``
    (a whole element is accepted and unwrapped), as :class:`Templates` holds them.
    There is no ``target_team``: the server passes it to create_work, which
    rejects it, so every job of the batch would fail.

    Raises:
        ValueError: a name with white space, or a command line with ``"`` or a line break.
    """

    #: the job (workunit) name; globally unique, no spaces. ``None``: the server makes one
    name: str | None = None
    #: used only for ``estimate_batch`` and allocation priority (the server ignores it otherwise)
    rsc_fpops_est: float | None = None
    #: the job's command line: no ``"`` and no newlines (create_work cannot quote them)
    command_line: str | None = None
    #: run only on this user's hosts
    target_user: int | None = None
    #: run only on this host
    target_host: int | None = None
    #: per-job input template (inner XML); ``""`` = the app's
    input_template: str = xml_field(raw=True, default="", omit_default=True)
    #: per-job output template (inner XML); ``""`` = the app's
    output_template: str = xml_field(raw=True, default="", omit_default=True)
    #: per-job priority
    priority: int | None = None
    #: the input files, in the order of the template's ``<file_info>`` slots
    input_files: tuple[FileDesc, ...] = xml_field(tag="input_file", default=())

    def __attrs_post_init__(self) -> None:
        if self.input_template:
            object.__setattr__(self, "input_template", _unwrap_in(self.input_template))
        if self.output_template:
            object.__setattr__(self, "output_template", _unwrap_out(self.output_template))
        cmd = self.command_line
        if cmd is not None and ('"' in cmd or "\n" in cmd or "\r" in cmd):
            raise ValueError("a job's command_line cannot hold '\"' or a line break (create_work cannot quote them)")
        name = self.name
        # every white space character is either ' ' or not printable
        if name is not None and (not name or " " in name or (not name.isprintable() and _SPACE.search(name))):
            raise ValueError(f"bad job name {name!r}: it must be non-empty and hold no white space")


_SPACE: Final = re.compile(r"\s")
_unwrap_in: Final = _inner_template("input_template")
_unwrap_out: Final = _inner_template("output_template")


@attrs.frozen(kw_only=True)
class BatchDesc:
    """The ``<batch>`` of ``submit_batch`` and ``estimate_batch``."""

    #: the app's short name
    app_name: str
    #: submit into this batch (made by ``create_batch``, still in state INIT); ``None``: a new one
    batch_id: int | None = None
    #: name of a new batch (not unique on the server)
    batch_name: str | None = None
    #: force this app version number; ``None`` or 0: any
    app_version_num: int | None = None
    #: compute the priority from the user's allocation (needs ``rsc_fpops_est``)
    allocation_priority: bool = xml_field(flag=True, default=False)
    #: priority of every job (ignored with ``allocation_priority``)
    priority: int | None = None
    #: batch-level input template file, relative to the project's ``templates/``
    input_template_filename: str | None = None
    #: batch-level output template file, relative to ``templates/``
    output_template_filename: str | None = None
    #: template file the server counts input files with (default ``templates/<app>_in``)
    workunit_template_file: str | None = None
    #: Unix time after which ``html/ops/expire_batches`` may abort the batch. The
    #: server ignores it inside ``<batch>``, so :meth:`BoincServer.submit_batch`
    #: sets it with ``set_expire_time`` once the batch exists.
    expire_time: float | None = None
    #: create_work defaults for every job
    job_params: JobParams | None = None
    #: the jobs, in order
    jobs: tuple[JobDesc, ...] = xml_field(tag="job", default=())


# --------------------------------------------------------------------------- replies


@attrs.frozen(kw_only=True, slots=False)
class OutputFile:
    """An ``<outfile>`` of a finished :class:`JobInstance`."""

    size: float = 0.0  #: bytes


@attrs.frozen(kw_only=True, slots=False)
class JobInstance:
    """An ``<instance>`` (result) of a job, from ``query_job``."""

    name: str = ""  #: the result name, ``<job name>_<n>``
    id: int = 0  #: the result id
    #: human-readable, possibly translated state ("Completed and validated", "In progress", ...)
    state: str = ""
    #: output files still on the server (only once the instance is over)
    outfiles: tuple[OutputFile, ...] = xml_field(tag="outfile", default=())


@attrs.frozen(kw_only=True, slots=False)
class Job:
    """A job (workunit): a ``<job>`` of ``query_batch``, or the reply of ``query_job``.

    Which call fills which field (a field the reply did not carry is ``None``,
    never a value that looks real):

    ================================  ===========  ============================  ==========
    field                             query_batch  query_batch, get_job_details  query_job
    ================================  ===========  ============================  ==========
    :attr:`id`                        yes          yes                           yes
    :attr:`name`                      yes          yes                           ``None``
    :attr:`canonical_instance_id`     yes          yes                           ``None``
    :attr:`status`                    ``None``     yes                           ``None``
    :attr:`errors`                    ``()``       yes                           ``()``
    :attr:`exit_statuses`             ``()``       yes                           ``()``
    :attr:`cpu_time`                  ``None``     done jobs                     ``None``
    :attr:`instances`                 ``()``       ``()``                        yes
    ================================  ===========  ============================  ==========

    The per-job ``errors`` are data, not failures.
    """

    id: int = 0  #: the workunit id
    name: str | None = None  #: the workunit name; ``None`` from ``query_job``
    #: the canonical instance's id, 0 if none; ``None`` from ``query_job``
    canonical_instance_id: int | None = None
    #: names of the ``error_mask`` bits (``cancelled``, ``too_many_error_results``, ...); with details only
    errors: tuple[str, ...] = xml_field(tag="error", default=())
    #: exit statuses of the instances that failed on a client; with details only
    exit_statuses: tuple[int, ...] = xml_field(tag="exit_status", default=())
    #: CPU seconds of the canonical instance
    cpu_time: float | None = None
    #: ``done``, ``error``, ``in_progress`` or ``queued`` (see :class:`JobStatus`); ``None`` without details
    status: str | None = None
    #: the instances (``query_job`` only)
    instances: tuple[JobInstance, ...] = xml_field(tag="instance", default=())

    @property
    def error_mask(self) -> ErrorMask:
        """The :attr:`errors` as :class:`ErrorMask` bits (unknown names are left out)."""
        mask = ErrorMask(0)
        for name in self.errors:
            bit = ErrorMask.__members__.get(name.upper())
            if bit is not None:
                mask |= bit
        return mask


@attrs.frozen(kw_only=True, slots=False)
class Batch:
    """A batch, from ``query_batches`` or ``query_batch`` (which adds :attr:`jobs`)."""

    id: int = 0
    create_time: float = 0.0
    expire_time: float = 0.0  #: 0: none
    est_completion_time: float = 0.0  #: never computed by the server
    njobs: int = 0
    fraction_done: float = 0.0  #: (succeeded + failed) / njobs
    nerror_jobs: int = 0
    state: BatchState = BatchState.INIT
    completion_time: float = 0.0
    credit_estimate: float = 0.0
    credit_canonical: float = 0.0
    name: str = ""
    app_name: str = ""
    #: CPU seconds of every instance; ``None`` unless asked for with ``get_cpu_time``
    total_cpu_time: float | None = None
    #: the jobs (``query_batch`` only)
    jobs: tuple[Job, ...] = xml_field(tag="job", default=())


@attrs.frozen(kw_only=True, slots=False)
class JobDetail:
    """A job's name and status, from ``query_batch2`` (status ``DONE``, ``ERROR``, ``IN_PROGRESS`` or ``UNSENT``)."""

    job_name: str = ""
    status: str = ""


@attrs.frozen(kw_only=True, slots=False)
class BatchJobs:
    """The jobs ``query_batch2`` reports for one batch name."""

    batch_name: str
    jobs: tuple[JobDetail, ...] = ()


@attrs.frozen(kw_only=True, slots=False)
class BatchSetStatus:
    """The reply of ``query_batch2``: job statuses of several batches, by name."""

    server_time: float  #: the server's clock; pass it as the next ``min_mod_time``
    batches: tuple[BatchJobs, ...] = ()


_NO_ERRORS: Final = ErrorMask(0)


@attrs.frozen(kw_only=True, slots=False)
class CompletedJob:
    """The ``<completed_job>`` of ``query_completed_job`` (a job with a canonical instance)."""

    error_mask: ErrorMask = _NO_ERRORS
    canonical_resultid: int | None = None
    error_resultid: int | None = None
    exit_status: int = 0
    elapsed_time: float = 0.0  #: seconds
    cpu_time: float = 0.0  #: seconds
    #: the canonical instance's stderr, as the client reported it (HTML entities undone)
    stderr_out: str = ""


@attrs.frozen(kw_only=True, slots=False)
class JobCounts:
    """Server-wide job counts (``server_status.php?counts=1``)."""

    results_ready_to_send: int = 0
    results_in_progress: int = 0
    results_need_file_delete: int = 0
    wus_need_validate: int = 0
    wus_need_assimilate: int = 0
    wus_need_file_delete: int = 0


@attrs.frozen(kw_only=True, slots=False)
class Templates:
    """An app's default templates, from ``get_templates`` (inner XML, as on the server)."""

    input_template: str = xml_field(raw=True, default="")
    output_template: str = xml_field(raw=True, default="")


@attrs.frozen(kw_only=True, slots=False)
class Estimate:
    """The reply of ``estimate_batch``."""

    seconds: float = 0.0  #: estimated elapsed seconds of the whole batch on the project


# --------------------------------------------------------------------------- waiting for jobs


@attrs.frozen(kw_only=True)
class BatchCounts:
    """How a batch's jobs stand, as :meth:`BoincServer.wait_batch` reports it to ``progress``."""

    done: int = 0  #: finished with a canonical instance
    in_progress: int = 0  #: sent to a volunteer
    failed: int = 0  #: given up by the server (see :attr:`Job.errors`)
    queued: int = 0  #: not sent yet

    @classmethod
    def of(cls, jobs: tuple[Job, ...]) -> BatchCounts:
        """Count jobs by :attr:`Job.status` (they must come from ``query_batch`` with ``get_job_details``)."""
        n = {s.value: 0 for s in JobStatus}
        for job in jobs:
            if job.status in n:
                n[job.status] += 1
        return cls(done=n["done"], in_progress=n["in_progress"], failed=n["error"], queued=n["queued"])


@attrs.frozen(kw_only=True)
class JobResult:
    """A job that ended, as :meth:`BoincServer.iter_completed_jobs` and :meth:`BoincServer.collect_completed` give it.

    A success has its output files downloaded; a failure carries what the
    server says about it.
    """

    job: Job  #: the job as ``query_batch`` (with details) reported it
    ok: bool  #: True: it has a canonical instance and its outputs are in :attr:`output_files`
    #: the downloaded outputs, in the output template's order (successes only)
    output_files: tuple[Path, ...] = ()
    #: the volunteer's stderr of the failed job, where the server could return it
    stderr_out: str | None = None
    #: why :attr:`stderr_out` is ``None`` for a failure (e.g. the server's ``query_completed_job`` bug)
    stderr_error: str = ""
    #: why a done job counts as failed: its outputs could not be downloaded
    output_error: str = ""
    #: the name this job was resubmitted under, if it failed and was resubmitted
    resubmitted_as: str | None = None

    @property
    def name(self) -> str:
        """The job's name."""
        return self.job.name or ""

    @property
    def errors(self) -> tuple[str, ...]:
        """The server's error names of a failed job (``too_many_error_results``, ...)."""
        return self.job.errors

    @property
    def exit_statuses(self) -> tuple[int, ...]:
        """Exit statuses of the instances that failed on a volunteer's host."""
        return self.job.exit_statuses
