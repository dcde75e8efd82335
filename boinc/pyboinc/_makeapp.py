"""``python -m boinc.pyboinc make-app DIR``: the files a project admin installs for a PyBOINC app."""

from __future__ import annotations

import argparse
import os
import shutil
import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from . import _slots, _worker

__all__ = ["WORKER_NAME", "main", "make_app"]

#: The logical name under which the staged worker script appears in the slot.
WORKER_NAME = "pyboinc_worker.py"
RUNNER_NAME = "pyboinc_run.py"
RUNTIME_NAME = "pyboinc_runtime.zip"
DEFAULT_PLATFORM = "x86_64-pc-linux-gnu"
DEFAULT_PYTHON = "/usr/bin/python3"

_RUNNER = f'''"""Start a PyBOINC worker script under the BOINC wrapper (written by make-app)."""

import os
import runpy
import sys

# The slot holds copies of the app's files; the runtime zip provides boinc.pyboinc.
sys.path[:0] = [os.getcwd(), os.path.join(os.getcwd(), "{RUNTIME_NAME}")]
script = sys.argv[1] if len(sys.argv) > 1 else "{WORKER_NAME}"
sys.argv = [script]
runpy.run_path(script, run_name="__main__")
'''

_RUNTIME_BOINC_INIT = '"""The part of the boinc package that PyBOINC workers need (shipped by make-app)."""\n'
# the runtime's boinc.pyboinc: the worker functions, named once, in _worker.__all__
_RUNTIME_PYBOINC_INIT = (
    '"""PyBOINC\'s worker functions (the runtime shipped to volunteer hosts by make-app)."""\n\n'
    f"from ._worker import {', '.join(_worker.__all__)}\n\n"
    f"__all__ = {list(_worker.__all__)!r}\n"
)


def job_xml(python: str) -> str:
    """Return the wrapper's ``job.xml``: one task running *python* on the staged worker script.

    No ``<setenv>`` is used: the wrapper would then give Python only those
    variables. No ``<stdout_filename>``: stdout is discarded, as the client
    does; diagnostics belong on stderr, which the client keeps.
    """
    return (
        "<job_desc>\n"
        "    <task>\n"
        f"        <application>{escape(python)}</application>\n"
        f"        <command_line>{RUNNER_NAME} {WORKER_NAME}</command_line>\n"
        f"        <fraction_done_filename>{_slots.FRACTION_DONE_FILE}</fraction_done_filename>\n"
        f"        <checkpoint_filename>{_slots.CHECKPOINT_FILE}</checkpoint_filename>\n"
        "    </task>\n"
        "</job_desc>\n"
    )


#: Runs of a failing job the app's template allows the server (``max_total_results``).
DEFAULT_MAX_RUNS = 3


def input_template(rsc_fpops_est: float = 1e12, max_runs: int = DEFAULT_MAX_RUNS) -> str:
    """Return the app's input template: file 0 is the job's input, file 1 the worker script.

    The worker script is copied into the slot (``<copy_file/>``) so that
    Python can run it; the input is a soft link that ``pyboinc_get_input``
    resolves. The server runs a failing job at most *max_runs* times
    (``max_total_results``; ``max_error_results`` is one less, as the
    transitioner gives up when the errors exceed it). The BOINC backend sends
    this template with every job, its limits set from the master's ``retries``.
    """
    return f"""<input_template>
    <file_info>
        <number>0</number>
    </file_info>
    <file_info>
        <number>1</number>
    </file_info>
    <workunit>
        <file_ref>
            <file_number>0</file_number>
            <open_name>{_slots.INPUT_NAME}</open_name>
        </file_ref>
        <file_ref>
            <file_number>1</file_number>
            <open_name>{WORKER_NAME}</open_name>
            <copy_file/>
        </file_ref>
        <rsc_fpops_est>{rsc_fpops_est:g}</rsc_fpops_est>
        <rsc_fpops_bound>{rsc_fpops_est * 100:g}</rsc_fpops_bound>
        <target_nresults>1</target_nresults>
        <min_quorum>1</min_quorum>
        <max_error_results>{max_runs - 1}</max_error_results>
        <max_total_results>{max_runs}</max_total_results>
        <max_success_results>2</max_success_results>
        <delay_bound>604800</delay_bound>
    </workunit>
</input_template>
"""


def output_template(max_nbytes: int = 16 * 1024 * 1024) -> str:
    """Return the app's output template: one output file, opened as ``output``."""
    return f"""<output_template>
    <file_info>
        <name><OUTFILE_0/></name>
        <generated_locally/>
        <upload_when_present/>
        <max_nbytes>{max_nbytes}</max_nbytes>
        <url><UPLOAD_URL/></url>
    </file_info>
    <result>
        <file_ref>
            <file_name><OUTFILE_0/></file_name>
            <open_name>{_slots.OUTPUT_NAME}</open_name>
        </file_ref>
    </result>
</output_template>
"""


