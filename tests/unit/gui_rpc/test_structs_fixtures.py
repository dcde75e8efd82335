"""The reply structs against the recorded replies of the real BOINC 7.20.5 client.

Every recorded reply whose root is one of the GUI RPC reply structs decodes on
both engine paths to the same value, maps every tag it holds (strict mode), and
a spot check of many fields compares the decoded values with the fixture text.
"""

from __future__ import annotations

import gzip
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from boinc._xml import decode, decode_bytes, decode_slow, find_element, iter_elements
from boinc._xml.plan import Kind, plan_for
from boinc.gui_rpc import structs as s
from boinc.gui_rpc.enums import (
    ActiveTaskState,
    MsgPriority,
    NetworkStatus,
    ResultState,
    RpcReason,
    RunMode,
    SchedulerState,
    SuspendReason,
)
from boinc.gui_rpc.error_codes import ErrorCode
from tests.conftest import FIXTURES
from tests.strategies import equal

FIX = FIXTURES / "gui_rpc" / "7.20.5"
RICH = FIX / "rich_50"

#: The modules of the reply structs (the config structs are tested on their own).
MY_MODULES = {
    f"boinc.gui_rpc.structs.{m}"
    for m in ("account", "host", "messages", "project", "state", "stats", "status", "task", "transfer")
}
MINE = {c for n in s.__all__ if attrs.has(c := getattr(s, n)) and c.__module__ in MY_MODULES}
#: Reply root element -> struct. ``<projects>`` is also get_all_projects_list's root (see ``root_class``).
ROOTS: dict[str, type] = {c.xml_tag: c for c in MINE if hasattr(c, "xml_tag")}
ROOTS[s.ScreensaverTasks.xml_tag_old] = s.ScreensaverTasks
ROOTS["projects"] = s.Projects
#: Roots of the config structs' replies (not ours).
CONFIG_ROOTS = {"global_preferences", "cc_config", "app_config", "proxy_info"}
#: Roots of control replies, read by the protocol core rather than by a struct.
CONTROL_ROOTS = {"success", "error", "unauthorized", "authorized", "nonce", "seqno", "newer_version", "auth_id"}


def read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.endswith(".gz") else data


def reply_root(text: str) -> str | None:
    """The tag of the reply's first element, if any."""
    found = find_element(text, "boinc_gui_rpc_reply")
    if found is None or found[1]:
        return None
    children = iter_elements(text, found[0], "boinc_gui_rpc_reply")
    return children[0][0] if children else None


def root_class(path: Path, root: str) -> type | None:
    if root == "projects" and path.name.startswith("get_all_projects_list"):
        return s.AllProjectsList
    return ROOTS.get(root)


def fixture_files() -> list[Path]:
    files = sorted(p for p in FIX.rglob("*") if p.name.endswith((".xml", ".xml.gz")))
    return [p for p in files if not p.name.startswith("http_")]


def cases() -> Iterator[Any]:
    for path in fixture_files():
        text = decode_bytes(read(path))
        root = reply_root(text)
        if root is None:
            continue
        cls = root_class(path, root)
        if cls is not None:
            yield pytest.param(path, cls, root, id=str(path.relative_to(FIX)))


CASES = list(cases())


def load(cls: type, name: str, tag: str | None = None) -> Any:
    data = read(FIX / name)
    return decode(cls, data, tag or cls.xml_tag)  # type: ignore[attr-defined]


def test_the_fixtures_cover_every_root() -> None:
    seen = set()
    for path in fixture_files():
        root = reply_root(decode_bytes(read(path)))
        if root is not None:
            seen.add(root)
    assert seen - set(ROOTS) - CONFIG_ROOTS - CONTROL_ROOTS == set()
    assert len(CASES) >= 60


@pytest.mark.parametrize(("path", "cls", "tag"), CASES)
def test_fixture_decodes_the_same_on_both_paths(path: Path, cls: type, tag: str) -> None:
    data = read(path)
    fast = decode(cls, data, tag)
    slow = decode_slow(cls, decode_bytes(data), tag)
    assert isinstance(fast, cls)
    assert equal(fast, slow)


# --- strict mode -----------------------------------------------------------------

#: (struct, tag) pairs the fixtures hold and no field maps, each with the reason.
#: Empty: every tag 7.20.5 sent while recording is mapped.
ALLOWED_UNMAPPED: frozenset[tuple[str, str]] = frozenset()


