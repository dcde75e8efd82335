"""The GUI RPC config structs on the recorded 7.20.5 replies: decode, read-modify-write."""

from __future__ import annotations

import re
from typing import TypeVar

import attrs
import pytest

from boinc._xml import decode, decode_slow, encode
from boinc.errors import ReplyParseError
from boinc.gui_rpc.structs import app_config, cc_config, prefs, proxy
from boinc.gui_rpc.structs.app_config import AppConfig, AppConfigs, AppVersionConfig, GpuVersions
from boinc.gui_rpc.structs.cc_config import (
    CC_CONFIG_DEFAULTS,
    CcConfig,
    CcConfigOptions,
    ConfigPriority,
    CoprocConfig,
    ExcludeGpu,
    LogFlags,
)
from boinc.gui_rpc.structs.prefs import GLOBAL_PREFS_DEFAULTS, DayPrefs, GlobalPreferences
from boinc.gui_rpc.structs.proxy import ProxyInfo
from tests.conftest import FIXTURES
from tests.strategies import equal

T = TypeVar("T")

V7 = FIXTURES / "gui_rpc" / "7.20.5"
RICH = V7 / "rich_50"

#: Every tag GLOBAL_PREFS::write() of 7.20.5 writes (max_cpus only when not 0).
FULL_7_20_5 = frozenset(
    {
        "source_project",
        "mod_time",
        "battery_charge_min_pct",
        "battery_max_temperature",
        "run_on_batteries",
        "run_if_user_active",
        "run_gpu_if_user_active",
        "suspend_if_no_recent_input",
        "suspend_cpu_usage",
        "start_hour",
        "end_hour",
        "net_start_hour",
        "net_end_hour",
        "leave_apps_in_memory",
        "confirm_before_connecting",
        "hangup_if_dialed",
        "dont_verify_images",
        "work_buf_min_days",
        "work_buf_additional_days",
        "max_ncpus_pct",
        "cpu_scheduling_period_minutes",
        "disk_interval",
        "disk_max_used_gb",
        "disk_max_used_pct",
        "disk_min_free_gb",
        "vm_max_used_pct",
        "ram_max_used_busy_pct",
        "ram_max_used_idle_pct",
        "idle_time_to_run",
        "max_bytes_sec_up",
        "max_bytes_sec_down",
        "cpu_usage_limit",
        "daily_xfer_limit_mb",
        "daily_xfer_period_days",
        "override_file_present",
        "network_wifi_only",
    }
)

_LEAF = re.compile(r"<([a-z_0-9]+)>([^<]*)</\1>")
_OPEN = re.compile(r"<([a-z_0-9]+)/?>")


def read(path: str) -> str:
    return (V7 / path).read_text("utf-8")


def both(cls: type[T], text: str, tag: str) -> T:
    """Decode on the fast and the tolerant path; they must agree."""
    a: T = decode(cls, text, tag)
    assert equal(a, decode_slow(cls, text, tag))
    return a


def element(text: str, tag: str) -> str:
    start = text.index(f"<{tag}>")
    end = text.index(f"</{tag}>") + len(tag) + 3
    return text[start:end]


def top_level_tags(xml: str, tag: str) -> list[str]:
    """Tags of the direct children of ``<tag>`` in our encoder's output."""
    body = xml[len(f"<{tag}>\n") : -len(f"</{tag}>\n")]
    out: list[str] = []
    depth = 0
    for m in re.finditer(r"<(/?)([a-z_0-9]+)(/?)>", body):
        close, name, empty = m.groups()
        if close:
            depth -= 1
        elif empty:
            if depth == 0:
                out.append(name)
        else:
            if depth == 0:
                out.append(name)
            depth += 1
        # a leaf <x>text</x> opens and closes at the same depth
    return out


def expected_value(value: object, text: str) -> object:
    """Convert a fixture's text the way its field's type says, independently of the engine."""
    if isinstance(value, bool):
        assert text in ("0", "1")
        return text == "1"
    if isinstance(value, int):
        return int(text)
    if isinstance(value, float):
        return float(text)
    return text.strip()


