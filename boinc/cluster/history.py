"""Finished tasks, kept in SQLite: :class:`History`.

A BOINC client forgets a task an hour after reporting it (its "old results").
The poller tells a :class:`History` every task list and old-task list it
fetches (it is a :class:`~boinc.cluster.poller.TaskObserver`); the history
stores

* every old result (``get_old_results``), and
* every task that leaves a host's task list, as last seen,

in one SQLite database (standard :mod:`sqlite3`, WAL journal, one writer: the
poller's thread). A task is keyed by host, project URL and name, so a task
seen twice, or seen both ways, is stored once. When observations of one task
differ, the row keeps the greatest of them in one fixed order (an old result
over a task-list entry, then the later completion, …), so the stored history
does not depend on the order the observations arrived in, nor on replays.

Rows older than the retention are deleted as new ones come in. Queries
filter by host, project, outcome and time range; :meth:`History.completed_per_hour`
counts finished tasks per hour for a chart.
"""

from __future__ import annotations

import enum
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs

from ..gui_rpc.enums import ResultState
from ..gui_rpc.structs import OldResult, Result

__all__ = ["FinishedTask", "History", "Outcome"]


class Outcome(enum.Enum):
    """How a task ended."""

    #: Computed and reported (an old result with exit status 0), or uploaded and ready to report.
    SUCCESS = "success"
    #: The computation or an upload failed (or an old result with a nonzero exit status).
    ERROR = "error"
    #: Aborted.
    ABORTED = "aborted"
    #: Left the task list unfinished (its project was reset or detached, …).
    LOST = "lost"


#: Ranks of the sources of an observation: an old result says more than a task-list entry.
_FROM_RESULT, _FROM_OLD_RESULT = 1, 2


@attrs.frozen(kw_only=True)
class FinishedTask:
    """One row of the history.

    Attributes:
        host: the host's name.
        project_url: the project's master URL.
        name: the task's name.
        app_name: the application (known from old results only; else empty).
        outcome: how it ended.
        exit_status: the application's exit status.
        elapsed_time: elapsed seconds.
        cpu_time: CPU seconds.
        completed_time: when it finished, Unix time (when first seen gone, if the client did not say).
        reported: whether it was seen as an old result (reported to its project).
    """

    host: str
    project_url: str
    name: str
    app_name: str = ""
    outcome: Outcome = Outcome.SUCCESS
    exit_status: int = 0
    elapsed_time: float = 0.0
    cpu_time: float = 0.0
    completed_time: float = 0.0
    reported: bool = False

    @classmethod
    def from_result(cls, host: str, result: Result, now: float) -> FinishedTask:
        """The row for a task that left ``host``'s task list as ``result`` (last seen), at ``now``."""
        state = result.state
        if state == ResultState.ABORTED:
            outcome = Outcome.ABORTED
        elif state in (ResultState.COMPUTE_ERROR, ResultState.UPLOAD_FAILED):
            outcome = Outcome.ERROR
        elif result.ready_to_report or state > ResultState.COMPUTE_ERROR:
            outcome = Outcome.SUCCESS
        else:
            outcome = Outcome.LOST
        return cls(
            host=host,
            project_url=result.project_url,
            name=result.name,
            outcome=outcome,
            exit_status=result.exit_status,
            elapsed_time=result.final_elapsed_time,
            cpu_time=result.final_cpu_time,
            completed_time=result.completed_time or now,
        )

    @classmethod
    def from_old_result(cls, host: str, old: OldResult) -> FinishedTask:
        """The row for one of ``host``'s old results."""
        return cls(
            host=host,
            project_url=old.project_url,
            name=old.result_name,
            app_name=old.app_name,
            outcome=Outcome.SUCCESS if old.exit_status == 0 else Outcome.ERROR,
            exit_status=old.exit_status,
            elapsed_time=old.elapsed_time,
            cpu_time=old.cpu_time,
            completed_time=old.completed_time,
            reported=True,
        )


_SCHEMA = """
CREATE TABLE IF NOT EXISTS finished_task (
    host TEXT NOT NULL,
    project_url TEXT NOT NULL,
    name TEXT NOT NULL,
    rank INTEGER NOT NULL,
    completed_time REAL NOT NULL,
    elapsed_time REAL NOT NULL,
    cpu_time REAL NOT NULL,
    exit_status INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    app_name TEXT NOT NULL,
    PRIMARY KEY (host, project_url, name)
);
CREATE INDEX IF NOT EXISTS finished_task_time ON finished_task (completed_time);
"""
# The columns of the fixed order in which observations of one task compete (greatest wins).
_ORDER = ("rank", "completed_time", "elapsed_time", "cpu_time", "exit_status", "outcome", "app_name")
_COLUMNS = ("host", "project_url", "name", *_ORDER)
_UPSERT = (
    f"INSERT INTO finished_task ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
    " ON CONFLICT (host, project_url, name) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _ORDER)
    + f" WHERE ({', '.join('excluded.' + c for c in _ORDER)}) > ({', '.join(_ORDER)})"
)


