"""The example of the guide "Watching a cluster": poll the hosts of a hosts file once and summarize.

Run it: ``python watching_a_cluster.py hosts.toml``.
"""

from __future__ import annotations

import asyncio
import sys

from boinc.cluster.hosts import load_hosts
from boinc.cluster.poller import Poller


async def main(path: str) -> None:
    async with Poller(load_hosts(path), timeout=5) as poller:
        snapshot = await poller.refresh()
    for name, host in snapshot.hosts.items():
        if host.up:
            counts = host.counts
            print(f"{name}: up, {counts.running} running, {counts.waiting} waiting, {counts.error} errors")
        else:
            assert host.reason is not None
            print(f"{name}: down ({host.reason.value})")
    print(f"{snapshot.up} of {len(snapshot.hosts)} hosts up")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
