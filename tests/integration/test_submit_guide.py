"""The "Submitting a batch" guide's example, run against the replay of the real server."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.submit_replay import AUTHENTICATOR, ReplayServer

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "submitting_a_batch.py"


def test_guide_example_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("submitting_a_batch", EXAMPLE)
    assert spec is not None and spec.loader is not None
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    with ReplayServer() as srv:
        # the recording's delete_time was "now + one day" on the lab clock
        srv.expect("create_batch", "query_files", "upload_files", ignore=("delete_time",))
        srv.expect("submit_batch__local_staged")
        srv.expect("query_batch__done", ignore=("get_cpu_time",))
        srv.expect("get_output__batch_files", "retire_batch__completed")
        names = example.main(srv.url, AUTHENTICATOR, tmp_path, poll_seconds=0.001)
        srv.check()
    assert len(names) == 2
    assert sorted(p.name for p in (tmp_path / "outputs").iterdir()) == sorted(names)
    out = capsys.readouterr().out
    assert "batch fx_staged_r3: 2 done, 0 running, 0 failed, 0 queued" in out
    assert "fx_staged_r3_1: done" in out