# ---------------------------------------------------------------------------
# Global preferences


PREFS_REPLIES = [
    "get_global_prefs_working.xml",
    "get_global_prefs_working_after_override.xml",
    "rich_50/get_global_prefs_working.xml",
    "rich_50/get_global_prefs_file.xml",
]


@pytest.mark.parametrize("name", PREFS_REPLIES)
def test_full_prefs_match_the_fixture_text_field_by_field(name: str) -> None:
    text = read(name)
    p = both(GlobalPreferences, text, "global_preferences")
    leaves = _LEAF.findall(element(text, "global_preferences"))
    assert len(leaves) == 36
    for tag, body in leaves:
        value = getattr(p, tag)
        assert value is not None, tag
        assert value == expected_value(value, body), tag
    assert p.mask() == FULL_7_20_5  # 7.20.5 sends no niu_*, no max_cpus (0), no day_prefs
    assert p.day_prefs == ()
    assert p.max_cpus is None


def test_full_prefs_spot_checks() -> None:
    fresh = both(GlobalPreferences, read("get_global_prefs_working.xml"), "global_preferences")
    assert fresh.source_project == ""
    assert fresh.mod_time == 0.0
    assert fresh.confirm_before_connecting is True
    assert fresh.run_on_batteries is False
    assert fresh.work_buf_min_days == 0.1
    assert fresh.ram_max_used_idle_pct == 90.0
    assert fresh.daily_xfer_period_days == 0
    assert fresh.override_file_present is False
    after = both(GlobalPreferences, read("get_global_prefs_working_after_override.xml"), "global_preferences")
    assert after == attrs.evolve(fresh, max_ncpus_pct=50.0, cpu_usage_limit=50.0, override_file_present=True)
    rich = both(GlobalPreferences, read("rich_50/get_global_prefs_working.xml"), "global_preferences")
    assert rich.source_project == "http://127.0.0.1:9/alpha/"
    assert rich.mod_time == 1795229386.230920
    assert rich.cpu_usage_limit == 80.0
    assert rich.disk_max_used_gb == 20.0
    assert rich.network_wifi_only is True


@pytest.mark.parametrize(
    "name", ["get_state.xml", "get_state_after_attach.xml", "rich_50/get_state.xml", "rich_50/get_state_after_ops.xml"]
)
def test_prefs_inside_get_state(name: str) -> None:
    p = decode(GlobalPreferences, (V7 / name).read_bytes(), "global_preferences")
    assert p.mask() == FULL_7_20_5
    if name in ("get_state.xml", "rich_50/get_state.xml"):  # recorded in the same session as the working prefs
        working = name.replace("get_state.xml", "get_global_prefs_working.xml")
        assert p == decode(GlobalPreferences, read(working), "global_preferences")


@pytest.mark.parametrize("name", ["get_global_prefs_override_before_set.xml", "get_global_prefs_file.xml"])
def test_error_replies_hold_no_prefs(name: str) -> None:
    with pytest.raises(ReplyParseError):
        decode(GlobalPreferences, read(name), "global_preferences")


def test_override_decodes_to_exactly_the_set_fields() -> None:
    p = both(GlobalPreferences, read("get_global_prefs_override.xml"), "global_preferences")
    assert p == GlobalPreferences(run_on_batteries=False, cpu_usage_limit=50.0, max_ncpus_pct=50.0)
    assert p.mask() == {"run_on_batteries", "cpu_usage_limit", "max_ncpus_pct"}
    assert repr(p) == "GlobalPreferences(run_on_batteries=False, max_ncpus_pct=50.0, cpu_usage_limit=50.0)"


