"""The example of the guide "Talking to a BOINC client".

Run it against a client: ``python talking_to_a_client.py HOST PORT PASSWORD``.
"""

from __future__ import annotations

import asyncio
import sys

from boinc.gui_rpc import AsyncRpcClient, ResultState, RpcClient, RunMode


def show(host: str, port: int, password: str) -> None:
    with RpcClient(host, port, timeout=30) as rpc:
        # Read-only requests work from localhost without a password.
        version = rpc.exchange_versions()
        print(f"BOINC {version.major}.{version.minor}.{version.release}")
        status = rpc.get_cc_status()
        print(f"computing: {status.task_mode.name.lower()}, network: {status.network_mode.name.lower()}")

        for project in rpc.get_project_status():
            flag = " (suspended)" if project.suspended_via_gui else ""
            print(f"{project.project_name or project.master_url}: {project.user_total_credit:.0f} credits{flag}")

        tasks = rpc.get_results()
        waiting = [t for t in tasks if t.state == ResultState.FILES_DOWNLOADED]
        print(f"{len(tasks)} tasks, {len(waiting)} ready to run")

        # The whole state: each app, workunit and task belongs to the project it follows.
        state = rpc.get_state()
        for project in state.projects:
            print(f"{project.master_url}: {len(state.results_of(project))} tasks")
        for task in state.results[:3]:
            wu, owner = state.workunit_of(task), state.project_of(task)
            print(f"{task.name}: app {wu.app_name if wu else '?'} of {owner.master_url if owner else '?'}")
        print(f"{len(state.projects)} projects, {len(state.workunits)} workunits in the state")

        # Changing anything needs the GUI RPC password (gui_rpc_auth.cfg).
        rpc.authorize(password)
        rpc.set_run_mode(RunMode.NEVER, duration=3600)  # pause computing for an hour
        rpc.set_run_mode(RunMode.RESTORE)  # ... or not

        # Preferences are read, modified and written back as typed structs.
        prefs = rpc.get_global_prefs_working()
        print(f"disk limit: {prefs.disk_max_used_gb} GB")


async def watch(host: str, port: int) -> None:
    # The asyncio client has the same methods, as coroutines.
    async with AsyncRpcClient(host, port) as rpc:
        status, messages = await asyncio.gather(rpc.get_cc_status(), rpc.get_messages())
        print(f"{len(messages)} messages, newest #{messages[-1].seqno if messages else 0}")
        print(f"suspended because: {status.task_suspend_reason.name.lower()}")


if __name__ == "__main__":
    host, port, password = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    show(host, port, password)
    asyncio.run(watch(host, port))
