"""Remote job submission to a BOINC project server.

:class:`BoincServer` talks to a project's ``submit_rpc_handler.php``,
``job_file.php`` and ``get_output.php``: create a batch, stage input files,
submit jobs, follow them, download their outputs and retire the batch. Requests
and replies are typed structs (:mod:`boinc.submit.structs`); failures raise the
exceptions of :mod:`boinc.errors`.
"""

from __future__ import annotations

from .async_client import AsyncBoincServer
from .client import DEFAULT_TIMEOUT, BoincServer, StagedFile, file_md5
from .structs import (
    Batch,
    BatchCounts,
    BatchDesc,
    BatchJobs,
    BatchSetStatus,
    BatchState,
    CompletedJob,
    ErrorMask,
    Estimate,
    FileDesc,
    FileMode,
    Job,
    JobCounts,
    JobDesc,
    JobDetail,
    JobInstance,
    JobParams,
    JobResult,
    JobStatus,
    OutputFile,
    Templates,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "AsyncBoincServer",
    "Batch",
    "BatchCounts",
    "BatchDesc",
    "BatchJobs",
    "BatchSetStatus",
    "BatchState",
    "BoincServer",
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
    "StagedFile",
    "Templates",
    "file_md5",
]
