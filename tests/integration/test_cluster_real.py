"""The cluster against REAL 7.20.5 clients: three of them, a refused port, a silent listener, a wrong password."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from boinc.cluster.history import History
from boinc.cluster.model import HostConfig, Reason
from boinc.cluster.poller import Backoff, Poller
from boinc.gui_rpc import RunMode


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A listener that accepts (in the kernel's backlog) and never answers."""
    with socket.create_server(("127.0.0.1", 0), backlog=8) as server:
        yield server.getsockname()[1]


@pytest.fixture
def refused_port() -> Iterator[int]:
    """A bound port nobody listens on: connections are refused."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        yield holder.getsockname()[1]


def test_a_real_cluster(make_client: Any, silent_port: int, refused_port: int) -> None:
    a = make_client(30, seed=1)
    b = make_client(12, seed=2)
    c = make_client(seeded=False)
    hosts = [
        HostConfig(name="a", host=a.host, port=a.port, password=a.password, groups=["seeded"]),
        HostConfig(name="b", host=b.host, port=b.port, password=b.password, groups=["seeded"]),
        HostConfig(name="c", host=c.host, port=c.port, password=c.password),
        HostConfig(name="wrong", host=c.host, port=c.port, password=c.password + "-not"),
        HostConfig(name="refused", host="127.0.0.1", port=refused_port, password="x"),
        HostConfig(name="silent", host="127.0.0.1", port=silent_port, password="x"),
    ]
    history = History(":memory:", retention=None)

    async def main() -> None:
        # an hour's back-off: a down host stays skipped however long the first refresh takes
        async with Poller(hosts, timeout=10.0, backoff=Backoff(first=3600, cap=3600), observer=history) as poller:
            snap = await poller.refresh()
            reasons = {name: h.reason for name, h in snap.hosts.items() if not h.up}
            assert reasons == {"wrong": Reason.WRONG_PASSWORD, "refused": Reason.REFUSED, "silent": Reason.TIMED_OUT}
            assert len(set(reasons.values())) == 3
            for name, client in (("a", a), ("b", b)):
                host = snap.hosts[name]
                info = client.seed
                assert host.up and host.last_contact is not None
                assert sorted(r.name for r in host.results) == sorted(info.task_names)
                assert host.counts.total == info.n_tasks
                assert host.counts.suspended >= len(info.tasks["suspended"])
                assert host.counts.error == len(info.tasks["compute_error"]) + len(info.tasks["aborted"])
                assert [p.master_url for p in host.projects] == list(info.project_urls)
                assert sorted(o.name for o in host.old_results) == sorted(info.old_results)
                assert host.cc_status is not None and host.cc_status.task_mode == RunMode.NEVER
                assert host.messages and host.messages[-1].seqno >= len(host.messages)
                assert {n.title for n in host.notices} >= set(info.notice_titles)
                # the history holds the old results, once each, however often they are seen
                assert sorted(t.name for t in history.tasks(host=name)) == sorted(info.old_results)
            assert snap.hosts["c"].up and snap.hosts["c"].results == ()
            assert poller.snapshot.select(groups=["seeded"]) == ["a", "b"]
            # control over a selection: the live host obeys, down hosts are reported and not contacted
            outcome = await poller.set_network_mode(["c", "refused"], RunMode.NEVER, 300)
            assert outcome["c"] is None and type(outcome["refused"]).__name__ == "HostDown"
            snap = await poller.refresh()
            cc = snap.hosts["c"].cc_status
            assert cc is not None and cc.network_mode == RunMode.NEVER and cc.network_mode_delay > 0
            await poller.refresh(force=True)
            for name, client in (("a", a), ("b", b)):
                assert len(history.tasks(host=name)) == len(client.seed.old_results)

    asyncio.run(asyncio.wait_for(main(), 120))
    history.close()


def test_the_guide_example_and_status_command(make_client: Any, refused_port: int, tmp_path: Path) -> None:
    a = make_client(20, seed=3)
    (tmp_path / "a.cfg").write_text(a.password + "\n")
    hosts_file = tmp_path / "hosts.toml"
    hosts_file.write_text(
        f'[[host]]\nname = "a"\naddress = "{a.host}:{a.port}"\npassword_file = "a.cfg"\n\n'
        f'[[host]]\nname = "gone"\naddress = "127.0.0.1:{refused_port}"\n'
    )
    example = Path(__file__).resolve().parents[2] / "docs" / "examples" / "watching_a_cluster.py"
    proc = subprocess.run([sys.executable, str(example), str(hosts_file)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    n_errors = len(a.seed.tasks["compute_error"]) + len(a.seed.tasks["aborted"])
    first, *rest = proc.stdout.splitlines()
    assert re.fullmatch(rf"a: up, 0 running, \d+ waiting, {n_errors} errors", first), first
    assert rest == ["gone: down (refused)", "1 of 2 hosts up"]
    status = subprocess.run(
        [sys.executable, "-m", "boinc.cluster.cli", "status", str(hosts_file), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert status.returncode == 1, status.stderr
    doc = json.loads(status.stdout)
    assert [h["name"] for h in doc["hosts"]] == ["a", "gone"]
    assert sum(doc["hosts"][0]["tasks"].values()) == a.seed.n_tasks
    assert doc["hosts"][1]["reason"] == "refused"
    assert a.password not in status.stdout
