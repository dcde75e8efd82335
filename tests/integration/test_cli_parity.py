"""Parity of ``boinc`` with the real ``boinccmd`` 7.20.5, against real clients.

Every command runs twice with the same arguments, ``boinccmd`` then ``boinc``,
and both must print the same stdout and exit with the same status:

* read commands against one client, fresh and seeded with a rich state;
* control commands against two clients started from the same seed, one driven
  by each tool; afterwards the two clients' states must agree;
* bad input: usage errors, an unreachable port, a wrong password.

Masked lines (nothing else is): ``now:`` of the time stats (the client's clock,
in microseconds, so two runs never agree) and the free disk space (``free:``,
``disk free:``), which other processes change between the two runs. Poll loops
print one ``operation in progress`` a second; their repeats are collapsed.
"""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from boinc.gui_rpc import RpcClient
from tests.realclient import BOINCCMD, RealClient, boinccmd

pytestmark = pytest.mark.realclient

ROOT = Path(__file__).resolve().parents[2]
_MASK = re.compile(r"^(  now: |free: |  disk free: ).*$", re.M)
_IN_PROGRESS = re.compile(r"(poll status: operation in progress\n)+")

READ_VERBS: list[list[str]] = [
    ["--get_state"],
    ["--get_tasks"],
    ["--get_project_status"],
    ["--get_project_urls"],
    ["--get_simple_gui_info"],
    ["--get_file_transfers"],
    ["--get_disk_usage"],
    ["--get_old_tasks"],
    ["--get_daily_xfer_history"],
    ["--get_messages"],
    ["--get_messages", "3"],
    ["--get_notices"],
    ["--get_notices", "2"],
    ["--get_message_count"],
    ["--get_cc_status"],
    ["--get_host_info"],
    ["--get_proxy_settings"],
    ["--acct_mgr", "info"],
    ["--client_version"],
    ["--get_app_config", "http://127.0.0.1:9/alpha/"],
    ["--get_app_config", "http://127.0.0.1:9/nowhere/"],
]


