"""The real-client rig itself: seeding, start-up, what the client serves, and stopping.

These tests talk to the client through the rig's raw helper and the real ``boinccmd`` only, never
through :mod:`boinc`, so they check the rig, not the library.
"""

from __future__ import annotations

import os
import re
import socket
import time
from pathlib import Path
from xml.etree.ElementTree import Element

import pytest
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

from tests.integration.conftest import MakeClient
from tests.realclient import CATEGORIES, RealClient, RealClientError, SeedInfo, boinccmd, seed_state

URL_RE = re.compile(r"\b[a-z][a-z0-9+.-]*://([^/\s<>\"':]+)")


def _seed(client: RealClient) -> SeedInfo:
    assert client.seed is not None
    return client.seed


def _reply(client: RealClient, body: str) -> Element:
    root: Element = fromstring(client.raw_rpc(body))
    return root


def _results(client: RealClient, *, active_only: bool = False) -> dict[str, Element]:
    root = _reply(client, f"<get_results><active_only>{int(active_only)}</active_only></get_results>")
    return {r.findtext("name", ""): r for r in root.iter("result")}


# ---------------------------------------------------------------------------------------------
# a fresh client
# ---------------------------------------------------------------------------------------------


def test_fresh_client_answers(real_client: RealClient) -> None:
    assert real_client.host == "127.0.0.1"
    assert real_client.running
    assert real_client.pid > 0
    status = _reply(real_client, "<get_cc_status/>")
    assert status.find("cc_status") is not None
    # read-only requests need no auth from 127.0.0.1
    assert "<cc_status>" in real_client.raw_rpc("<get_cc_status/>", auth=False)
    assert _reply(real_client, "<get_project_status/>").findall(".//project") == []
    out = boinccmd(real_client, "--client_version")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "Client version: 7.20.5"
    assert _socket_peers(real_client.pid) <= {"127.0.0.1", "0.0.0.0"}


def test_wrong_password_is_refused(real_client: RealClient) -> None:
    impostor = RealClient(real_client.data_dir, port=real_client.port, password="wrong")
    with pytest.raises(RealClientError, match="auth2 refused"):
        impostor.raw_rpc("<get_cc_status/>")
    out = boinccmd(impostor, "--get_cc_status")
    assert out.returncode != 0


# ---------------------------------------------------------------------------------------------
# a seeded client
# ---------------------------------------------------------------------------------------------


def test_seeded_client_serves_exactly_the_seeded_tasks(seeded_client: RealClient) -> None:
    info = _seed(seeded_client)
    results = _results(seeded_client)
    assert info.n_tasks == 50
    assert sorted(results) == sorted(info.task_names)
    for cat in CATEGORIES:
        assert info.tasks[cat], f"no task in category {cat}"
    for name, r in results.items():
        assert int(r.findtext("state", "-1")) == info.state_of(name), name
        assert r.findtext("project_url") == info.task_project[name]
        assert (r.find("suspended_via_gui") is not None) == (name in info.tasks["suspended"]), name
        assert (r.find("coproc_missing") is not None) == (name in info.gpu_tasks), name
        suspended_project = info.task_project[name] in info.suspended_projects
        assert (r.find("project_suspended_via_gui") is not None) == suspended_project, name
        done = name in info.tasks["uploaded"] + info.tasks["compute_error"] + info.tasks["aborted"]
        assert (r.find("ready_to_report") is not None) == done, name
    assert info.gpu_tasks


def test_boinccmd_lists_every_seeded_task(seeded_client: RealClient) -> None:
    info = _seed(seeded_client)
    out = boinccmd(seeded_client, "--get_tasks")
    assert out.returncode == 0, out.stderr
    names = re.findall(r"^   name: (.*)$", out.stdout, re.M)
    assert sorted(names) == sorted(info.task_names)
    for state in ("downloading", "downloaded", "uploading", "uploaded", "compute error", "aborted"):
        assert f"   state: {state}\n" in out.stdout, state


def test_active_tasks(seeded_client: RealClient) -> None:
    info = _seed(seeded_client)
    active = _results(seeded_client, active_only=True)
    assert sorted(active) == sorted(info.tasks["active"])
    slots = [r.findtext("active_task/slot") for r in active.values()]
    assert len(set(slots)) == len(slots) == 3
    for r in active.values():
        # never started: run mode "never" and --exit_before_start
        assert r.findtext("active_task/active_task_state") == "0"


def test_projects(seeded_client: RealClient) -> None:
    info = _seed(seeded_client)
    projects = {p.findtext("master_url", ""): p for p in _reply(seeded_client, "<get_project_status/>").iter("project")}
    assert sorted(projects) == sorted(info.project_urls)
    for url, p in projects.items():
        assert p.findtext("project_name") == info.project_names[url]
        assert (p.find("suspended_via_gui") is not None) == (url in info.suspended_projects)
        assert (p.find("dont_request_more_work") is not None) == (url in info.no_more_work_projects)
        assert (p.find("detach_when_done") is not None) == (url in info.detach_when_done_projects)
    assert info.suspended_projects
    assert info.no_more_work_projects
    assert info.detach_when_done_projects


