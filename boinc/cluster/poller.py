"""The one poller of a cluster: :class:`Poller`.

It keeps one authenticated :class:`~boinc.gui_rpc.AsyncRpcClient` connection
per host and fetches each kind of data at its own :class:`Cadence`: the run
status often, tasks and projects less often, messages and notices by
sequence number (only what is new), old tasks and file transfers now and
then. After each sweep it publishes a new :class:`~boinc.cluster.model.ClusterSnapshot`
in :attr:`Poller.snapshot`, replacing the previous one whole.

A host that fails (refused, silent, wrong password, …) costs one timeout; it
is then left alone for a :class:`Backoff` delay that grows with each
consecutive failure up to a cap, and its snapshot says why
(:class:`~boinc.cluster.model.Reason`) and when it is tried next.

Control operations (:meth:`Poller.set_run_mode`, :meth:`Poller.project_op`,
:meth:`Poller.result_op`, :meth:`Poller.suspend_at_checkpoint`, …) act on a
selection of hosts over the same connections and return, per host, ``None``
(or a value) or the :class:`~boinc.errors.BoincError` it raised; hosts that
are down are not contacted and get :class:`~boinc.errors.HostDown`.

Everything runs on one asyncio loop. A program whose other parts are
threads (a WSGI server) runs the poller with :class:`PollerThread` and calls
the control operations through :meth:`PollerThread.call`::

    thread = PollerThread(Poller(hosts))
    thread.start()
    snapshot = thread.poller.snapshot             # any thread, never blocks
    thread.call(thread.poller.set_run_mode(["node1"], RunMode.NEVER, 3600))
    thread.stop()
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import math
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Sequence
from typing import Any, Protocol, TypeVar

import attrs

from .. import errors
from .._xml import LineCache, decode
from ..gui_rpc import rpcs
from ..gui_rpc.async_client import AsyncRpcClient
from ..gui_rpc.enums import RunMode
from ..gui_rpc.rpcs import Rpc
from ..gui_rpc.structs import OldResult, Result, Results
from .model import ClusterSnapshot, HostConfig, HostSnapshot, Reason, TaskCounts, TaskStatus, reason_of, task_status

__all__ = ["KINDS", "Backoff", "Cadence", "Poller", "PollerThread", "TaskObserver"]

T = TypeVar("T")

#: The kinds of data the poller fetches, in the order it fetches them from a host.
KINDS = ("status", "tasks", "projects", "messages", "notices", "old_results", "transfers")


#: from this many hosts, a sweep holds the cyclic garbage collector until it ends, and the
#: objects of a new snapshot go to the collector's oldest generation at once (:class:`_Ageing`)
_GC_PAUSE_HOSTS = 1000


class _Ageing:
    """Moves the objects a sweep made into the garbage collector's oldest generation, unscanned.

    A snapshot of 10,000 hosts is two million objects (tasks, their dicts and
    tuples), made anew on every sweep. Left young, each of them is scanned by a
    collection of the youngest generation and again of the middle one, and they
    count towards the next full collection, which scans every snapshot held (at
    10,000 hosts, 1 to 2.4 s of an 8 s sweep). None of it is cyclic garbage: a
    snapshot is freed by reference counting when the next one replaces it.

    ``gc.freeze()`` then ``gc.unfreeze()`` moves every tracked object into the
    oldest generation without a scan and without counting it towards a full
    collection (the documented semantics of the two calls). The cyclic garbage
    a sweep does make (a failed poll's exception and its frames, some thousand
    objects a sweep of many dead hosts) then waits for a full collection, so
    this class runs one itself, as the collector's own rule does, once the
    tracked objects have grown by a quarter since the last. Counting them walks
    every one (30 ms for 10,000 hosts), so it counts at most every
    :attr:`COUNT_EVERY` seconds. It does nothing when the program froze
    objects itself (a pre-fork server), whose frozen set this must not undo.
    """

    #: a full collection once the tracked objects grew by this factor since the last one
    GROWTH = 1.25
    #: seconds between two counts of the tracked objects
    COUNT_EVERY = 5.0

    def __init__(self) -> None:
        self.base: int | None = None  # objects tracked after the last full collection
        self.counted_at = -math.inf

    def __call__(self) -> None:
        if gc.get_freeze_count():
            return
        gc.freeze()
        now = time.monotonic()
        count = now - self.counted_at >= self.COUNT_EVERY
        tracked = gc.get_freeze_count() if count else 0
        gc.unfreeze()
        if not count:
            return
        self.counted_at = now
        if self.base is None or tracked < self.base:
            self.base = tracked
        elif tracked > self.base * self.GROWTH:
            gc.collect()
            gc.freeze()
            self.base = gc.get_freeze_count()
            gc.unfreeze()


_age_tracked = _Ageing()


@attrs.frozen(kw_only=True)
class Cadence:
    """How often each kind of data is fetched from a host that is up, in seconds.

    Attributes:
        status: ``get_cc_status`` (modes, suspend reasons); also how often the poller wakes.
        tasks: ``get_results``.
        projects: ``get_project_status``.
        messages: ``get_messages`` from the last sequence number seen.
        notices: ``get_notices`` (``get_notices_public`` without a password) from the last seen.
        old_results: ``get_old_results`` (tasks reported within the hour).
        transfers: ``get_file_transfers``.
    """

    status: float = 10.0
    tasks: float = 30.0
    projects: float = 300.0
    messages: float = 60.0
    notices: float = 300.0
    old_results: float = 600.0
    transfers: float = 300.0

    def of(self, kind: str) -> float:
        """The period of one of :data:`KINDS`."""
        return float(getattr(self, kind))


@attrs.frozen(kw_only=True)
class Backoff:
    """How long a failing host is left alone: ``first * factor ** (failures - 1)``, at most ``cap`` seconds.

    Attributes:
        first: the delay after the first failure.
        factor: the growth per further consecutive failure (≥ 1).
        cap: the longest delay.
    """

    first: float = 10.0
    factor: float = 2.0
    cap: float = 600.0

    def __attrs_post_init__(self) -> None:
        if self.first < 0 or self.factor < 1 or self.cap < self.first:
            raise ValueError("need 0 <= first <= cap and factor >= 1")

    def delay(self, failures: int) -> float:
        """The delay after ``failures`` consecutive failures (0 for none)."""
        if failures <= 0:
            return 0.0
        delay = self.first
        for _ in range(failures - 1):
            delay *= self.factor
            if delay >= self.cap:
                return self.cap
        return min(delay, self.cap)


class TaskObserver(Protocol):
    """What the poller tells about tasks (:class:`~boinc.cluster.history.History` is one)."""

    def observe_results(self, host: str, results: Sequence[Result], now: float) -> None:
        """A host's whole task list, just fetched at Unix time ``now``."""

    def observe_old_results(self, host: str, old_results: Sequence[OldResult], now: float) -> None:
        """A host's recently reported tasks, just fetched at Unix time ``now``."""


