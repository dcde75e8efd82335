"""``AsyncBoincServer``: the asyncio twin of :class:`~boinc.submit.BoincServer`.

It runs the same flows (:mod:`boinc.submit._ops`) as the blocking client, so
both send the same requests and make the same checks, retries, workarounds
and errors; only the transport differs: an ``httpx.AsyncClient``, real
asyncio I/O, not a thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from ..errors import BoincError
from ._http import AsyncTransport
from ._ops import Download, Emit, Flow, Post, Sleep, StagedFile, Step, _PathLike
from .client import ServerBase
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

__all__ = ["AsyncBoincServer"]

T = TypeVar("T")


async def _step(step: Post | Download | Sleep, transport: AsyncTransport) -> object:
    if isinstance(step, Post):
        return await transport.post(step)
    if isinstance(step, Download):
        return await transport.download(step)
    await asyncio.sleep(step.seconds)
    return None


async def adrive(flow: Flow[None], transport: AsyncTransport) -> AsyncIterator[object]:
    """Run a flow over an asyncio transport, yielding what it emits."""
    try:
        step: Step = next(flow)
        while True:
            if isinstance(step, Emit):
                yield step.value
                step = flow.send(None)
                continue
            try:
                value = await _step(step, transport)
            except BoincError as exc:
                step = flow.throw(exc)
                continue
            step = flow.send(value)
    except StopIteration:
        return


class AsyncBoincServer(ServerBase[AsyncTransport]):
    """:class:`~boinc.submit.BoincServer` for asyncio; the same arguments, methods and errors.

    Close its connections with :meth:`close`, or use it as an async context manager.

    Raises:
        ValueError: as :class:`~boinc.submit.BoincServer`.
    """

    _transport_class = AsyncTransport

    async def close(self) -> None:
        """See :meth:`BoincServer.close`."""
        await self._transport.close()

    async def __aenter__(self) -> AsyncBoincServer:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def _run(self, flow: Flow[T]) -> T:
        try:
            step: Step = next(flow)
            while True:
                if isinstance(step, Emit):
                    raise RuntimeError("a flow that emits values must be iterated")
                try:
                    value = await _step(step, self._transport)
                except BoincError as exc:
                    step = flow.throw(exc)
                    continue
                step = flow.send(value)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]

    async def ping(self) -> None:
        """See :meth:`BoincServer.ping`."""
        await self._run(self._ops.ping())

    async def estimate_batch(self, batch_desc: BatchDesc) -> Estimate:
        """See :meth:`BoincServer.estimate_batch`."""
        return await self._run(self._ops.estimate_batch(batch_desc))

    async def submit_batch(self, batch_desc: BatchDesc) -> int:
        """See :meth:`BoincServer.submit_batch`."""
        return await self._run(self._ops.submit_batch(batch_desc))

    async def create_batch(self, app_name: str, batch_name: str | None = None, expire_time: float = 0.0) -> int:
        """See :meth:`BoincServer.create_batch`."""
        return await self._run(self._ops.create_batch(app_name, batch_name, expire_time))

    async def query_batches(self, get_cpu_time: bool = False) -> list[Batch]:
        """See :meth:`BoincServer.query_batches`."""
        return await self._run(self._ops.query_batches(get_cpu_time))

    async def query_batch(
        self,
        batch_id: int | None = None,
        *,
        batch_name: str | None = None,
        get_cpu_time: bool = False,
        get_job_details: bool = False,
    ) -> Batch:
        """See :meth:`BoincServer.query_batch`."""
        return await self._run(self._ops.query_batch(batch_id, batch_name, get_cpu_time, get_job_details))

    async def query_batch2(self, batch_names: Sequence[str], min_mod_time: float | None = None) -> BatchSetStatus:
        """See :meth:`BoincServer.query_batch2`."""
        return await self._run(self._ops.query_batch2(batch_names, min_mod_time))

    async def query_job(self, job_id: int) -> Job:
        """See :meth:`BoincServer.query_job`."""
        return await self._run(self._ops.query_job(job_id))

    async def query_completed_job(self, job_name: str) -> CompletedJob:
        """See :meth:`BoincServer.query_completed_job`."""
        return await self._run(self._ops.query_completed_job(job_name))

    async def abort_batch(self, batch_id: int | None = None, *, batch_name: str | None = None) -> None:
        """See :meth:`BoincServer.abort_batch`."""
        await self._run(self._ops.batch_op("abort_batch", batch_id, batch_name))

    async def abort_jobs(self, job_names: Sequence[str]) -> list[str]:
        """See :meth:`BoincServer.abort_jobs`."""
        return await self._run(self._ops.abort_jobs(job_names))

    async def retire_batch(self, batch_id: int | None = None, *, batch_name: str | None = None) -> None:
        """See :meth:`BoincServer.retire_batch`."""
        await self._run(self._ops.batch_op("retire_batch", batch_id, batch_name))

    async def set_expire_time(
        self, batch_id: int | None = None, expire_time: float = 0.0, *, batch_name: str | None = None
    ) -> None:
        """See :meth:`BoincServer.set_expire_time`."""
        await self._run(self._ops.set_expire_time(batch_id, expire_time, batch_name))

    async def get_templates(self, app_name: str | None = None, *, job_name: str | None = None) -> Templates:
        """See :meth:`BoincServer.get_templates`."""
        return await self._run(self._ops.get_templates(app_name, job_name))

    async def get_job_counts(self) -> JobCounts:
        """See :meth:`BoincServer.get_job_counts`."""
        return await self._run(self._ops.get_job_counts())

    async def query_files(self, phys_names: Sequence[str], batch_id: int = 0, delete_time: int = 0) -> list[str]:
        """See :meth:`BoincServer.query_files`."""
        return await self._run(self._ops.query_files(phys_names, batch_id, delete_time))

    async def upload_files(
        self,
        local_names: Sequence[_PathLike],
        phys_names: Sequence[str],
        batch_id: int = 0,
        delete_time: int = 0,
    ) -> None:
        """See :meth:`BoincServer.upload_files`."""
        await self._run(self._ops.upload_files(local_names, phys_names, batch_id, delete_time))

    async def stage_files(
        self, paths: Sequence[_PathLike], batch_id: int = 0, delete_time: int = 0
    ) -> list[StagedFile]:
        """See :meth:`BoincServer.stage_files`."""
        return await self._run(self._ops.stage_files(paths, batch_id, delete_time))

    async def get_output_file(self, result_name: str, file_num: int, dest: _PathLike) -> Path:
        """See :meth:`BoincServer.get_output_file`."""
        return await self._run(self._ops.get_output_file(result_name, file_num, dest))

    async def get_job_output_file(self, job_name: str, file_num: int, dest: _PathLike) -> Path:
        """See :meth:`BoincServer.get_job_output_file`."""
        return await self._run(self._ops.get_job_output_file(job_name, file_num, dest))

    async def get_job_outputs(self, job_id: int, dest: _PathLike) -> Path:
        """See :meth:`BoincServer.get_job_outputs`."""
        return await self._run(self._ops.get_job_outputs(job_id, dest))

    async def get_batch_outputs(self, batch_id: int, dest: _PathLike) -> Path:
        """See :meth:`BoincServer.get_batch_outputs`."""
        return await self._run(self._ops.get_batch_outputs(batch_id, dest))

    async def wait_batch(
        self,
        batch_id: int,
        *,
        poll_interval: float = 10.0,
        max_poll_interval: float | None = None,
        timeout: float | None = None,
        progress: Callable[[BatchCounts], object] | None = None,
    ) -> Batch:
        """See :meth:`BoincServer.wait_batch`."""
        return await self._run(self._ops.wait_batch(batch_id, poll_interval, max_poll_interval, timeout, progress))

    async def collect_completed(
        self,
        batch_id: int,
        dest: _PathLike,
        *,
        skip: Sequence[str] = (),
        progress: Callable[[BatchCounts], object] | None = None,
        missing: dict[str, int] | None = None,
    ) -> list[JobResult]:
        """See :meth:`BoincServer.collect_completed`."""
        return (await self._run(self._ops.collect(batch_id, Path(dest), frozenset(skip), progress, missing)))[1]

    async def iter_completed_jobs(
        self,
        batch_id: int,
        dest: _PathLike,
        *,
        poll_interval: float = 10.0,
        max_poll_interval: float | None = None,
        timeout: float | None = None,
        progress: Callable[[BatchCounts], object] | None = None,
        resubmit: BatchDesc | None = None,
    ) -> AsyncIterator[JobResult]:
        """See :meth:`BoincServer.iter_completed_jobs`."""
        flow = self._ops.iter_completed_jobs(
            batch_id, dest, poll_interval, max_poll_interval, timeout, progress, resubmit
        )
        async for value in adrive(flow, self._transport):
            assert isinstance(value, JobResult)
            yield value
