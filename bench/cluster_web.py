"""Benchmark: server time of the web app's overview, JSON overview, host page and /metrics for 1000 hosts.

Polls one simulated host (tests/fleet.py, replies recorded from a seeded 7.20.5 client: 50 tasks,
3 projects, messages, notices) with the real :class:`~boinc.cluster.poller.Poller`, then makes a
:class:`~boinc.cluster.model.ClusterSnapshot` of ``--hosts`` copies of it (one in ten down).
Each request goes through Flask's test client (no socket): it is the server's time. Every run
publishes a new snapshot object, so the overview's per-snapshot cache is cold, as after each
poll; the warm time (same snapshot again) is printed too.

Prints the median of each and its ratio to the target, 0.2 s, and, as a baseline measured in the
same run, ``json.dumps`` of the overview's data (the least any page of that content costs).

Run: ``python bench/cluster_web.py [--hosts 1000] [--runs 7]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import attrs  # noqa: E402

from bench.gui_rpc import median_seconds  # noqa: E402
from boinc.cluster.model import ClusterSnapshot, HostConfig, HostSnapshot, Reason  # noqa: E402
from boinc.cluster.poller import Poller  # noqa: E402
from boinc.cluster.web import create_app  # noqa: E402
from boinc.cluster.web._view import overview  # noqa: E402
from tests.fleet import PASSWORD, Fleet  # noqa: E402

TARGET = 0.2


async def one_host() -> HostSnapshot:
    async with Fleet(["healthy"]) as fleet:
        host = fleet.hosts[0]
        poller = Poller([HostConfig(name="model", host=host.host, port=host.port, password=PASSWORD)])
        await poller.refresh(force=True)
        await poller.close()
        return poller.snapshot.hosts["model"]


class Source:
    """Holds the snapshot the app reads; :meth:`republish` makes a new snapshot object of the same hosts."""

    def __init__(self, snapshot: ClusterSnapshot) -> None:
        self.snapshot = snapshot

    def republish(self) -> None:
        self.snapshot = ClusterSnapshot(hosts=self.snapshot.hosts, taken_at=time.time())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)

    model = asyncio.run(one_host())
    assert model.up and model.results, "the simulated host was not polled"
    hosts = {}
    for i in range(args.hosts):
        name = f"node{i:04d}"
        if i % 10 == 9:
            hosts[name] = attrs.evolve(model, name=name, up=False, reason=Reason.REFUSED, error="connection refused")
        else:
            hosts[name] = attrs.evolve(model, name=name)
    source = Source(ClusterSnapshot(hosts=hosts, taken_at=time.time()))
    from boinc.cluster.metrics import make_wsgi_app

    app = create_app(source, metrics=make_wsgi_app(source), verify_password=lambda stored, given: False)
    client = app.test_client()
    tasks = sum(len(h.results) for h in hosts.values())
    print(f"{args.hosts} hosts, {tasks} tasks, {sum(len(h.projects) for h in hosts.values())} projects")

    def page(path: str, *, cold: bool) -> Callable[[], object]:
        def fetch() -> object:
            if cold:
                source.republish()
            reply = client.get(path)
            assert reply.status_code == 200, reply.status_code
            return reply.data

        return fetch

    sizes = {path: len(page(path, cold=False)()) for path in ("/", "/api/overview", "/hosts/node0000", "/metrics")}
    baseline = median_seconds(lambda: json.dumps(overview(source.snapshot, time.time())), args.runs)
    print(f"baseline: json.dumps of the overview's data, built from the snapshot: {baseline * 1000:6.1f} ms")
    worst = 0.0
    for label, path, cold in (
        ("overview page (new snapshot)", "/", True),
        ("overview page (same snapshot)", "/", False),
        ("overview JSON (new snapshot)", "/api/overview", True),
        ("host page (50 tasks)", "/hosts/node0000", False),
        ("/metrics", "/metrics", True),
    ):
        seconds = median_seconds(page(path, cold=cold), args.runs)
        if path in ("/", "/metrics"):
            worst = max(worst, seconds)
        print(
            f"{label:32s} {sizes[path] / 1e6:5.2f} MB  {seconds * 1000:6.1f} ms"
            f"  / target {seconds / TARGET:4.2f}  / baseline {seconds / baseline:4.2f}"
        )
    verdict = "met" if worst <= TARGET else "NOT met"
    print(f"target: overview page and /metrics <= {TARGET * 1000:.0f} ms each for {args.hosts} hosts: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
