"""Benchmark: the ``boinc`` command against the real ``boinccmd``, whole processes.

Seeds a real client with 10,000 tasks (``tests.realclient``), then times
``boinc --get_tasks`` / ``--get_state`` and ``boinccmd`` with the same
arguments, alternating, over several runs; prints the medians and the ratio
(``boinc`` / ``boinccmd``; the target is 1.0 or less). Also checks that both
printed the same number of bytes. ``boinc`` runs as a user's ``pip install``
leaves it: the package is installed (not editable) into a throwaway venv of
this interpreter, which finds attrs, cattrs and defusedxml here, and its byte
code is cached whatever ``PYTHONDONTWRITEBYTECODE`` says. (An editable install
adds an import hook that costs every start some 15 ms; ``--editable`` times
this environment's ``boinc`` instead.) With ``--phases`` it
then splits ``boinc``'s time: start-up and imports (whole processes), and, in
this process on the replies the client sent, the typed decode, the links of
``get_state``'s items (who owns what) and the formatting. Run from the repository root::

    python bench/cli.py [--tasks 10000] [--runs 7] [--phases] [--editable]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.realclient import BOINCCMD, RealClient, seed_state  # noqa: E402

if TYPE_CHECKING:
    from boinc.gui_rpc.client import RpcClient

#: as installed: byte code cached (an environment may set PYTHONDONTWRITEBYTECODE, which would make
#: every run compile the package from source)
_ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED")}


def _time(cmd: list[str], cwd: Path) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False, env=_ENV)
    return time.perf_counter() - start, len(done.stdout)


def main() -> int:
    """Run the benchmark and print a table; exit status 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--phases", action="store_true", help="also split boinc's time into its phases")
    parser.add_argument("--editable", action="store_true", help="time this environment's boinc command")
    parser.add_argument("verbs", nargs="*", default=["--get_tasks", "--get_state"])
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        info = seed_state(data_dir, n_tasks=options.tasks)
        script = Path(sys.executable).with_name("boinc")
        if not options.editable:
            try:
                script = _install(Path(tmp) / "venv")
            except (subprocess.CalledProcessError, OSError) as exc:
                print(f"cannot install a regular copy ({exc}); timing this environment's boinc instead")
        with RealClient(data_dir, seed=info, start_timeout=300) as client:
            common = ["--host", f"{client.host}:{client.port}", "--passwd", client.password]
            ours = [str(script), *common]  # the console script, as users run it
            theirs = [BOINCCMD, *common]
            print(f"{options.tasks} tasks, {options.runs} runs, medians of whole processes")
            print(f"{'verb':<16} {'boinccmd':>10} {'boinc':>10} {'ratio':>7}  output bytes")
            for verb in options.verbs:
                _time([*theirs, verb], data_dir)  # warm up the client's caches
                _time([*ours, verb], data_dir)
                times: dict[str, list[float]] = {"boinccmd": [], "boinc": []}
                sizes: dict[str, int] = {}
                for _ in range(options.runs):
                    for name, cmd in (("boinccmd", theirs), ("boinc", ours)):
                        seconds, size = _time([*cmd, verb], data_dir)
                        times[name].append(seconds)
                        sizes[name] = size
                c = statistics.median(times["boinccmd"])
                p = statistics.median(times["boinc"])
                print(f"{verb:<16} {c:>9.3f}s {p:>9.3f}s {p / c:>7.2f}  {sizes['boinccmd']} / {sizes['boinc']}")
            if options.phases:
                _phases(client, options.verbs, options.runs)
    return 0


def _install(venv: Path) -> Path:
    """Install the package as ``pip install`` does into a new venv; return its ``boinc`` script."""
    import sysconfig
    import venv as venv_module

    venv_module.create(venv, with_pip=False)
    python = venv / "bin" / "python"
    done = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    # the dependencies: this environment's, without its .pth files (an editable install's hook)
    (Path(done.stdout.strip()) / "bench_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--quiet", ROOT],
        check=True, env=_ENV,
    )  # fmt: skip
    return venv / "bin" / "boinc"


_REQUESTS = {
    "--get_tasks": ("GET_RESULTS", "<get_results>\n<active_only>0</active_only>\n</get_results>\n"),
    "--get_state": ("GET_STATE", "<get_state/>\n"),
}


def _best(runs: int, step: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return min(times)


def _phases(client: RealClient, verbs: list[str], runs: int) -> None:
    """Where ``boinc``'s time goes: start-up and imports, then per verb fetch, decode, links and format."""
    from boinc.gui_rpc.client import RpcClient

    bare = statistics.median(_time([sys.executable, "-c", "pass"], ROOT)[0] for _ in range(runs))
    code = "import boinc.cli, boinc._format, boinc.gui_rpc.client"
    imports = statistics.median(_time([sys.executable, "-c", code], ROOT)[0] for _ in range(runs))
    print(f"phases: python start-up {bare:.3f}s, imports {imports - bare:.3f}s (medians); in-process, best of {runs}:")
    with RpcClient(client.host, client.port) as rpc:
        rpc.authorize(client.password)
        for verb in verbs:
            if verb in _REQUESTS:
                _verb_phases(rpc, verb, runs)


def _verb_phases(rpc: RpcClient, verb: str, runs: int) -> None:
    from boinc import _format
    from boinc._xml import decode_bytes
    from boinc.gui_rpc import rpcs
    from boinc.gui_rpc._protocol import frame_request

    name, body = _REQUESTS[verb]
    request = frame_request(body)
    fetched = _best(runs, lambda: rpc._transport.call(request))
    text = decode_bytes(rpc._transport.call(request))
    parse = getattr(rpcs, name).parse
    decoded = _best(runs, lambda: parse(text))
    value = parse(text)
    if verb == "--get_state":

        def links() -> None:
            value.__dict__.pop("_links", None)  # built once per state: drop it to time it again
            value.project_of(value.projects[0])

        linked = _best(runs, links)
        formatted = _best(runs, lambda: "".join(_format.format_state(value, _format.FORMAT_7_20)))
    else:
        linked = 0.0
        formatted = _best(runs, lambda: "".join(_format.format_results(value)))
    print(f"{verb:<16} fetch {fetched:.3f}s  decode {decoded:.3f}s  links {linked:.3f}s  format {formatted:.3f}s")


if __name__ == "__main__":
    sys.exit(main())
