"""BoincClient's methods are named as boinccmd's options (and the async twin has the same ones)."""

from __future__ import annotations

import inspect

from boinc import AsyncBoincClient, BoincClient

#: boinccmd 7.20.5's options (clientctrl/boinc_cmd.cpp), less those about the connection (--host,
#: --passwd, --unix_domain), its own --help and --version, and the Mac-only --run_graphics_app.
BOINCCMD_OPTIONS = [
    "acct_mgr",
    "client_version",
    "create_account",
    "file_transfer",
    "get_app_config",
    "get_cc_status",
    "get_daily_xfer_history",
    "get_disk_usage",
    "get_file_transfers",
    "get_host_info",
    "get_message_count",
    "get_messages",
    "get_notices",
    "get_old_tasks",
    "get_project_config",
    "get_project_status",
    "get_project_urls",
    "get_proxy_settings",
    "get_simple_gui_info",
    "get_state",
    "get_tasks",
    "join_acct_mgr",
    "lookup_account",
    "network_available",
    "project",
    "project_attach",
    "quit",
    "quit_acct_mgr",
    "read_cc_config",
    "read_global_prefs_override",
    "reset_host_info",
    "run_benchmarks",
    "set_app_config",
    "set_gpu_mode",
    "set_host_info",
    "set_network_mode",
    "set_proxy_settings",
    "set_run_mode",
    "task",
]
#: boinccmd's two-word verbs (``--acct_mgr attach``) and its aliases of them
SUBCOMMANDS = {"acct_mgr": ("acct_mgr_attach", "acct_mgr_info", "acct_mgr_sync", "acct_mgr_detach")}
ALIASES = {"join_acct_mgr": "acct_mgr_attach", "quit_acct_mgr": "acct_mgr_detach"}
#: requests boinccmd has no option for, named as the GUI RPC request
RPC_ONLY = {
    "get_statistics",
    "get_cc_config",
    "set_cc_config",
    "get_global_prefs_override",
    "set_global_prefs_override",
}
#: the connection itself
CONNECTION = {"connect", "close"}


def _methods(cls: type) -> set[str]:
    return {name for name, _ in inspect.getmembers(cls, inspect.isfunction) if not name.startswith("_")}


def test_every_boinccmd_option_is_a_method_of_its_name() -> None:
    methods = _methods(BoincClient)
    for option in BOINCCMD_OPTIONS:
        if option in ALIASES:
            continue
        wanted = SUBCOMMANDS.get(option, (option,))
        assert set(wanted) <= methods, f"--{option}: no BoincClient.{wanted}"


def test_no_other_names() -> None:
    expected = (set(BOINCCMD_OPTIONS) - set(SUBCOMMANDS) - set(ALIASES)) | {
        name for names in SUBCOMMANDS.values() for name in names
    }
    assert _methods(BoincClient) == expected | RPC_ONLY | CONNECTION


def test_the_async_twin_has_the_same_methods() -> None:
    assert _methods(AsyncBoincClient) == _methods(BoincClient)
