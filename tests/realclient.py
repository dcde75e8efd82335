"""A real BOINC core client on loopback, for integration tests and benchmarks.

This module drives Debian's ``boinc-client`` (``/usr/bin/boinc``, ``/usr/bin/boinccmd``).
It does not use :mod:`boinc` itself, so a bug in the library cannot break the rig that tests it.
It is importable without pytest.

The API is small:

``seed_state(data_dir, n_tasks=50, seed=0)`` -> :class:`SeedInfo`
    Writes a ``client_state.xml`` and every file it names: three projects on the closed port
    ``127.0.0.1:9``, five apps, seven app versions (one needs a missing NVIDIA GPU), tasks in every
    state, active tasks, reported tasks (they become old results), pending uploads and downloads,
    notices, statistics, a transfer history, an ``app_config.xml``, global prefs with a venue and
    an all-projects list (3 projects, 1 account manager).
    Run, GPU and network modes are stored as "never", so nothing runs and nothing is contacted.
    Everything is deterministic from ``seed`` apart from timestamps, which are relative to ``now``.

``RealClient(data_dir)``
    Starts ``boinc`` on a free loopback port (a context manager), waits until an authorized
    request succeeds, and stops it by pid (``<quit/>``, then SIGTERM, then SIGKILL).
    ``client.raw_rpc("<get_cc_status/>")`` returns the raw reply text; it is a tiny private helper
    for the rig, not the library under test.

``boinccmd(client, "--get_tasks")`` -> :class:`subprocess.CompletedProcess`
    Runs the real ``boinccmd`` against a :class:`RealClient`.

Example::

    info = seed_state(tmp / "data", n_tasks=200)
    with RealClient(tmp / "data", seed=info) as client:
        out = boinccmd(client, "--get_tasks").stdout
        assert out.count("   name: ") == info.n_tasks

A data dir serves one start only: the client rewrites ``client_state.xml`` while it runs.

Seeded clients start with ``--exit_before_start``: if a test sets the run mode to "always" (or
"auto"), the client exits as soon as it would start a task. Change run modes on a fresh client,
or expect the exit. Nothing else in the seeded state can start or transfer anything.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import platform
import random
import re
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import TracebackType
from xml.sax.saxutils import escape

__all__ = [
    "BOINC",
    "BOINCCMD",
    "CATEGORIES",
    "CATEGORY_STATE",
    "CLOSED_URL",
    "DEFAULT_PASSWORD",
    "HOST",
    "RealClient",
    "RealClientError",
    "SeedInfo",
    "boinc_installed",
    "boinccmd",
    "escape_project_url",
    "prepare_data_dir",
    "reap_clients",
    "seed_state",
]

#: The real client and command-line tool (Debian's ``boinc-client``).
BOINC = "/usr/bin/boinc"
BOINCCMD = "/usr/bin/boinccmd"
#: A closed loopback port: every URL the rig writes points here.
CLOSED_URL = "http://127.0.0.1:9/"
DEFAULT_PASSWORD = "rig-password"
HOST = "127.0.0.1"

_DAY = 86400.0


class RealClientError(RuntimeError):
    """The real client failed to start, answer or stop."""


def boinc_installed() -> bool:
    """Whether both ``boinc`` and ``boinccmd`` are installed."""
    return all(os.access(p, os.X_OK) for p in (BOINC, BOINCCMD))


def escape_project_url(url: str) -> str:
    """The client's file-name form of a master URL (``account_<this>.xml``, ``projects/<this>``).

    Strips the scheme, turns every character outside ``[A-Za-z0-9._-]`` into ``_`` and drops a
    trailing ``_``: ``http://127.0.0.1:9/alpha/`` -> ``127.0.0.1_9_alpha``.
    """
    rest = url.split("://", 1)[1] if "://" in url else url
    out = re.sub(r"[^A-Za-z0-9._-]", "_", rest)
    return out[:-1] if out.endswith("_") else out


def _primary_platform() -> str:
    machine = platform.machine()
    return {
        "x86_64": "x86_64-pc-linux-gnu",
        "aarch64": "aarch64-unknown-linux-gnu",
        "i686": "i686-pc-linux-gnu",
        "armv7l": "arm-unknown-linux-gnueabihf",
    }.get(machine, f"{machine}-unknown-linux-gnu")


# ---------------------------------------------------------------------------------------------
# the data dir
# ---------------------------------------------------------------------------------------------

_CC_CONFIG = """<cc_config>
  <log_flags>
    <task>1</task>
    <file_xfer>1</file_xfer>
    <sched_ops>1</sched_ops>
  </log_flags>
  <options>
    <allow_multiple_clients>1</allow_multiple_clients>
    <dont_contact_ref_site>1</dont_contact_ref_site>
    <no_gpus>1</no_gpus>
    <no_opencl>1</no_opencl>
    <skip_cpu_benchmarks>1</skip_cpu_benchmarks>
  </options>
</cc_config>
"""

_NVC_CONFIG = f"""<nvc_config>
  <client_download_url>{CLOSED_URL}</client_download_url>
  <client_version_check_url>{CLOSED_URL}</client_version_check_url>
  <network_test_url>{CLOSED_URL}</network_test_url>
