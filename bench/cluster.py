"""Benchmark: the cluster poller against a simulated fleet in another process.

The fleet (tests/fleet.py) serves GUI RPC hosts on loopback from replies recorded from a seeded
7.20.5 client (44 tasks in ``get_results``, 3 projects). Measured, each as the median of
``--runs`` sweeps after the first one (which connects and authorizes):

1. status sweep: ``get_cc_status`` of 1000 hosts, 100 of them refused and 20 stalled (target ≤ 0.1 s);
2. full refresh: status, tasks and projects of 1000 hosts (target ≤ 0.5 s), every reply parsed,
   then again with the poller's default ``reuse_unchanged`` (the fleet's replies never change, so
   this is the cost of a cluster where nothing runs), and with three tasks per host whose
   elapsed time changes on every poll (a computing host: only the changed tasks are parsed);
3. the same with every host's tasks its own (``distinct``: names, deadlines and received times
   differ from host to host, as on a real cluster; by default every host sends the same bytes,
   whose repeated lines the parser reads once): every reply parsed, and three tasks changing;
4. full refresh of 10,000 hosts in one process (target ≤ 5 s), fleet in two processes: every reply
   parsed, unchanged replies, three tasks per host changing, and that with distinct hosts;
5. memory held per host after a full refresh, 50 tasks included (tracemalloc; target ≤ 48 KiB),
   of the same fleet and of a distinct one.

The baseline, measured in the same run against the same fleet, is the old ``monitor.Cluster``
(``boinc/gui_rpc/monitor.py`` before it moved, loaded from git history): its ``poll()`` for the
full refreshes and its ``each(get_cc_status)`` for the status sweep. Without git it is skipped and
only the targets are printed. Beside new/old, each row prints the target's share of the old time
the issue measured (its "today" column): the target restated for a machine of another speed.

Run: ``python bench/cluster.py [--runs 5] [--skip-10k]``
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib.util
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from boinc.cluster.model import HostConfig  # noqa: E402
from boinc.cluster.poller import Cadence, Poller  # noqa: E402
from tests.fleet import FleetHost, FleetProcess, raise_fd_limit  # noqa: E402

NOW = Cadence(status=0, tasks=0, projects=0, messages=0, notices=0, old_results=0, transfers=0)
FULL = ("status", "tasks", "projects")


def old_monitor() -> ModuleType | None:
    """The old ``boinc.gui_rpc.monitor`` from git history (``None`` without git)."""
    try:
        last = subprocess.run(
            ["git", "rev-list", "-1", "HEAD", "--", "boinc/gui_rpc/monitor.py"],
            cwd=ROOT, capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        source = subprocess.run(
            ["git", "show", f"{last}^:boinc/gui_rpc/monitor.py"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    if not source:
        return None
    spec = importlib.util.spec_from_loader("boinc.gui_rpc._old_monitor", loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "boinc.gui_rpc"
    sys.modules[spec.name] = module
    exec(compile(source, "old monitor.py", "exec"), module.__dict__)
    return module


def configs(hosts: list[FleetHost], password: str) -> list[HostConfig]:
    return [HostConfig(name=f"h{i}", host=h.host, port=h.port, password=password) for i, h in enumerate(hosts)]


async def median_of(runs: int, sweep: Callable[[], Awaitable[Any]]) -> float:
    await sweep()  # the first: connects and authorizes
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        await sweep()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


async def new_sweeps(
    hosts: list[HostConfig], kinds: tuple[str, ...], runs: int, timeout: float, reuse: bool = True
) -> float:
    async with Poller(hosts, kinds=kinds, cadence=NOW, timeout=timeout, reuse_unchanged=reuse) as poller:
        return await median_of(runs, poller.refresh)


async def old_sweeps(
    old: ModuleType, fleets: list[FleetProcess], status_only: bool, runs: int, timeout: float
) -> float:
    """The old ``monitor.Cluster`` over every host of ``fleets``: status sweeps or full refreshes."""
    hosts = [old.Host(h.host, h.port, f.password) for f in fleets for h in f.hosts]
    async with old.Cluster(hosts, timeout=timeout) as cluster:
        if status_only:
            return await median_of(runs, lambda: cluster.each(lambda rpc: rpc.get_cc_status()))
        return await median_of(runs, cluster.poll)


async def memory_per_host(hosts: list[HostConfig]) -> float:
    """KiB held per host after a full refresh: the poller, its connections and its snapshots."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    poller = Poller(hosts, kinds=FULL, cadence=NOW, timeout=10)
    await poller.refresh()
    await poller.refresh()
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    ups = sum(1 for h in poller.snapshot.hosts.values() if h.up)
    assert ups == len(hosts), f"only {ups} of {len(hosts)} hosts up"
    await poller.close()
    return held / len(hosts) / 1024


