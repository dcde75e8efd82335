"""make-app: the files a project admin installs, and a job run the way the wrapper runs it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from boinc.pyboinc import _slots
from boinc.pyboinc._makeapp import main, make_app

VDIR = ("apps", "pyboinc", "1.0", "x86_64-pc-linux-gnu")


def test_files_and_their_content(tmp_path: Path) -> None:
    (tmp_path / "app_types.py").write_text("class T:\n    pass\n")
    assert main([ "make-app", str(tmp_path / "out"), "--include", str(tmp_path / "app_types.py")]) == 0
    vdir = tmp_path.joinpath("out", *VDIR)
    version = ET.fromstring((vdir / "version.xml").read_text())
    files = {f.findtext("physical_name"): f for f in version.findall("file")}
    assert version.find("is_wrapper") is not None
    assert files["wrapper_x86_64-pc-linux-gnu"].find("main_program") is not None
    assert files["job_pyboinc_1.0.xml"].findtext("logical_name") == "job.xml"
    for phys, logical in [("pyboinc_run_pyboinc_1.0.py", "pyboinc_run.py"),
                          ("pyboinc_runtime_pyboinc_1.0.zip", "pyboinc_runtime.zip"),
                          ("app_types_pyboinc_1.0.py", "app_types.py")]:
        assert files[phys].findtext("logical_name") == logical
        assert files[phys].find("copy_file") is not None  # Python needs real files in the slot
        assert (vdir / phys).is_file()
    task = ET.fromstring((vdir / "job_pyboinc_1.0.xml").read_text()).find("task")
    assert task is not None
    assert task.findtext("application") == "/usr/bin/python3"
    assert task.findtext("command_line") == "pyboinc_run.py pyboinc_worker.py"
    assert task.findtext("fraction_done_filename") == _slots.FRACTION_DONE_FILE
    assert task.findtext("checkpoint_filename") == _slots.CHECKPOINT_FILE
    assert task.find("setenv") is None and task.find("stdout_filename") is None
    tin = ET.fromstring((tmp_path / "out" / "templates" / "pyboinc_in").read_text())
    refs = tin.findall("workunit/file_ref")
    assert [r.findtext("open_name") for r in refs] == ["input", "pyboinc_worker.py"]
    assert refs[1].find("copy_file") is not None and refs[0].find("copy_file") is None
    tout = ET.fromstring((tmp_path / "out" / "templates" / "pyboinc_out").read_text())
    assert tout.findtext("result/file_ref/open_name") == "output"
    readme = (tmp_path / "out" / "README.txt").read_text()
    assert "Python interpreter" in readme and "samples/wrapper" in readme and "update_versions" in readme
    names = zipfile.ZipFile(vdir / "pyboinc_runtime_pyboinc_1.0.zip").namelist()
    assert sorted(names) == ["boinc/__init__.py", "boinc/errors.py", "boinc/pyboinc/__init__.py",
                             "boinc/pyboinc/_slots.py", "boinc/pyboinc/_wire.py", "boinc/pyboinc/_worker.py"]


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="absolute"):
        make_app(tmp_path, python="python3")
    with pytest.raises(SystemExit):
        main(["make-app", str(tmp_path), "--python", "python3"])


def test_a_job_runs_under_the_runner_with_only_the_runtime_zip(tmp_path: Path) -> None:
    """Set up a slot as the client does for this app version, and run the wrapper's command."""
    (tmp_path / "app_types.py").write_text("class Out:\n    def __init__(self, v):\n        self.value = v\n")
    vdir = make_app(tmp_path / "admin", include=[tmp_path / "app_types.py"], wrapper=sys.executable)
    assert (vdir / Path(sys.executable).name).is_file()
    project = tmp_path / "client" / "projects" / "p"
    slot = tmp_path / "client" / "slots" / "3"
    project.mkdir(parents=True)
    slot.mkdir(parents=True)
    for phys, logical in [("pyboinc_run_pyboinc_1.0.py", "pyboinc_run.py"),
                          ("pyboinc_runtime_pyboinc_1.0.zip", "pyboinc_runtime.zip"),
                          ("app_types_pyboinc_1.0.py", "app_types.py")]:
        (slot / logical).write_bytes((vdir / phys).read_bytes())
    (slot / "pyboinc_worker.py").write_text(
        "import sys, boinc, boinc.pyboinc\n"
        "from app_types import Out\n"
        "from boinc.pyboinc import pyboinc_get_input, pyboinc_return_output, pyboinc_fraction_done\n"
        "pyboinc_fraction_done(0.5)\n"
        "print('from the worker', file=sys.stderr)\n"
        "pyboinc_return_output([Out(pyboinc_get_input() * 2), boinc.__file__, sorted(sys.modules)])\n")
    (project / "in_1").write_bytes(b'{"pyboinc":1,"value":21}')
    _slots.write_soft_link(str(slot), "input", "p", "in_1")
    _slots.write_soft_link(str(slot), "output", "p", "out_1")
    proc = subprocess.run([sys.executable, "-I", "pyboinc_run.py", "pyboinc_worker.py"], cwd=slot,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "from the worker\n"
    out = (project / "out_1").read_text()
    assert '{"$class":"app_types:Out","$state":{"value":42}}' in out
    assert "pyboinc_runtime.zip" in out  # boinc came from the zip, not from this machine's install
    assert '"attrs"' not in out and '"cattrs"' not in out  # the worker side needs the standard library only
    assert (slot / "pyboinc_fraction_done").read_text() == "0.500000\n"