def unmapped(cls: type, text: str, pos: int, tag: str, path: str) -> list[str]:
    """The tags inside the element ``<tag>`` (open tag ending at ``pos``) that no field of ``cls`` maps."""
    plan = plan_for(cls)
    out: list[str] = []
    for child, start, end in iter_elements(text, pos, tag):
        here = f"{path}/{child}"
        fp = plan.by_tag.get(child)
        if fp is None:
            if (cls.__name__, child) not in ALLOWED_UNMAPPED:
                out.append(here)
            continue
        if start == end:  # <x/>: nothing inside
            continue
        if fp.kind in (Kind.STRUCT, Kind.LIST) and fp.sub is not None and fp.sub.cls in MINE:
            out += unmapped(fp.sub.cls, text, start, child, here)
        elif fp.kind is Kind.WRAPPER:
            for item, item_start, item_end in iter_elements(text, start, child):
                if item != fp.item_tag:
                    out.append(f"{here}/{item}")
                elif fp.sub is not None and item_start != item_end:
                    out += unmapped(fp.sub.cls, text, item_start, item, f"{here}/{item}")
    return out


@pytest.mark.parametrize(("path", "cls", "tag"), CASES)
def test_strict_mode_every_tag_is_mapped(path: Path, cls: type, tag: str) -> None:
    text = decode_bytes(read(path))
    found = find_element(text, tag)
    assert found is not None
    if found[1]:
        return
    assert unmapped(cls, text, found[0], tag, tag) == []


def test_strict_mode_walker_reports_unknown_tags() -> None:
    text = "<results><result><name>x</name><new_tag>1</new_tag><active_task><bogus/></active_task></result></results>"
    found = find_element(text, "results")
    assert found is not None
    assert unmapped(s.Results, text, found[0], "results", "results") == [
        "results/result/new_tag",
        "results/result/active_task/bogus",
    ]


# --- spot checks: the rich state (3 projects, 44 tasks) ---------------------------


@pytest.fixture(scope="module")
def state() -> s.CcState:
    return load(s.CcState, "rich_50/get_state.xml")  # type: ignore[no-any-return]


def test_state_counts_and_client(state: s.CcState) -> None:
    assert [p.master_url for p in state.projects] == [
        "http://127.0.0.1:9/alpha/",
        "http://127.0.0.1:9/beta/",
        "http://127.0.0.1:9/gamma/",
    ]
    assert [p.project_name for p in state.projects] == ["Alpha@Lab", "Beta Lab", "Gamma Project"]
    assert (len(state.apps), len(state.app_versions), len(state.workunits), len(state.results)) == (5, 7, 44, 44)
    assert state.core_client_version == (7, 20, 5)
    assert state.platform_name == "x86_64-pc-linux-gnu"
    assert state.platforms == ("x86_64-pc-linux-gnu",)
    assert state.executing_as_daemon is False
    assert not state.have_cuda and not state.have_ati
    assert state.host_venue == ""
    assert state.global_preferences is not None
    assert state.global_preferences.source_project == "http://127.0.0.1:9/alpha/"
    assert state.net_stats == s.NetStats()
    assert state.time_stats is not None
    assert state.time_stats.client_start_time == 1795315786.254964
    assert state.time_stats.now == 1795315786.636950
    assert state.time_stats.on_frac == 1.0


def test_state_task_states_and_flags(state: s.CcState) -> None:
    by_state: dict[ResultState, int] = {}
    for r in state.results:
        by_state[r.state] = by_state.get(r.state, 0) + 1
        assert r.state is ResultState(int(r.state))  # a member, not a plain int
    assert by_state == {
        ResultState.FILES_DOWNLOADING: 1,
        ResultState.FILES_DOWNLOADED: 30,
        ResultState.COMPUTE_ERROR: 5,
        ResultState.FILES_UPLOADED: 8,
    }
    assert sum(r.ready_to_report for r in state.results) == 13
    assert sum(r.coproc_missing for r in state.results) == 4
    assert [r.name for r in state.results if r.suspended_via_gui] == [
        "alpha_cuda_000008_67068_2",
        "gamma_mt_000008_14437_3",
    ]
    assert sum(r.project_suspended_via_gui for r in state.results) == 14
    assert sum(r.is_active for r in state.results) == 3
    assert {r.project_url for r in state.results} == {p.master_url for p in state.projects}


