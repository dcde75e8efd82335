"""The master's restart logic, fast: an in-memory backend, runs aborted at arbitrary points."""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from boinc.pyboinc import BackendContext, Finished, Job, Master


class EchoBackend:
    """Finishes every job at once; its output is its input. Counts submissions."""

    durable = False

    def __init__(self, submitted: Counter[int]) -> None:
        self.submitted = submitted
        self.ctx: BackendContext | None = None

    def start(self, ctx: BackendContext) -> None:
        self.ctx = ctx

    def submit(self, jobs: Sequence[Job]) -> None:
        assert self.ctx is not None
        for job in jobs:
            self.submitted[job.seq] += 1
            self.ctx.report(Finished(job.seq, True, output=job.payload))

    def fractions(self) -> dict[int, float]:
        return {}

    def close(self, *, cancel: bool = False) -> None:
        pass


class Abort(BaseException):
    """Stands for a crash of the master."""


@settings(max_examples=40, deadline=None)
@given(n=st.integers(0, 30), aborts=st.lists(st.tuples(st.booleans(), st.integers(0, 35)), max_size=4))
def test_each_job_runs_once_and_each_run_handles_each_result_once(
    n: int, aborts: list[tuple[bool, int]]
) -> None:
    submitted: Counter[int] = Counter()
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "w.py").write_text("")
        runs = [*aborts, (False, -1)]
        for in_calls, at in runs:
            seen: list[int] = []
            master = Master(f"{d}/batch", backend=EchoBackend(submitted), base_dir=d, show_progress=False)

            def make_calls(master: Master = master, in_calls: bool = in_calls, at: int = at) -> None:
                for i in range(n):
                    if in_calls and i == at:
                        raise Abort
                    master.call("w.py", i)

            def handle(x: int, seen: list[int] = seen, in_calls: bool = in_calls, at: int = at) -> None:
                if not in_calls and len(seen) == at:
                    raise Abort
                seen.append(x)

            try:
                master.run(make_calls, handle)
            except Abort:
                continue
            break
        assert sorted(seen) == list(range(n)), "the final run handles every result exactly once"
        assert all(submitted[i] == 1 for i in range(n)), f"a job ran twice: {submitted}"
