"""The task history: tasks leaving the list, old results, queries, per-hour counts, retention."""

from __future__ import annotations

from pathlib import Path

from boinc.cluster.history import FinishedTask, History, Outcome
from boinc.gui_rpc.enums import ResultState
from boinc.gui_rpc.structs import OldResult, Result

P = "http://p/"


def test_tasks_leaving_the_list_and_old_results_are_stored_once(tmp_path: Path) -> None:
    with History(tmp_path / "h.sqlite", retention=None) as h:
        done = Result(name="done", project_url=P, state=ResultState.FILES_UPLOADED, ready_to_report=True,
                      final_elapsed_time=10.0, completed_time=7200.0)  # fmt: skip
        failed = Result(name="failed", project_url=P, state=ResultState.COMPUTE_ERROR, exit_status=-1)
        running = Result(name="running", project_url=P, state=ResultState.FILES_DOWNLOADED)
        h.observe_results("a", [done, failed, running], now=7000.0)
        h.observe_results("a", [done, failed, running], now=7100.0)  # a replay: nothing gone
        assert h.tasks() == []
        h.observe_results("a", [running], now=7300.0)
        h.observe_results("a", [running], now=7400.0)
        rows = {t.name: t for t in h.tasks()}
        assert rows["done"].outcome is Outcome.SUCCESS and rows["done"].completed_time == 7200.0
        assert rows["failed"].outcome is Outcome.ERROR and rows["failed"].completed_time == 7300.0
        assert not rows["done"].reported
        old = OldResult(project_url=P, result_name="done", app_name="sim", elapsed_time=10.0, completed_time=7200.0)
        h.observe_old_results("a", [old], now=7500.0)
        h.observe_old_results("a", [old], now=7600.0)
        rows = {t.name: t for t in h.tasks()}
        assert len(rows) == 2
        assert rows["done"].reported and rows["done"].app_name == "sim"
        h.observe_results("a", [], now=8000.0)
        assert {t.name: t.outcome for t in h.tasks()}["running"] is Outcome.LOST


def test_queries_and_hourly_counts() -> None:
    with History(":memory:", retention=None) as h:
        h.add(
            [
                FinishedTask(host="a", project_url=P, name="1", completed_time=3600.0),
                FinishedTask(host="a", project_url=P, name="2", completed_time=3700.0, outcome=Outcome.ERROR),
                FinishedTask(host="b", project_url="http://q/", name="3", completed_time=7300.0),
            ]
        )
        assert [t.name for t in h.tasks()] == ["3", "2", "1"]
        assert [t.name for t in h.tasks(host="a")] == ["2", "1"]
        assert [t.name for t in h.tasks(project_url="http://q/")] == ["3"]
        assert [t.name for t in h.tasks(outcome=Outcome.ERROR)] == ["2"]
        assert [t.name for t in h.tasks(since=3650.0, until=7300.0)] == ["2"]
        assert [t.name for t in h.tasks(limit=1)] == ["3"]
        assert h.completed_per_hour(since=0.0) == [(3600.0, 2), (7200.0, 1)]
        assert h.completed_per_hour(since=0.0, host="b") == [(7200.0, 1)]


def test_retention_drops_old_rows() -> None:
    now = [100_000.0]
    with History(":memory:", retention=3600.0, clock=lambda: now[0]) as h:
        h.add([FinishedTask(host="a", project_url=P, name="old", completed_time=90_000.0)])
        assert h.tasks() == []
        h.add([FinishedTask(host="a", project_url=P, name="new", completed_time=99_000.0)])
        assert [t.name for t in h.tasks()] == ["new"]