def test_override_read_modify_write_writes_only_set_fields() -> None:
    p = decode(GlobalPreferences, read("get_global_prefs_override.xml"), "global_preferences")
    changed = attrs.evolve(p, cpu_usage_limit=75.0, disk_max_used_gb=10.0)
    xml = encode(changed, "global_preferences")
    assert xml == (
        "<global_preferences>\n"
        "<run_on_batteries>0</run_on_batteries>\n"
        "<max_ncpus_pct>50.0</max_ncpus_pct>\n"
        "<disk_max_used_gb>10.0</disk_max_used_gb>\n"
        "<cpu_usage_limit>75.0</cpu_usage_limit>\n"
        "</global_preferences>\n"
    )
    assert decode(GlobalPreferences, xml, "global_preferences") == GlobalPreferences(
        run_on_batteries=False, max_ncpus_pct=50.0, disk_max_used_gb=10.0, cpu_usage_limit=75.0
    )
    removed = attrs.evolve(changed, max_ncpus_pct=None)
    assert "max_ncpus_pct" not in encode(removed, "global_preferences")
    assert removed.mask() == {"run_on_batteries", "disk_max_used_gb", "cpu_usage_limit"}


def test_an_empty_override_writes_an_empty_element() -> None:
    assert encode(GlobalPreferences(), "global_preferences") == "<global_preferences>\n</global_preferences>\n"
    assert GlobalPreferences().mask() == frozenset()


def test_working_read_modify_write_keeps_every_field_in_the_clients_order() -> None:
    text = read("rich_50/get_global_prefs_working.xml")
    p = decode(GlobalPreferences, text, "global_preferences")
    changed = attrs.evolve(p, cpu_usage_limit=60.0, run_gpu_if_user_active=True)
    xml = encode(changed, "global_preferences")
    assert decode(GlobalPreferences, xml, "global_preferences") == changed
    fixture_order = [tag for tag, _ in _LEAF.findall(element(text, "global_preferences"))]
    assert top_level_tags(xml, "global_preferences") == fixture_order
    assert "<cpu_usage_limit>60.0</cpu_usage_limit>" in xml
    assert "<run_gpu_if_user_active>1</run_gpu_if_user_active>" in xml


def test_day_prefs_and_venues() -> None:
    text = """<global_preferences>
   <cpu_usage_limit>40</cpu_usage_limit>
   <venue name="home">
      <cpu_usage_limit>10</cpu_usage_limit>
   </venue>
   <day_prefs>
      <day_of_week>1</day_of_week>
      <start_hour>8.50</start_hour>
      <end_hour>17.00</end_hour>
   </day_prefs>
   <day_prefs>
      <day_of_week>6</day_of_week>
      <net_start_hour>0.00</net_start_hour>
      <net_end_hour>6.00</net_end_hour>
   </day_prefs>
   <max_cpus>012</max_cpus>
</global_preferences>"""
    p = both(GlobalPreferences, text, "global_preferences")
    assert p == GlobalPreferences(
        cpu_usage_limit=40.0,
        max_cpus=10,  # strtol: a leading 0 is octal
        day_prefs=(
            DayPrefs(day_of_week=1, start_hour=8.5, end_hour=17.0),
            DayPrefs(day_of_week=6, net_start_hour=0.0, net_end_hour=6.0),
        ),
    )
    xml = encode(p, "global_preferences")
    assert "venue" not in xml  # documented: venue blocks are not kept
    assert "<max_cpus>10</max_cpus>" in xml
    assert "<day_prefs>\n<day_of_week>6</day_of_week>\n<net_start_hour>0.0</net_start_hour>\n" in xml
    assert decode(GlobalPreferences, xml, "global_preferences") == p


def test_prefs_get_fills_in_the_clients_defaults() -> None:
    p = GlobalPreferences(cpu_usage_limit=50.0)
    assert p.get("cpu_usage_limit") == 50.0
    assert p.get("disk_max_used_pct") == 90.0
    assert p.get("run_if_user_active") is True
    assert p.get("niu_cpu_usage_limit") == 50.0  # an unset niu_* takes its in-use counterpart
    assert p.get("niu_max_ncpus_pct") == 0.0
    assert GlobalPreferences(niu_cpu_usage_limit=20.0).get("niu_cpu_usage_limit") == 20.0
    assert p.get("day_prefs") == ()
    with pytest.raises(AttributeError):
        p.get("mask")
    names = {f.name for f in attrs.fields(GlobalPreferences)}
    niu = {"niu_max_ncpus_pct", "niu_cpu_usage_limit", "niu_suspend_cpu_usage"}
    assert set(GLOBAL_PREFS_DEFAULTS) == names - niu - {"day_prefs"}
    for name in names:
        GlobalPreferences().get(name)  # every field has a default


