"""BoincClient and AsyncBoincClient against real clients."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from boinc import AsyncBoincClient, BoincClient, errors
from boinc.client import resolve_address, run_mode
from boinc.gui_rpc.enums import RunMode
from boinc.gui_rpc.structs import CcStatus, ProxyInfo
from tests.realclient import RealClient

pytestmark = pytest.mark.realclient


def _client(rc: RealClient, **kwargs: object) -> BoincClient:
    return BoincClient(f"{rc.host}:{rc.port}", password=rc.password, **kwargs)  # type: ignore[arg-type]


def test_reading_a_rich_state(seeded_client: RealClient) -> None:
    seed = seeded_client.seed
    assert seed is not None
    with _client(seeded_client) as client:
        version = client.client_version()
        assert (version.major, version.minor, version.release) == (7, 20, 5)
        assert sorted(t.name for t in client.get_tasks()) == sorted(seed.task_names)
        assert len(client.get_tasks(active_only=True)) == len(seed.tasks["active"])
        assert [p.master_url for p in client.get_project_status()] == list(seed.project_urls)
        assert len(client.get_state().results) == seed.n_tasks
        assert {t.name for t in client.get_file_transfers()} == set(seed.uploads) | set(seed.downloads)
        assert sorted(o.result_name for o in client.get_old_tasks()) == sorted(seed.old_results)
        assert len(client.get_notices()) >= len(seed.notice_titles) > 0
        assert client.get_disk_usage().d_total > 0
        assert client.get_host_info().p_ncpus >= 1
        assert len(client.get_statistics()) == len(seed.project_urls)
        assert client.get_simple_gui_info().projects
        assert client.get_daily_xfer_history()
        assert client.get_cc_status().task_mode == RunMode.NEVER
        assert client.get_app_config(seed.app_config_project).apps
        count = client.get_message_count()
        messages = client.get_messages()
        assert messages and messages[-1].seqno == count
        assert [m.seqno for m in client.get_messages(count - 2)] == [count - 1, count]
        assert client.acct_mgr_info().acct_mgr_url == ""
        assert client.get_proxy_settings().http_server_name == ""
        assert client.get_cc_config() is not None


def test_control_operations(seeded_client_rw: RealClient) -> None:
    seed = seeded_client_rw.seed
    assert seed is not None
    alpha = seed.project_urls[0]
    task = seed.tasks["downloaded"][0]
    with _client(seeded_client_rw) as client:
        client.project(alpha.removeprefix("http://"), "nomorework")  # canonicalised like boinccmd
        assert next(p for p in client.get_project_status() if p.master_url == alpha).dont_request_more_work
        client.task(seed.task_project[task], task, "suspend")
        assert next(t for t in client.get_tasks() if t.name == task).suspended_via_gui
        client.set_gpu_mode("never", 3600)
        client.set_network_mode(RunMode.NEVER)
        status = client.get_cc_status()
        assert status.gpu_mode == RunMode.NEVER and 3500 < status.gpu_mode_delay <= 3600
        client.set_proxy_settings(
            ProxyInfo(http_server_name="proxy.example", http_server_port=3128, use_http_proxy=True)
        )
        assert client.get_proxy_settings().http_server_name == "proxy.example"
        client.set_host_info("Python Box")
        assert client.get_host_info().product_name == "Python Box"
        client.read_cc_config()
        client.read_global_prefs_override()
        client.network_available()
        with pytest.raises(errors.RpcError):
            client.project("http://127.0.0.1:9/nowhere/", "suspend")
        with pytest.raises(ValueError, match="unknown"):
            client.project(alpha, "explode")


def test_multi_step_operations_return_or_raise(real_client_rw: RealClient) -> None:
    with _client(real_client_rw) as client:
        reply = client.project_attach("127.0.0.1:9/zeta", "0123456789abcdef", timeout=30)
        assert reply.error_num == 0
        assert "http://127.0.0.1:9/zeta/" in [p.master_url for p in client.get_project_status()]
        with pytest.raises(errors.AlreadyAttached):
            client.project_attach("http://127.0.0.1:9/zeta/", "0123456789abcdef", timeout=30)
        with pytest.raises(errors.RpcError) as info:
            client.lookup_account("http://127.0.0.1:9/zeta/", "Someone@Example.com", "pw", timeout=30)
        assert info.value.code != -204
        with pytest.raises(errors.RpcError):
            client.get_project_config("http://127.0.0.1:9/zeta/", timeout=30)
        client.project("http://127.0.0.1:9/zeta/", "detach")
        assert client.get_project_status() == []


def test_wrong_password_and_unreachable(real_client: RealClient) -> None:
    with pytest.raises(errors.AuthenticationError):
        BoincClient(f"{real_client.host}:{real_client.port}", password="wrong").get_tasks()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(errors.ConnectError):
        BoincClient("127.0.0.1", port, password="x").get_tasks()


def test_environment(real_client: RealClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOINC_HOST", f"127.0.0.1:{real_client.port}")
    monkeypatch.setenv("BOINC_PASSWORD", real_client.password)
    with BoincClient() as client:
        assert client.port == real_client.port
        assert client.get_proxy_settings() is not None  # needs the password


#: The project's origin documents open with this line; it must run as written.
ORIGIN_EXAMPLE = "bc = BoincClient(); status = bc.get_cc_status()"


def test_the_origin_example_runs_as_written(real_client: RealClient, monkeypatch: pytest.MonkeyPatch) -> None:
    # As a user runs it next to the client: the password from gui_rpc_auth.cfg in the working
    # directory (boinccmd's search), the address from BOINC_HOST (the rig's port is not 31416).
    monkeypatch.chdir(real_client.data_dir)
    monkeypatch.delenv("BOINC_PASSWORD", raising=False)
    monkeypatch.setenv("BOINC_HOST", f"127.0.0.1:{real_client.port}")
    names: dict[str, object] = {"BoincClient": BoincClient}
    exec(ORIGIN_EXAMPLE, names)
    status = names["status"]
    assert isinstance(status, CcStatus) and status.task_mode in tuple(RunMode)
    bc = names["bc"]
    assert isinstance(bc, BoincClient)
    assert bc.get_proxy_settings() is not None  # authorized: the password was found
    bc.close()


def test_reconnects_after_the_client_restarts(tmp_path: Path, make_client: object) -> None:
    first = make_client(seeded=False)  # type: ignore[operator]
    client = _client(first)
    assert client.get_tasks() == []
    first.stop()
    second = RealClient(tmp_path / "again", port=first.port, password=first.password)
    with second:
        assert client.get_tasks() == []
        assert client.client_version().major == 7
    client.close()


def test_async_twin(seeded_client: RealClient) -> None:
    async def run() -> tuple[int, int, list[str]]:
        async with AsyncBoincClient(f"{seeded_client.host}:{seeded_client.port}", password=seeded_client.password) as a:
            version = await a.client_version()
            tasks = await a.get_tasks()
            projects = await a.get_project_status()
            return version.minor, len(tasks), [p.master_url for p in projects]

    minor, n_tasks, urls = asyncio.run(run())
    with _client(seeded_client) as client:
        assert (minor, n_tasks, urls) == (20, len(client.get_tasks()), client.get_project_urls())


def test_async_has_every_sync_method() -> None:
    public = {n for n in dir(BoincClient) if not n.startswith("_")}
    assert public == {n for n in dir(AsyncBoincClient) if not n.startswith("_")}
    for name in public - {"connect"}:
        assert asyncio.iscoroutinefunction(getattr(AsyncBoincClient, name)) or name in ("host", "port")


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("h", ("h", 31416)),
        ("h:1", ("h", 1)),
        ("[::1]:2", ("::1", 2)),
        ("[::1]", ("::1", 31416)),
        ("fe80::1", ("fe80::1", 31416)),
    ],
)
def test_resolve_address(text: str, address: tuple[str, int]) -> None:
    assert resolve_address(text) == address
    assert resolve_address(text, 7)[1] == (address[1] if address[1] != 31416 else 7)


def test_resolve_address_errors() -> None:
    with pytest.raises(ValueError, match="IPv6"):
        resolve_address("[::1")
    with pytest.raises(ValueError, match="port"):
        resolve_address("h:x")


def test_run_mode_words() -> None:
    assert run_mode("Always") is RunMode.ALWAYS and run_mode(3) is RunMode.NEVER
    with pytest.raises(ValueError):
        run_mode("sometimes")
    with pytest.raises(ValueError):
        run_mode(7)


def test_guide_example_runs(seeded_client_rw: RealClient) -> None:
    example = Path(__file__).resolve().parents[2] / "docs" / "examples" / "managing_a_host.py"
    env = {
        **os.environ,
        "BOINC_HOST": f"127.0.0.1:{seeded_client_rw.port}",
        "BOINC_PASSWORD": seeded_client_rw.password,
    }
    done = subprocess.run(
        [sys.executable, str(example)], capture_output=True, text=True, timeout=120, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"BOINC 7.20.5 at 127.0.0.1:{seeded_client_rw.port}"
    assert lines[-3].startswith("computing: never for 60 more minutes") or lines[-3].startswith(
        "computing: never for 59"
    )
    assert lines[-2] == "attached to 4 projects"
    assert lines[-1].startswith("read the event log up to message ")
    with _client(seeded_client_rw) as client:
        assert client.get_cc_status().gpu_mode == RunMode.NEVER