def write_runtime_zip(path: Path) -> None:
    """Write the worker runtime: ``boinc.pyboinc``'s worker functions, standard library only."""
    src = Path(__file__).resolve().parent
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("boinc/__init__.py", _RUNTIME_BOINC_INIT)
        z.write(src.parent / "errors.py", "boinc/errors.py")
        z.writestr("boinc/pyboinc/__init__.py", _RUNTIME_PYBOINC_INIT)
        for name in ("_worker.py", "_wire.py", "_slots.py"):
            z.write(src / name, f"boinc/pyboinc/{name}")


def make_app(
    directory: str | os.PathLike[str],
    *,
    app_name: str = "pyboinc",
    version: str = "1.0",
    platform: str = DEFAULT_PLATFORM,
    python: str = DEFAULT_PYTHON,
    include: Sequence[str | os.PathLike[str]] = (),
    wrapper: str | os.PathLike[str] | None = None,
) -> Path:
    """Write the app-version files of a PyBOINC app into *directory*, laid out like a project.

    Writes ``apps/APP/VERSION/PLATFORM/`` (``version.xml``, the wrapper's
    ``job.xml``, the runner script, the runtime zip, the *include* files and
    the wrapper if given), ``templates/APP_in``, ``templates/APP_out`` and
    ``README.txt`` with the admin's steps.

    Args:
        directory: where to write; created if missing.
        app_name: the app's short name on the project.
        version: the app version, e.g. ``1.0``.
        platform: the BOINC platform name.
        python: absolute path of the interpreter on volunteer hosts (the
            wrapper starts it with no PATH search).
        include: modules the worker script imports (e.g. ``app_types.py``);
            they are copied into every slot.
        wrapper: the BOINC wrapper executable for *platform*; without it the
            README says where to get it and what to name it.

    Returns:
        The app-version directory.

    Raises:
        ValueError: *python* is not an absolute path, or a bad name.
        OSError: a file cannot be read or written.
    """
    if not python.startswith("/"):
        raise ValueError("python must be an absolute path: the wrapper starts it without searching PATH")
    for name in (app_name, version, platform):
        if not name or "/" in name or name.startswith("."):
            raise ValueError(f"bad name {name!r}")
    root = Path(directory)
    vdir = root / "apps" / app_name / version / platform
    vdir.mkdir(parents=True, exist_ok=True)
    (root / "templates").mkdir(parents=True, exist_ok=True)
    tag = f"{app_name}_{version}"
    files: list[tuple[str, str, bool, bool]] = []  # physical, logical, copy_file, main_program
    wrapper_phys = Path(wrapper).name if wrapper is not None else f"wrapper_{platform}"
    if wrapper is not None:
        shutil.copy2(wrapper, vdir / wrapper_phys)
    files.append((wrapper_phys, "", False, True))
    (vdir / f"job_{tag}.xml").write_text(job_xml(python), encoding="utf-8")
    files.append((f"job_{tag}.xml", "job.xml", False, False))
    (vdir / f"pyboinc_run_{tag}.py").write_text(_RUNNER, encoding="utf-8")
    files.append((f"pyboinc_run_{tag}.py", RUNNER_NAME, True, False))
    write_runtime_zip(vdir / f"pyboinc_runtime_{tag}.zip")
    files.append((f"pyboinc_runtime_{tag}.zip", RUNTIME_NAME, True, False))
    for inc in include:
        p = Path(inc)
        phys = f"{p.stem}_{tag}{p.suffix}"
        shutil.copyfile(p, vdir / phys)
        files.append((phys, p.name, True, False))
    lines = ["<version>"]
    for phys, logical, copy, main in files:
        lines.append("    <file>")
        lines.append(f"        <physical_name>{escape(phys)}</physical_name>")
        if main:
            lines.append("        <main_program/>")
        if logical:
            lines.append(f"        <logical_name>{escape(logical)}</logical_name>")
        if copy:
            lines.append("        <copy_file/>")
        lines.append("    </file>")
    lines += ["    <is_wrapper/>", "</version>", ""]
    (vdir / "version.xml").write_text("\n".join(lines), encoding="utf-8")
    (root / "templates" / f"{app_name}_in").write_text(input_template(), encoding="utf-8")
    (root / "templates" / f"{app_name}_out").write_text(output_template(), encoding="utf-8")
    (root / "README.txt").write_text(_readme(app_name, version, platform, python, wrapper_phys,
                                             wrapper is not None, [Path(i).name for i in include]), encoding="utf-8")
    return vdir


