"""Watching and steering many BOINC hosts at once.

:class:`Cluster` keeps one :class:`~boinc.gui_rpc.AsyncRpcClient` per host and
polls them all concurrently. A host that is down costs one short connect
attempt, then is left alone for a back-off period that doubles with each
failure (up to a cap), so 40 hosts with a few of them off still poll in about
one round trip. Every poll returns a :class:`HostSnapshot` per host: the typed
state, or the error and when the host will be tried again.

    cluster = Cluster([Host.parse("node1"), Host.parse("node2:31416", password="pw")])
    snapshots = await cluster.poll()
    await cluster.set_run_mode(RunMode.NEVER, duration=3600)   # bulk control
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

import attrs

from .. import errors
from ..gui_rpc.async_client import AsyncRpcClient
from ..gui_rpc.enums import RunMode
from ..gui_rpc.structs import CcStatus, Project, Result
from ..gui_rpc.urls import GUI_RPC_PORT, resolve_address

__all__ = ["Cluster", "Host", "HostSnapshot"]

T = TypeVar("T")


@attrs.frozen
class Host:
    """One BOINC host of a cluster.

    Attributes:
        host: host name or address.
        port: GUI RPC port.
        password: its GUI RPC password (``None``: read-only requests only).
        name: a label for displays (defaults to ``host:port``).
    """

    host: str
    port: int = GUI_RPC_PORT
    password: str | None = attrs.field(default=None, repr=False)
    name: str = ""

    @property
    def label(self) -> str:
        """The name, or ``host:port``."""
        return self.name or f"{self.host}:{self.port}"

    @classmethod
    def parse(cls, spec: str, password: str | None = None, name: str = "") -> Host:
        """A host from ``host``, ``host:port``, ``[v6addr]``, ``[v6addr]:port`` or a bare IPv6 address.

        Raises:
            ValueError: not a host specification.
        """
        spec = spec.strip()
        if not spec:
            raise ValueError("empty host")
        host, port = resolve_address(spec)
        if not 0 < port < 65536:
            raise ValueError(f"bad port in {spec!r}")
        return cls(host=host, port=port, password=password, name=name)


@attrs.frozen(kw_only=True)
class HostSnapshot:
    """What one poll learned about one host.

    Attributes:
        host: the host.
        ok: whether this poll reached it.
        polled_at: when (``time.time()``) the data was fetched.
        cc_status: modes and suspend reasons, if reached.
        results: its tasks, if reached.
        projects: its projects, if reached.
        error: why it was not reached (the :class:`~boinc.errors.BoincError`).
        failures: consecutive failed polls.
        retry_at: ``time.monotonic()`` before which it is not contacted again.
    """

    host: Host
    ok: bool
    polled_at: float
    cc_status: CcStatus | None = None
    results: tuple[Result, ...] = ()
    projects: tuple[Project, ...] = ()
    error: errors.BoincError | None = None
    failures: int = 0
    retry_at: float = 0.0


class Cluster:
    """Many hosts, polled and controlled concurrently.

    Args:
        hosts: the hosts.
        timeout: seconds for one host's connect and each of its requests.
        backoff: seconds to leave a host alone after its first failure; doubles per failure.
        max_backoff: the longest back-off.
        concurrency: most hosts contacted at once.
        clock: the monotonic clock (tests pass their own).
    """

    def __init__(
        self,
        hosts: Iterable[Host],
        *,
        timeout: float = 5.0,
        backoff: float = 10.0,
        max_backoff: float = 600.0,
        concurrency: int = 64,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.hosts = list(hosts)
        labels = [h.label for h in self.hosts]
        if len(set(labels)) != len(labels):
            raise ValueError("two hosts have the same label")
        self.timeout = timeout
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._clock = clock
        self._limit = asyncio.Semaphore(concurrency) if concurrency > 0 else None
        self._clients: dict[str, AsyncRpcClient] = {}
        self._last: dict[str, HostSnapshot] = {}

    async def _client(self, host: Host) -> AsyncRpcClient:
        client = self._clients.get(host.label)
        if client is None:
            client = AsyncRpcClient(host.host, host.port, timeout=self.timeout)
            await client.connect()
            if host.password:
                await client.authorize(host.password)
            self._clients[host.label] = client
        return client

    async def _drop(self, host: Host) -> None:
        client = self._clients.pop(host.label, None)
        if client is not None:
            await client.close()

    def _due(self, host: Host) -> bool:
        last = self._last.get(host.label)
        return last is None or last.ok or self._clock() >= last.retry_at

    def _failed(self, host: Host, exc: errors.BoincError) -> HostSnapshot:
        last = self._last.get(host.label)
        failures = (last.failures if last is not None and not last.ok else 0) + 1
        wait = min(self.max_backoff, self.backoff * 2 ** (failures - 1))
        return HostSnapshot(
            host=host, ok=False, polled_at=time.time(), error=exc, failures=failures, retry_at=self._clock() + wait
        )

    async def _with_host(self, host: Host, work: Callable[[AsyncRpcClient], Awaitable[T]]) -> T:
        if self._limit is None:
            return await work(await self._client(host))
        async with self._limit:
            return await work(await self._client(host))

    async def _poll_one(self, host: Host) -> HostSnapshot:
        async def work(rpc: AsyncRpcClient) -> HostSnapshot:
            status = await rpc.get_cc_status()
            results = await rpc.get_results()
            projects = await rpc.get_project_status()
            return HostSnapshot(
                host=host,
                ok=True,
                polled_at=time.time(),
                cc_status=status,
                results=tuple(results),
                projects=tuple(projects),
            )

        try:
            snapshot = await self._with_host(host, work)
        except errors.BoincError as exc:
            await self._drop(host)
            snapshot = self._failed(host, exc)
        self._last[host.label] = snapshot
        return snapshot

    async def poll(self) -> dict[str, HostSnapshot]:
        """Poll every host that is due; hosts in back-off keep their last (failed) snapshot.

        Returns:
            A snapshot per host label, in the order of :attr:`hosts`.
        """
        due = [h for h in self.hosts if self._due(h)]
        await asyncio.gather(*(self._poll_one(h) for h in due))
        return {h.label: self._last[h.label] for h in self.hosts}

    async def each(self, operation: Callable[[AsyncRpcClient], Awaitable[T]]) -> dict[str, T | errors.BoincError]:
        """Run ``operation(client)`` on every host that is not in back-off.

        Returns:
            Per host label, the operation's value or the error it raised; hosts
            in back-off get their last error without being contacted.
        """
        out: dict[str, Any] = {}

        async def one(host: Host) -> None:
            if not self._due(host):
                last = self._last[host.label]
                out[host.label] = last.error
                return
            try:
                out[host.label] = await self._with_host(host, operation)
            except errors.BoincError as exc:
                await self._drop(host)
                self._last[host.label] = self._failed(host, exc)
                out[host.label] = exc

        await asyncio.gather(*(one(h) for h in self.hosts))
        return {h.label: out[h.label] for h in self.hosts}

    async def set_run_mode(self, mode: RunMode, duration: float = 0) -> dict[str, errors.BoincError | None]:
        """Set the run mode on every host (see :meth:`each`)."""
        return await self.each(lambda rpc: rpc.set_run_mode(mode, duration))

    async def set_gpu_mode(self, mode: RunMode, duration: float = 0) -> dict[str, errors.BoincError | None]:
        """Set the GPU mode on every host (see :meth:`each`)."""
        return await self.each(lambda rpc: rpc.set_gpu_mode(mode, duration))

    async def set_network_mode(self, mode: RunMode, duration: float = 0) -> dict[str, errors.BoincError | None]:
        """Set the network mode on every host (see :meth:`each`)."""
        return await self.each(lambda rpc: rpc.set_network_mode(mode, duration))

    async def project_op(self, url: str, op: str) -> dict[str, errors.BoincError | None]:
        """A project operation on every host (see :meth:`each`)."""
        return await self.each(lambda rpc: rpc.project_op(url, op))

    async def close(self) -> None:
        """Close every connection."""
        for host in self.hosts:
            await self._drop(host)

    async def __aenter__(self) -> Cluster:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
