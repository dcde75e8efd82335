"""Benchmark: 10,000 trivial PyBOINC calls on the local backend vs ProcessPoolExecutor.map.

Run ``python bench/pyboinc.py [--calls N] [--repeat R]``. Both sides include
starting their worker processes. The PyBOINC side includes everything a real
batch does: journaling every call (with its fsyncs), slot directories,
soft-link files and ``init_data.xml`` per job, the result files and
``handle_result``. It prints the median of each and their ratio; the target
is a ratio of at most 2.0.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import statistics
import tempfile
import time

from boinc.pyboinc import LocalBackend, Master

WORKER = """\
from boinc.pyboinc import pyboinc_get_input, pyboinc_return_output

pyboinc_return_output(square(pyboinc_get_input()))
"""


def square(x: int) -> int:
    """The trivial function both sides run."""
    return x * x


def run_pyboinc(n: int, root: str) -> float:
    """Return the seconds one fresh PyBOINC batch of *n* calls takes."""
    with tempfile.TemporaryDirectory(dir=root) as d:
        with open(os.path.join(d, "bench_worker.py"), "w") as f:
            f.write("def square(x):\n    return x * x\n\n" + WORKER)
        got = []

        def make_calls() -> None:
            for i in range(n):
                master.call("bench_worker.py", i)

        master = Master(os.path.join(d, "pyboinc_batch"), backend=LocalBackend(), base_dir=d, show_progress=False)
        t = time.perf_counter()
        master.run(make_calls, got.append)
        elapsed = time.perf_counter() - t
        assert sum(got) == sum(i * i for i in range(n)), "wrong answer"
        return elapsed


def run_pool(n: int) -> float:
    """Return the seconds ``ProcessPoolExecutor().map`` takes for *n* calls."""
    t = time.perf_counter()
    with concurrent.futures.ProcessPoolExecutor() as ex:
        total = sum(ex.map(square, range(n)))
    elapsed = time.perf_counter() - t
    assert total == sum(i * i for i in range(n))
    return elapsed


def main() -> None:
    """Run the benchmark and print the medians and the ratio."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dir", default=None, help="where batch directories go (default: the temp dir)")
    args = ap.parse_args()
    pb, pool = [], []
    for _ in range(args.repeat):
        pool.append(run_pool(args.calls))
        pb.append(run_pyboinc(args.calls, args.dir or tempfile.gettempdir()))
    m_pb, m_pool = statistics.median(pb), statistics.median(pool)
    print(f"calls: {args.calls}, cores: {os.cpu_count()}, repeats: {args.repeat}")
    print(f"ProcessPoolExecutor.map median: {m_pool:.3f} s  ({', '.join(f'{x:.3f}' for x in pool)})")
    print(f"PyBOINC local median:           {m_pb:.3f} s  ({', '.join(f'{x:.3f}' for x in pb)})")
    print(f"ratio: {m_pb / m_pool:.2f}  (target <= 2.0)")


if __name__ == "__main__":
    main()
