"""The README's main job: the sum-of-squares example prints 328350, and a re-run resumes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sum_squares"


def test_example_prints_the_answer_from_any_directory(tmp_path: Path) -> None:
    app = tmp_path / "sum_squares"
    shutil.copytree(EXAMPLE, app, ignore=shutil.ignore_patterns("pyboinc_batch*", "__pycache__"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for _ in range(2):  # the second run replays the handled results and runs no job
        out = subprocess.run([sys.executable, str(app / "app_master.py")], cwd=elsewhere, capture_output=True,
                             text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        assert out.stdout == "The answer is 328350\n"
        assert out.stderr == ""  # no progress line when stderr is not a terminal
    batch = app / "pyboinc_batch_app_master"
    assert batch.is_dir() and not (elsewhere / "pyboinc_batch_app_master").exists()
    assert len((batch / "journal").read_bytes().splitlines()) == 100
    assert len((batch / "handled").read_bytes().splitlines()) == 100


def test_batch_directory_is_git_ignored() -> None:
    root = EXAMPLE.parents[1]
    if not (root / ".git").exists() or shutil.which("git") is None:
        return
    probe = "examples/sum_squares/pyboinc_batch_app_master/journal"
    out = subprocess.run(["git", "check-ignore", "-q", probe], cwd=root)
    assert out.returncode == 0


def test_the_guide_shows_the_example_files() -> None:
    guide = (EXAMPLE.parents[1] / "docs" / "guides" / "first_pyboinc_app.rst").read_text()
    for name in ("app_types.py", "app_master.py", "app_worker.py"):
        assert f".. literalinclude:: ../../examples/sum_squares/{name}" in guide
