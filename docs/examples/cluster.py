"""The example of the guide section "Many hosts": poll a cluster, pause it, report.

Run it: ``python cluster.py PASSWORD HOST:PORT [HOST:PORT ...]``.
"""

from __future__ import annotations

import asyncio
import sys

from boinc.cluster.hosts import parse_address
from boinc.cluster.model import HostConfig
from boinc.cluster.poller import Poller
from boinc.gui_rpc import RunMode


async def main(password: str, specs: list[str]) -> None:
    hosts = []
    for spec in specs:
        host, port = parse_address(spec)
        hosts.append(HostConfig(name=spec, host=host, port=port, password=password))
    async with Poller(hosts, timeout=5) as poller:
        snapshot = await poller.refresh()
        for name, state in snapshot.hosts.items():
            if state.up and state.cc_status is not None:
                print(f"{name}: {len(state.results)} tasks, computing {state.cc_status.task_mode.name.lower()}")
            else:
                reason = state.reason.value if state.reason is not None else "?"
                print(f"{name}: unreachable ({reason}); next try in a while")
        outcome = await poller.set_run_mode(None, RunMode.NEVER, duration=600)
        paused = [name for name, error in outcome.items() if error is None]
        print(f"paused {len(paused)} of {len(hosts)} hosts for 10 minutes")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2:]))
