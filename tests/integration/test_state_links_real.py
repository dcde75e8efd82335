"""CcState's links against a real client serving two projects that use the same names.

Both projects run an app ``sim`` (version 100, same platform), each with a workunit ``wu_0`` and a
task ``task_0``; only the order of the reply tells whose is whose, as in ``CC_STATE::parse``.
"""

from __future__ import annotations

import platform as host_platform
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from boinc import BoincClient, cli
from boinc.gui_rpc.structs import CcState
from tests.integration.conftest import require_boinc
from tests.realclient import BOINCCMD, CLOSED_URL, RealClient, escape_project_url, prepare_data_dir

pytestmark = pytest.mark.realclient

PROJECTS = (("one", "Project One"), ("two", "Project Two"))
PLATFORM = "x86_64-pc-linux-gnu"


def _file(name: str, nbytes: int, key: str, *, upload: bool = False, executable: bool = False) -> str:
    where = (
        f"<upload_when_present/>\n<upload_url>{CLOSED_URL}{key}_cgi/file_upload_handler</upload_url>\n"
        if upload
        else f"<download_url>{CLOSED_URL}{key}/download/{name}</download_url>\n"
    )
    return (
        f"<file>\n<name>{name}</name>\n<nbytes>{nbytes}.000000</nbytes>\n"
        f"<max_nbytes>{10_000_000 if upload else 0}.000000</max_nbytes>\n<status>{0 if upload else 1}</status>\n"
        f"{'<executable/>' if executable else ''}\n{where}</file>\n"
    )


def seed_same_names(data_dir: Path, platform: str) -> None:
    """A client_state.xml of two projects with the same app, app version, workunit and task names."""
    prepare_data_dir(data_dir)
    now = time.time()
    parts = [
        "<client_state>\n"
        f"<platform_name>{platform}</platform_name>\n"
        "<core_client_major_version>7</core_client_major_version>\n"
        "<core_client_minor_version>20</core_client_minor_version>\n"
        "<core_client_release>5</core_client_release>\n"
        "<user_run_request>3</user_run_request>\n<user_gpu_request>3</user_gpu_request>\n"
        "<user_network_request>3</user_network_request>\n"
    ]
    for n, (key, name) in enumerate(PROJECTS):
        url = f"{CLOSED_URL}{key}/"
        esc = escape_project_url(url)
        project_dir = data_dir / "projects" / esc
        project_dir.mkdir(parents=True)
        (data_dir / f"account_{esc}.xml").write_text(
            f"<account>\n<master_url>{url}</master_url>\n<authenticator>{key}_auth</authenticator>\n"
            f"<project_name>{name}</project_name>\n</account>\n",
            encoding="utf-8",
        )
        program = f"sim_1.00_{platform}"
        (project_dir / program).write_bytes(b"#!/bin/sh\nexit 0\n")
        (project_dir / program).chmod(0o755)
        (project_dir / "wu_0.in").write_bytes(b"x" * 100)
        parts.append(
            f"<project>\n<master_url>{url}</master_url>\n<project_name>{name}</project_name>\n"
            f"<user_name>user {n}</user_name>\n<resource_share>100.000000</resource_share>\n</project>\n"
            f"<app>\n<name>sim</name>\n<user_friendly_name>{name} sim</user_friendly_name>\n</app>\n"
            + _file(program, 18, key, executable=True)
            + f"<app_version>\n<app_name>sim</app_name>\n<version_num>100</version_num>\n"
            f"<platform>{platform}</platform>\n<avg_ncpus>1.000000</avg_ncpus>\n<flops>{1e9 * (n + 1):f}</flops>\n"
            f"<api_version>7.17.0</api_version>\n<file_ref>\n<file_name>{program}</file_name>\n<main_program/>\n"
            "</file_ref>\n</app_version>\n"
            + _file("wu_0.in", 100, key)
            + "<workunit>\n<name>wu_0</name>\n<app_name>sim</app_name>\n<version_num>100</version_num>\n"
            f"<rsc_fpops_est>{1e12 * (n + 1):f}</rsc_fpops_est>\n<rsc_fpops_bound>1e15</rsc_fpops_bound>\n"
            "<rsc_memory_bound>1e8</rsc_memory_bound>\n<rsc_disk_bound>1e9</rsc_disk_bound>\n"
            "<file_ref>\n<file_name>wu_0.in</file_name>\n<open_name>in.dat</open_name>\n</file_ref>\n</workunit>\n"
            + _file("task_0_r0", 0, key, upload=True)
            + f"<result>\n<name>task_0</name>\n<wu_name>wu_0</wu_name>\n<platform>{platform}</platform>\n"
            "<version_num>100</version_num>\n<plan_class></plan_class>\n<state>2</state>\n"
            f"<report_deadline>{now + 7 * 86400:f}</report_deadline>\n"
            f"<received_time>{now - 3600 * (n + 1):f}</received_time>\n"
            "<file_ref>\n<file_name>task_0_r0</file_name>\n<open_name>out.dat</open_name>\n</file_ref>\n"
            "</result>\n"
        )
    parts.append("</client_state>\n")
    (data_dir / "client_state.xml").write_text("".join(parts), encoding="utf-8")


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealClient]:
    require_boinc()
    data_dir = tmp_path_factory.mktemp("twins") / "data"
    plat = PLATFORM if host_platform.machine() == "x86_64" else f"{host_platform.machine()}-unknown-linux-gnu"
    seed_same_names(data_dir, plat)
    with RealClient(data_dir) as client:
        yield client


def _state(client: RealClient) -> CcState:
    with BoincClient(f"{client.host}:{client.port}", password=client.password) as bc:
        return bc.get_state()


def test_same_names_are_linked_to_their_own_project(twins: RealClient) -> None:
    state = _state(twins)
    one, two = state.projects
    assert [p.project_name for p in state.projects] == ["Project One", "Project Two"]
    # the client kept everything: two of each, with the same names
    assert [a.name for a in state.apps] == ["sim", "sim"]
    assert [w.name for w in state.workunits] == ["wu_0", "wu_0"]
    assert [r.name for r in state.results] == ["task_0", "task_0"]
    for project, n in ((one, 0), (two, 1)):
        app, av, wu, task = state.apps[n], state.app_versions[n], state.workunits[n], state.results[n]
        assert [state.project_of(x) for x in (app, av, wu, task)] == [project] * 4
        assert app.user_friendly_name == f"{project.project_name} sim"
        assert state.app_of(wu) is app and state.app_of(av) is app
        assert state.workunit_of(task) is wu and wu.rsc_fpops_est == 1e12 * (n + 1)
        assert state.app_version_of(task) is av and av.flops == 1e9 * (n + 1)
        assert state.results_of(project) == (task,)
        assert state.lookup_result(project, "task_0") is task
        assert task.project_url == project.master_url


def test_boinc_get_state_prints_what_boinccmd_prints(
    twins: RealClient, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    expected = subprocess.run(
        [BOINCCMD, "--host", f"{twins.host}:{twins.port}", "--passwd", twins.password, "--get_state"],
        capture_output=True,
        timeout=60,
        check=True,
    ).stdout
    code = cli.main(["--host", f"{twins.host}:{twins.port}", "--passwd", twins.password, "--get_state"])
    out = capsysbinary.readouterr().out
    assert code == 0
    # every item is printed with its own project, as boinccmd does
    assert out.count(b"   project: Project One\n") == out.count(b"   project: Project Two\n") > 0
    now = re.compile(rb"^(  now: |  client_start_time: ).*$", re.M)  # read at different moments
    assert now.sub(rb"\1", out) == now.sub(rb"\1", expected)
