"""Helpers for PyBOINC tests: worker scripts in a temporary directory, masters that run them."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from boinc.pyboinc import LocalBackend, Master


class App:
    """A scratch PyBOINC application: worker scripts and a batch directory under one folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.batch = root / "pyboinc_batch"

    def worker(self, name: str, body: str) -> str:
        """Write worker script *name*; its body gets the usual imports prepended."""
        head = ("import os, sys\n"
                "from boinc.pyboinc import *\n"
                "from tests.unit.pyboinc.pb_types import *\n")
        (self.root / name).write_text(head + textwrap.dedent(body))
        return name

    def master(self, workers: int = 2, **kw: Any) -> Master:
        """Return a Master on this app's batch directory with a small local pool."""
        kw.setdefault("show_progress", False)
        return Master(self.batch, backend=LocalBackend(workers), base_dir=self.root, **kw)

    def run(self, calls: list[tuple[str, Any]], *, workers: int = 2, **kw: Any) -> list[Any]:
        """Run one batch of *calls*; return the results in the order handle_result saw them."""
        seen: list[Any] = []
        m = self.master(workers, **kw)

        def make_calls() -> None:
            for worker, value in calls:
                m.call(worker, value)

        m.run(make_calls, seen.append)
        return seen


@pytest.fixture
def app(tmp_path: Path) -> App:
    """A scratch PyBOINC application."""
    return App(tmp_path)


