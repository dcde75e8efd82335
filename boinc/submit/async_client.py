"""``AsyncBoincServer``: the asyncio twin of :class:`~boinc.submit.BoincServer`.

Each method runs its blocking twin in a worker thread (:func:`asyncio.to_thread`),
so both share one implementation: same requests, same checks, same errors.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Sequence
from pathlib import Path

from .client import DEFAULT_TIMEOUT, BoincServer, StagedFile, _PathLike
from .structs import Batch, BatchDesc, BatchSetStatus, CompletedJob, Estimate, Job, JobCounts, Templates

__all__ = ["AsyncBoincServer"]


class AsyncBoincServer:
    """:class:`~boinc.submit.BoincServer` for asyncio; the same arguments, methods and errors.

    Raises:
        ValueError: as :class:`~boinc.submit.BoincServer`.
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
        self.sync = BoincServer(
            url,
            authenticator,
            timeout,
            ssl_context=ssl_context,
            max_file_uploads=max_file_uploads,
            retries=retries,
            retry_delay=retry_delay,
        )

    def __repr__(self) -> str:
        return f"AsyncBoincServer({self.sync.url!r})"

    async def ping(self) -> None:
        """See :meth:`BoincServer.ping`."""
        await asyncio.to_thread(self.sync.ping)

    async def estimate_batch(self, batch_desc: BatchDesc) -> Estimate:
        """See :meth:`BoincServer.estimate_batch`."""
        return await asyncio.to_thread(self.sync.estimate_batch, batch_desc)

    async def submit_batch(self, batch_desc: BatchDesc) -> int:
        """See :meth:`BoincServer.submit_batch`."""
        return await asyncio.to_thread(self.sync.submit_batch, batch_desc)

    async def create_batch(self, app_name: str, batch_name: str | None = None, expire_time: float = 0.0) -> int:
        """See :meth:`BoincServer.create_batch`."""
        return await asyncio.to_thread(self.sync.create_batch, app_name, batch_name, expire_time)

    async def query_batches(self, get_cpu_time: bool = False) -> list[Batch]:
        """See :meth:`BoincServer.query_batches`."""
        return await asyncio.to_thread(self.sync.query_batches, get_cpu_time)

    async def query_batch(
        self,
        batch_id: int | None = None,
        *,
        batch_name: str | None = None,
        get_cpu_time: bool = False,
        get_job_details: bool = False,
    ) -> Batch:
        """See :meth:`BoincServer.query_batch`."""
        return await asyncio.to_thread(
            self.sync.query_batch,
            batch_id,
            batch_name=batch_name,
            get_cpu_time=get_cpu_time,
            get_job_details=get_job_details,
        )

    async def query_batch2(self, batch_names: Sequence[str], min_mod_time: float | None = None) -> BatchSetStatus:
        """See :meth:`BoincServer.query_batch2`."""
        return await asyncio.to_thread(self.sync.query_batch2, batch_names, min_mod_time)

    async def query_job(self, job_id: int) -> Job:
        """See :meth:`BoincServer.query_job`."""
        return await asyncio.to_thread(self.sync.query_job, job_id)

    async def query_completed_job(self, job_name: str) -> CompletedJob:
        """See :meth:`BoincServer.query_completed_job`."""
        return await asyncio.to_thread(self.sync.query_completed_job, job_name)

    async def abort_batch(self, batch_id: int | None = None, *, batch_name: str | None = None) -> None:
        """See :meth:`BoincServer.abort_batch`."""
        await asyncio.to_thread(self.sync.abort_batch, batch_id, batch_name=batch_name)

    async def abort_jobs(self, job_names: Sequence[str]) -> list[str]:
        """See :meth:`BoincServer.abort_jobs`."""
        return await asyncio.to_thread(self.sync.abort_jobs, job_names)

    async def retire_batch(self, batch_id: int | None = None, *, batch_name: str | None = None) -> None:
        """See :meth:`BoincServer.retire_batch`."""
        await asyncio.to_thread(self.sync.retire_batch, batch_id, batch_name=batch_name)

    async def set_expire_time(
        self, batch_id: int | None = None, expire_time: float = 0.0, *, batch_name: str | None = None
    ) -> None:
        """See :meth:`BoincServer.set_expire_time`."""
        await asyncio.to_thread(self.sync.set_expire_time, batch_id, expire_time, batch_name=batch_name)

    async def get_templates(self, app_name: str | None = None, *, job_name: str | None = None) -> Templates:
        """See :meth:`BoincServer.get_templates`."""
        return await asyncio.to_thread(self.sync.get_templates, app_name, job_name=job_name)

    async def get_job_counts(self) -> JobCounts:
        """See :meth:`BoincServer.get_job_counts`."""
        return await asyncio.to_thread(self.sync.get_job_counts)

    async def query_files(self, phys_names: Sequence[str], batch_id: int = 0, delete_time: int = 0) -> list[str]:
        """See :meth:`BoincServer.query_files`."""
        return await asyncio.to_thread(self.sync.query_files, phys_names, batch_id, delete_time)

    async def upload_files(
        self, local_names: Sequence[_PathLike], phys_names: Sequence[str], batch_id: int = 0, delete_time: int = 0
    ) -> None:
        """See :meth:`BoincServer.upload_files`."""
        await asyncio.to_thread(self.sync.upload_files, local_names, phys_names, batch_id, delete_time)

    async def stage_files(
        self, paths: Sequence[_PathLike], batch_id: int = 0, delete_time: int = 0
    ) -> list[StagedFile]:
        """See :meth:`BoincServer.stage_files`."""
        return await asyncio.to_thread(self.sync.stage_files, paths, batch_id, delete_time)

    async def get_output_file(self, result_name: str, file_num: int, dest: _PathLike) -> Path:
        """See :meth:`BoincServer.get_output_file`."""
        return await asyncio.to_thread(self.sync.get_output_file, result_name, file_num, dest)

    async def get_job_output_file(self, job_name: str, file_num: int, dest: _PathLike) -> Path:
        """See :meth:`BoincServer.get_job_output_file`."""
        return await asyncio.to_thread(self.sync.get_job_output_file, job_name, file_num, dest)

    async def get_job_outputs(self, job_id: int, dest: _PathLike) -> Path:
        """See :meth:`BoincServer.get_job_outputs`."""
        return await asyncio.to_thread(self.sync.get_job_outputs, job_id, dest)

    async def get_batch_outputs(self, batch_id: int, dest: _PathLike) -> Path:
        """See :meth:`BoincServer.get_batch_outputs`."""
        return await asyncio.to_thread(self.sync.get_batch_outputs, batch_id, dest)
