"""The example of the guide "Managing a host from Python".

Run it against a client: ``BOINC_HOST=host:port BOINC_PASSWORD=pw python managing_a_host.py``.
"""

from __future__ import annotations

import asyncio

from boinc import AsyncBoincClient, BoincClient, errors
from boinc.gui_rpc.enums import ResultState


def report() -> None:
    # Address and password come from BOINC_HOST / BOINC_PASSWORD, or else
    # localhost and the gui_rpc_auth.cfg that boinccmd would read.
    with BoincClient() as client:
        version = client.client_version()
        print(f"BOINC {version.major}.{version.minor}.{version.release} at {client.host}:{client.port}")

        for project in client.get_project_status():
            state = "suspended" if project.suspended_via_gui else "active"
            print(f"  {project.project_name or project.master_url}: {state}")

        tasks = client.get_tasks()
        late = [t for t in tasks if t.state == ResultState.FILES_DOWNLOADED and t.suspended_via_gui]
        print(f"{len(tasks)} tasks, {len(late)} suspended by the user")

        # Pause computing for an hour, and GPU work until further notice.
        client.set_run_mode("never", 3600)
        client.set_gpu_mode("never")
        status = client.get_cc_status()
        print(f"computing: {status.task_mode.name.lower()} for {status.task_mode_delay / 60:.0f} more minutes")

        # Suspend the first project's unstarted tasks, one by one.
        if tasks:
            first = tasks[0].project_url
            for task in tasks:
                if task.project_url == first and task.state == ResultState.FILES_DOWNLOADED:
                    client.task(task.project_url, task.name, "suspend")

        # Multi-step operations run to the end, or raise.
        try:
            client.project_attach("http://127.0.0.1:9/example/", "0123456789abcdef", timeout=30)
        except errors.AlreadyAttached:
            pass
        except errors.RpcError as exc:
            print(f"attach failed: {exc}")
        print(f"attached to {len(client.get_project_status())} projects")


async def watch_messages(rounds: int = 2) -> None:
    # The asyncio twin has the same methods, as coroutines.
    async with AsyncBoincClient() as client:
        seqno = 0
        for _ in range(rounds):
            for message in await client.get_messages(seqno):
                seqno = message.seqno
            await asyncio.sleep(0.1)
        print(f"read the event log up to message {seqno}")


if __name__ == "__main__":
    report()
    asyncio.run(watch_messages())