class History:
    """The task history database.

    Args:
        path: the SQLite file (created if missing); ``":memory:"`` for a throw-away one.
        retention: seconds a finished task is kept (by its completion time); ``None``: forever.
        clock: the Unix-time clock retention uses.

    One thread writes (the poller's); any thread may query: queries use their
    own short-lived connections on a file database (WAL lets them read while
    the writer writes) and the writer's, under a lock, for ``":memory:"``.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        retention: float | None = 30 * 86400.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = os.fspath(path)
        self.retention = retention
        self._clock = clock
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        if self.path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        #: per host, its tasks as last seen in a task list: (project_url, name) -> Result
        self._seen: dict[str, dict[tuple[str, str], Result]] = {}

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing (the poller's TaskObserver) ---------------------------------------------

    def observe_results(self, host: str, results: Sequence[Result], now: float) -> None:
        """A host's task list: the tasks of its previous list that are gone are stored as finished."""
        current = {(r.project_url, r.name): r for r in results}
        previous = self._seen.get(host)
        self._seen[host] = current
        if previous:
            gone = [FinishedTask.from_result(host, r, now) for key, r in previous.items() if key not in current]
            if gone:
                self.add(gone)

    def observe_old_results(self, host: str, old_results: Sequence[OldResult], now: float) -> None:
        """A host's old results: each is stored (once)."""
        if old_results:
            self.add(FinishedTask.from_old_result(host, old) for old in old_results)

    def add(self, tasks: Iterable[FinishedTask]) -> None:
        """Store finished tasks (idempotent; see the module's description), then apply the retention."""
        rows = [
            (
                t.host,
                t.project_url,
                t.name,
                _FROM_OLD_RESULT if t.reported else _FROM_RESULT,
                t.completed_time,
                t.elapsed_time,
                t.cpu_time,
                t.exit_status,
                t.outcome.value,
                t.app_name,
            )
            for t in tasks
        ]
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.executemany(_UPSERT, rows)
                if self.retention is not None:
                    self._db.execute(
                        "DELETE FROM finished_task WHERE completed_time < ?", (self._clock() - self.retention,)
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    # -- reading ------------------------------------------------------------------------

    def tasks(
        self,
        *,
        host: str | None = None,
        project_url: str | None = None,
        outcome: Outcome | None = None,
        since: float | None = None,
        until: float | None = None,
        limit: int | None = 1000,
    ) -> list[FinishedTask]:
        """Finished tasks, newest first, filtered by host, project, outcome and completion time ``[since, until)``."""
        where, args = _filters(host, project_url, outcome, since, until)
        sql = f"SELECT {', '.join(_COLUMNS)} FROM finished_task{where} ORDER BY completed_time DESC, host, name"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [_row(r) for r in self._query(sql, args)]

    def completed_per_hour(
        self,
        *,
        since: float,
        until: float | None = None,
        host: str | None = None,
        project_url: str | None = None,
        outcome: Outcome | None = None,
    ) -> list[tuple[float, int]]:
        """``(hour start, count)`` of finished tasks per UTC hour in ``[since, until)``, hours without any left out."""
        where, args = _filters(host, project_url, outcome, since, until)
        sql = (
            "SELECT CAST(completed_time / 3600 AS INTEGER) * 3600 AS hour, COUNT(*) FROM finished_task"
            f"{where} GROUP BY hour ORDER BY hour"
        )
        return [(float(hour), int(n)) for hour, n in self._query(sql, args)]

    def _query(self, sql: str, args: Sequence[object]) -> list[tuple[Any, ...]]:
        if self.path == ":memory:":
            with self._lock:
                return list(self._db.execute(sql, args))
        reader = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            return list(reader.execute(sql, args))
        finally:
            reader.close()


def _filters(
    host: str | None, project_url: str | None, outcome: Outcome | None, since: float | None, until: float | None
) -> tuple[str, list[object]]:
    clauses: list[str] = []
    args: list[object] = []
    for clause, value in (
        ("host = ?", host),
        ("project_url = ?", project_url),
        ("outcome = ?", outcome.value if outcome is not None else None),
        ("completed_time >= ?", since),
        ("completed_time < ?", until),
    ):
        if value is not None:
            clauses.append(clause)
            args.append(value)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), args


def _row(row: tuple[Any, ...]) -> FinishedTask:
    host, project_url, name, rank, completed, elapsed, cpu, exit_status, outcome, app_name = row
    return FinishedTask(
        host=str(host),
        project_url=str(project_url),
        name=str(name),
        app_name=str(app_name),
        outcome=Outcome(outcome),
        exit_status=int(exit_status),
        elapsed_time=float(elapsed),
        cpu_time=float(cpu),
        completed_time=float(completed),
        reported=rank == _FROM_OLD_RESULT,
    )
