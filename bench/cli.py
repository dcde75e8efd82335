"""Benchmark: the ``boinc`` command against the real ``boinccmd``, whole processes.

Seeds a real client with 10,000 tasks (``tests.realclient``), then times
``boinc --get_tasks`` / ``--get_state`` and ``boinccmd`` with the same
arguments, alternating, over several runs; prints the medians and the ratio
(``boinc`` / ``boinccmd``; the target is 1.0 or less). Also checks that both
printed the same number of bytes. ``boinc`` runs as installed: with its byte
code cached, whatever ``PYTHONDONTWRITEBYTECODE`` says. Run from the repository root::

    python bench/cli.py [--tasks 10000] [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.realclient import BOINCCMD, RealClient, seed_state  # noqa: E402

#: as installed: byte code cached (an environment may set PYTHONDONTWRITEBYTECODE, which would make
#: every run compile the package from source)
_ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED")}


def _time(cmd: list[str], cwd: Path) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False, env=_ENV)
    return time.perf_counter() - start, len(done.stdout)


def main() -> int:
    """Run the benchmark and print a table; exit status 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("verbs", nargs="*", default=["--get_tasks", "--get_state"])
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        info = seed_state(data_dir, n_tasks=options.tasks)
        with RealClient(data_dir, seed=info, start_timeout=300) as client:
            common = ["--host", f"{client.host}:{client.port}", "--passwd", client.password]
            script = Path(sys.executable).with_name("boinc")  # the console script, as users run it
            ours = [
                str(script) if script.exists() else sys.executable,
                *([] if script.exists() else ["-m", "boinc"]),
                *common,
            ]
            theirs = [BOINCCMD, *common]
            print(f"{options.tasks} tasks, {options.runs} runs, medians of whole processes")
            print(f"{'verb':<16} {'boinccmd':>10} {'boinc':>10} {'ratio':>7}  output bytes")
            for verb in options.verbs:
                _time([*theirs, verb], data_dir)  # warm up the client's caches
                _time([*ours, verb], data_dir)
                times: dict[str, list[float]] = {"boinccmd": [], "boinc": []}
                sizes: dict[str, int] = {}
                for _ in range(options.runs):
                    for name, cmd in (("boinccmd", theirs), ("boinc", ours)):
                        seconds, size = _time([*cmd, verb], data_dir)
                        times[name].append(seconds)
                        sizes[name] = size
                c = statistics.median(times["boinccmd"])
                p = statistics.median(times["boinc"])
                print(f"{verb:<16} {c:>9.3f}s {p:>9.3f}s {p / c:>7.2f}  {sizes['boinccmd']} / {sizes['boinc']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