def test_state_first_tasks_exactly(state: s.CcState) -> None:
    first, second, third = state.results[:3]
    assert first == s.Result(
        name="alpha_sim_000012_33917_1",
        wu_name="alpha_sim_000012_33917",
        platform="x86_64-pc-linux-gnu",
        version_num=710,
        plan_class="",
        project_url="http://127.0.0.1:9/alpha/",
        state=ResultState.FILES_DOWNLOADED,
        report_deadline=1795713113.348587,
        received_time=1794931725.071297,
        estimated_cpu_time_remaining=46800.223192,
    )
    assert first.is_not_started
    assert second.coproc_missing
    assert second.resources == "0.2 CPUs + NVIDIA GPU (missing)"
    assert second.plan_class == "cuda118"
    assert third.active_task == s.ActiveTask(
        active_task_state=ActiveTaskState.UNINITIALIZED,
        app_version_num=710,
        slot=0,
        pid=0,
        scheduler_state=SchedulerState.PREEMPTED,
        checkpoint_cpu_time=3068.310613,
        fraction_done=0.079347,
        current_cpu_time=3068.310613,
        elapsed_time=3129.676825,
        swap_size=300000000.0,
        working_set_size=200000000.0,
        working_set_size_smoothed=200000000.0,
        page_fault_rate=0.0,
        bytes_sent=0.0,
        bytes_received=0.0,
        progress_rate=0.000025,
    )
    assert not third.is_not_started


def test_state_project_fields(state: s.CcState) -> None:
    alpha = state.projects[0]
    # xml-escaped by the client: &amp; &lt; and UTF-8 as byte entities
    assert alpha.user_name == "lab & user <1>"
    assert alpha.team_name == "Team Ünïcode"
    assert alpha.name == "Alpha@Lab"
    assert alpha.userid == 1000 and alpha.teamid == 50 and alpha.hostid == 77000 and alpha.rpc_seqno == 865
    assert alpha.user_total_credit == 947657.271875
    assert alpha.njobs_success == 3748 and alpha.njobs_error == 17
    assert alpha.sched_rpc_pending is RpcReason.NONE
    assert alpha.sched_priority == -2.375052
    assert alpha.rsc_backoff_times == (s.RscValue(name="CPU", value=0.0),)
    assert alpha.rsc_backoff_intervals == (s.RscValue(name="CPU", value=0.0),)
    assert alpha.gui_urls == (
        s.GuiUrl(
            name="Your account",
            description="View your account information",
            url="http://127.0.0.1:9/alpha/home.php",
        ),
    )
    assert alpha.project_dir == "/tmp/boinclab/rich50/projects/127.0.0.1_9_alpha"
    assert alpha.ams_resource_share_new == -1.0  # not sent
    assert [p.dont_request_more_work for p in state.projects] == [False, True, False]
    assert [p.suspended_via_gui for p in state.projects] == [False, False, True]
    assert not any(p.detach_when_done or p.ended or p.attached_via_acct_mgr for p in state.projects)


def test_state_apps_versions_workunits(state: s.CcState) -> None:
    assert state.apps[0] == s.App(name="alpha_sim", user_friendly_name="Alpha Simulation", non_cpu_intensive=False)
    cuda = state.app_versions[2]
    assert (cuda.app_name, cuda.version_num, cuda.plan_class) == ("alpha_cuda", 300, "cuda118")
    assert cuda.avg_ncpus == 0.2 and cuda.flops == 700000000.0 and cuda.gpu_ram == 1073741824.0
    assert cuda.coprocs == (s.AppVersionCoproc(type="NVIDIA", count=1.0),)
    assert cuda.coprocs[0].proc_type == 1
    assert cuda.dont_throttle and not cuda.is_wrapper
    assert cuda.exec_filename == "alpha_cuda_3.00_x86_64-pc-linux-gnu__cuda118"
    assert cuda.file_refs[0].main_program
    wu = state.workunits[0]
    assert wu.name == "alpha_sim_000000_77483"
    assert wu.command_line == "--seed 0 --mode fast"
    assert wu.rsc_fpops_est == 63990279671850.148438
    assert wu.file_refs == (s.FileRef(file_name="alpha_sim_000000_77483.in", open_name="in.dat"),)