def run_boinc(
    client: RealClient, *args: str, password: bool = True, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``python -m boinc --host 127.0.0.1:PORT --passwd PW ARGS`` in the client's data dir."""
    cmd = [sys.executable, "-m", "boinc", "--host", f"{client.host}:{client.port}"]
    if password:
        cmd += ["--passwd", client.password]
    return subprocess.run(
        [*cmd, *args], cwd=client.data_dir, capture_output=True, text=True, timeout=timeout, errors="replace",
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip


def _clean(text: str) -> str:
    return _IN_PROGRESS.sub("poll status: operation in progress\n", _MASK.sub(r"\1<masked>", text))


def assert_same(theirs: subprocess.CompletedProcess[str], ours: subprocess.CompletedProcess[str]) -> None:
    """Same stdout (after the documented masks) and the same exit status; no traceback."""
    assert "Traceback" not in ours.stderr
    assert _clean(ours.stdout) == _clean(theirs.stdout)
    assert ours.returncode == theirs.returncode, (theirs.stderr, ours.stderr)


def check(client: RealClient, *args: str) -> subprocess.CompletedProcess[str]:
    """Run both tools on one client and compare; return boinccmd's run."""
    theirs = boinccmd(client, *args)
    ours = run_boinc(client, *args)
    assert_same(theirs, ours)
    return theirs


# ---------------------------------------------------------------------------
# read commands


@pytest.mark.parametrize("args", READ_VERBS, ids=" ".join)
def test_read_commands_on_a_fresh_client(real_client: RealClient, args: list[str]) -> None:
    check(real_client, *args)


@pytest.mark.parametrize("args", READ_VERBS, ids=" ".join)
def test_read_commands_on_a_seeded_client(seeded_client: RealClient, args: list[str]) -> None:
    out = check(seeded_client, *args).stdout
    if args == ["--get_tasks"]:
        assert seeded_client.seed is not None
        assert out.count("\n   name: ") == seeded_client.seed.n_tasks  # really a rich state


def test_the_seeded_state_is_rich(seeded_client: RealClient) -> None:
    state = boinccmd(seeded_client, "--get_state").stdout
    for text in (
        "state: downloading",
        "state: uploading",
        "state: compute error",
        "state: aborted",
        "scheduler state: preempted",
    ):
        assert text in state
    assert "\n1) -----------\n   name: " in boinccmd(seeded_client, "--get_file_transfers").stdout
    assert boinccmd(seeded_client, "--get_notices").stdout.count(": (") >= 3


# ---------------------------------------------------------------------------
# bad input


@pytest.mark.parametrize(
    "args",
    [[], ["--nonsense"], ["--task"], ["--task", "u", "n"], ["--project", "u"], ["--set_run_mode"],
     ["--set_proxy_settings", "a", "1"], ["--acct_mgr"], ["--acct_mgr", "attach", "u"],
     ["--run_graphics_app", "1", "test"]],
    ids=lambda a: " ".join(a) or "nothing",
)  # fmt: skip
def test_usage_errors(real_client: RealClient, args: list[str]) -> None:
    check(real_client, *args)


def test_wrong_password(real_client: RealClient) -> None:
    theirs = subprocess.run(
        [BOINCCMD, "--host", f"127.0.0.1:{real_client.port}", "--passwd", "nope", "--get_state"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    ours = subprocess.run(
        [sys.executable, "-m", "boinc", "--host", f"127.0.0.1:{real_client.port}", "--passwd", "nope", "--get_state"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert_same(theirs, ours)
    assert ours.stderr == theirs.stderr == "Authorization failure: -155\n"


def test_unreachable_port(real_client: RealClient) -> None:
    port = real_client.port + 1 if real_client.port < 65535 else 1024
    theirs = subprocess.run(
        [BOINCCMD, "--host", f"127.0.0.1:{port}", "--passwd", "x", "--get_state"],
        capture_output=True,
        text=True,
        check=False,
    )
    ours = subprocess.run(
        [sys.executable, "-m", "boinc", "--host", f"127.0.0.1:{port}", "--passwd", "x", "--get_state"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert_same(theirs, ours)
    assert ours.stderr == theirs.stderr


def _env_without_boinc() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BOINC_PASSWORD", "BOINC_HOST")}
    return env | {"PYTHONPATH": str(ROOT)}


def test_no_password_means_only_read_only_requests(real_client: RealClient) -> None:
    # run where no gui_rpc_auth.cfg is to be found: boinccmd warns and goes on without authorizing
    for args in (
        ["--get_cc_status"],
        ["--get_notices"],
        ["--get_proxy_settings"],
        ["--quit_acct_mgr"],
        ["--network_available"],
    ):
        theirs = subprocess.run(
            [BOINCCMD, "--host", f"127.0.0.1:{real_client.port}", *args],
            capture_output=True,
            text=True,
            cwd="/",
            check=False,
        )
        ours = subprocess.run(
            [sys.executable, "-m", "boinc", "--host", f"127.0.0.1:{real_client.port}", *args],
            capture_output=True, text=True, cwd="/", check=False,
            env=_env_without_boinc(),
        )  # fmt: skip
        assert_same(theirs, ours)


# ---------------------------------------------------------------------------
# control commands: one client per tool, the same commands, the same state afterwards


def _snapshot(client: RealClient) -> dict[str, object]:
    """What control commands change, read through the library (timestamps left out)."""
    with RpcClient(client.host, client.port) as rpc:
        rpc.authorize(client.password)
        status = rpc.get_cc_status()
        projects = rpc.get_project_status()
        delays = (status.task_mode_delay, status.gpu_mode_delay, status.network_mode_delay)
        return {
            "projects": sorted((p.master_url, p.suspended_via_gui, p.dont_request_more_work, p.detach_when_done)
                               for p in projects),
            "tasks": sorted((r.name, r.state, r.suspended_via_gui, r.ready_to_report) for r in rpc.get_results()),
            "transfers": sorted(t.name for t in rpc.get_file_transfers()),
            "modes": (status.task_mode, status.task_mode_perm, status.gpu_mode, status.gpu_mode_perm,
                      status.network_mode, status.network_mode_perm),
            "delays": tuple(round(d / 60) for d in delays),
            "proxy": rpc.get_proxy_settings(),
            "product_name": rpc.get_host_info().product_name,
        }  # fmt: skip


def _pair(make_client: object, seeded: bool) -> tuple[RealClient, RealClient]:
    a = make_client(50, seeded=seeded)  # type: ignore[operator]
    b = make_client(50, seeded=seeded)  # type: ignore[operator]
    return a, b


def _run_pair(a: RealClient, b: RealClient, commands: Sequence[Sequence[str]]) -> None:
    for args in commands:
        theirs = boinccmd(a, *args)
        ours = run_boinc(b, *args)
        assert_same(theirs, ours)
    assert _snapshot(a) == _snapshot(b)


def test_control_commands_on_seeded_clients(make_client: object) -> None:
    a, b = _pair(make_client, seeded=True)
    seed = a.seed
    assert seed is not None
    alpha, beta, gamma = seed.project_urls
    task = seed.tasks["downloaded"][0]
    other = seed.tasks["downloaded"][1]
    suspended = seed.tasks["suspended"][0]
    with RpcClient(a.host, a.port) as rpc:
        transfers = [(t.project_url, t.name) for t in rpc.get_file_transfers()]
    commands: list[list[str]] = [
        ["--project", alpha, "suspend"],
        ["--project", alpha.removeprefix("http://"), "resume"],  # canonicalised
        ["--project", beta, "nomorework"],
        ["--project", gamma, "detach_when_done"],
        ["--project", gamma, "dont_detach_when_done"],
        ["--project", beta, "allowmorework"],
        ["--project", alpha, "update"],
        ["--project", "http://127.0.0.1:9/nowhere/", "suspend"],  # no such project: exit 255
        ["--project", alpha, "explode"],  # unknown op: exit 0
        ["--task", seed.task_project[task], task, "suspend"],
        ["--task", seed.task_project[suspended], suspended, "resume"],
        ["--task", seed.task_project[other], other, "abort"],
        ["--task", alpha, "no-such-task", "abort"],
        ["--task", alpha, task, "explode"],
        ["--file_transfer", *transfers[0], "retry"],
        ["--file_transfer", *transfers[-1], "abort"],
        ["--file_transfer", alpha, "no-such-file", "abort"],
        ["--set_run_mode", "never", "3600"],
        ["--set_gpu_mode", "never"],
        ["--set_network_mode", "never", "-1"],
        ["--set_run_mode", "sometimes"],
        ["--set_host_info", "Parity Box"],
        ["--set_proxy_settings", "proxy.example", "3128", "user", "pass", "", "0", "", "", "localhost"],
        ["--read_cc_config"],
        ["--read_global_prefs_override"],
        ["--network_available"],
        ["--project", gamma, "reset"],
        ["--project", beta, "detach"],
        ["--project_attach", "http://127.0.0.1:9/zeta", "0123456789abcdef"],
        ["--project_attach", "http://127.0.0.1:9/zeta/", "0123456789abcdef"],  # already attached
        ["--quit_acct_mgr"],
        ["--acct_mgr", "sync"],
        ["--acct_mgr", "bogus"],
    ]
    _run_pair(a, b, commands)
    times = re.compile(r"^   (received|report deadline|last RPC): .*\n\n?", re.M)
    for args in (["--get_tasks"], ["--get_project_urls"], ["--get_proxy_settings"]):
        theirs, ours = boinccmd(a, *args).stdout, boinccmd(b, *args).stdout
        assert times.sub("", _clean(ours)) == times.sub("", _clean(theirs))


def test_control_commands_on_fresh_clients(make_client: object) -> None:
    a, b = _pair(make_client, seeded=False)
    commands = [
        ["--set_run_mode", "always"],
        ["--set_run_mode", "auto", "600"],
        ["--set_gpu_mode", "always", "60"],
        ["--set_gpu_mode", "never"],
        ["--set_network_mode", "auto"],
        ["--set_network_mode", "never", "900"],
        ["--reset_host_info"],
        ["--get_project_config", "http://127.0.0.1:9/alpha/"],
        ["--lookup_account", "http://127.0.0.1:9/alpha/", "Someone@Example.com", "pw"],
        ["--create_account", "http://127.0.0.1:9/alpha/", "someone@example.com", "pw", "Someone"],
        ["--acct_mgr", "detach"],
        ["--run_benchmarks"],
    ]
    _run_pair(a, b, commands)


def _first_lines(proc: subprocess.Popen[str], n: int, timeout: float) -> list[str]:
    """The first ``n`` lines a running process prints (fewer if it prints nothing more in time)."""
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while len(lines) < n and time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.2)
        if ready:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
    return lines


def _unbuffered(cmd: list[str]) -> list[str]:
    return ["stdbuf", "-oL", *cmd]


def test_account_manager_attach_polls_the_same_way(make_client: object) -> None:
    # without a reachable account manager both tools poll forever: compare their first lines. Each
    # tool gets a fresh client of its own: an abandoned attach keeps the client's HTTP request busy for
    # a while, and a second attach meanwhile would first poll "retry" instead of "in progress".
    url = "http://127.0.0.1:9/am/"
    for args in (["--acct_mgr", "attach", url, "name", "pw"], ["--join_acct_mgr", url, "name", "pw"]):
        outputs = []
        for cmd, client in zip((_unbuffered([BOINCCMD]), [sys.executable, "-u", "-m", "boinc"]),
                               _pair(make_client, seeded=False)):
            common = ["--host", f"127.0.0.1:{client.port}", "--passwd", client.password]
            proc = subprocess.Popen(
                [*cmd, *common, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )  # fmt: skip
            outputs.append(_first_lines(proc, 2, timeout=30))
            proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=10)
        theirs, ours = outputs
        assert theirs == ours == ["polling for reply", "poll status: operation in progress"], outputs


def test_quit(make_client: object) -> None:
    a, b = _pair(make_client, seeded=False)
    assert_same(boinccmd(a, "--quit"), run_boinc(b, "--quit"))
    deadline = time.monotonic() + 60
    while (a.running or b.running) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not a.running and not b.running, "a client did not exit within a minute of --quit"