def test_apps_and_app_versions(seeded_client: RealClient) -> None:
    info = _seed(seeded_client)
    state = _reply(seeded_client, "<get_state/>")
    assert sorted(a.findtext("name", "") for a in state.iter("app")) == sorted(info.apps)
    versions = {
        (v.findtext("app_name"), int(v.findtext("version_num", "0")), v.findtext("plan_class") or "")
        for v in state.iter("app_version")
    }
    assert versions == set(info.app_versions)
    assert any(pc == "cuda118" for _, _, pc in versions)
    assert len(list(state.iter("workunit"))) == info.n_tasks


def test_old_results(seeded_client: RealClient) -> None:
    info = _seed(seeded_client)
    old = _reply(seeded_client, "<get_old_results/>")
    assert sorted(o.findtext("result_name", "") for o in old.iter("old_result")) == sorted(info.old_results)
    out = boinccmd(seeded_client, "--get_old_tasks")
    assert sorted(re.findall(r"^task (.*):$", out.stdout, re.M)) == sorted(info.old_results)


def test_file_transfers(seeded_client: RealClient) -> None:
    info = _seed(seeded_client)
    xfers = {
        f.findtext("name"): f.findtext("persistent_file_xfer/is_upload")
        for f in _reply(seeded_client, "<get_file_transfers/>").iter("file_transfer")
    }
    assert xfers == {**dict.fromkeys(info.uploads, "1"), **dict.fromkeys(info.downloads, "0")}
    out = boinccmd(seeded_client, "--get_file_transfers")
    assert out.stdout.count("direction: upload") == len(info.uploads)
    assert out.stdout.count("direction: download") == len(info.downloads)


def test_notices(seeded_client: RealClient) -> None:
    info = _seed(seeded_client)
    notices = _reply(seeded_client, "<get_notices><seqno>0</seqno></get_notices>")
    assert sorted(n.findtext("title", "") for n in notices.iter("notice")) == sorted(info.notice_titles)
    out = boinccmd(seeded_client, "--get_notices", "0")
    assert out.returncode == 0, out.stderr
    assert len(re.findall(r"^\d+: \(", out.stdout, re.M)) == len(info.notice_titles)


def test_messages(seeded_client: RealClient) -> None:
    count = int(_reply(seeded_client, "<get_message_count/>").findtext("seqno", "0"))
    assert count > 20
    out = boinccmd(seeded_client, "--get_messages", "0")
    assert out.returncode == 0, out.stderr
    assert "Missing coprocessor for task" in out.stdout
    assert "Found app_config.xml" in out.stdout


def test_statistics_xfer_history_prefs_and_app_config(seeded_client: RealClient) -> None:
    info = _seed(seeded_client)
    stats = _reply(seeded_client, "<get_statistics/>")
    per_project = {
        p.findtext("master_url"): len(p.findall("daily_statistics")) for p in stats.iter("project_statistics")
    }
    assert per_project == dict.fromkeys(info.project_urls, info.n_statistics_days)
    assert len(list(_reply(seeded_client, "<get_daily_xfer_history/>").iter("dx"))) == 5
    # the file keeps its venue; the client serves the prefs of the host's venue (none here)
    prefs_file = (seeded_client.data_dir / "global_prefs.xml").read_text(encoding="utf-8")
    assert f'<venue name="{info.prefs_venue}">' in prefs_file
    working = _reply(seeded_client, "<get_global_prefs_working/>")
    assert working.findtext("global_preferences/cpu_usage_limit") == "80.000000"
    app_config = _reply(seeded_client, f"<get_app_config><url>{info.app_config_project}</url></get_app_config>")
    assert app_config.findtext("app_config/app/max_concurrent") == "1"


def test_host_venue_selects_the_prefs_venue(make_client: MakeClient) -> None:
    client = make_client(10, host_venue="work")
    working = _reply(client, "<get_global_prefs_working/>")
    assert working.findtext("global_preferences/cpu_usage_limit") == "50.000000"
    assert working.findtext("global_preferences/max_ncpus_pct") == "50.000000"


