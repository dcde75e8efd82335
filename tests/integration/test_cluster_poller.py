"""The cluster poller against a simulated fleet (tests/fleet.py): reasons, cadences, back-off, control."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import re
import time
import weakref
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from boinc import errors
from boinc.cluster import poller as poller_module
from boinc.cluster.model import HostConfig, Reason, TaskStatus, task_status
from boinc.cluster.poller import Backoff, Cadence, Poller, PollerThread
from boinc.gui_rpc import RunMode, rpcs
from tests.fake_gui_rpc import fixture
from tests.fleet import PASSWORD, Fleet, FleetHost


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _config(host: FleetHost, name: str | None = None, password: str | None = PASSWORD) -> HostConfig:
    return HostConfig(name=name or host.mode, host=host.host, port=host.port, password=password)


def run(modes: list[str], body: Callable[[Fleet], Awaitable[None]]) -> None:
    async def main() -> None:
        async with Fleet(modes) as fleet:
            await asyncio.wait_for(body(fleet), 60)

    asyncio.run(main())


def test_each_reason_is_distinct_and_up_hosts_hold_the_clients_data() -> None:
    modes = ["healthy", "locked", "locked", "wrong_password", "refused", "stalled", "not_boinc"]

    async def body(fleet: Fleet) -> None:
        healthy, locked, locked_nopw, wrong, refused, stalled, junk = fleet.hosts
        configs = [
            _config(healthy),
            _config(locked),
            _config(locked_nopw, "nopw", password=None),
            _config(wrong),
            _config(refused),
            _config(stalled),
            _config(junk),
        ]
        async with Poller(configs, timeout=5.0) as poller:  # the stalled host costs it; the others answer at once
            snap = await poller.refresh()
        hosts = snap.hosts
        assert list(hosts) == ["healthy", "locked", "nopw", "wrong_password", "refused", "stalled", "not_boinc"]
        assert hosts["healthy"].up and hosts["locked"].up
        reasons = {name: h.reason for name, h in hosts.items() if not h.up}
        assert reasons == {
            "nopw": Reason.NO_PASSWORD,
            "wrong_password": Reason.WRONG_PASSWORD,
            "refused": Reason.REFUSED,
            "stalled": Reason.TIMED_OUT,
            "not_boinc": Reason.NOT_BOINC,
        }
        for name in reasons:
            down = hosts[name]
            assert down.error and down.next_try is not None and down.failures == 1 and down.last_contact is None
            assert PASSWORD not in down.error
        up = hosts["healthy"]
        assert up.last_contact is not None and up.reason is None and up.error == ""
        assert up.cc_status is not None and up.cc_status.task_mode == RunMode.NEVER
        assert len(up.results) == fixture("rich_50/get_results_active_only_0").count(b"<result>")
        assert up.counts.total == len(up.results)
        assert up.counts.running == 0  # the seeded client's run mode is "never"
        assert len(up.projects) == 3
        assert [m.seqno for m in up.messages] == list(range(1, 48))
        assert len(up.notices) == 12
        assert len(up.old_results) == fixture("rich_50/get_old_results").count(b"<old_result>")
        assert len(up.file_transfers) == fixture("rich_50/get_file_transfers").count(b"<file_transfer>")

    run(modes, body)


def test_cadences_fetch_only_what_is_due_and_messages_only_what_is_new() -> None:
    async def body(fleet: Fleet) -> None:
        clock = Clock()
        cadence = Cadence(status=10, tasks=30, projects=300, messages=60, notices=300, old_results=600, transfers=300)
        async with Poller([_config(fleet.hosts[0])], cadence=cadence, clock=clock, keep_messages=5) as poller:
            first = await poller.refresh()
            assert [m.seqno for m in first.hosts["healthy"].messages] == [43, 44, 45, 46, 47]
            before = dict(fleet.served)
            second = await poller.refresh()  # nothing due: no request, same host snapshot
            assert fleet.served == before
            assert second.hosts["healthy"] is first.hosts["healthy"]
            assert poller.next_due() == 1010.0
            clock.now = 1010.0
            await poller.refresh()
            assert {k: v - before.get(k, 0) for k, v in fleet.served.items() if v != before.get(k, 0)} == {
                "get_cc_status": 1
            }
            clock.now = 1060.0
            before = dict(fleet.served)
            third = await poller.refresh()
            new = {k: v - before.get(k, 0) for k, v in fleet.served.items() if v != before.get(k, 0)}
            assert new == {"get_cc_status": 1, "get_results": 1, "get_messages": 1}
            assert [m.seqno for m in third.hosts["healthy"].messages] == [43, 44, 45, 46, 47]
            assert fleet.served["auth1"] == 1  # one connection, kept open

    run(["healthy"], body)


def test_a_dead_host_backs_off_and_is_skipped_by_control() -> None:
    async def body(fleet: Fleet) -> None:
        clock = Clock()
        configs = [_config(fleet.hosts[0]), _config(fleet.hosts[1]), _config(fleet.hosts[2], password=None)]
        backoff = Backoff(first=10, factor=2, cap=40)
        async with Poller(configs, backoff=backoff, clock=clock, cadence=Cadence(status=1)) as poller:
            snap = await poller.refresh()
            assert snap.hosts["refused"].failures == 1
            assert poller.next_due() == 1001.0
            clock.now = 1009.0
            snap = await poller.refresh()
            assert snap.hosts["refused"].failures == 1  # still backing off: not contacted
            clock.now = 1010.0
            snap = await poller.refresh()
            assert snap.hosts["refused"].failures == 2
            outcome = await poller.set_run_mode(None, RunMode.NEVER, 60)
            assert outcome["healthy"] is None
            assert isinstance(outcome["refused"], errors.HostDown)
            assert "refused" in str(outcome["refused"])
            assert isinstance(outcome["locked"], errors.HostDown) and "no password" in str(outcome["locked"])
            assert [op for _port, op, _ in fleet.controls] == ["set_run_mode"]
            assert b"<never/>" in fleet.controls[0][2] and b"<duration>60" in fleet.controls[0][2]
            with pytest.raises(ValueError, match="no such host"):
                await poller.set_run_mode(["nope"], RunMode.NEVER)
            with pytest.raises(ValueError):
                await poller.project_op(["healthy"], "http://x/", "explode")

    run(["healthy", "refused", "locked"], body)


def test_suspend_at_next_checkpoint() -> None:
    running = fixture("rich_50/get_results_active_only_0").replace(
        b"<scheduler_state>1</scheduler_state>", b"<scheduler_state>2</scheduler_state>"
    )

    async def body(fleet: Fleet) -> None:
        fleet.set_reply("get_results", running)
        clock = Clock()
        async with Poller([_config(fleet.hosts[0])], clock=clock) as poller:
            snap = await poller.refresh()
            tasks = [r for r in snap.hosts["healthy"].results if task_status(r) is TaskStatus.RUNNING]
            assert snap.hosts["healthy"].counts.running == len(tasks) == 2
            watched = await poller.suspend_at_checkpoint(["healthy"])
            assert watched == {"healthy": 2}
            clock.now += 10  # the status cadence
            snap = await poller.refresh()  # no checkpoint yet: nothing suspended, still watched
            assert len(snap.hosts["healthy"].pending_suspends) == 2
            assert fleet.controls == []
            first = tasks[0]
            assert first.active_task is not None
            old = f"<checkpoint_cpu_time>{first.active_task.checkpoint_cpu_time:f}</checkpoint_cpu_time>".encode()
            assert running.count(old) == 1
            fleet.set_reply(
                "get_results", running.replace(old, old.replace(b"<checkpoint_cpu_time>", b"<checkpoint_cpu_time>1"))
            )
            clock.now += 10
            snap = await poller.refresh()
            assert [op for _p, op, _r in fleet.controls] == ["suspend_result"]
            assert f"<name>{first.name}</name>".encode() in fleet.controls[0][2]
            assert len(snap.hosts["healthy"].pending_suspends) == 1
            await poller.cancel_suspend_at_checkpoint(["healthy"])
            assert poller.snapshot.hosts["healthy"].pending_suspends == ()

    run(["healthy"], body)


def test_poller_thread_serves_threads() -> None:
    async def body(fleet: Fleet) -> None:
        poller = Poller([_config(fleet.hosts[0])], cadence=Cadence(status=0.2))
        thread = PollerThread(poller, min_interval=0.05)

        def in_a_thread() -> None:
            thread.start()
            try:
                deadline = time.monotonic() + 30
                while not poller.snapshot.hosts["healthy"].up and time.monotonic() < deadline:
                    time.sleep(0.05)
                assert poller.snapshot.hosts["healthy"].up
                outcome = thread.call(poller.set_gpu_mode(["healthy"], RunMode.AUTO))
                assert outcome == {"healthy": None}
                counts = poller.snapshot.hosts["healthy"].counts
                assert counts.as_dict()[TaskStatus.WAITING.name.lower()] >= 0
            finally:
                thread.stop()

        await asyncio.get_running_loop().run_in_executor(None, in_a_thread)

    run(["healthy"], body)


def test_metrics_of_a_fleet_match_the_snapshot_and_the_alert_rules() -> None:
    from prometheus_client.parser import text_string_to_metric_families

    from boinc.cluster.metrics import make_wsgi_app, render

    rules = (Path(__file__).resolve().parents[2] / "docs" / "examples" / "boinc_alerts.yml").read_text()

    async def body(fleet: Fleet) -> None:
        healthy, refused = fleet.hosts
        async with Poller([_config(healthy), _config(refused)]) as poller:
            snap = await poller.refresh()
        text, _type = render(snap)
        families = {f.name: f for f in text_string_to_metric_families(text.decode())}
        assert {s.labels["host"]: s.value for s in families["boinc_up"].samples} == {"healthy": 1.0, "refused": 0.0}
        [down] = families["boinc_down_reason"].samples
        assert down.labels == {"host": "refused", "reason": "refused"}
        counts = snap.hosts["healthy"].counts.as_dict()
        tasks = {s.labels["state"]: s.value for s in families["boinc_tasks"].samples if s.labels["host"] == "healthy"}
        assert tasks == {k: float(v) for k, v in counts.items()}
        modes = {(s.labels["kind"], s.labels["mode"]) for s in families["boinc_mode"].samples}
        assert ("task", "never") in modes
        for name in set(re.findall(r"\bboinc_\w+", rules)):
            assert name in families, name
        # the WSGI app serves the same text
        seen: list[str] = []
        out = make_wsgi_app(poller)({}, lambda status, headers: seen.append(status))
        assert seen == ["200 OK"] and b"boinc_up" in b"".join(out)

    run(["healthy", "refused"], body)


def test_run_publishes_each_host_without_waiting_for_a_silent_one() -> None:
    async def body(fleet: Fleet) -> None:
        healthy, stalled = fleet.hosts
        poller = Poller([_config(healthy), _config(stalled)], timeout=60.0)
        task = asyncio.ensure_future(poller.run(min_interval=0.05))
        try:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 50
            while not poller.snapshot.hosts["healthy"].up and loop.time() < deadline:
                await asyncio.sleep(0.05)
            snap = poller.snapshot
            assert snap.hosts["healthy"].up
            # the silent host's poll is still waiting for its 60 s timeout
            assert snap.hosts["stalled"].failures == 0 and snap.hosts["stalled"].last_contact is None
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    run(["healthy", "stalled"], body)


def test_an_unchanged_reply_keeps_its_objects_and_a_changed_one_is_parsed() -> None:
    async def body(fleet: Fleet) -> None:
        clock = Clock()
        async with Poller([_config(fleet.hosts[0])], clock=clock, kinds=("status", "tasks")) as poller:
            first = (await poller.refresh(force=True)).hosts["healthy"]
            second = (await poller.refresh(force=True)).hosts["healthy"]
            assert second.results is first.results and second.cc_status is first.cc_status
            assert second.last_contact is not None
            changed = fixture("rich_50/get_results_active_only_0").replace(
                b"<fraction_done>0.0", b"<fraction_done>0.5", 1
            )
            fleet.set_reply("get_results", changed)
            third = (await poller.refresh(force=True)).hosts["healthy"]
            assert third.results is not first.results and third.results != first.results
            assert third.cc_status is first.cc_status
            # only the changed task was parsed again; the list equals a whole parse of the reply
            whole = tuple(rpcs.GET_RESULTS.parse(changed.decode()))
            assert third.results == whole
            same = [a is b for a, b in zip(third.results, first.results)]
            assert same.count(False) == 1
            # a reply laid out otherwise goes to the whole-reply reader
            fleet.set_reply("get_results", b"<boinc_gui_rpc_reply>\n<results>\n</results>\n</boinc_gui_rpc_reply>\n")
            assert (await poller.refresh(force=True)).hosts["healthy"].results == ()

    run(["healthy"], body)


def test_control_refused_for_want_of_a_password_leaves_the_host_up() -> None:
    async def body(fleet: Fleet) -> None:
        async with Poller([_config(fleet.hosts[0], password=None)]) as poller:
            assert (await poller.refresh()).hosts["healthy"].up  # reading needs no password here
            outcome = await poller.set_run_mode(["healthy"], RunMode.NEVER)
            assert isinstance(outcome["healthy"], errors.AuthenticationError)
            snap = await poller.refresh(force=True)
            assert snap.hosts["healthy"].up and snap.hosts["healthy"].failures == 0

    run(["healthy"], body)


def _tracked_in(obj: object, generation: int) -> bool:
    return any(o is obj for o in gc.get_objects(generation=generation))


def test_a_large_sweep_sends_its_snapshot_to_the_oldest_generation_unscanned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(poller_module, "_GC_PAUSE_HOSTS", 2)  # two hosts count as many

    async def body(fleet: Fleet) -> None:
        async with Poller([_config(h, f"h{i}") for i, h in enumerate(fleet.hosts)], kinds=("tasks",)) as poller:
            assert gc.isenabled()
            task = (await poller.refresh()).hosts["h0"].results[0]
            assert gc.isenabled() and gc.get_freeze_count() == 0
            assert _tracked_in(task, 2), "a new task should be in the oldest generation"
            # a program that froze objects itself keeps them frozen
            sentinel: list[object] = []
            gc.freeze()
            try:
                task = (await poller.refresh(force=True)).hosts["h0"].results[0]
                assert gc.isenabled()
                assert not any(_tracked_in(sentinel, g) for g in range(3)), "the program's frozen objects were thawed"
                assert not _tracked_in(task, 2)
            finally:
                gc.unfreeze()

    run(["healthy", "healthy"], body)


def test_a_small_sweep_leaves_the_collector_alone() -> None:
    async def body(fleet: Fleet) -> None:
        gc.collect()
        async with Poller([_config(fleet.hosts[0])], kinds=("tasks",)) as poller:
            task = (await poller.refresh()).hosts["healthy"].results[0]
            assert not _tracked_in(task, 2)

    run(["healthy"], body)


def test_a_distinct_fleet_gives_each_host_its_own_tasks() -> None:
    async def main() -> None:
        async with Fleet(["healthy", "healthy"], distinct=True) as fleet:
            poller = Poller([_config(h, f"h{i}") for i, h in enumerate(fleet.hosts)], kinds=("tasks",))
            try:
                snap = await poller.refresh()
            finally:
                await poller.close()
        zero, one = snap.hosts["h0"].results, snap.hosts["h1"].results
        assert len(zero) == len(one) == fixture("rich_50/get_results_active_only_0").count(b"<result>")
        for a, b in zip(zero, one):
            assert a.name == "h0-" + b.name[3:] and b.name.startswith("h1-")
            assert a.wu_name.startswith("h0-") and b.wu_name.startswith("h1-")
            assert b.received_time - a.received_time == pytest.approx(1.0)
            assert b.report_deadline - a.report_deadline == pytest.approx(1.0)

    asyncio.run(asyncio.wait_for(main(), 60))


class _Node:
    """A cyclic garbage collector's object with a weak reference."""

    peer: _Node


