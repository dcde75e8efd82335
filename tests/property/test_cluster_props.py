"""Property tests of boinc.cluster: back-off timing, and a history that ignores replays and order."""

from __future__ import annotations

import asyncio
import random
import socket
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boinc.cluster.history import FinishedTask, History, Outcome
from boinc.cluster.model import HostConfig
from boinc.cluster.poller import Backoff, Poller

# -- back-off ------------------------------------------------------------------------------

backoffs = st.builds(
    lambda first, factor, extra: Backoff(first=first, factor=factor, cap=first + extra),
    st.floats(0.0, 1000.0),
    st.floats(1.0, 10.0),
    st.floats(0.0, 10000.0),
)


@given(backoffs, st.integers(0, 10_000))
def test_backoff_grows_to_its_cap(backoff: Backoff, failures: int) -> None:
    delay = backoff.delay(failures)
    if failures == 0:
        assert delay == 0
        return
    assert backoff.first <= delay <= backoff.cap
    assert delay <= backoff.delay(failures + 1) <= backoff.cap
    if failures < 30:
        assert delay == pytest.approx(min(backoff.cap, backoff.first * backoff.factor ** (failures - 1)))


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@settings(max_examples=25, deadline=None)
@given(backoffs.filter(lambda b: b.first >= 0.5), st.lists(st.floats(0.0, 2.0), min_size=1, max_size=12))
def test_a_refused_host_is_tried_exactly_when_its_backoff_ends(backoff: Backoff, steps: list[float]) -> None:
    """With an injected clock (no sleeps), a dead host is contacted again only once its back-off has passed."""
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))  # bound, not listening: refused
    port = holder.getsockname()[1]
    clock = Clock()

    async def main() -> None:
        poller = Poller([HostConfig(name="dead", host="127.0.0.1", port=port)], backoff=backoff, clock=clock)
        snap = await poller.refresh()
        failures, tried_at = 1, clock.now
        assert snap.hosts["dead"].failures == 1
        for step in steps:
            clock.now += step * backoff.delay(failures)
            snap = await poller.refresh()
            due = clock.now >= tried_at + backoff.delay(failures)
            if due:
                failures, tried_at = failures + 1, clock.now
            assert snap.hosts["dead"].failures == failures
            assert poller.next_due() == tried_at + backoff.delay(failures)

    try:
        asyncio.run(main())
    finally:
        holder.close()


# -- history --------------------------------------------------------------------------------

tasks = st.builds(
    FinishedTask,
    host=st.sampled_from(["a", "b"]),
    project_url=st.sampled_from(["http://p/", "http://q/"]),
    name=st.sampled_from(["t1", "t2", "t3"]),
    app_name=st.sampled_from(["", "app"]),
    outcome=st.sampled_from(list(Outcome)),
    exit_status=st.integers(-200, 200),
    elapsed_time=st.floats(0, 1e6),
    cpu_time=st.floats(0, 1e6),
    completed_time=st.floats(1e9, 2e9),
    reported=st.booleans(),
)


def _content(history: History) -> list[FinishedTask]:
    return sorted(history.tasks(limit=None), key=lambda t: (t.host, t.project_url, t.name))


@settings(max_examples=60, deadline=None)
@given(st.lists(tasks, max_size=20), st.randoms(use_true_random=False), st.integers(1, 3))
def test_history_is_idempotent_under_replays_and_reordering(
    observed: list[FinishedTask], rnd: random.Random, batches: int
) -> None:
    once = History(":memory:", retention=None)
    once.add(observed)
    replayed = History(":memory:", retention=None)
    shuffled = list(observed) * 2
    rnd.shuffle(shuffled)
    size = max(1, len(shuffled) // batches)
    for i in range(0, len(shuffled), size):
        replayed.add(shuffled[i : i + size])
    assert _content(once) == _content(replayed)
    keys = {(t.host, t.project_url, t.name) for t in observed}
    assert len(_content(once)) == len(keys)


def test_history_on_disk_outlives_its_process(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    task = FinishedTask(host="a", project_url="http://p/", name="t", completed_time=1.5e9, reported=True)
    with History(path, retention=None) as h:
        h.add([task, task])
    with History(path, retention=None) as h:
        assert h.tasks() == [task]


# -- metrics ------------------------------------------------------------------------------

label_text = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=20)


@settings(max_examples=50, deadline=None)
@given(st.dictionaries(label_text, st.tuples(st.booleans(), label_text, st.floats(0, 1)), max_size=5))
def test_metrics_parse_with_prometheus_clients_parser(hosts: dict[str, tuple[bool, str, float]]) -> None:
    """Host and task names are untrusted text: whatever they hold, /metrics stays parseable and exact."""
    from prometheus_client.parser import text_string_to_metric_families

    from boinc.cluster.metrics import render
    from boinc.cluster.model import ClusterSnapshot, HostSnapshot, Reason, TaskCounts
    from boinc.gui_rpc.enums import SchedulerState
    from boinc.gui_rpc.structs import ActiveTask, Result

    snaps = {}
    for name, (up, task, fraction) in hosts.items():
        result = Result(
            name=task,
            project_url="http://p/",
            active_task=ActiveTask(scheduler_state=SchedulerState.SCHEDULED, fraction_done=fraction),
        )
        snaps[name] = HostSnapshot(
            name=name,
            up=up,
            reason=None if up else Reason.TIMED_OUT,
            results=(result,),
            counts=TaskCounts.of([result]),
        )
    body, content_type = render(ClusterSnapshot(hosts=snaps, taken_at=1.0))
    assert content_type.startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(body.decode())}
    ups = {s.labels["host"]: s.value for s in families["boinc_up"].samples}
    assert ups == {name: 1.0 if up else 0.0 for name, (up, _t, _f) in hosts.items()}
    fractions = {(s.labels["host"], s.labels["task"]): s.value for s in families["boinc_task_fraction_done"].samples}
    assert fractions == {(name, task): fraction for name, (_u, task, fraction) in hosts.items()}