# ---------------------------------------------------------------------------
# cc_config


CC_FIXTURE = CcConfig(
    log_flags=LogFlags(task=True, file_xfer=True, sched_ops=True),
    options=CcConfigOptions(
        allow_multiple_clients=True,
        dont_contact_ref_site=True,
        no_gpus=True,
        no_opencl=True,
        skip_cpu_benchmarks=True,
    ),
)


@pytest.mark.parametrize("name", ["get_cc_config.xml", "get_cc_config_after_set.xml"])
def test_cc_config_fixture(name: str) -> None:
    assert both(CcConfig, read(name), "cc_config") == CC_FIXTURE


def test_cc_config_read_modify_write() -> None:
    cfg = decode(CcConfig, read("get_cc_config.xml"), "cc_config")
    changed = attrs.evolve(
        cfg,
        log_flags=attrs.evolve(cfg.log_flags, cpu_sched=True, task=False),
        options=attrs.evolve(cfg.options, ncpus=2, exclusive_apps=("game.exe", "a&b.exe")),
    )
    xml = encode(changed, "cc_config")
    assert decode(CcConfig, xml, "cc_config") == changed
    log_flags = element(xml, "log_flags")
    assert set(top_level_tags(log_flags, "log_flags")) == {"file_xfer", "sched_ops", "task", "cpu_sched"}
    assert "<task>0</task>" in log_flags
    assert "<cpu_sched>1</cpu_sched>" in log_flags
    options = element(xml, "options")
    assert top_level_tags(options, "options") == [
        "allow_multiple_clients",
        "dont_contact_ref_site",
        "exclusive_app",
        "exclusive_app",
        "ncpus",
        "no_gpus",
        "no_opencl",
        "skip_cpu_benchmarks",
    ]
    assert "<exclusive_app>a&amp;b.exe</exclusive_app>" in options
    assert "<ncpus>2</ncpus>" in options


def test_cc_config_dialect_every_kind_of_option() -> None:
    text = """<?xml version="1.0"?>\r
<!-- my config -->\r
<cc_config>\r
  <log_flags/>\r
  <options>\r
    <no_gpus/>\r
    <report_results_immediately>0</report_results_immediately>\r
    <alt_platform>i686-pc-linux-gnu</alt_platform>\r
    <exclusive_app>a.exe</exclusive_app>\r
    <exclusive_app>b.exe</exclusive_app>\r
    <ignore_cuda_dev>1</ignore_cuda_dev>\r
    <ignore_nvidia_dev>0</ignore_nvidia_dev>\r
    <process_priority>3</process_priority>\r
    <process_priority_special>9</process_priority_special>\r
    <rec_half_life_days>2.5</rec_half_life_days>\r
    <force_auth>ntlm</force_auth>\r
    <client_download_url>obsolete</client_download_url>\r
    <some_future_option>1</some_future_option>\r
    <coproc>\r
      <type>miner_asic</type>\r
      <count>2</count>\r
      <peak_flops>1e12</peak_flops>\r
      <device_nums>0 1</device_nums>\r
      <non_gpu/>\r
    </coproc>\r
    <exclude_gpu>\r
      <url>http://example.org/</url>\r
      <device_num>1</device_num>\r
      <app>ap</app>\r
    </exclude_gpu>\r
    <proxy_info>\r
      <http_server_name>proxy.lan</http_server_name>\r
      <http_server_port>3128</http_server_port>\r
    </proxy_info>\r
    <dont_use_docker>1</dont_use_docker>\r
    <max_overdue_days>7</max_overdue_days>\r
  </options>\r
</cc_config>\r
"""
    cfg = both(CcConfig, text, "cc_config")
    assert cfg == CcConfig(
        log_flags=LogFlags(),
        options=CcConfigOptions(
            no_gpus=True,
            report_results_immediately=False,
            alt_platforms=("i686-pc-linux-gnu",),
            exclusive_apps=("a.exe", "b.exe"),
            ignore_cuda_devs=(1,),
            ignore_nvidia_devs=(0,),
            process_priority=ConfigPriority.HIGH,
            process_priority_special=ConfigPriority(9),
            rec_half_life_days=2.5,
            force_auth="ntlm",
            coprocs=(CoprocConfig(type="miner_asic", count=2, peak_flops=1e12, device_nums="0 1", non_gpu=True),),
            exclude_gpus=(ExcludeGpu(url="http://example.org/", device_num=1, app="ap"),),
            proxy_info=ProxyInfo(http_server_name="proxy.lan", http_server_port=3128),
            dont_use_docker=True,
            max_overdue_days=7.0,
        ),
    )
    assert cfg.options.process_priority_special is not None
    assert cfg.options.process_priority_special.name == "UNKNOWN_9"
    xml = encode(cfg, "cc_config")
    for dropped in ("<?xml", "<!--", "client_download_url", "some_future_option", "\r"):
        assert dropped not in xml  # documented: not kept on write
    assert "<process_priority>3</process_priority>" in xml
    assert "<peak_flops>1000000000000.0</peak_flops>" in xml
    assert decode(CcConfig, xml, "cc_config") == cfg