def test_state_links(state: s.CcState) -> None:
    for r in state.results:
        project = state.project_of(r)
        assert project is not None and project.master_url == r.project_url
        assert state.lookup_project(r.project_url) is project
        wu = state.workunit_of(r)
        assert wu is not None and wu.name == r.wu_name and state.project_of(wu) is project
        av = state.app_version_of(r)
        assert av is not None and state.project_of(av) is project
        assert (av.app_name, av.version_num, av.platform, av.plan_class) == (
            wu.app_name,
            r.version_num,
            r.platform,
            r.plan_class,
        )
        app = state.app_of(wu)
        assert app is not None and app.name == wu.app_name and state.app_of(av) is app
        assert state.project_of(app) is project
        assert state.lookup_result(project, r.name) is r
        assert state.lookup_result(r.project_url, r.name) is r
        assert r in state.results_of(project)
    counts = {p.master_url: len(state.results_of(p)) for p in state.projects}
    assert sum(counts.values()) == 44 and all(counts.values())
    assert state.results_of("http://127.0.0.1:9/nope/") == ()
    assert state.lookup_project("http://127.0.0.1:9/nope/") is None
    assert state.lookup_result("http://127.0.0.1:9/nope/", state.results[0].name) is None
    with pytest.raises(ValueError, match="not an item of this state"):
        state.project_of(attrs.evolve(state.results[0]))


#: two projects with the same app, app version, workunit and task names; an app before any project
_SAME_NAMES = """<client_state>
<app>
    <name>orphan</name>
</app>
<project>
    <master_url>http://a/</master_url>
</project>
<app>
    <name>sim</name>
    <user_friendly_name>A sim</user_friendly_name>
</app>
<app_version>
    <app_name>sim</app_name>
    <version_num>1</version_num>
    <platform>p</platform>
</app_version>
<workunit>
    <name>wu</name>
    <app_name>sim</app_name>
</workunit>
<workunit>
    <name>lost</name>
    <app_name>none</app_name>
</workunit>
<result>
    <name>r</name>
    <wu_name>wu</wu_name>
    <project_url>http://a/</project_url>
    <platform>p</platform>
    <version_num>1</version_num>
</result>
<project>
    <master_url>http://b/</master_url>
</project>
<app>
    <name>sim</name>
    <user_friendly_name>B sim</user_friendly_name>
</app>
<app_version>
    <app_name>sim</app_name>
    <version_num>1</version_num>
    <platform>p</platform>
</app_version>
<workunit>
    <name>wu</name>
    <app_name>sim</app_name>
    <version_num>2</version_num>
</workunit>
<result>
    <name>r</name>
    <wu_name>wu</wu_name>
    <project_url>http://b/</project_url>
    <version_num>1</version_num>
</result>
<result>
    <name>r2</name>
    <wu_name>wu</wu_name>
    <project_url>http://b/</project_url>
    <version_num>3</version_num>
</result>
</client_state>
"""


@pytest.mark.parametrize("read", [decode, decode_slow])
def test_links_follow_the_reply_order(read: Any) -> None:
    state: s.CcState = read(s.CcState, _SAME_NAMES, "client_state")
    a, b = state.projects
    orphan, sim_a, sim_b = state.apps
    av_a, av_b = state.app_versions
    wu_a, lost, wu_b = state.workunits
    r_a, r_b, r2 = state.results
    assert state.project_of(orphan) is None
    assert [state.project_of(x) for x in (sim_a, av_a, wu_a, lost, r_a)] == [a] * 5
    assert [state.project_of(x) for x in (sim_b, av_b, wu_b, r_b, r2)] == [b] * 5
    assert (state.app_of(wu_a), state.app_of(wu_b), state.app_of(av_b), state.app_of(lost)) == (
        sim_a,
        sim_b,
        sim_b,
        None,
    )
    assert state.workunit_of(r_a) is wu_a and state.workunit_of(r_b) is wu_b
    assert state.app_version_of(r_a) is av_a and state.app_version_of(r_b) is av_b
    assert state.app_version_of(r2) is None  # no version 3: the C++ drops the task
    assert state.results_of(a) == (r_a,) and state.results_of("http://b/") == (r_b, r2)
    assert state.lookup_result(b, "r") is r_b
    # the links are built once, and a copy is made without them (they hold object ids)
    assert state._links is state._links
    import pickle

    copy = pickle.loads(pickle.dumps(state))
    assert copy == state and copy.project_of(copy.results[0]) is copy.projects[0]
    assert copy.app_version_of(copy.results[1]) is copy.app_versions[1]


