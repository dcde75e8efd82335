"""Benchmark: typed get_results()/get_state() against ElementTree on the same bytes.

Seeds a real BOINC client (Debian's boinc-client) with 10,000 tasks, then for
each request prints the median of:

* ``typed``: ``RpcClient.get_results()`` / ``get_state()``, fetch plus decode
  into structs, on an open authorized connection;
* ``etree``: ``xml.etree.ElementTree.fromstring`` of the same reply bytes
  (no fetch, no typing: the baseline);

and the ratio typed / etree. Target: both ratios <= 1.0.

Run: ``python bench/gui_rpc.py [--tasks 10000] [--runs 7]``
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from boinc.gui_rpc import RpcClient  # noqa: E402
from boinc.gui_rpc._protocol import frame_request  # noqa: E402
from tests.realclient import RealClient, seed_state  # noqa: E402


def median_seconds(fn: Callable[[], object], runs: int) -> float:
    """Median wall time of ``fn()``; each run starts from a collected heap, and its result is dropped."""
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        info = seed_state(data, n_tasks=args.tasks)
        with RealClient(data, seed=info) as client, RpcClient(client.host, client.port, timeout=120) as rpc:
            rpc.authorize(client.password)
            print(f"client seeded with {args.tasks} tasks (start-up {client.startup_seconds:.1f} s)")
            ratios = []
            for name, call in (("get_results", rpc.get_results), ("get_state", rpc.get_state)):
                request = frame_request(f"<{name}/>\n")
                raw = rpc._transport.call(request)  # the same bytes the typed call decodes
                value = call()
                count = len(value) if isinstance(value, list) else len(value.results)  # type: ignore[attr-defined]
                del value  # neither side of the comparison runs with the other's objects alive
                typed = median_seconds(call, args.runs)
                etree = median_seconds(lambda raw=raw: ET.fromstring(raw), args.runs)
                ratios.append(typed / etree)
                print(
                    f"{name:12s} {len(raw) / 1e6:5.1f} MB  {count} tasks  typed (fetch+decode) {typed * 1000:7.1f} ms"
                    f"  ElementTree.fromstring {etree * 1000:7.1f} ms  ratio {typed / etree:.2f}"
                )
            verdict = "met" if max(ratios) <= 1.0 else "NOT met"
            print(f"target: both ratios <= 1.0: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