</nvc_config>
"""


def prepare_data_dir(data_dir: Path, password: str = DEFAULT_PASSWORD) -> None:
    """Create ``data_dir`` with ``gui_rpc_auth.cfg``, ``cc_config.xml`` and ``nvc_config.xml``.

    Files that already exist are left alone. This is all a fresh (unseeded) client needs.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    for name, text in (
        ("gui_rpc_auth.cfg", password + "\n"),
        ("cc_config.xml", _CC_CONFIG),
        ("nvc_config.xml", _NVC_CONFIG),
    ):
        path = data_dir / name
        if not path.exists():
            path.write_text(text, encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# seeding
# ---------------------------------------------------------------------------------------------

#: Task categories, each a distinct state as the client reports it (``get_results``).
CATEGORIES = (
    "downloading",  # state 1: input file missing, a download to 127.0.0.1:9 pending
    "downloaded",  # state 2: ready to run
    "suspended",  # state 2, suspended via GUI
    "active",  # state 2 with an <active_task> (never started: run mode never)
    "uploading",  # state 4: output present, an upload to 127.0.0.1:9 pending
    "uploaded",  # state 5: ready to report
    "compute_error",  # state 3: ready to report, exit status != 0
    "aborted",  # state 6: aborted via GUI, ready to report
)

#: The ``<state>`` the client reports for each category.
CATEGORY_STATE = {
    "downloading": 1,
    "downloaded": 2,
    "suspended": 2,
    "active": 2,
    "uploading": 4,
    "uploaded": 5,
    "compute_error": 3,
    "aborted": 6,
}

# share of n_tasks for each category except "downloaded" (the rest) and "active" (n_active)
_SHARES = {
    "downloading": 0.04,
    "suspended": 0.04,
    "uploading": 0.04,
    "uploaded": 0.06,
    "compute_error": 0.04,
    "aborted": 0.03,
}
# the special categories stop growing here (big hosts hold mostly tasks ready to run)
_MAX_PER_CATEGORY = 200
# order in which categories get a task when n_tasks is tiny
_PRIORITY = ("downloaded", "active", "downloading", "uploading", "uploaded", "compute_error", "aborted", "suspended")


@dataclass(frozen=True)
class _Project:
    key: str
    name: str
    suspended: bool = False
    no_more_work: bool = False
    detach_when_done: bool = False

    @property
    def url(self) -> str:
        return f"{CLOSED_URL}{self.key}/"

    @property
    def dir_name(self) -> str:
        return escape_project_url(self.url)


@dataclass(frozen=True)
class _AppVersion:
    project: str
    app: str
    version_num: int
    plan_class: str = ""
    avg_ncpus: float = 1.0
    gpu: bool = False

    @property
    def file_name(self) -> str:
        tail = f"__{self.plan_class}" if self.plan_class else ""
        major, minor = divmod(self.version_num, 100)
        return f"{self.app}_{major}.{minor:02d}_{_primary_platform()}{tail}"


_PROJECTS = (
    _Project("alpha", "Alpha@Lab"),
    _Project("beta", "Beta Lab", no_more_work=True, detach_when_done=True),
    _Project("gamma", "Gamma Project", suspended=True),
)
_APPS = {
    "alpha_sim": ("alpha", "Alpha Simulation"),
    "alpha_cuda": ("alpha", "Alpha CUDA"),
    "beta_search": ("beta", "Beta Search"),
    "gamma_mt": ("gamma", "Gamma Multi-threaded"),
    "gamma_wrap": ("gamma", "Gamma Wrapper"),
}
_VERSIONS = (
    _AppVersion("alpha", "alpha_sim", 710),
    _AppVersion("alpha", "alpha_sim", 712, "avx2"),
    _AppVersion("alpha", "alpha_cuda", 300, "cuda118", avg_ncpus=0.2, gpu=True),
    _AppVersion("beta", "beta_search", 105),
    _AppVersion("beta", "beta_search", 106, "sse41"),
    _AppVersion("gamma", "gamma_mt", 200, "mt", avg_ncpus=2.0),
    _AppVersion("gamma", "gamma_wrap", 150),
)
# versions active tasks use (CPU only, one per project)
_ACTIVE_VERSIONS = (0, 3, 5)


@dataclass(frozen=True)
class SeedInfo:
    """What :func:`seed_state` wrote, for tests to assert against.

    ``tasks`` maps each category of :data:`CATEGORIES` to its task names; every name in it is
    served by ``get_results``. ``old_results`` are tasks written as reported and acknowledged:
    the client moves them to ``get_old_results`` and they are not in ``get_results``.
    """

    data_dir: Path
    password: str
    now: float
    #: master URLs, in the order written
    project_urls: tuple[str, ...]
    #: master URL -> project name
    project_names: dict[str, str]
    suspended_projects: tuple[str, ...]
    no_more_work_projects: tuple[str, ...]
    detach_when_done_projects: tuple[str, ...]
    #: the project with an app_config.xml
    app_config_project: str
    apps: tuple[str, ...]
    #: (app, version_num, plan_class)
    app_versions: tuple[tuple[str, int, str], ...]
    tasks: dict[str, tuple[str, ...]]
    old_results: tuple[str, ...]
    #: task name -> master URL
    task_project: dict[str, str]
    #: tasks whose app version needs a GPU (the client marks them ``coproc_missing``)
    gpu_tasks: tuple[str, ...]
    #: file names with a pending transfer (``get_file_transfers``)
    uploads: tuple[str, ...]
    downloads: tuple[str, ...]
    #: notice titles written to the feed archives
    notice_titles: tuple[str, ...]
    n_statistics_days: int
    host_venue: str = ""
    prefs_venue: str = "work"
    #: the detach-when-done canary's master URL (``seed_state(detach_canary=True)``)
    canary_url: str | None = None

    @cached_property
    def task_names(self) -> tuple[str, ...]:
        """Every task ``get_results`` serves (all categories)."""
        return tuple(n for c in CATEGORIES for n in self.tasks[c])

    @property
    def n_tasks(self) -> int:
        return sum(len(v) for v in self.tasks.values())

    @cached_property
    def _category(self) -> dict[str, str]:
        return {n: c for c, names in self.tasks.items() for n in names}

    def category_of(self, name: str) -> str:
        """The category (a key of :data:`CATEGORIES`) of task ``name``; KeyError if not served."""
        return self._category[name]

    def state_of(self, name: str) -> int:
        """The ``<state>`` the client reports for task ``name``; KeyError if not served."""
        return CATEGORY_STATE[self._category[name]]


def _category_counts(n_tasks: int, n_active: int) -> dict[str, int]:
    counts = dict.fromkeys(CATEGORIES, 0)
    if n_tasks < len(CATEGORIES) + 2:
        for i in range(n_tasks):
            counts[_PRIORITY[i % len(_PRIORITY)]] += 1
        counts["active"] = min(counts["active"], n_active)
        counts["downloaded"] = n_tasks - sum(v for k, v in counts.items() if k != "downloaded")
        return counts
    for cat, share in _SHARES.items():
        counts[cat] = min(_MAX_PER_CATEGORY, max(1, round(n_tasks * share)))
    counts["active"] = min(n_active, len(_ACTIVE_VERSIONS))
    counts["downloaded"] = n_tasks - sum(counts.values())
    return counts


def _f(x: float) -> str:
    return f"{x:.6f}"


class _Writer:
    """Accumulates client_state.xml text and files to create."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.parts: list[str] = []
        # (path, nbytes, executable)
        self.files: list[tuple[Path, int, bool]] = []

    def add(self, text: str) -> None:
        self.parts.append(text)

    def file_xml(
        self,
        proj: _Project,
        name: str,
        nbytes: int,
        *,
        present: bool,
        executable: bool = False,
        upload: bool = False,
        uploaded: bool = False,
    ) -> None:
        lines = [
            "<file>\n",
            f"    <name>{name}</name>\n",
            f"    <nbytes>{_f(nbytes)}</nbytes>\n",
            f"    <max_nbytes>{_f(10_000_000 if upload else 0)}</max_nbytes>\n",
            f"    <status>{1 if present else 0}</status>\n",
        ]
        if executable:
            lines.append("    <executable/>\n")
        if upload:
            lines.append("    <upload_when_present/>\n")
            if uploaded:
                lines.append("    <uploaded/>\n")
            lines.append(f"    <upload_url>{CLOSED_URL}{proj.key}_cgi/file_upload_handler</upload_url>\n")
        else:
            lines.append(f"    <download_url>{CLOSED_URL}{proj.key}/download/{name}</download_url>\n")
        lines.append("</file>\n")
        self.parts.append("".join(lines))
        if present:
            self.files.append((self.data_dir / "projects" / proj.dir_name / name, nbytes, executable))

    def write_files(self) -> None:
        for path, nbytes, executable in self.files:
            if executable:
                head = b"#!/bin/sh\nexit 0\n"
                data = head + b"#" * (nbytes - len(head) - 1) + b"\n"
            else:
                data = (b"0123456789abcdef" * (nbytes // 16 + 1))[:nbytes]
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o755 if executable else 0o644)
            try:
                os.write(fd, data)
            finally:
                os.close(fd)


def seed_state(
    data_dir: Path,
    *,
    n_tasks: int = 50,
    seed: int = 0,
    n_active: int = 3,
    n_old_results: int = 6,
    n_notices: int = 3,
    n_statistics_days: int = 20,
    unique_inputs: int = 500,
    password: str = DEFAULT_PASSWORD,
    host_venue: str = "",
    now: float | None = None,
    detach_canary: bool = False,
) -> SeedInfo:
    """Write a rich ``client_state.xml`` and every file it names into ``data_dir``.

    Args:
        data_dir: the client's data dir; created if missing. Use a fresh one per client start.
        n_tasks: tasks ``get_results`` will serve, spread over every category of
            :data:`CATEGORIES` (each gets at least one once ``n_tasks`` >= 10; 3-6 % each, at most
            200, the rest are ready to run).
        seed: makes names, sizes and the category of each task deterministic.
        n_active: active tasks (at most 3, one per project).
        n_old_results: extra tasks written as reported and acknowledged (-> ``get_old_results``).
        n_notices: notices per project feed.
        n_statistics_days: daily statistics entries per project (the client keeps 30 days).
        unique_inputs: tasks beyond this many (except those downloading) share one input file per app
            version instead of each having its own, so 10,000 tasks write ~1,000 files, not ~11,000
            (creating files dominates the time to seed).
        password: written to ``gui_rpc_auth.cfg``.
        host_venue: the host's venue; ``"work"`` makes the client use the ``work`` venue of
            ``global_prefs.xml`` (``max_ncpus_pct`` 50, ``cpu_usage_limit`` 50 instead of 100, 80).
        now: the reference time for every timestamp (default: the current time).
        detach_canary: also write a project marked detach-when-done that holds nothing
            (:attr:`SeedInfo.canary_url`, not in ``project_urls``). The client detaches it in the
            detach-when-done pass of its garbage collection, so its going away is the observable
            sign that that pass has run.

    Returns:
        A :class:`SeedInfo` describing what the client will serve.
    """
    if n_tasks < 0 or n_active < 0 or n_old_results < 0:
        raise ValueError("counts must be >= 0")
    rng = random.Random(seed)
    now = time.time() if now is None else now
    plat = _primary_platform()
    prepare_data_dir(data_dir, password)
    (data_dir / "gui_rpc_auth.cfg").write_text(password + "\n", encoding="utf-8")
    for proj in _PROJECTS:
        (data_dir / "projects" / proj.dir_name).mkdir(parents=True, exist_ok=True)
    (data_dir / "notices").mkdir(exist_ok=True)
    (data_dir / "slots").mkdir(exist_ok=True)

    w = _Writer(data_dir)
    w.add(
        "<client_state>\n"
        f"<platform_name>{plat}</platform_name>\n"
        "<core_client_major_version>7</core_client_major_version>\n"
        "<core_client_minor_version>20</core_client_minor_version>\n"
        "<core_client_release>5</core_client_release>\n"
        "<user_run_request>3</user_run_request>\n"
        "<user_run_prev_request>2</user_run_prev_request>\n"
        "<user_gpu_request>3</user_gpu_request>\n"
        "<user_gpu_prev_request>2</user_gpu_prev_request>\n"
        "<user_network_request>3</user_network_request>\n"
        f"<new_version_check_time>{_f(now)}</new_version_check_time>\n"
        f"<all_projects_list_check_time>{_f(now)}</all_projects_list_check_time>\n"
        f"<host_venue>{escape(host_venue)}</host_venue>\n"
        f"<client_version_check_url>{CLOSED_URL}</client_version_check_url>\n"
    )

    # -- decide every task ------------------------------------------------------------------
    counts = _category_counts(n_tasks, n_active)
    cats: list[str] = []
    for cat in CATEGORIES:
        if cat != "active":
            cats.extend([cat] * counts[cat])
    rng.shuffle(cats)
    cats.extend(["reported"] * n_old_results)
    # (category, version index)
    plan: list[tuple[str, int]] = [("active", _ACTIVE_VERSIONS[i]) for i in range(counts["active"])]
    plan.extend((cat, i % len(_VERSIONS)) for i, cat in enumerate(cats))

    tasks: dict[str, list[str]] = {c: [] for c in CATEGORIES}
    old: list[str] = []
    task_project: dict[str, str] = {}
    gpu_tasks: list[str] = []
    uploads: list[str] = []
    downloads: list[str] = []
    # (category, version index, workunit name, task name, input file name)
    by_project: dict[str, list[tuple[str, int, str, str, str]]] = {p.key: [] for p in _PROJECTS}
    for i, (cat, vi) in enumerate(plan):
        av = _VERSIONS[vi]
        wu = f"{av.app}_{i:06d}_{rng.randrange(100000)}"
        name = f"{wu}_{rng.randrange(4)}"
        shared = cat != "downloading" and i >= unique_inputs
        in_name = f"{av.file_name}_shared.in" if shared else f"{wu}.in"
        by_project[av.project].append((cat, vi, wu, name, in_name))
    shared_written: set[str] = set()

    # a project marked detach-when-done with no live task is detached at once: mark it only
    # when it keeps a task
    detach = [p.url for p in _PROJECTS if p.detach_when_done and any(c != "reported" for c, *_ in by_project[p.key])]

    # -- per project: project, apps, app versions, files, workunits, results ----------------
    projects = {p.key: p for p in _PROJECTS}
    active_xml: list[str] = []
    slot = 0
    for proj in _PROJECTS:
        url = proj.url
        flags = ""
        if proj.suspended:
            flags += "    <suspended_via_gui/>\n"
        if proj.no_more_work:
            flags += "    <dont_request_more_work/>\n"
        if proj.url in detach:
            flags += "    <detach_when_done/>\n"
        idx = _PROJECTS.index(proj)
        w.add(
            "<project>\n"
            f"    <master_url>{url}</master_url>\n"
            f"    <project_name>{escape(proj.name)}</project_name>\n"
            f"    <scheduler_url>{CLOSED_URL}{proj.key}_cgi/cgi</scheduler_url>\n"
            f"    <user_name>{escape('lab & user <1>')}</user_name>\n"
            f"    <team_name>{escape('Team Ünïcode')}</team_name>\n"
            f"    <host_venue>{escape(host_venue)}</host_venue>\n"
            f"    <email_hash>{hashlib.md5(proj.key.encode()).hexdigest()}</email_hash>\n"
            f"    <cross_project_id>{hashlib.md5(b'x' + proj.key.encode()).hexdigest()}</cross_project_id>\n"
            f"    <external_cpid>{hashlib.md5(b'e' + proj.key.encode()).hexdigest()}</external_cpid>\n"
            f"    <cpid_time>{_f(now - 400 * _DAY)}</cpid_time>\n"
            f"    <user_total_credit>{_f(rng.uniform(1e4, 1e6))}</user_total_credit>\n"
            f"    <user_expavg_credit>{_f(rng.uniform(10, 1000))}</user_expavg_credit>\n"
            f"    <user_create_time>{_f(now - 400 * _DAY)}</user_create_time>\n"
            f"    <rpc_seqno>{rng.randrange(10, 1000)}</rpc_seqno>\n"
            f"    <userid>{1000 + idx}</userid>\n"
            f"    <teamid>{50 + idx}</teamid>\n"
            f"    <hostid>{77000 + idx}</hostid>\n"
            f"    <host_total_credit>{_f(rng.uniform(1e3, 5e5))}</host_total_credit>\n"
            f"    <host_expavg_credit>{_f(rng.uniform(10, 1000))}</host_expavg_credit>\n"
            f"    <host_create_time>{_f(now - 300 * _DAY)}</host_create_time>\n"
            f"    <rec>{_f(rng.uniform(0, 500))}</rec>\n"
            f"    <rec_time>{_f(now - 3600)}</rec_time>\n"
            f"    <resource_share>{_f(100 * (idx + 1))}</resource_share>\n"
            f"    <njobs_success>{rng.randrange(100, 5000)}</njobs_success>\n"
            f"    <njobs_error>{rng.randrange(0, 50)}</njobs_error>\n"
            f"    <elapsed_time>{_f(rng.uniform(1e5, 1e7))}</elapsed_time>\n"
            f"    <last_rpc_time>{_f(now - 7200)}</last_rpc_time>\n"
            f"{flags}"
            "</project>\n"
        )
        for app, (pkey, friendly) in _APPS.items():
            if pkey == proj.key:
                w.add(
                    "<app>\n"
                    f"    <name>{app}</name>\n"
                    f"    <user_friendly_name>{escape(friendly)}</user_friendly_name>\n"
                    "    <non_cpu_intensive>0</non_cpu_intensive>\n"
                    "</app>\n"
                )
        for av in _VERSIONS:
            if av.project != proj.key:
                continue
            w.file_xml(proj, av.file_name, 4096 + av.version_num, present=True, executable=True)
            gpu = ""
            if av.gpu:
                gpu = (
                    "    <coproc>\n        <type>NVIDIA</type>\n        <count>1.000000</count>\n    </coproc>\n"
                    "    <gpu_ram>1073741824.000000</gpu_ram>\n"
                )
            w.add(
                "<app_version>\n"
                f"    <app_name>{av.app}</app_name>\n"
                f"    <version_num>{av.version_num}</version_num>\n"
                f"    <platform>{plat}</platform>\n"
                f"    <avg_ncpus>{_f(av.avg_ncpus)}</avg_ncpus>\n"
                f"    <flops>{_f(3.5e9 * av.avg_ncpus)}</flops>\n"
                + (f"    <plan_class>{av.plan_class}</plan_class>\n" if av.plan_class else "")
                + "    <api_version>7.17.0</api_version>\n"
                f"    <file_ref>\n        <file_name>{av.file_name}</file_name>\n        <main_program/>\n"
                "    </file_ref>\n"
                f"{gpu}"
                "</app_version>\n"
            )

        for cat, vi, wu, name, in_name in by_project[proj.key]:
            av = _VERSIONS[vi]
            task_project[name] = url
            out_name = f"{name}_r0"
            in_present = cat != "downloading"
            if in_name not in shared_written:
                w.file_xml(proj, in_name, rng.randrange(400, 800), present=in_present)
            if in_name.endswith("_shared.in"):
                shared_written.add(in_name)
            if not in_present:
                downloads.append(in_name)
            out_present = cat in ("uploading", "uploaded", "reported")
            w.file_xml(
                proj,
                out_name,
                rng.randrange(300, 700) if out_present else 0,
                present=out_present,
                upload=True,
                uploaded=cat in ("uploaded", "reported"),
            )
            if cat == "uploading":
                uploads.append(out_name)
            fpops = rng.uniform(1e13, 2e14)
            cmdline = f"    <command_line>\n--seed {vi} --mode fast\n    </command_line>\n" if vi % 3 == 0 else ""
            w.add(
                "<workunit>\n"
                f"    <name>{wu}</name>\n"
                f"    <app_name>{av.app}</app_name>\n"
                f"    <version_num>{av.version_num}</version_num>\n"
                f"    <rsc_fpops_est>{_f(fpops)}</rsc_fpops_est>\n"
                f"    <rsc_fpops_bound>{_f(fpops * 10)}</rsc_fpops_bound>\n"
                f"    <rsc_memory_bound>{_f(rng.choice((1e8, 2.5e8, 5e8)))}</rsc_memory_bound>\n"
                "    <rsc_disk_bound>1000000000.000000</rsc_disk_bound>\n"
                f"{cmdline}"
                f"    <file_ref>\n        <file_name>{in_name}</file_name>\n        <open_name>in.dat</open_name>\n"
                "    </file_ref>\n"
                "</workunit>\n"
            )
            received = now - rng.uniform(3600, 10 * _DAY)
            deadline = now + rng.uniform(2 * _DAY, 14 * _DAY)
            done = cat in ("uploading", "uploaded", "reported", "compute_error", "aborted")
            elapsed = rng.uniform(300, 60000) if done and cat != "aborted" else 0.0
            state = {"reported": 5}.get(cat) or CATEGORY_STATE[cat]
            exit_status = {"compute_error": 1, "aborted": -221}.get(cat, 0)
            extra = ""
            if cat in ("uploaded", "reported", "compute_error", "aborted"):
                extra += "    <ready_to_report/>\n"
            if cat == "reported":
                extra += "    <got_server_ack/>\n"
            if cat == "suspended":
                extra += "    <suspended_via_gui/>\n"
            if done:
                extra += f"    <completed_time>{_f(now - rng.uniform(60, 3000))}</completed_time>\n"
                stderr = "<stderr_txt>\nboinc_init ok\nexit " + str(exit_status) + "\n</stderr_txt>\n"
                extra += f"    <stderr_out>\n{escape(stderr)}    </stderr_out>\n"
            w.add(
                "<result>\n"
                f"    <name>{name}</name>\n"
                f"    <wu_name>{wu}</wu_name>\n"
                f"    <platform>{plat}</platform>\n"
                f"    <version_num>{av.version_num}</version_num>\n"
                f"    <plan_class>{av.plan_class}</plan_class>\n"
                f"    <final_cpu_time>{_f(elapsed * 0.95)}</final_cpu_time>\n"
                f"    <final_elapsed_time>{_f(elapsed)}</final_elapsed_time>\n"
                f"    <exit_status>{exit_status}</exit_status>\n"
                f"    <state>{state}</state>\n"
                f"    <report_deadline>{_f(deadline)}</report_deadline>\n"
                f"    <received_time>{_f(received)}</received_time>\n"
                f"    <file_ref>\n        <file_name>{out_name}</file_name>\n        <open_name>out.dat</open_name>\n"
                "    </file_ref>\n"
                f"{extra}"
                "</result>\n"
            )
            if cat == "reported":
                old.append(name)
            else:
                tasks[cat].append(name)
                if av.gpu:
                    gpu_tasks.append(name)
            if cat == "active":
                cpu = rng.uniform(600, 20000)
                frac = rng.uniform(0.05, 0.9)
                active_xml.append(
                    "<active_task>\n"
                    f"    <project_master_url>{url}</project_master_url>\n"
                    f"    <result_name>{name}</result_name>\n"
                    "    <active_task_state>0</active_task_state>\n"
                    f"    <app_version_num>{av.version_num}</app_version_num>\n"
                    f"    <slot>{slot}</slot>\n"
                    f"    <checkpoint_cpu_time>{_f(cpu)}</checkpoint_cpu_time>\n"
                    f"    <checkpoint_elapsed_time>{_f(cpu * 1.05)}</checkpoint_elapsed_time>\n"
                    f"    <checkpoint_fraction_done>{_f(frac)}</checkpoint_fraction_done>\n"
                    f"    <checkpoint_fraction_done_elapsed_time>{_f(cpu * 1.05)}"
                    "</checkpoint_fraction_done_elapsed_time>\n"
                    f"    <current_cpu_time>{_f(cpu)}</current_cpu_time>\n"
                    "    <once_ran_edf>0</once_ran_edf>\n"
                    f"    <swap_size>{_f(2.5e8)}</swap_size>\n"
                    f"    <working_set_size>{_f(1.2e8)}</working_set_size>\n"
                    f"    <working_set_size_smoothed>{_f(1.1e8)}</working_set_size_smoothed>\n"
                    "    <page_fault_rate>0.000000</page_fault_rate>\n"
                    "</active_task>\n"
                )
                (data_dir / "slots" / str(slot)).mkdir(exist_ok=True)
                slot += 1
        _write_project_side_files(data_dir, proj, rng, now, n_notices, n_statistics_days, password)

    canary_url = f"{CLOSED_URL}canary/" if detach_canary else None
    if canary_url is not None:
        # after every other project's items, so nothing of theirs is read as the canary's
        w.add(
            "<project>\n"
            f"    <master_url>{canary_url}</master_url>\n"
            "    <project_name>Canary</project_name>\n"
            f"    <scheduler_url>{CLOSED_URL}canary_cgi/cgi</scheduler_url>\n"
            "    <dont_request_more_work/>\n"
            "    <detach_when_done/>\n"
            "</project>\n"
        )
    if active_xml:
        w.add("<active_task_set>\n" + "".join(active_xml) + "</active_task_set>\n")
    w.add("</client_state>\n")

    (data_dir / "client_state.xml").write_text("".join(w.parts), encoding="utf-8")
    w.write_files()
    _write_global_files(data_dir, now)

    notice_titles = tuple(f"{p.name} news #{k}" for p in _PROJECTS for k in range(1, n_notices + 1))
    return SeedInfo(
        data_dir=data_dir,
        password=password,
        now=now,
        project_urls=tuple(p.url for p in _PROJECTS),
        project_names={p.url: p.name for p in _PROJECTS},
        suspended_projects=tuple(p.url for p in _PROJECTS if p.suspended),
        no_more_work_projects=tuple(p.url for p in _PROJECTS if p.no_more_work),
        detach_when_done_projects=tuple(detach),
        app_config_project=projects["alpha"].url,
        apps=tuple(_APPS),
        app_versions=tuple((v.app, v.version_num, v.plan_class) for v in _VERSIONS),
        tasks={c: tuple(v) for c, v in tasks.items()},
        old_results=tuple(old),
        task_project=task_project,
        gpu_tasks=tuple(gpu_tasks),
        uploads=tuple(uploads),
        downloads=tuple(downloads),
        notice_titles=notice_titles,
        n_statistics_days=n_statistics_days,
        host_venue=host_venue,
        canary_url=canary_url,
    )


def _write_project_side_files(
    data_dir: Path,
    proj: _Project,
    rng: random.Random,
    now: float,
    n_notices: int,
    n_days: int,
    password: str,
) -> None:
    esc = proj.dir_name
    auth = hashlib.md5(f"{proj.key}{password}".encode()).hexdigest()
    (data_dir / f"account_{esc}.xml").write_text(
        "<account>\n"
        f"    <master_url>{proj.url}</master_url>\n"
        f"    <authenticator>{auth}_{proj.key}</authenticator>\n"
        f"    <project_name>{escape(proj.name)}</project_name>\n"
        "<project_preferences>\n"
        f"<resource_share>{100 * (_PROJECTS.index(proj) + 1)}</resource_share>\n"
        "</project_preferences>\n"
        "<gui_urls>\n"
        "<gui_url>\n"
        "  <name>Your account</name>\n"
        "  <description>View your account information</description>\n"
        f"  <url>{proj.url}home.php</url>\n"
        "</gui_url>\n"
        "</gui_urls>\n"
        "</account>\n",
        encoding="utf-8",
    )
    # statistics: one entry per day, the newest yesterday
    today = int(now // _DAY) * _DAY
    stats = [f"<project_statistics>\n<master_url>{proj.url}</master_url>\n"]
    base_user, base_host = rng.uniform(1e5, 1e6), rng.uniform(1e4, 1e5)
    for k in range(n_days):
        day = today - (n_days - k) * _DAY
        stats.append(
            "<daily_statistics>\n"
            f"    <day>{_f(day)}</day>\n"
            f"    <user_total_credit>{_f(base_user + 1000 * k)}</user_total_credit>\n"
            f"    <user_expavg_credit>{_f(900 - k)}</user_expavg_credit>\n"
            f"    <host_total_credit>{_f(base_host + 100 * k)}</host_total_credit>\n"
            f"    <host_expavg_credit>{_f(300 - k)}</host_expavg_credit>\n"
            "</daily_statistics>\n"
        )
    stats.append("</project_statistics>\n")
    (data_dir / f"statistics_{esc}.xml").write_text("".join(stats), encoding="utf-8")
    # notices: the project's feed list and the feed's archive
    feed_url = f"{proj.url}notices.php"
    (data_dir / "notices" / f"feeds_{esc}.xml").write_text(
        "<rss_feeds>\n  <rss_feed>\n"
        f"    <url>{feed_url}</url>\n"
        "    <poll_interval>86400.000000</poll_interval>\n"
        f"    <next_poll_time>{_f(now + _DAY)}</next_poll_time>\n"
        "  </rss_feed>\n</rss_feeds>\n",
        encoding="utf-8",
    )
    items = ["<notices>\n"]
    for k in range(n_notices, 0, -1):
        created = now - k * _DAY
        items.append(
            "<notice>\n"
            f"   <title>{escape(proj.name)} news #{k}</title>\n"
            "   <description><![CDATA[\n"
            f'<p>News item {k} for {escape(proj.name)} &amp; friends: <a href="{proj.url}forum">forum</a></p>\n'
            "]]></description>\n"
            f"   <create_time>{_f(created)}</create_time>\n"
            f"   <arrival_time>{_f(created + 3600)}</arrival_time>\n"
            "   <is_private>0</is_private>\n"
            f"   <project_name>{escape(proj.name)}</project_name>\n"
            "   <category>news</category>\n"
            f"   <link><![CDATA[{proj.url}forum_thread.php?id={k}]]></link>\n"
            f"   <guid>{proj.url}forum_thread.php?id={k}</guid>\n"
            "</notice>\n"
        )
    items.append("</notices>\n")
    (data_dir / "notices" / f"archive_{escape_project_url(feed_url)}.xml").write_text("".join(items), encoding="utf-8")
    if proj.key == "alpha":
        (data_dir / "projects" / esc / "app_config.xml").write_text(
            "<app_config>\n"
            "   <app>\n"
            "      <name>alpha_sim</name>\n"
            "      <max_concurrent>1</max_concurrent>\n"
            "      <report_results_immediately/>\n"
            "   </app>\n"
            "   <project_max_concurrent>2</project_max_concurrent>\n"
            "</app_config>\n",
            encoding="utf-8",
        )


_PREFS_BODY = """   <run_on_batteries>0</run_on_batteries>
   <run_if_user_active>1</run_if_user_active>
   <run_gpu_if_user_active>0</run_gpu_if_user_active>
   <suspend_cpu_usage>25.000000</suspend_cpu_usage>
   <work_buf_min_days>0.500000</work_buf_min_days>
   <work_buf_additional_days>0.250000</work_buf_additional_days>
   <max_ncpus_pct>100.000000</max_ncpus_pct>
   <cpu_scheduling_period_minutes>60.000000</cpu_scheduling_period_minutes>
   <disk_max_used_gb>20.000000</disk_max_used_gb>
   <disk_max_used_pct>90.000000</disk_max_used_pct>
   <disk_min_free_gb>0.100000</disk_min_free_gb>
   <ram_max_used_busy_pct>50.000000</ram_max_used_busy_pct>
   <ram_max_used_idle_pct>90.000000</ram_max_used_idle_pct>
   <cpu_usage_limit>80.000000</cpu_usage_limit>
   <network_wifi_only>1</network_wifi_only>
"""


def _write_global_files(data_dir: Path, now: float) -> None:
    (data_dir / "global_prefs.xml").write_text(
        "<global_preferences>\n"
        f"   <source_project>{CLOSED_URL}alpha/</source_project>\n"
        f"   <mod_time>{_f(now - _DAY)}</mod_time>\n"
        f"{_PREFS_BODY}"
        '<venue name="work">\n'
        "   <run_if_user_active>0</run_if_user_active>\n"
        "   <max_ncpus_pct>50.000000</max_ncpus_pct>\n"
        "   <cpu_usage_limit>50.000000</cpu_usage_limit>\n"
        "</venue>\n"
        "</global_preferences>\n",
        encoding="utf-8",
    )
    projects = "".join(
        "<project>\n"
        f"    <name>{escape(p.name)}</name>\n"
        f"    <id>{i}</id>\n"
        f"    <url>{p.url}</url>\n"
        f"    <web_url>{p.url}</web_url>\n"
        "    <general_area>Lab</general_area>\n"
        "    <specific_area>Testing</specific_area>\n"
        f"    <description><![CDATA[Synthetic project {p.key}]]></description>\n"
        "    <home>Loopback</home>\n"
        f"    <platforms>\n        <name>{_primary_platform()}</name>\n    </platforms>\n"
        f"    <image>{p.url}logo.png</image>\n"
        "    <summary>Synthetic</summary>\n"
        "</project>\n"
        for i, p in enumerate(_PROJECTS)
    )
    (data_dir / "all_projects_list.xml").write_text(
        f"<projects>\n{projects}<account_manager>\n    <name>Lab AM</name>\n    <url>{CLOSED_URL}am/</url>\n"
        f"    <description>Synthetic</description>\n    <image>{CLOSED_URL}am/logo.png</image>\n"
        "</account_manager>\n</projects>\n",
        encoding="utf-8",
    )
    today = int(now // _DAY)
    dx = "".join(
        f"<dx>\n   <when>{today - k}</when>\n   <up>{_f(1e6 * (k + 1))}</up>\n"
        f"   <down>{_f(5e6 * (k + 1))}</down>\n</dx>\n"
        for k in range(5)
    )
    (data_dir / "daily_xfer_history.xml").write_text(f"<daily_xfers>\n{dx}</daily_xfers>\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# the raw GUI RPC helper (private to the rig)
# ---------------------------------------------------------------------------------------------


def _frame(body: str) -> bytes:
    return f"<boinc_gui_rpc_request>\n{body}\n</boinc_gui_rpc_request>\n\x03".encode()


class _Conn:
    """One GUI RPC connection: request/reply with 0x03 framing, and auth1/auth2."""

    def __init__(self, host: str, port: int, timeout: float, unix_socket: Path | None = None) -> None:
        if unix_socket is None:
            self.sock = socket.create_connection((host, port), timeout=timeout)
            return
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        try:
            self.sock.connect(str(unix_socket))
        except OSError:
            self.sock.close()
            raise

    def call(self, body: str) -> str:
        self.sock.sendall(_frame(body))
        chunks: list[bytes] = []
        while True:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise RealClientError("connection closed before the end of the reply")
            if chunk.endswith(b"\x03"):
                chunks.append(chunk[:-1])
                break
            chunks.append(chunk)
        return b"".join(chunks).decode("utf-8", "replace")

    def authorize(self, password: str) -> None:
        reply = self.call("<auth1/>")
        m = re.search(r"<nonce>(.*?)</nonce>", reply, re.S)
        if not m:
            raise RealClientError(f"no nonce in auth1 reply: {reply!r}")
        digest = hashlib.md5((m.group(1) + password).encode()).hexdigest()
        reply = self.call(f"<auth2>\n<nonce_hash>{digest}</nonce_hash>\n</auth2>")
        if "<authorized/>" not in reply:
            raise RealClientError(f"auth2 refused: {reply!r}")

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> _Conn:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---------------------------------------------------------------------------------------------
# the client process
# ---------------------------------------------------------------------------------------------


def _free_port() -> int:
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind((HOST, 0))
            port: int = s.getsockname()[1]
        if port != 31416:  # the system client's port: never
            return port


def _tail(path: Path, n: int = 30) -> str:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return f"({path.name}: missing)"
    return f"--- {path.name} (last {n} lines) ---\n" + "\n".join(lines[-n:])


# every client process not yet reaped; killed at interpreter exit if a test run is interrupted
_LIVE: set[subprocess.Popen[bytes]] = set()


def _finish(proc: subprocess.Popen[bytes], timeout: float) -> None:
    """Wait for ``proc`` (asked to quit already) to exit: then SIGTERM, then SIGKILL."""
    try:
        for sig in (None, signal.SIGTERM, signal.SIGKILL):
            if sig is not None and proc.poll() is None:
                proc.send_signal(sig)
            try:
                proc.wait(timeout=timeout)
                return
            except subprocess.TimeoutExpired:
                continue
    finally:
        _LIVE.discard(proc)


def reap_clients(timeout: float = 15.0) -> None:
    """Wait for every client stopped with ``stop(wait=False)`` (SIGTERM, SIGKILL if need be)."""
    for proc in list(_LIVE):
        if proc.poll() is not None:
            _LIVE.discard(proc)
    for proc in list(_LIVE):
        _finish(proc, timeout)


@atexit.register
def _kill_leftovers() -> None:
    for proc in list(_LIVE):
        if proc.poll() is None:
            proc.kill()
            try:
                proc.wait(timeout=5.0)
            except subprocess.TimeoutExpired:
                pass
    _LIVE.clear()


class RealClient:
    """A ``boinc`` process serving GUI RPC on ``127.0.0.1:<port>``.

    Use as a context manager, or call :meth:`start` and :meth:`stop`. Writes ``gui_rpc_auth.cfg``,
    ``cc_config.xml`` and ``nvc_config.xml`` into ``data_dir`` when missing (a fresh client);
    call :func:`seed_state` first for a rich state.

    Attributes:
        host: always ``"127.0.0.1"``.
        port: the GUI RPC port (a free one unless given).
        password: the GUI RPC password (read from ``gui_rpc_auth.cfg`` when it exists).
        data_dir: the client's data dir.
        pid: the process id once started.
        unix_domain: the client serves GUI RPC on the Unix domain socket :attr:`unix_socket` only
            (``--gui_rpc_unix_domain``), not on TCP.
        seed: the :class:`SeedInfo` passed in, if any.
        startup_seconds: how long the start took until an authorized request succeeded.
    """

    host = HOST

    def __init__(
        self,
        data_dir: Path,
        *,
        port: int | None = None,
        password: str | None = None,
        seed: SeedInfo | None = None,
        exit_before_start: bool = True,
        start_timeout: float = 90.0,
        extra_args: Sequence[str] = (),
        unix_domain: bool = False,
    ) -> None:
        self.data_dir = Path(data_dir)
        auth = self.data_dir / "gui_rpc_auth.cfg"
        if password is None:
            password = (
                auth.read_text(encoding="utf-8").strip() if auth.exists() else (seed.password if seed else None)
            ) or DEFAULT_PASSWORD
        self.password: str = password
        self.port: int = port or _free_port()
        self.seed = seed
        self.exit_before_start = exit_before_start
        self.start_timeout = start_timeout
        self.extra_args = tuple(extra_args)
        self.unix_domain = unix_domain
        self.startup_seconds: float | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._quit_sent = False

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def pid(self) -> int:
        if self._proc is None:
            raise RealClientError("client not started")
        return self._proc.pid

    @property
    def unix_socket(self) -> Path | None:
        """With ``unix_domain``: the socket the client listens on instead of TCP (``boinc_socket`` in its data dir)."""
        return self.data_dir / "boinc_socket" if self.unix_domain else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def command(self) -> list[str]:
        """The command line :meth:`start` runs."""
        cmd = [
            BOINC,
            "--dir",
            str(self.data_dir),
            "--gui_rpc_port",
            str(self.port),
            "--allow_multiple_clients",
            "--no_gpus",
            "--skip_cpu_benchmarks",
            "--redirectio",
        ]
        if self.exit_before_start:
            cmd.append("--exit_before_start")
        if self.unix_domain:
            cmd.append("--gui_rpc_unix_domain")
        cmd.extend(self.extra_args)
        return cmd

    def start(self) -> RealClient:
        """Start the client and wait until an authorized request succeeds.

        Raises:
            RealClientError: the client exited or did not answer within ``start_timeout``; the
                message holds the tail of its ``stdoutdae.txt`` and ``stderrdae.txt``.
        """
        if self._proc is not None:
            raise RealClientError("client already started")
        prepare_data_dir(self.data_dir, self.password)
        (self.data_dir / "gui_rpc_auth.cfg").write_text(self.password + "\n", encoding="utf-8")
        t0 = time.monotonic()
        self._proc = subprocess.Popen(
            self.command(),
            cwd=self.data_dir,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        _LIVE.add(self._proc)
        try:
            self._wait_ready(t0)
        except BaseException:
            self._kill()
            raise
        self.startup_seconds = time.monotonic() - t0
        return self

    def _wait_ready(self, t0: float) -> None:
        assert self._proc is not None
        last: Exception | None = None
        while time.monotonic() - t0 < self.start_timeout:
            if self._proc.poll() is not None:
                raise RealClientError(
                    f"boinc exited with status {self._proc.returncode} during start-up\n{self.log_tail()}"
                )
            try:
                with _Conn(HOST, self.port, timeout=5.0, unix_socket=self.unix_socket) as conn:
                    conn.authorize(self.password)
                    if "<cc_status>" in conn.call("<get_cc_status/>"):
                        return
            except (OSError, RealClientError) as exc:
                last = exc
            time.sleep(0.05)
        raise RealClientError(f"boinc did not answer within {self.start_timeout} s ({last!r})\n{self.log_tail()}")

    def log_tail(self, n: int = 30) -> str:
        """The last ``n`` lines of ``stdoutdae.txt`` and ``stderrdae.txt``."""
        return _tail(self.data_dir / "stdoutdae.txt", n) + "\n" + _tail(self.data_dir / "stderrdae.txt", n)

    def stop(self, timeout: float = 15.0, *, wait: bool = True) -> None:
        """Stop the client by pid: ``<quit/>``, then SIGTERM, then SIGKILL; wait for the exit.

        The client takes about a second to exit after ``<quit/>`` (or SIGTERM). With
        ``wait=False`` this only asks it to quit and returns at once; :func:`reap_clients` (or a
        later ``stop()``) waits for the exit. Calling ``stop`` again is harmless.
        """
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None and not self._quit_sent:
            self._quit_sent = True
            try:
                self.raw_rpc("<quit/>", timeout=5.0)
            except (OSError, RealClientError):
                proc.send_signal(signal.SIGTERM)
        if wait:
            _finish(proc, timeout)

    def _kill(self) -> None:
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
            try:
                proc.wait(timeout=10.0)
            except subprocess.TimeoutExpired:
                pass
        _LIVE.discard(proc)

    def __enter__(self) -> RealClient:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        pid = self._proc.pid if self._proc else None
        return f"RealClient(port={self.port}, pid={pid}, data_dir={str(self.data_dir)!r})"

    # -- raw requests ------------------------------------------------------------------------

    def raw_rpc(self, body: str, *, auth: bool = True, timeout: float = 30.0) -> str:
        """Send one request (``body`` is the XML inside ``<boinc_gui_rpc_request>``) on a new
        connection, authorizing first unless ``auth`` is false; return the reply text without
        the 0x03 terminator. For the rig and for tests that need a raw reply."""
        with _Conn(HOST, self.port, timeout=timeout, unix_socket=self.unix_socket) as conn:
            if auth:
                conn.authorize(self.password)
            return conn.call(body)


def boinccmd(
    client: RealClient,
    *args: str,
    timeout: float = 60.0,
    password: bool = True,
    check: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run the real ``boinccmd --host 127.0.0.1:PORT --passwd PW ARGS...`` against ``client``.

    Runs in ``client.data_dir`` (where boinccmd would find ``gui_rpc_auth.cfg``); with
    ``password=False`` no ``--passwd`` is given. Output is captured as text.
    """
    cmd = [BOINCCMD, "--host", f"{client.host}:{client.port}"]
    if password:
        cmd += ["--passwd", client.password]
    cmd += list(args)
    return subprocess.run(
        cmd, cwd=client.data_dir, capture_output=True, text=True, timeout=timeout, check=check, errors="replace"
    )