def _cycles(n: int) -> weakref.ref[_Node]:
    """Make ``n`` two-node reference cycles, unreachable; a weak reference to one node."""
    last = _Node()
    for _ in range(n):
        a, b = _Node(), _Node()
        a.peer, b.peer = b, a
        last = a
    return weakref.ref(last)


def test_ageing_collects_cyclic_garbage_once_the_tracked_objects_grew_by_a_quarter() -> None:
    ageing = poller_module._Ageing()
    ageing.COUNT_EVERY = 0.0  # count on every call
    was_enabled = gc.isenabled()
    gc.disable()  # only the ageing's own rule collects here
    try:
        gc.collect()
        ageing()
        base = ageing.base
        assert base
        small = _cycles(base // 40)  # two or four tracked objects a cycle (dicts too before 3.11): 5-10 % more
        ageing()
        assert small() is not None and ageing.base == base
        large = _cycles(base // 4)  # 50-100 % more
        ageing()
        assert small() is None and large() is None
        assert ageing.base is not None and ageing.base < base * 1.05
        # between two counts, objects are aged and not counted
        ageing.COUNT_EVERY = 3600.0
        ageing()
        late = _cycles(base // 2)
        ageing()
        assert late() is not None
    finally:
        if was_enabled:
            gc.enable()


def test_run_sends_what_its_polls_made_to_the_oldest_generation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(poller_module, "_GC_PAUSE_HOSTS", 1)

    async def body(fleet: Fleet) -> None:
        poller = Poller([_config(fleet.hosts[0])], kinds=("tasks",))
        gc.collect()
        gc.disable()
        task = asyncio.ensure_future(poller.run(min_interval=0.05))
        try:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 50
            while not poller.snapshot.hosts["healthy"].results and loop.time() < deadline:
                await asyncio.sleep(0.05)
            results = poller.snapshot.hosts["healthy"].results
            # published and aged in one step; with the collector off, nothing else moves it
            assert results and _tracked_in(results[0], 2)
        finally:
            gc.enable()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    run(["healthy"], body)
