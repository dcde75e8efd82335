"""Every GUI RPC method against a real BOINC client (Debian's boinc-client 7.20.5).

Read requests run on one seeded client; control requests each get a client of
their own, so no test depends on another's side effects.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import attrs
import pytest

from boinc import errors
from boinc.gui_rpc import (
    AccountIn,
    AsyncRpcClient,
    ProxyInfo,
    ResultState,
    RpcClient,
    RunMode,
    rpcs,
)

pytestmark = pytest.mark.realclient


def connect(client: Any, auth: bool = True) -> RpcClient:
    rpc = RpcClient(client.host, client.port, timeout=60)
    if auth:
        rpc.authorize(client.password)
    return rpc


@pytest.fixture(scope="module")
def seeded(seeded_client: Any) -> Any:
    return seeded_client


@pytest.fixture(scope="module")
def rpc(seeded: Any) -> Any:
    with connect(seeded) as rpc:
        yield rpc


# --- read requests -----------------------------------------------------------


def test_exchange_versions(rpc: RpcClient) -> None:
    v = rpc.exchange_versions()
    assert (v.major, v.minor, v.release) == (7, 20, 5)


def test_get_results_match_the_seed(rpc: RpcClient, seeded: Any) -> None:
    info = seeded.seed
    results = rpc.get_results()
    assert sorted(r.name for r in results) == sorted(info.task_names)
    for r in results:
        assert int(r.state) == info.state_of(r.name)
        assert r.project_url == info.task_project[r.name]
    active = rpc.get_results(active_only=True)
    assert active and all(r.active_task is not None for r in active)
    assert {r.name for r in results if r.name in info.gpu_tasks and r.state == ResultState.FILES_DOWNLOADED} <= {
        r.name for r in results if r.coproc_missing
    }


def test_get_state_is_consistent(rpc: RpcClient, seeded: Any) -> None:
    info = seeded.seed
    state = rpc.get_state()
    assert [p.master_url for p in state.projects] == list(info.project_urls)
    assert len(state.results) == info.n_tasks
    assert {a.name for a in state.apps} == set(info.apps)
    assert state.core_client_major_version == 7
    assert state.host_info.p_ncpus > 0
    for r in state.results[:50]:
        wu = state.workunit_of(r)
        assert wu is not None and wu.name == r.wu_name
        assert state.project_of(r) is state.lookup_project(r.project_url)


def test_project_status_and_simple_gui_info(rpc: RpcClient, seeded: Any) -> None:
    info = seeded.seed
    projects = {p.master_url: p for p in rpc.get_project_status()}
    assert list(projects) == list(info.project_urls)
    for url in info.suspended_projects:
        assert projects[url].suspended_via_gui
    for url in info.no_more_work_projects:
        assert projects[url].dont_request_more_work
    gui = rpc.get_simple_gui_info()
    assert [p.master_url for p in gui.projects] == list(info.project_urls)


def test_transfers_disk_statistics_and_history(rpc: RpcClient, seeded: Any) -> None:
    info = seeded.seed
    names = {ft.name for ft in rpc.get_file_transfers()}
    assert set(info.uploads) | set(info.downloads) <= names
    usage = rpc.get_disk_usage()
    assert usage.d_total > 0 and {p.master_url for p in usage.projects} == set(info.project_urls)
    stats = rpc.get_statistics()
    assert {s.master_url for s in stats} == set(info.project_urls)
    assert all(len(s.daily_statistics) == info.n_statistics_days for s in stats)
    assert rpc.get_daily_xfer_history()


def test_messages_notices_old_results(rpc: RpcClient, seeded: Any) -> None:
    info = seeded.seed
    count = rpc.get_message_count()
    messages = rpc.get_messages()
    assert messages and messages[-1].seqno >= count > 3
    assert [m.seqno for m in messages] == sorted(m.seqno for m in messages)
    assert all(m.seqno > count for m in rpc.get_messages(seqno=count))
    assert [m.seqno for m in rpc.get_messages(seqno=count - 3)][:3] == [count - 2, count - 1, count]
    titles = {n.title for n in rpc.get_notices()}
    assert set(info.notice_titles) <= titles
    assert {n.title for n in rpc.get_notices_public()} <= titles
    assert {o.name for o in rpc.get_old_results()} == set(info.old_results)


def test_status_host_and_misc(rpc: RpcClient) -> None:
    status = rpc.get_cc_status()
    assert status.task_mode == RunMode.NEVER and status.network_mode == RunMode.NEVER
    assert rpc.get_host_info().p_ncpus > 0
    assert rpc.get_screensaver_tasks() is not None
    listed = rpc.get_all_projects_list().projects
    assert listed and all(p.url.startswith("http://127.0.0.1:9/") for p in listed)
    assert rpc.get_project_init_status() is not None
    assert rpc.acct_mgr_info().acct_mgr_url == ""
    assert rpc.get_proxy_settings() is not None
    assert rpc.get_auth_id().auth_id >= 0


def test_config_reads(rpc: RpcClient, seeded: Any) -> None:
    info = seeded.seed
    assert rpc.get_cc_config().options is not None
    assert rpc.get_global_prefs_working() is not None
    assert rpc.get_global_prefs_file() is not None
    assert rpc.get_app_config(info.app_config_project).apps
    with pytest.raises(errors.RpcError, match="no such project"):
        rpc.get_app_config("http://127.0.0.1:9/nowhere/")


def test_get_newer_version(rpc: RpcClient) -> None:
    assert rpc.get_newer_version().newer_version == ""


def test_async_client_reads(seeded: Any) -> None:
    async def main() -> None:
        async with AsyncRpcClient(seeded.host, seeded.port, timeout=60) as arpc:
            await arpc.authorize(seeded.password)
            results, state = await asyncio.gather(arpc.get_results(), arpc.get_state())
            assert len(results) == len(state.results) == seeded.seed.n_tasks

    asyncio.run(main())


def test_reply_text_is_the_checked_unparsed_reply(seeded: Any) -> None:
    with connect(seeded) as rpc:
        text = rpc.reply_text(rpcs.GET_RESULTS, rpcs.ActiveOnly(active_only=False))
        assert text.count("<result>") == seeded.seed.n_tasks
        assert rpcs.GET_RESULTS.parse(text) == rpc.get_results()
    with connect(seeded, auth=False) as rpc, pytest.raises(errors.AuthenticationError):
        rpc.reply_text(rpcs.GET_GLOBAL_PREFS_OVERRIDE)  # refused before auth2, as get_global_prefs_override()

    async def main() -> str:
        async with AsyncRpcClient(seeded.host, seeded.port, timeout=60) as arpc:
            return await arpc.reply_text(rpcs.GET_CC_STATUS)

    assert "<cc_status>" in asyncio.run(main())


# --- authorization -------------------------------------------------------------


def test_read_only_requests_work_without_auth_control_ones_do_not(seeded: Any) -> None:
    with connect(seeded, auth=False) as rpc:
        rpc.get_cc_status()
        with pytest.raises(errors.AuthenticationError):
            rpc.set_run_mode(RunMode.NEVER)


def test_wrong_password(seeded: Any) -> None:
    with connect(seeded, auth=False) as rpc:
        with pytest.raises(errors.AuthenticationError) as info:
            rpc.authorize("not-" + seeded.password)
        assert seeded.password not in str(info.value)


# --- control requests, each on a client of its own -----------------------------


@pytest.fixture
def own(make_client: Any) -> Any:
    client = make_client(n_tasks=30)
    with connect(client) as rpc:
        yield client, rpc


def test_project_ops(own: Any) -> None:
    client, rpc = own
    url = client.seed.project_urls[0]
    for op, check in [
        ("suspend", lambda p: p.suspended_via_gui),
        ("resume", lambda p: not p.suspended_via_gui),
        ("nomorework", lambda p: p.dont_request_more_work),
        ("allowmorework", lambda p: not p.dont_request_more_work),
        ("detach_when_done", lambda p: p.detach_when_done),
        ("dont_detach_when_done", lambda p: not p.detach_when_done),
    ]:
        rpc.project_op(url, op)
        project = next(p for p in rpc.get_project_status() if p.master_url == url)
        assert check(project), op
    rpc.project_op(url, "update")
    rpc.project_op(url, "reset")
    rpc.project_op(url, "detach")
    assert url not in {p.master_url for p in rpc.get_project_status()}
    with pytest.raises(errors.RpcError, match="No such project"):
        rpc.project_op(url, "suspend")
    with pytest.raises(ValueError, match="unknown project operation"):
        rpc.project_op(url, "explode")


def test_result_ops(own: Any) -> None:
    _client, rpc = own
    task = next(r for r in rpc.get_results() if r.state == ResultState.FILES_DOWNLOADED and not r.suspended_via_gui)
    rpc.result_op(task, "suspend")
    assert next(r for r in rpc.get_results() if r.name == task.name).suspended_via_gui
    rpc.result_op((task.project_url, task.name), "resume")
    assert not next(r for r in rpc.get_results() if r.name == task.name).suspended_via_gui
    rpc.result_op(task, "abort")
    aborted = next(r for r in rpc.get_results() if r.name == task.name)
    assert aborted.state in (ResultState.ABORTED, ResultState.COMPUTE_ERROR) or aborted.ready_to_report
    with pytest.raises(errors.RpcError, match="no such result"):
        rpc.result_op((task.project_url, "no_such_task"), "suspend")


def test_file_transfer_ops(own: Any) -> None:
    _client, rpc = own
    transfers = rpc.get_file_transfers()
    assert transfers
    rpc.file_transfer_op(transfers[0], "retry")
    rpc.file_transfer_op(transfers[0], "abort")
    after = {t.name: t for t in rpc.get_file_transfers()}
    assert transfers[0].name not in after or after[transfers[0].name].status != 0
    with pytest.raises(errors.RpcError):
        rpc.file_transfer_op((transfers[0].project_url, "no_such_file"), "abort")


def test_modes_with_duration(real_client_rw: Any) -> None:
    # A fresh client: a seeded one runs with --exit_before_start and would exit
    # as soon as a mode lets it start a task.
    with connect(real_client_rw) as rpc:
        rpc.set_run_mode(RunMode.NEVER)
        rpc.set_run_mode(RunMode.AUTO, 3600)
        rpc.set_gpu_mode(RunMode.ALWAYS)
        rpc.set_network_mode(RunMode.NEVER, 60)
        status = rpc.get_cc_status()
        assert status.task_mode == RunMode.AUTO and status.task_mode_perm == RunMode.NEVER
        assert 3500 < status.task_mode_delay <= 3600
        assert status.gpu_mode == RunMode.ALWAYS
        assert status.network_mode == RunMode.NEVER and 0 < status.network_mode_delay <= 60
        rpc.set_run_mode(RunMode.RESTORE)
        assert rpc.get_cc_status().task_mode == RunMode.NEVER
        with pytest.raises(ValueError, match="run mode"):
            rpc.set_run_mode(9)


def test_prefs_override_round_trip(own: Any) -> None:
    _client, rpc = own
    with pytest.raises(errors.RpcError, match="no prefs override file"):
        rpc.get_global_prefs_override()
    working = rpc.get_global_prefs_working()
    prefs = attrs.evolve(working, cpu_usage_limit=42.0, disk_max_used_gb=7.5)
    rpc.set_global_prefs_override(prefs)
    rpc.read_global_prefs_override()
    back = rpc.get_global_prefs_override()
    assert (back.cpu_usage_limit, back.disk_max_used_gb) == (42.0, 7.5)
    assert rpc.get_global_prefs_working().cpu_usage_limit == 42.0
    rpc.set_global_prefs_override("")
    with pytest.raises(errors.RpcError):
        rpc.get_global_prefs_override()


def test_cc_config_read_modify_write(own: Any) -> None:
    _client, rpc = own
    config = rpc.get_cc_config()
    options = attrs.evolve(config.options, max_event_log_lines=1234)
    rpc.set_cc_config(attrs.evolve(config, options=options))
    rpc.read_cc_config()
    assert rpc.get_cc_config().options.max_event_log_lines == 1234
    assert rpc.get_cc_status().max_event_log_lines == 1234


def test_app_config_write_and_read(own: Any) -> None:
    client, rpc = own
    url = client.seed.app_config_project
    config = rpc.get_app_config(url)
    changed = attrs.evolve(config, project_max_concurrent=3)
    rpc.set_app_config(url, changed)
    rpc.read_cc_config()
    assert rpc.get_app_config(url).project_max_concurrent == 3


def test_proxy_settings(own: Any) -> None:
    _client, rpc = own
    proxy = ProxyInfo(use_http_proxy=True, http_server_name="proxy.example", http_server_port=3128,
                      http_user_name="u&<>", http_user_passwd="p&ss")  # fmt: skip
    rpc.set_proxy_settings(proxy)
    back = rpc.get_proxy_settings()
    assert (back.use_http_proxy, back.http_server_name, back.http_server_port) == (True, "proxy.example", 3128)
    assert (back.http_user_name, back.http_user_passwd) == ("u&<>", "p&ss")


def test_attach_to_an_unreachable_project_with_poll(own: Any) -> None:
    client, rpc = own
    with pytest.raises(errors.AlreadyAttached):
        rpc.project_attach(client.seed.project_urls[0], "key")
    reply = rpc.project_attach_wait("http://127.0.0.1:9/newproj/", "0123456789abcdef", "New", timeout=30)
    assert reply.error_num == 0
    assert "http://127.0.0.1:9/newproj/" in {p.master_url for p in rpc.get_project_status()}


def test_project_config_and_account_polls_report_the_network_error(own: Any) -> None:
    _client, rpc = own
    with pytest.raises(errors.RpcError) as info:
        rpc.get_project_config_wait("http://127.0.0.1:9/other/", timeout=30)
    assert info.value.code in (-107, -199, -113, -183)
    account = AccountIn(url="http://127.0.0.1:9/other/", email_addr="a@b.c", passwd_hash="0" * 32)
    for wait in (rpc.lookup_account_wait, rpc.create_account_wait):
        with pytest.raises(errors.RpcError) as info:
            wait(account, timeout=30)
        assert info.value.code < 0
    with pytest.raises(errors.RpcError) as info:
        rpc.acct_mgr_rpc_wait("http://127.0.0.1:9/am/", "name", "pw", timeout=30)
    assert info.value.code < 0


def test_host_language_device_benchmarks_network(own: Any) -> None:
    _client, rpc = own
    rpc.set_host_info(product_name="Test Box")
    assert rpc.get_host_info().product_name == "Test Box"
    rpc.set_language("de")
    from boinc.gui_rpc import DeviceStatus

    rpc.report_device_status(DeviceStatus(on_ac_power=True, battery_charge_pct=80.0, device_name="x"))
    rpc.network_available()
    rpc.reset_host_info()
    rpc.run_benchmarks()
    with pytest.raises(errors.RpcError, match="Mac"):
        rpc.run_graphics_app("test", 1)


def test_quit_stops_the_client(own: Any) -> None:
    client, rpc = own
    rpc.quit()
    deadline = time.monotonic() + 60
    while client.running and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not client.running, "the client did not exit within a minute of quit"
