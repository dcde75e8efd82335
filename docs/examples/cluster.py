"""The example of the guide section "Many hosts": poll a cluster, pause it, report.

Run it: ``python cluster.py PASSWORD HOST:PORT [HOST:PORT ...]``.
"""

from __future__ import annotations

import asyncio
import sys

from boinc.gui_rpc import RunMode
from boinc.cluster.poller import Cluster, Host


async def main(password: str, specs: list[str]) -> None:
    hosts = [Host.parse(spec, password=password) for spec in specs]
    async with Cluster(hosts, timeout=5) as cluster:
        for label, snap in (await cluster.poll()).items():
            if snap.ok and snap.cc_status is not None:
                print(f"{label}: {len(snap.results)} tasks, computing {snap.cc_status.task_mode.name.lower()}")
            else:
                print(f"{label}: unreachable ({snap.error}); next try in a while")
        outcome = await cluster.set_run_mode(RunMode.NEVER, duration=600)
        paused = [label for label, error in outcome.items() if error is None]
        print(f"paused {len(paused)} of {len(hosts)} hosts for 10 minutes")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2:]))