def test_cc_config_get_fills_in_the_clients_defaults() -> None:
    flags = LogFlags(task=False, cpu_sched=True)
    assert flags.get("task") is False
    assert flags.get("file_xfer") is True
    assert flags.get("cpu_sched") is True
    assert flags.get("http_debug") is False
    with pytest.raises(AttributeError):
        flags.get("nope")
    opts = CcConfigOptions(ncpus=4)
    assert opts.get("ncpus") == 4
    assert opts.get("max_file_xfers") == 8
    assert opts.get("force_auth") == "default"
    assert opts.get("process_priority") is ConfigPriority.UNSPECIFIED
    assert opts.get("exclusive_apps") == ()
    assert opts.get("proxy_info") is None
    with pytest.raises(AttributeError):
        opts.get("get")
    scalars = {f.name for f in attrs.fields(CcConfigOptions) if f.default is None and f.name != "proxy_info"}
    assert set(CC_CONFIG_DEFAULTS) == scalars


def test_empty_cc_config() -> None:
    assert both(CcConfig, "<cc_config/>", "cc_config") == CcConfig()
    assert (
        encode(CcConfig(), "cc_config")
        == "<cc_config>\n<log_flags>\n</log_flags>\n<options>\n</options>\n</cc_config>\n"
    )
    assert repr(CcConfig()) == "CcConfig(log_flags=LogFlags(), options=CcConfigOptions())"


# ---------------------------------------------------------------------------
# Proxy


def test_proxy_fixtures() -> None:
    assert both(ProxyInfo, read("get_proxy_settings.xml"), "proxy_info") == ProxyInfo()
    after = both(ProxyInfo, read("get_proxy_settings_after_set.xml"), "proxy_info")
    assert after == ProxyInfo(socks_server_port=0, http_server_port=0)


def test_proxy_read_modify_write() -> None:
    p = decode(ProxyInfo, read("get_proxy_settings.xml"), "proxy_info")
    changed = attrs.evolve(
        p, use_http_proxy=True, use_http_auth=True, http_server_name="proxy.lan", http_user_passwd="p<&>w"
    )
    xml = encode(changed, "proxy_info")
    assert xml.startswith(
        "<proxy_info>\n<use_http_proxy/>\n<use_http_auth/>\n<socks_server_name></socks_server_name>\n"
    )
    assert "<http_user_passwd>p&lt;&amp;&gt;w</http_user_passwd>" in xml
    assert "<autodetect_" not in xml  # Windows-only fields stay out at their defaults
    assert decode(ProxyInfo, xml, "proxy_info") == changed
    assert "p<&>w" not in repr(changed)
    assert "http_user_passwd" not in repr(changed)