def test_a_state_made_in_python_has_its_items_follow_all_projects() -> None:
    a, b = s.Project(master_url="http://a/"), s.Project(master_url="http://b/")
    app, wu = s.App(name="sim"), s.Workunit(name="wu", app_name="sim")
    task = s.Result(name="r", wu_name="wu", project_url="http://a/")
    state = s.CcState(projects=(a, b), apps=(app,), workunits=(wu,), results=(task,))
    assert state.project_of(task) is b and state.workunit_of(task) is wu and state.app_of(wu) is app
    assert s.CcState(apps=(app,)).project_of(app) is None


def test_host_info() -> None:
    host = load(s.HostInfo, "rich_50/get_host_info.xml")
    assert host.domain_name == "vm" and host.ip_addr == "127.0.0.1"
    assert host.host_cpid == "58154159def6c8cd7f635f49d686019f"
    assert host.p_ncpus == 2 and host.p_vendor == "GenuineIntel"
    assert host.p_model == "Intel(R) Xeon(R) Processor [Family 6 Model 167 Stepping 1]"
    assert host.p_features.startswith("fpu vme de pse") and host.p_features.endswith("arch_capabilities")
    assert host.p_fpops == 1e9 and host.m_nbytes == 25276502016.0 and host.d_total == 270553174016.0
    assert host.os_name == "Linux Debian"
    assert host.os_version == "Debian GNU/Linux 12 (bookworm) [6.18.44-fc-v669|libc 2.36]"
    assert host.n_usable_coprocs == 0 and host.wsl_available is False and host.wsl is None
    assert host.coprocs == s.Coprocs()
    assert host.opencl_cpu_props == ()


def test_results_replies() -> None:
    every = load(s.Results, "rich_50/get_results_active_only_0.xml")
    active = load(s.Results, "rich_50/get_results_active_only_1.xml")
    assert len(every.results) == 44 and len(active.results) == 3
    assert all(r.is_active for r in active.results)
    assert {r.name for r in active.results} <= {r.name for r in every.results}
    slots = sorted(r.active_task.slot for r in active.results)
    assert slots == [0, 1, 2]
    assert load(s.Results, "get_results_no_arg.xml") == s.Results()
    info = load(s.SimpleGuiInfo, "rich_50/get_simple_gui_info.xml")
    assert len(info.projects) == 3 and len(info.results) == 3


def test_screensaver_tasks_old_tag() -> None:
    tasks = load(s.ScreensaverTasks, "rich_50/get_screensaver_tasks.xml", s.ScreensaverTasks.xml_tag_old)
    assert tasks.suspend_reason is SuspendReason.USER_REQ
    assert tasks.results == ()


def test_cc_status() -> None:
    status = load(s.CcStatus, "get_cc_status_after_modes.xml")
    assert status.network_status is NetworkStatus.WANT_DISCONNECT
    assert status.task_suspend_reason is SuspendReason.NOT_SUSPENDED
    assert (status.task_mode, status.task_mode_perm) == (RunMode.NEVER, RunMode.NEVER)
    assert (status.network_mode, status.network_mode_perm) == (RunMode.NEVER, RunMode.AUTO)
    assert status.network_mode_delay == 3599.999958
    assert status.max_event_log_lines == 2000
    assert not status.manager_must_quit and not status.disallow_attach
    # absent ints keep the C++ default -1
    empty = decode(s.CcStatus, "<cc_status></cc_status>", "cc_status")
    assert empty.task_mode == -1 and empty.network_status == -1 and empty.gpu_suspend_reason == -1


def test_messages() -> None:
    msgs = load(s.Messages, "rich_50/get_messages_seqno_0.xml")
    assert len(msgs.messages) == 47
    assert [m.seqno for m in msgs.messages] == list(range(1, 48))
    first = msgs.messages[0]
    assert first == s.Message(
        project="",
        pri=MsgPriority.INFO,
        seqno=1,
        body="Starting BOINC client version 7.20.5 for x86_64-pc-linux-gnu",
        time=1795315786,
    )
    later = load(s.Messages, "get_messages_seqno_5.xml")
    assert later.messages[0].seqno == 6