def _readme(app: str, version: str, platform: str, python: str, wrapper_phys: str, have_wrapper: bool,
            include: list[str]) -> str:
    wrapper_step = (
        f"   The wrapper executable is included as {wrapper_phys}."
        if have_wrapper else
        f"   PUT THE BOINC WRAPPER THERE FIRST, named {wrapper_phys} (or rename it in version.xml).\n"
        "   The wrapper is BOINC's samples/wrapper/wrapper.cpp: build it from the BOINC source\n"
        "   tree (samples/wrapper, `make`), or download a prebuilt one for your platform from\n"
        "   https://boinc.berkeley.edu/dl/ (files named wrapper_<version>_<platform>). It must\n"
        "   match the platform directory name."
    )
    inc = ", ".join(include) if include else "none"
    return f"""PyBOINC app "{app}" version {version} for {platform}
{'=' * 60}

What volunteer hosts need
-------------------------
A Python interpreter, version 3.10 or later, at {python}. The wrapper starts it
by absolute path (no PATH search); hosts without it fail every job of this app
(exit status 195 from the wrapper). Nothing else: the worker side of PyBOINC
(boinc.pyboinc's worker functions, standard library only) ships in
pyboinc_runtime.zip, and the modules your worker imports ship beside it
(included: {inc}). Third-party packages (numpy...) are NOT shipped: use only
what every host's Python has, or add the packages' pure-Python files with
make-app --include.

Install on the project (as the project admin, in the project directory)
------------------------------------------------------------------------
1. Create the app, once: add it to project.xml
       <app><name>{app}</name><user_friendly_name>PyBOINC {app}</user_friendly_name></app>
   and run bin/xadd.
2. Copy apps/{app}/ into the project's apps/ directory and copy
   templates/{app}_in and templates/{app}_out into the project's templates/.
{wrapper_step}
3. Run bin/update_versions (sign the files first if your project uses code signing).
4. Give the submitting user access to the app (user_submit and user_submit_app rows,
   e.g. on the web page manage_project.php).
5. The project needs a validator and an assimilator for the app; the output files
   must stay on the server until PyBOINC downloads them (get_output.php): mark them
   <no_delete/> or run file_deleter with --preserve_result_files.

Then the master uses it with
    from boinc.submit import BoincServer
    from boinc.pyboinc import BoincBackend, pyboinc_master
    pyboinc_master(make_calls, handle_result,
                   backend=BoincBackend(BoincServer(URL, AUTHENTICATOR), app_name="{app}"))

What each job looks like on a host
----------------------------------
The input template gives every job two files: 0, the input (logical name
"input", a soft link that pyboinc_get_input resolves) and 1, the worker script
(logical name {WORKER_NAME}, copied into the slot). The wrapper runs
    {python} {RUNNER_NAME} {WORKER_NAME}
in the slot. The worker's output goes to the logical name "output". Progress:
pyboinc_fraction_done appends to {_slots.FRACTION_DONE_FILE}, checkpoints go
to {_slots.CHECKPOINT_FILE}; both names are in job.xml. A worker that raises
or exits non-zero makes the wrapper exit 195 (the worker's own code is lost).
"""


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m boinc.pyboinc``; return the exit status."""
    ap = argparse.ArgumentParser(prog="python -m boinc.pyboinc", description="PyBOINC tools")
    sub = ap.add_subparsers(dest="command", required=True)
    mk = sub.add_parser("make-app", help="write the app-version files a BOINC project admin installs",
                        description=make_app.__doc__.split("\n\n")[0] if make_app.__doc__ else None)
    mk.add_argument("dir", help="where to write the files")
    mk.add_argument("--app-name", default="pyboinc")
    mk.add_argument("--version", default="1.0")
    mk.add_argument("--platform", default=DEFAULT_PLATFORM)
    mk.add_argument("--python", default=DEFAULT_PYTHON, help=f"interpreter path on hosts (default {DEFAULT_PYTHON})")
    mk.add_argument("--include", action="append", default=[], metavar="FILE",
                    help="a module the worker imports, e.g. app_types.py (repeatable)")
    mk.add_argument("--wrapper", default=None, help="the BOINC wrapper executable to ship")
    args = ap.parse_args(argv)
    try:
        vdir = make_app(args.dir, app_name=args.app_name, version=args.version, platform=args.platform,
                        python=args.python, include=args.include, wrapper=args.wrapper)
    except (ValueError, OSError) as exc:
        ap.error(str(exc))
    print(f"wrote {vdir} and {Path(args.dir) / 'templates'}; next steps: {Path(args.dir) / 'README.txt'}")
    return 0
