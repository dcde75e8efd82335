"""Cluster polling: live hosts answer, dead hosts fail fast and back off."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest

from boinc import errors
from boinc.gui_rpc import RunMode
from boinc.cluster.poller import Cluster, Host
from tests.fake_gui_rpc import FakePeer, fixture


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


REPLIES = {
    "get_cc_status": fixture("get_cc_status"),
    "get_results": fixture("rich_50/get_results_active_only_0"),
    "get_project_status": fixture("rich_50/get_project_status"),
    "set_run_mode": b"<boinc_gui_rpc_reply>\n<success/>\n</boinc_gui_rpc_reply>\n",
}


def test_host_parse() -> None:
    assert Host.parse("node1") == Host("node1", 31416)
    assert Host.parse("node1:1234").port == 1234
    assert Host.parse("[::1]:5").host == "::1"
    assert Host.parse("[fe80::1]").port == 31416
    assert "pw" not in repr(Host.parse("h", password="pw"))
    with pytest.raises(ValueError, match="port"):
        Host.parse("h:0")


def test_poll_live_and_dead_hosts_with_backoff() -> None:
    now = [1000.0]

    async def main() -> None:
        with FakePeer(REPLIES) as a, FakePeer(REPLIES) as b:
            dead = _dead_port()
            hosts = [Host("127.0.0.1", a.port, "secret"), Host("127.0.0.1", b.port), Host("127.0.0.1", dead)]
            async with Cluster(hosts, timeout=2, backoff=10, clock=lambda: now[0]) as cluster:
                start = time.monotonic()
                snaps = await cluster.poll()
                assert time.monotonic() - start < 2
                live = [s for s in snaps.values() if s.ok]
                assert len(live) == 2 and all(len(s.results) == 44 for s in live)
                down = snaps[f"127.0.0.1:{dead}"]
                assert not down.ok and isinstance(down.error, errors.ConnectError) and down.failures == 1
                assert down.retry_at == 1010.0
                # within the back-off the dead host is not contacted again
                again = await cluster.poll()
                assert again[f"127.0.0.1:{dead}"] is down
                now[0] = 1011.0
                third = await cluster.poll()
                assert third[f"127.0.0.1:{dead}"].failures == 2
                assert third[f"127.0.0.1:{dead}"].retry_at == 1011.0 + 20
                # bulk control: authorized host succeeds, the other refuses, the dead one is skipped
                outcome = await cluster.set_run_mode(RunMode.NEVER)
                assert outcome[f"127.0.0.1:{a.port}"] is None
                assert isinstance(outcome[f"127.0.0.1:{b.port}"], errors.AuthenticationError)
                assert isinstance(outcome[f"127.0.0.1:{dead}"], errors.ConnectError)

    asyncio.run(main())