def test_notices() -> None:
    notices = load(s.Notices, "rich_50/get_notices_seqno_0.xml")
    assert len(notices.notices) == 12 and not notices.refresh
    first = notices.notices[0]
    assert first.title == "Alpha@Lab news #3"
    # CDATA: raw, trimmed, the entity kept as written
    assert first.description == (
        '<p>News item 3 for Alpha@Lab &amp; friends: <a href="http://127.0.0.1:9/alpha/forum">forum</a></p>'
    )
    assert first.link == "http://127.0.0.1:9/alpha/forum_thread.php?id=3"
    assert (first.create_time, first.arrival_time) == (1795052986.230920, 1795056586.230920)
    assert first.is_private is False and first.category == "news" and first.seqno == 1
    newer = load(s.Notices, "rich_50/get_notices_seqno_10.xml")
    assert [n.seqno for n in newer.notices] == [11, 12]
    assert load(s.Notices, "get_notices_seqno_0.xml") == s.Notices()


def test_notices_reset_marker() -> None:
    text = (
        "<notices><notice><title></title><description><![CDATA[\n\n]]></description>"
        "<create_time>0.000000</create_time><arrival_time>0.000000</arrival_time><is_private>0</is_private>"
        "<project_name></project_name><category></category><link><![CDATA[]]></link><seqno>-1</seqno></notice>"
        "<notice><title>t</title><seqno>3</seqno></notice></notices>"
    )
    notices = decode(s.Notices, text, "notices")
    assert notices.refresh
    assert [n.seqno for n in notices.without_marker] == [3]
    assert [n.seqno for n in notices.notices] == [-1, 3]


def test_statistics_and_transfer_history() -> None:
    stats = load(s.Statistics, "rich_50/get_statistics.xml")
    assert [p.master_url for p in stats.project_statistics] == [
        "http://127.0.0.1:9/alpha/",
        "http://127.0.0.1:9/beta/",
        "http://127.0.0.1:9/gamma/",
    ]
    assert sum(len(p.daily_statistics) for p in stats.project_statistics) == 90
    day = stats.project_statistics[0].daily_statistics[0]
    assert day == s.DailyStatistics(
        day=1792800000.0,
        user_total_credit=971000.0,
        user_expavg_credit=929.0,
        host_total_credit=47100.0,
        host_expavg_credit=329.0,
    )
    history = load(s.DailyXferHistory, "rich_50/get_daily_xfer_history.xml")
    assert history.daily_xfers[0] == s.DailyXfer(when=20779, up=1000000.0, down=5000000.0)
    assert [d.when for d in history.daily_xfers] == [20779, 20778, 20777, 20776, 20775]
    assert load(s.DailyXferHistory, "get_daily_xfer_history.xml").daily_xfers == ()


def test_disk_usage() -> None:
    usage = load(s.DiskUsage, "rich_50/get_disk_usage.xml")
    assert usage.projects == (
        s.ProjectDiskUsage(master_url="http://127.0.0.1:9/alpha/", disk_usage=86016.0),
        s.ProjectDiskUsage(master_url="http://127.0.0.1:9/beta/", disk_usage=86016.0),
        s.ProjectDiskUsage(master_url="http://127.0.0.1:9/gamma/", disk_usage=73728.0),
    )
    assert usage.d_boinc == 294912.0 and usage.d_allowed == 21474836480.0
    fresh = load(s.DiskUsage, "get_disk_usage.xml")
    assert fresh.projects == () and math.isclose(fresh.d_allowed, 83405515161.600006)


def test_old_results_and_file_transfers() -> None:
    old = load(s.OldResults, "rich_50/get_old_results.xml")
    assert len(old.old_results) == 6
    assert old.old_results[0] == s.OldResult(
        project_url="http://127.0.0.1:9/alpha/",
        result_name="alpha_cuda_000002_86069_2",
        app_name="alpha_cuda",
        exit_status=0,
        elapsed_time=320.186270,
        cpu_time=304.939305,
        completed_time=1795315135.723066,
        create_time=1795315786.593715,
    )
    assert old.old_results[0].name == "alpha_cuda_000002_86069_2"
    transfers = load(s.FileTransfers, "rich_50/get_file_transfers.xml")
    assert len(transfers.file_transfers) == 4
    upload = transfers.file_transfers[0]
    assert upload.name == "alpha_sim_000015_94518_0_r0" and upload.project_name == "Alpha@Lab"
    assert upload.status == 1 and upload.nbytes == 614.0 and upload.max_nbytes == 1e7
    assert upload.is_upload and not upload.xfer_active and upload.file_xfer is None
    assert upload.persistent_file_xfer is not None
    assert upload.persistent_file_xfer.first_request_time == 1795315786.593715
    assert not transfers.file_transfers[1].is_upload