def test_proxy_windows_autodetect_quirk() -> None:
    text = (
        "<proxy_info>\n<no_autodetect>0</no_autodetect>\n<autodetect_protocol>1</autodetect_protocol>\n"
        "<autodetect_server_name>-1234567</autodetect_server_name>\n<autodetect_port>8080</autodetect_port>\n"
        "</proxy_info>"
    )
    p = both(ProxyInfo, text, "proxy_info")
    assert p == ProxyInfo(autodetect_protocol=1, autodetect_server_name="-1234567", autodetect_port=8080)
    assert decode(ProxyInfo, encode(p, "proxy_info"), "proxy_info") == p


# ---------------------------------------------------------------------------
# app_config


def test_app_config_fixtures() -> None:
    raw = both(AppConfigs, (RICH / "get_app_config_alpha.xml").read_text("utf-8"), "app_config")
    assert raw == AppConfigs(
        apps=(AppConfig(name="alpha_sim", max_concurrent=1, report_results_immediately=True),),
        project_max_concurrent=2,
    )
    rewritten = both(AppConfigs, (RICH / "get_app_config_alpha_after_set.xml").read_text("utf-8"), "app_config")
    assert rewritten == AppConfigs(
        apps=(AppConfig(name="alpha_sim", max_concurrent=2, gpu_versions=GpuVersions()),),
    )
    for name in ("rich_50/get_app_config_beta_none.xml", "get_app_config_no_project.xml"):
        with pytest.raises(ReplyParseError):
            decode(AppConfigs, read(name), "app_config")


def test_app_config_read_modify_write() -> None:
    cfg = decode(AppConfigs, (RICH / "get_app_config_alpha.xml").read_text("utf-8"), "app_config")
    app = attrs.evolve(cfg.apps[0], max_concurrent=3, gpu_versions=GpuVersions(gpu_usage=0.5, cpu_usage=1.0))
    changed = attrs.evolve(
        cfg,
        apps=(app,),
        app_versions=(AppVersionConfig(app_name="alpha_sim", plan_class="cuda", cmdline="--x 1", avg_ncpus=2.0),),
    )
    xml = encode(changed, "app_config")
    assert xml == (
        "<app_config>\n<app>\n<name>alpha_sim</name>\n<max_concurrent>3</max_concurrent>\n"
        "<gpu_versions>\n<gpu_usage>0.5</gpu_usage>\n<cpu_usage>1.0</cpu_usage>\n</gpu_versions>\n"
        "<fraction_done_exact>0</fraction_done_exact>\n<report_results_immediately>1</report_results_immediately>\n"
        "</app>\n<app_version>\n<app_name>alpha_sim</app_name>\n<plan_class>cuda</plan_class>\n"
        "<cmdline>--x 1</cmdline>\n<avg_ncpus>2.0</avg_ncpus>\n<ngpus>0.0</ngpus>\n</app_version>\n"
        "<project_max_concurrent>2</project_max_concurrent>\n"
        "<report_results_immediately>0</report_results_immediately>\n</app_config>\n"
    )
    assert decode(AppConfigs, xml, "app_config") == changed


# ---------------------------------------------------------------------------
# Module surface


@pytest.mark.parametrize("module", [prefs, cc_config, app_config, proxy])
def test_public_names_are_exported_and_documented(module: object) -> None:
    names = module.__all__  # type: ignore[attr-defined]
    assert len(set(names)) == len(names)
    for name in names:
        obj = getattr(module, name)
        if isinstance(obj, type):
            assert obj.__doc__, name
            assert obj.__module__ == module.__name__  # type: ignore[attr-defined]


def test_xml_tags() -> None:
    assert GlobalPreferences.xml_tag == "global_preferences"
    assert CcConfig.xml_tag == "cc_config"
    assert AppConfigs.xml_tag == "app_config"
    assert ProxyInfo.xml_tag == "proxy_info"