#: the issue's "today" column, measured with the old ``monitor.Cluster`` (midpoints of its ranges)
ISSUE_OLD = {"status": 0.10, "full": 0.77, "10k": 9.7}


def report(what: str, new: float, target: float, old: float | None, unit: str = "s", row: str = "") -> None:
    line = f"{what:<52} {new:8.3f} {unit}  (target {target:g} {unit}: ratio {new / target:.2f})"
    if old is not None:
        line += f"  old monitor.Cluster {old:.3f} {unit}: new/old {new / old:.2f}"
        if row:
            line += f" (target/issue's old {target / ISSUE_OLD[row]:.2f})"
    print(line, flush=True)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-10k", action="store_true", help="leave out the 10,000-host refresh")
    ns = parser.parse_args()
    raise_fd_limit(30000)
    old = old_monitor()
    if old is None:
        print("(no git history: the old monitor.Cluster baseline is skipped)")

    with FleetProcess({"healthy": 880, "refused": 100, "stalled": 20}) as fleet:
        hosts = configs(fleet.hosts, fleet.password)
        new = await new_sweeps(hosts, ("status",), ns.runs, timeout=2.0)
        base = await old_sweeps(old, [fleet], True, ns.runs, timeout=2.0) if old else None
        report("status sweep, 1000 hosts (100 refused, 20 stalled)", new, 0.1, base, row="status")

    for distinct in (False, True):
        label = "every host its own tasks, " if distinct else ""
        with FleetProcess({"healthy": 1000}, distinct=distinct) as fleet:
            hosts = configs(fleet.hosts, fleet.password)
            new = await new_sweeps(hosts, FULL, ns.runs, timeout=10.0, reuse=False)
            base = await old_sweeps(old, [fleet], False, ns.runs, timeout=10.0) if old else None
            report(f"full refresh, 1000 hosts x 44 tasks, {label}all parsed", new, 0.5, base, row="full")
            if not distinct:
                new = await new_sweeps(hosts, FULL, ns.runs, timeout=10.0)
                report("  the same, replies unchanged (not re-parsed)", new, 0.5, base, row="full")
            kib = await memory_per_host(hosts)
            report(f"memory per host (tasks included){', distinct' if distinct else ''}", kib, 48, None, "KiB")

        with FleetProcess({"healthy": 1000}, changing=True, distinct=distinct) as fleet:
            hosts = configs(fleet.hosts, fleet.password)
            new = await new_sweeps(hosts, FULL, ns.runs, timeout=10.0)
            base = await old_sweeps(old, [fleet], False, ns.runs, timeout=10.0) if old else None
            report(f"  the same, {label}3 tasks per host changed each poll", new, 0.5, base, row="full")

    if not ns.skip_10k:
        runs = max(2, ns.runs // 2)
        half = {"healthy": 5000}
        with FleetProcess(half) as one, FleetProcess(half) as two:
            hosts = configs(one.hosts + two.hosts, one.password)
            new = await new_sweeps(hosts, FULL, runs, timeout=60.0, reuse=False)
            base = await old_sweeps(old, [one, two], False, runs, timeout=60.0) if old else None
            report("full refresh, 10,000 hosts, all parsed", new, 5.0, base, row="10k")
            new = await new_sweeps(hosts, FULL, runs, timeout=60.0)
            report("  the same, replies unchanged (not re-parsed)", new, 5.0, base, row="10k")
        for distinct in (False, True):
            label = "every host its own tasks, " if distinct else ""
            with (
                FleetProcess(half, changing=True, distinct=distinct) as one,
                FleetProcess(half, changing=True, distinct=distinct) as two,
            ):
                hosts = configs(one.hosts + two.hosts, one.password)
                new = await new_sweeps(hosts, FULL, runs, timeout=60.0)
                report(f"  the same, {label}3 tasks per host changed each poll", new, 5.0, None)


if __name__ == "__main__":
    asyncio.run(main())