def test_all_projects_list() -> None:
    listing = load(s.AllProjectsList, "rich_50/get_all_projects_list.xml")
    assert [p.name for p in listing.projects] == ["Alpha@Lab", "Beta Lab", "Gamma Project"]
    alpha = listing.projects[0]
    assert alpha.id == 0 and alpha.url == "http://127.0.0.1:9/alpha/"
    assert alpha.description == "Synthetic project alpha"  # CDATA
    assert alpha.platforms == ("x86_64-pc-linux-gnu",)
    assert alpha.summary == "Synthetic" and alpha.home == "Loopback"
    assert listing.account_managers == (
        s.AccountManagerEntry(
            name="Lab AM", url="http://127.0.0.1:9/am/", description="Synthetic", image="http://127.0.0.1:9/am/logo.png"
        ),
    )


def test_account_and_attach_replies() -> None:
    assert load(s.VersionInfo, "exchange_versions.xml") == s.VersionInfo(major=7, minor=20, release=5)
    assert s.VersionInfo(major=7, minor=20, release=5) < s.VersionInfo(major=8, minor=0, release=0)
    assert load(s.AcctMgrInfo, "acct_mgr_info.xml") == s.AcctMgrInfo()
    assert load(s.AcctMgrRpcReply, "acct_mgr_rpc_poll.xml").error_num == ErrorCode.IN_PROGRESS
    assert load(s.AccountOut, "lookup_account_poll.xml").error_num == ErrorCode.RETRY
    config = load(s.ProjectConfig, "get_project_config_poll.xml")
    assert config.error_num == -204 and config.min_passwd_length == 6  # the C++ default
    assert load(s.ProjectAttachReply, "project_attach_poll.xml") == s.ProjectAttachReply(error_num=0)
    status = load(s.ProjectInitStatus, "get_project_init_status.xml")
    assert status == s.ProjectInitStatus()


def test_project_config_success_reply() -> None:
    text = """<project_config>
    <name>Test &amp; Co</name>
    <master_url>http://x/</master_url>
    <web_rpc_url_base>https://x/</web_rpc_url_base>
<server_version>1.4.7</server_version>
    <account_manager/>
    <web_stopped>0</web_stopped>
    <min_passwd_length>8</min_passwd_length>
    <platforms>
            <platform>
                <platform_name>x86_64-pc-linux-gnu</platform_name>
                <user_friendly_name>Linux on x86-64</user_friendly_name>
            </platform>
    </platforms>
    <terms_of_use>
<p>Be &lt;nice&gt;</p>
</terms_of_use>
<ldap_auth/>
</project_config>"""
    config = decode(s.ProjectConfig, text, "project_config")
    assert config.name == "Test & Co" and config.server_version == "1.4.7"
    assert config.account_manager and config.ldap_auth and not config.web_stopped
    assert config.min_passwd_length == 8
    assert config.platform_names == ("x86_64-pc-linux-gnu",)
    assert config.terms_of_use == "<p>Be &lt;nice&gt;</p>"
    assert config.terms_of_use_text == "<p>Be <nice></p>"
    assert config.terms_of_use_is_html


def test_secrets_stay_out_of_repr() -> None:
    out = decode(s.AccountOut, "<account_out><authenticator>sekrit123</authenticator></account_out>", "account_out")
    assert out.authenticator == "sekrit123"
    assert "sekrit123" not in repr(out)
    account = s.AccountIn(url="u", email_addr="e", passwd_hash="hash456", server_cookie="cookie789")
    assert "hash456" not in repr(account) and "cookie789" not in repr(account)


def test_structs_all_is_the_union_of_the_modules() -> None:
    import importlib

    names: list[str] = []
    for module in ("account", "app_config", "cc_config", "host", "messages", "prefs", "project", "proxy"):
        names += importlib.import_module(f"boinc.gui_rpc.structs.{module}").__all__
    for module in ("state", "stats", "status", "task", "transfer"):
        names += importlib.import_module(f"boinc.gui_rpc.structs.{module}").__all__
    assert sorted(s.__all__) == sorted(names)
    assert len(set(names)) == len(names)
    for name in s.__all__:
        assert hasattr(s, name)