class _Host:
    """The poller's private, mutable state of one host."""

    __slots__ = (
        "config",
        "due",
        "failures",
        "memo",
        "msg_seqno",
        "notice_seqno",
        "opening",
        "retry_at",
        "rpc",
        "snapshot",
        "task_memo",
        "watch",
    )

    def __init__(self, config: HostConfig, kinds: Sequence[str]) -> None:
        self.config = config
        self.rpc: AsyncRpcClient | None = None
        #: held while a connection is being opened (a poll and a control operation may both want one)
        self.opening: asyncio.Lock | None = None
        self.due = dict.fromkeys(kinds, 0.0)
        #: kind -> digest of its last reply text
        self.memo: dict[str, int] = {}
        #: the digests of the last task list's elements, their tasks and the tasks' statuses
        self.task_memo: tuple[tuple[int, ...], tuple[Result, ...], tuple[TaskStatus, ...]] | None = None
        self.failures = 0
        self.retry_at = 0.0
        self.msg_seqno = 0
        self.notice_seqno = 0
        #: (project_url, task name) -> checkpoint CPU time when the suspend was asked for
        self.watch: dict[tuple[str, str], float] = {}
        self.snapshot = HostSnapshot(name=config.name, address=config.address, groups=config.groups)


class Poller:
    """Polls every host of a cluster and publishes snapshots; steers selections of hosts.

    Args:
        hosts: the hosts (unique names).
        cadence: how often each kind of data is fetched.
        backoff: how long a failing host is left alone.
        timeout: seconds a connect, or one request and its reply, may take.
        connect_concurrency: most hosts connecting (and authorizing) at once.
        keep_messages: how many of each host's newest messages the snapshots hold.
        kinds: the kinds of data to fetch at all (of :data:`KINDS`; default all).
        reuse_unchanged: when a reply's text is the same as the last one of its kind from the
            host, keep the objects already parsed instead of parsing it again.
        observer: told of every task list and old-results list fetched (e.g. a
            :class:`~boinc.cluster.history.History`).
        clock: the monotonic clock cadences and back-off use (tests pass their own).
        wall: the Unix-time clock the snapshots' times use.

    Raises:
        ValueError: two hosts have the same name.
    """

    def __init__(
        self,
        hosts: Iterable[HostConfig],
        *,
        cadence: Cadence = Cadence(),
        backoff: Backoff = Backoff(),
        timeout: float = 5.0,
        connect_concurrency: int = 256,
        keep_messages: int = 100,
        kinds: Iterable[str] = KINDS,
        reuse_unchanged: bool = True,
        observer: TaskObserver | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        wanted = set(kinds)
        if wanted - set(KINDS):
            raise ValueError(f"unknown kinds of data: {sorted(wanted - set(KINDS))}")
        #: the kinds of data fetched, in :data:`KINDS` order
        self.kinds = tuple(k for k in KINDS if k in wanted)
        self._hosts: dict[str, _Host] = {}
        for config in hosts:
            if config.name in self._hosts:
                raise ValueError(f"two hosts are named {config.name!r}")
            self._hosts[config.name] = _Host(config, self.kinds)
        self.cadence = cadence
        self.backoff = backoff
        self.timeout = timeout
        self.keep_messages = keep_messages
        self.reuse_unchanged = reuse_unchanged
        self.observer = observer
        self._clock = clock
        self._wall = wall
        self._connect_concurrency = connect_concurrency
        self._connecting: asyncio.Semaphore | None = None
        self._wake: asyncio.Event | None = None
        self._snapshot = ClusterSnapshot(hosts={n: h.snapshot for n, h in self._hosts.items()}, taken_at=wall())
        #: the task lines already read, from any host, and their values (bounded by the engine): hosts
        #: of one cluster share most of them (projects, apps, states, platforms)
        self._lines: LineCache = {}

    # -- reading ---------------------------------------------------------------------------

    @property
    def snapshot(self) -> ClusterSnapshot:
        """The latest snapshot of every host (immutable; replaced whole after each sweep)."""
        return self._snapshot

    @property
    def hosts(self) -> list[HostConfig]:
        """The hosts' configurations, in order."""
        return [h.config for h in self._hosts.values()]

    def next_due(self) -> float:
        """The ``clock()`` time at which the next host has something due (or leaves back-off)."""
        soonest = float("inf")
        for h in self._hosts.values():
            soonest = min(soonest, h.retry_at if h.failures else min(h.due.values(), default=soonest))
        return soonest

    # -- polling ---------------------------------------------------------------------------

    async def refresh(self, *, force: bool = False) -> ClusterSnapshot:
        """One sweep: fetch from every host what is due, then publish a new snapshot.

        Args:
            force: fetch every kind of data from every host, back-off or not.

        Returns:
            The new :attr:`snapshot`.
        """
        now = self._clock()
        work = [self._poll(h, now, force) for h in self._hosts.values() if force or self._has_due(h, now)]
        if work:
            # A sweep of many hosts keeps tens of thousands of coroutines, futures and buffers alive
            # at once, and makes new tasks that outlive it. The cyclic collector would promote them
            # and rescan every snapshot held; little of it is cyclic garbage, so it waits for the
            # sweep's end, as boinc._xml.decode does for one large reply, and what the sweep made
            # then joins the oldest generation unscanned (_Ageing).
            pause = len(work) >= _GC_PAUSE_HOSTS and gc.isenabled()
            if pause:
                gc.disable()
            try:
                await asyncio.gather(*work)
                self._publish()  # first, so that the last snapshot is freed before the ageing counts
            finally:
                if pause:
                    _age_tracked()
                    gc.enable()
        else:
            self._publish()
        return self._snapshot

    async def run(self, *, min_interval: float = 0.5) -> None:
        """Poll until cancelled.

        Each host is polled by its own task whenever something of it is due,
        so a slow or silent host never delays the others; every
        ``min_interval`` seconds (or sooner, when a control operation wakes
        it) the poller starts the polls that are due and publishes a new
        snapshot if any poll finished.

        Args:
            min_interval: the shortest pause between two looks at what is due, seconds.
        """
        wake = self._wake = asyncio.Event()
        running: dict[str, asyncio.Task[None]] = {}
        finished = [True]  # publish the first snapshot at once

        def done(name: str) -> Callable[[asyncio.Task[None]], None]:
            def callback(_task: asyncio.Task[None]) -> None:
                running.pop(name, None)
                finished[0] = True

            return callback

        try:
            while True:
                now = self._clock()
                for name, h in self._hosts.items():
                    if name not in running and self._has_due(h, now):
                        task = asyncio.ensure_future(self._poll(h, now, False))
                        running[name] = task
                        task.add_done_callback(done(name))
                if finished[0]:
                    finished[0] = False
                    self._publish()
                    if len(self._hosts) >= _GC_PAUSE_HOSTS:
                        _age_tracked()  # the polls' new tasks, unscanned into the oldest generation
                pause = min_interval if running else max(min_interval, self.next_due() - self._clock())
                wake.clear()
                try:
                    await asyncio.wait_for(wake.wait(), pause)
                except asyncio.TimeoutError:
                    pass
        finally:
            for task in running.values():
                task.cancel()
            if running:
                await asyncio.gather(*running.values(), return_exceptions=True)
            await self.close()

    async def close(self) -> None:
        """Close every connection."""
        for h in self._hosts.values():
            await self._drop(h)

    async def __aenter__(self) -> Poller:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _has_due(self, h: _Host, now: float) -> bool:
        if h.failures:
            return now >= h.retry_at
        return any(now >= t for t in h.due.values())

    def _publish(self) -> None:
        self._snapshot = ClusterSnapshot(hosts={n: h.snapshot for n, h in self._hosts.items()}, taken_at=self._wall())

    async def _drop(self, h: _Host) -> None:
        rpc, h.rpc = h.rpc, None
        if rpc is not None:
            await rpc.close()

    async def _client(self, h: _Host) -> AsyncRpcClient:
        if h.rpc is not None:
            return h.rpc
        if h.opening is None:
            h.opening = asyncio.Lock()
        opening = h.opening
        async with opening:
            if h.rpc is not None:  # opened meanwhile by the one we waited for
                return h.rpc
            if self._connecting is None:
                self._connecting = asyncio.Semaphore(self._connect_concurrency)
            async with self._connecting:
                password = h.config.resolve_password()
                rpc = AsyncRpcClient(h.config.host, h.config.port, timeout=self.timeout)
                try:
                    await rpc.connect()
                    if password:
                        await rpc.authorize(password)
                except BaseException:
                    await rpc.close()
                    raise
            h.rpc = rpc
            # a new connection: the client may have restarted, so sequence numbers start over
            h.msg_seqno = h.notice_seqno = 0
        if h.opening is opening and not opening.locked():
            h.opening = None
        return rpc

    async def _poll(self, h: _Host, now: float, force: bool) -> None:
        kinds = [k for k, due in h.due.items() if force or now >= due or h.failures]
        if h.watch and "status" in kinds and "tasks" not in kinds and "tasks" in h.due:
            kinds.insert(1, "tasks")  # tasks to suspend at their checkpoint: look at the tasks as often as the status
        changes: dict[str, Any] = {}
        try:
            rpc = await self._client(h)
            for kind in kinds:
                await self._fetch(h, rpc, kind, changes)
        except (errors.BoincError, OSError) as exc:
            await self._drop(h)
            self._failed(h, exc)
            return
        for kind in kinds:
            h.due[kind] = now + self.cadence.of(kind)
        h.failures = 0
        h.snapshot = attrs.evolve(
            h.snapshot,
            up=True,
            reason=None,
            error="",
            last_contact=self._wall(),
            next_try=None,
            failures=0,
            pending_suspends=tuple(h.watch),
            **changes,
        )

    def _failed(self, h: _Host, exc: errors.BoincError | OSError) -> None:
        h.failures += 1
        delay = self.backoff.delay(h.failures)
        h.retry_at = self._clock() + delay
        if isinstance(exc, errors.BoincError):
            reason, text = reason_of(exc, has_password=_has_password(h.config)), str(exc)
        else:  # the password file
            reason, text = Reason.OTHER, f"cannot read the password file: {exc.strerror or exc}"
        h.snapshot = attrs.evolve(
            h.snapshot, up=False, reason=reason, error=text, next_try=self._wall() + delay, failures=h.failures
        )

    async def _fetch(self, h: _Host, rpc: AsyncRpcClient, kind: str, changes: dict[str, Any]) -> None:
        now = self._wall()
        if kind == "messages":
            await self._fetch_messages(h, rpc, changes)
            return
        if kind == "notices":
            await self._fetch_notices(h, rpc, changes)
            return
        field, request, args = _REQUESTS[kind]
        value = await self._unless_unchanged(h, rpc, kind, request, args)
        if value is None:  # the same reply as last time: keep the same objects
            if h.watch and kind == "tasks":
                await self._suspend_checkpointed(h, rpc, h.snapshot.results)
            return
        if kind == "tasks":
            value, changes["counts"] = value
        value = tuple(value) if isinstance(value, list) else value
        changes[field] = value
        if kind == "tasks":
            if h.watch:
                await self._suspend_checkpointed(h, rpc, value)
            if self.observer is not None:
                self.observer.observe_results(h.config.name, value, now)
        elif kind == "old_results" and self.observer is not None:
            self.observer.observe_old_results(h.config.name, value, now)

    async def _unless_unchanged(self, h: _Host, rpc: AsyncRpcClient, kind: str, request: Rpc[Any], args: Any) -> Any:
        """The parsed reply of ``request``, or ``None`` if its text is the same as the last one of ``kind``.

        Tasks come with their counts: ``(results, counts)``.

        Parsing dominates a poll (tens of microseconds per task); a host whose
        tasks did not change since the last poll (nothing running) sends the
        same bytes again, and its snapshot keeps the objects it has.
        """
        text = await rpc.reply_text(request, args)
        if not self.reuse_unchanged:
            if kind == "tasks":
                results = decode(Results, text, "results", caches=self._lines).results
                return results, TaskCounts.of(results)
            return request.parse_with(text, self._lines)
        digest = _digest(text)
        if h.memo.get(kind) == digest:
            return None
        value = _parse_tasks(h, text, self._lines) if kind == "tasks" else request.parse_with(text, self._lines)
        h.memo[kind] = digest
        return value

    async def _fetch_messages(self, h: _Host, rpc: AsyncRpcClient, changes: dict[str, Any]) -> None:
        kept = h.snapshot.messages
        if h.msg_seqno == 0:  # a new connection: the newest keep_messages only
            kept = ()
            h.msg_seqno = max(0, await rpc.get_message_count() - self.keep_messages)
        new = await rpc.get_messages(h.msg_seqno)
        if new:
            h.msg_seqno = new[-1].seqno
            kept = (*kept, *new)[-self.keep_messages :] if self.keep_messages else ()
        changes["messages"] = kept

    async def _fetch_notices(self, h: _Host, rpc: AsyncRpcClient, changes: dict[str, Any]) -> None:
        fetch = rpc.get_notices if _has_password(h.config) else rpc.get_notices_public
        new = await fetch(h.notice_seqno)
        kept = h.snapshot.notices if h.notice_seqno else ()
        if new and new[0].seqno == -1:  # the client dropped notices: it sends them all again
            kept, new = (), new[1:]
        if new:
            h.notice_seqno = max(n.seqno for n in new)
            kept = (*kept, *new)
        changes["notices"] = kept

    # -- control ---------------------------------------------------------------------------

    def _select(self, names: Iterable[str] | None) -> list[_Host]:
        if names is None:
            return list(self._hosts.values())
        chosen = []
        for name in names:
            h = self._hosts.get(name)
            if h is None:
                raise ValueError(f"no such host: {name}")
            chosen.append(h)
        return chosen

    def _poke(self, h: _Host, *kinds: str) -> None:
        """Fetch ``kinds`` of ``h`` in the next sweep, and wake :meth:`run` for it."""
        for kind in kinds:
            if kind in h.due:
                h.due[kind] = 0.0
        if self._wake is not None:
            self._wake.set()

    async def each(
        self,
        names: Iterable[str] | None,
        operation: Callable[[AsyncRpcClient], Awaitable[T]],
        *,
        refresh: Sequence[str] = ("status", "tasks", "projects"),
    ) -> dict[str, T | errors.BoincError]:
        """Run ``operation(client)`` on each selected host, concurrently.

        Args:
            names: the hosts' names (``None``: every host).
            operation: what to do with a host's connected, authorized client.
            refresh: the kinds of data to fetch again soon from the hosts it ran on.

        Returns:
            Per host name, in selection order: the operation's value or the
            :class:`~boinc.errors.BoincError` it raised (:class:`~boinc.errors.HostDown`
            for a host in back-off, which is not contacted).

        Raises:
            ValueError: an unknown host name.
        """
        return await self._each(names, lambda _h, rpc: operation(rpc), refresh)

    async def _each(
        self,
        names: Iterable[str] | None,
        operation: Callable[[_Host, AsyncRpcClient], Awaitable[T]],
        refresh: Sequence[str],
    ) -> dict[str, T | errors.BoincError]:
        chosen = self._select(names)
        out: dict[str, Any] = {}

        async def one(h: _Host) -> None:
            name = h.config.name
            if h.failures and self._clock() < h.retry_at:
                reason = h.snapshot.reason
                out[name] = errors.HostDown(name, reason.value if reason is not None else "unknown")
                return
            try:
                out[name] = await operation(h, await self._client(h))
            except errors.BoincError as exc:
                out[name] = exc
                if isinstance(exc, (errors.TransportError, errors.ProtocolError)):
                    await self._drop(h)
                    self._failed(h, exc)
                elif isinstance(exc, errors.AuthenticationError):
                    # the operation needs a password the host is not given (or refused it): the
                    # host itself may be fine for reading; the client may have hung up, so reconnect
                    await self._drop(h)
            except OSError as exc:
                self._failed(h, exc)
                out[name] = errors.ClusterError(str(h.snapshot.error))
            self._poke(h, *refresh)

        await asyncio.gather(*(one(h) for h in chosen))
        return {h.config.name: out[h.config.name] for h in chosen}

    async def set_run_mode(
        self, names: Iterable[str] | None, mode: RunMode, duration: float = 0
    ) -> dict[str, errors.BoincError | None]:
        """Set the computing mode of the selected hosts, for ``duration`` seconds (0: until changed)."""
        return await self.each(names, lambda rpc: rpc.set_run_mode(mode, duration), refresh=("status",))

    async def set_gpu_mode(
        self, names: Iterable[str] | None, mode: RunMode, duration: float = 0
    ) -> dict[str, errors.BoincError | None]:
        """Set the GPU mode of the selected hosts, for ``duration`` seconds (0: until changed)."""
        return await self.each(names, lambda rpc: rpc.set_gpu_mode(mode, duration), refresh=("status",))

    async def set_network_mode(
        self, names: Iterable[str] | None, mode: RunMode, duration: float = 0
    ) -> dict[str, errors.BoincError | None]:
        """Set the network mode of the selected hosts, for ``duration`` seconds (0: until changed)."""
        return await self.each(names, lambda rpc: rpc.set_network_mode(mode, duration), refresh=("status",))

    async def project_op(self, names: Iterable[str] | None, url: str, op: str) -> dict[str, errors.BoincError | None]:
        """A project operation (see :meth:`AsyncRpcClient.project_op <boinc.gui_rpc.AsyncRpcClient.project_op>`).

        Raises:
            ValueError: an unknown host or operation.
        """
        rpcs.op_rpc(rpcs.PROJECT_OPS, op, "project")  # an unknown op is the caller's error, raised before any I/O
        return await self.each(names, lambda rpc: rpc.project_op(url, op), refresh=("projects", "tasks"))

    async def result_op(self, name: str, project_url: str, task: str, op: str) -> errors.BoincError | None:
        """A task operation on one host: ``abort``, ``suspend`` or ``resume``.

        Returns:
            ``None``, or the error.

        Raises:
            ValueError: an unknown host or operation.
        """
        rpcs.op_rpc(rpcs.RESULT_OPS, op, "task")
        done = await self.each([name], lambda rpc: rpc.result_op((project_url, task), op), refresh=("tasks",))
        return done[name]

    async def file_transfer_op(self, name: str, project_url: str, filename: str, op: str) -> errors.BoincError | None:
        """A file transfer operation on one host: ``abort`` or ``retry``.

        Raises:
            ValueError: an unknown host or operation.
        """
        rpcs.op_rpc(rpcs.FILE_TRANSFER_OPS, op, "file transfer")
        done = await self.each(
            [name], lambda rpc: rpc.file_transfer_op((project_url, filename), op), refresh=("transfers",)
        )
        return done[name]

    async def suspend_at_checkpoint(
        self, names: Iterable[str] | None, tasks: Iterable[tuple[str, str]] | None = None
    ) -> dict[str, int | errors.BoincError]:
        """Suspend each running task of the selected hosts right after its next checkpoint.

        The poller fetches the task lists of these hosts as often as their
        status (:attr:`Cadence.status`) until done; a task whose ``checkpoint_cpu_time`` has grown since this call
        is suspended at once (``result_op suspend``). Tasks that stop running
        or leave the list by themselves are forgotten.

        Args:
            names: the hosts (``None``: every host).
            tasks: only these ``(project_url, task name)`` among the running ones.

        Returns:
            Per host, how many tasks are now watched, or the error.
        """
        wanted = set(tasks) if tasks is not None else None

        async def watch(h: _Host, rpc: AsyncRpcClient) -> int:
            for result in await rpc.get_results():
                key = (result.project_url, result.name)
                if task_status(result) is TaskStatus.RUNNING and (wanted is None or key in wanted):
                    h.watch.setdefault(key, _checkpoint(result))
            return len(h.watch)

        return await self._each(names, watch, ("tasks",))

    async def cancel_suspend_at_checkpoint(self, names: Iterable[str] | None) -> None:
        """Forget the pending :meth:`suspend_at_checkpoint` requests of the selected hosts."""
        for h in self._select(names):
            h.watch.clear()
            h.snapshot = attrs.evolve(h.snapshot, pending_suspends=())
        self._publish()

    async def _suspend_checkpointed(self, h: _Host, rpc: AsyncRpcClient, results: Sequence[Result]) -> None:
        current = {(r.project_url, r.name): r for r in results}
        for key, since in list(h.watch.items()):
            result = current.get(key)
            if result is None or task_status(result) is not TaskStatus.RUNNING:
                del h.watch[key]
            elif _checkpoint(result) > since:
                await rpc.result_op(key, "suspend")
                del h.watch[key]
                self._poke(h, "tasks")


#: kind -> (snapshot field, request, its arguments), as :class:`AsyncRpcClient`'s methods send them
_REQUESTS: dict[str, tuple[str, Rpc[Any], Any]] = {
    "status": ("cc_status", rpcs.GET_CC_STATUS, None),
    "tasks": ("results", rpcs.GET_RESULTS, rpcs.ActiveOnly(active_only=False)),
    "projects": ("projects", rpcs.GET_PROJECT_STATUS, None),
    "old_results": ("old_results", rpcs.GET_OLD_RESULTS, None),
    "transfers": ("file_transfers", rpcs.GET_FILE_TRANSFERS, None),
}


def _digest(text: str) -> int:
    """The ``hash()`` of a reply or of a task's element: what tells it from the host's last one.

    The interpreter's string hash (SipHash, keyed at random per process) is five to ten times
    faster than a cryptographic digest, and this runs for every task of every poll. Two different
    texts of one host taken for the same would need a 64-bit collision; a host that crafted one
    (with a known ``PYTHONHASHSEED``) would only misreport its own tasks, which it can do anyway.
    """
    return hash(text)


def _result_blocks(text: str) -> list[str] | None:
    """What follows each ``<result>`` of a ``get_results`` reply, up to the next one.

    Each piece holds one task's element (the last one also the reply's closing tags), so an
    unchanged piece is an unchanged task; ``"<result>" + piece`` decodes as that task. ``None``
    if a piece holds no ``</result>``: not laid out so.
    """
    pieces = text.split("<result>")
    del pieces[0]
    for piece in pieces:
        if "</result>" not in piece:
            return None
    return pieces


def _parse_tasks(h: _Host, text: str, lines: LineCache) -> tuple[tuple[Result, ...], TaskCounts]:
    """A task list and its counts, parsing only the tasks whose element changed since the host's last list.

    Between two polls of a computing host only its running tasks change
    (elapsed time, fraction done); the other tasks' elements are the same
    text, and their parsed objects (and statuses) are kept. A list that is
    mostly new, or laid out otherwise, goes to the whole-reply reader.
    """
    blocks = _result_blocks(text) or []
    digests = tuple(map(hash, blocks))  # _digest, at C speed
    known = {d: k for k, d in enumerate(h.task_memo[0])} if h.task_memo is not None else {}
    where: list[int | None] = list(map(known.get, digests))
    if where.count(None) * 2 > len(digests) or not digests or h.task_memo is None:
        # mostly new: the whole-reply reader (which also shares repeated strings between tasks)
        results: tuple[Result, ...] = decode(Results, text, "results", caches=lines).results
        statuses = tuple(map(task_status, results))
        h.task_memo = (digests, results, statuses) if len(results) == len(digests) else None
        return results, TaskCounts.of_statuses(statuses)
    # the engine the whole-reply reader uses, on each changed element
    _, old_results, old_statuses = h.task_memo
    tasks: list[Result] = []
    status_list: list[TaskStatus] = []
    for block, k in zip(blocks, where):
        if k is None:
            task = decode(Result, "<result>" + block, "result", caches=lines)
            tasks.append(task)
            status_list.append(task_status(task))
        else:
            tasks.append(old_results[k])
            status_list.append(old_statuses[k])
    results, statuses = tuple(tasks), tuple(status_list)
    h.task_memo = (digests, results, statuses)
    return results, TaskCounts.of_statuses(statuses)


def _has_password(config: HostConfig) -> bool:
    return bool(config.password or config.password_file)


def _checkpoint(result: Result) -> float:
    active = result.active_task
    return active.checkpoint_cpu_time if active is not None else 0.0


class PollerThread:
    """Runs a :class:`Poller` on its own asyncio loop in a daemon thread, for threaded programs.

    Args:
        poller: the poller (created in any thread; it binds to the thread's loop on start).
        min_interval: passed to :meth:`Poller.run`.
    """

    def __init__(self, poller: Poller, *, min_interval: float = 0.5) -> None:
        self.poller = poller
        self._min_interval = min_interval
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._task: asyncio.Task[None] | None = None
        self._started = threading.Event()

    def start(self) -> None:
        """Start polling in the background (returns at once)."""
        if self._thread is not None:
            raise RuntimeError("already started")
        self._thread = threading.Thread(target=self._main, name="boinc-cluster-poller", daemon=True)
        self._thread.start()
        self._started.wait()

    def _main(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._task = loop.create_task(self.poller.run(min_interval=self._min_interval))
        self._started.set()
        try:
            loop.run_until_complete(self._task)
        except asyncio.CancelledError:
            pass
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    def call(self, coroutine: Coroutine[Any, Any, T], timeout: float | None = 120.0) -> T:
        """Run ``coroutine`` (e.g. ``poller.set_run_mode(...)``) on the poller's loop and wait for its value.

        Raises:
            RuntimeError: the thread is not running.
            TimeoutError: it took longer than ``timeout`` seconds.
        """
        if self._loop is None or self._thread is None or not self._thread.is_alive():
            coroutine.close()
            raise RuntimeError("the poller thread is not running")
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError as exc:
            future.cancel()
            raise TimeoutError(f"no answer within {timeout} s") from exc

    def stop(self, timeout: float = 30.0) -> None:
        """Stop polling, close the connections and join the thread."""
        loop, task, thread = self._loop, self._task, self._thread
        if loop is None or task is None or thread is None:
            return
        if thread.is_alive():
            loop.call_soon_threadsafe(task.cancel)
        thread.join(timeout)
