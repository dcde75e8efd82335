"""The batch directory: torn writes are cut off, results of lost calls dropped, one master at a time."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from boinc.errors import JournalMismatch, PyboincError
from boinc.pyboinc import Progress
from boinc.pyboinc._batch import BatchDir, call_hash
from boinc.pyboinc._master import _ProgressDisplay


def _fill(path: Path, n: int) -> None:
    b = BatchDir(str(path))
    for i in range(n):
        payload = b'{"pyboinc":1,"value":%d}' % i
        b.append("w.py", call_hash("w.py", payload), payload)
    b.sync()
    b.add_results([(i, b"out%d" % i) for i in range(n)])
    b.mark_handled(list(range(n)))
    b.close()


def test_reopen_reads_everything_back(tmp_path: Path) -> None:
    _fill(tmp_path, 3)
    b = BatchDir(str(tmp_path))
    assert [e.seq for e in b.entries] == [0, 1, 2]
    assert b.read_result(2) == b"out2" and b.handled == [0, 1, 2]
    b.check(1, "w.py", call_hash("w.py", b'{"pyboinc":1,"value":1}'))
    with pytest.raises(JournalMismatch, match="call #1"):
        b.check(1, "w.py", call_hash("w.py", b"{}"))
    b.close()


@pytest.mark.parametrize("cut", [1, 5, 17])
def test_torn_tails_are_cut_off(tmp_path: Path, cut: int) -> None:
    _fill(tmp_path, 3)
    for name in ("journal", "results", "handled"):
        p = tmp_path / name
        p.write_bytes(p.read_bytes()[:-cut])
    b = BatchDir(str(tmp_path))
    assert len(b.entries) == 2  # the third call's line is torn: it was never run
    assert set(b.results) <= {0, 1} and all(s in b.results for s in b.handled)
    b.close()
    for name in ("journal", "results", "handled"):
        assert (tmp_path / name).read_bytes().endswith(b"\n") or not (tmp_path / name).read_bytes()


def test_results_of_calls_missing_from_the_journal_are_dropped(tmp_path: Path) -> None:
    _fill(tmp_path, 3)
    p = tmp_path / "journal"
    p.write_bytes(b"".join(p.read_bytes().splitlines(keepends=True)[:1]))  # a power cut lost 2 lines
    b = BatchDir(str(tmp_path))
    assert set(b.results) == {0} and b.handled == [0]
    b.close()


def test_pickle_payloads_survive_the_journal(tmp_path: Path) -> None:
    b = BatchDir(str(tmp_path))
    b.append("w.py", "h", b"\x80\x04\n\tpickled\n")
    b.close()
    b = BatchDir(str(tmp_path))
    assert b.entries[0].payload == b"\x80\x04\n\tpickled\n"
    with pytest.raises(ValueError, match="worker"):
        b.append("a\tb.py", "h", b"{}")
    b.close()


def test_damaged_checkpoint(tmp_path: Path) -> None:
    (tmp_path / "checkpoint.json").write_text('{"format": 99}')
    with pytest.raises(PyboincError, match="format"):
        BatchDir(str(tmp_path))


def test_progress_line_only_on_a_terminal() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Tty()
    d = _ProgressDisplay(out, None)
    d.update(Progress(3, 1, 10, 0.5, 2, 4.0, 65.0), force=True)
    d.finish()
    assert out.getvalue() == "\r\x1b[K[pyboinc] 3/10 done, 1 failed, 2 retried, about 1:05 left\n"
    got: list[Progress] = []
    quiet = _ProgressDisplay(None, got.append)
    quiet.update(Progress(0, 0, None, 0.0, 0, 0.0, None))
    quiet.finish()
    assert got[0].total is None


def test_results_logged_by_pool_processes(tmp_path: Path) -> None:
    from boinc.pyboinc._batch import result_record

    _fill(tmp_path, 0)
    b = BatchDir(str(tmp_path))
    for i in range(3):
        payload = b"{}%d" % i
        b.append("w.py", call_hash("w.py", payload), payload)
    b.close()
    rec0, off0 = result_record(0, b"zero")
    rec2, _ = result_record(2, b"two")
    torn = result_record(1, b"one")[0][:-3]
    (tmp_path / "results.slot1").write_bytes(rec0 + rec2 + torn)
    b = BatchDir(str(tmp_path))
    assert sorted(b.results) == [0, 2] and b.read_result(2) == b"two"
    assert (tmp_path / "results.slot1").read_bytes().endswith(torn)  # a live pool process may own it
    (tmp_path / "results.slot1").write_bytes(rec0 + rec2 + result_record(1, b"one")[0])
    b.register_result(1, "results.slot1", len(rec0) + len(rec2) + off0, 3)
    assert b.read_result(1) == b"one"
    with pytest.raises(ValueError, match="log name"):
        b.register_result(1, "../journal", 0, 1)
    b.close()