def _socket_peers(pid: int) -> set[str]:
    """Local and remote IPv4 addresses of the TCP sockets process ``pid`` holds (from /proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    addrs = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            cols = line.split()
            if cols[9] in inodes:
                for hexaddr in (cols[1], cols[2]):
                    ip = hexaddr.split(":")[0]
                    if len(ip) == 8:
                        addrs.add(socket.inet_ntoa(bytes.fromhex(ip)[::-1]))
                    else:
                        addrs.add(ip)
    return addrs


def test_all_projects_list(seeded_client: RealClient) -> None:
    info = _seed(seeded_client)
    reply = _reply(seeded_client, "<get_all_projects_list/>")
    assert sorted(p.findtext("url", "") for p in reply.iter("project")) == sorted(info.project_urls)
    assert reply.findtext(".//account_manager/name") == "Lab AM"


def test_modes_are_never_and_everything_is_loopback(seeded_client: RealClient) -> None:
    assert _socket_peers(seeded_client.pid) <= {"127.0.0.1", "0.0.0.0"}
    status = _reply(seeded_client, "<get_cc_status/>").find("cc_status")
    assert status is not None
    for mode in ("task_mode", "gpu_mode", "network_mode"):
        assert status.findtext(mode) == "3", mode
    state = seeded_client.raw_rpc("<get_state/>")
    hosts = set(URL_RE.findall(state))
    assert hosts == {"127.0.0.1"}
    seeded_files = [p for p in seeded_client.data_dir.rglob("*.xml") if p.is_file()]
    for path in seeded_files:
        assert set(URL_RE.findall(path.read_text(encoding="utf-8", errors="replace"))) <= {"127.0.0.1"}, path


def test_2000_tasks(make_client: MakeClient) -> None:
    client = make_client(2000, seed=7)
    info = _seed(client)
    results = _results(client)
    assert sorted(results) == sorted(info.task_names)
    out = boinccmd(client, "--get_tasks")
    assert out.stdout.count("\n   name: ") == 2000
    print(f"\n2,000 tasks: start-up {client.startup_seconds:.2f} s")


@pytest.mark.parametrize("n_tasks", [0, 3])
def test_tiny_states_keep_every_project(make_client: MakeClient, n_tasks: int) -> None:
    client = make_client(n_tasks, detach_canary=True)
    info = _seed(client)
    assert sorted(_results(client)) == sorted(info.task_names)

    def projects() -> list[str | None]:
        return [p.findtext("master_url") for p in _reply(client, "<get_project_status/>").iter("project")]

    # the client's detach-when-done pass has run once the canary (marked so, holding nothing) is gone;
    # it runs at most one garbage-collection period (10 s) after start-up
    deadline = time.monotonic() + 90
    while info.canary_url in (seen := projects()):
        assert time.monotonic() < deadline, f"the client never detached the canary project: {seen}"
        time.sleep(0.2)
    assert seen == list(info.project_urls)


def test_10000_tasks_startup(make_client: MakeClient) -> None:
    t0 = time.perf_counter()
    client = make_client(10_000, seed=3)
    total = time.perf_counter() - t0
    reply = client.raw_rpc("<get_results><active_only>0</active_only></get_results>")
    assert reply.count("<result>") == 10_000
    state_len = len(client.raw_rpc("<get_state/>"))
    assert client.startup_seconds is not None
    print(
        f"\n10,000 tasks: seed {total - client.startup_seconds:.2f} s, client start-up {client.startup_seconds:.2f} s, "
        f"get_results {len(reply) / 1e6:.1f} MB, get_state {state_len / 1e6:.1f} MB"
    )


# ---------------------------------------------------------------------------------------------
# stopping and failing
# ---------------------------------------------------------------------------------------------


def test_stop_by_pid_releases_the_port(real_client_rw: RealClient) -> None:
    client = real_client_rw
    pid, port = client.pid, client.port
    client.stop()
    assert not client.running
    assert not Path(f"/proc/{pid}").exists()
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))
    client.stop()  # idempotent


def test_a_client_that_dies_at_start_raises_with_its_log(tmp_path: Path) -> None:
    from tests.integration.conftest import require_boinc

    require_boinc()
    client = RealClient(tmp_path / "data", extra_args=["--no_such_option"], start_timeout=20)
    with pytest.raises(RealClientError, match="exited"):
        client.start()
    assert not client.running


# ---------------------------------------------------------------------------------------------
# seeding without a client
# ---------------------------------------------------------------------------------------------


def test_seed_state_is_deterministic(tmp_path: Path) -> None:
    a = seed_state(tmp_path / "a", n_tasks=100, seed=5, now=1.8e9)
    b = seed_state(tmp_path / "b", n_tasks=100, seed=5, now=1.8e9)
    c = seed_state(tmp_path / "c", n_tasks=100, seed=6, now=1.8e9)
    state = [(p / "client_state.xml").read_text(encoding="utf-8") for p in (a.data_dir, b.data_dir, c.data_dir)]
    assert state[0] == state[1] != state[2]
    assert a.tasks == b.tasks != c.tasks
    assert a.n_tasks == 100
    assert len(set(a.task_names)) == 100


@pytest.mark.parametrize("n_tasks", [0, 1, 5, 9, 10, 37])
def test_seed_state_counts_add_up(tmp_path: Path, n_tasks: int) -> None:
    info = seed_state(tmp_path / "d", n_tasks=n_tasks)
    assert info.n_tasks == n_tasks
    if n_tasks >= 10:
        assert all(info.tasks[c] for c in CATEGORIES)
