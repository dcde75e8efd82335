"""A warm pool process of the local backend: runs jobs one after another in its own slot.

Started by :class:`~boinc.pyboinc.LocalBackend` as
``python -m boinc.pyboinc._pool FD CLIENT_DIR PROJECT BATCH_DIR``. It claims a
slot directory (``CLIENT_DIR/slots/<N>``, locked through ``boinc_lockfile`` as
a BOINC task does) and sets it up as a client would: the soft-link files
``input`` and ``output`` pointing to the physical files ``slot<N>_in`` and
``slot<N>_out`` in ``CLIENT_DIR/projects/PROJECT/``. Then, for each job it
receives over the socket *FD*, it:

1. removes any file the previous job left in the slot, writes the input file
   and ``init_data.xml``;
2. runs the worker script as ``__main__`` in the slot (compiled once, fresh
   globals each time), stdout discarded, stderr to ``stderr.txt``;
3. decides the outcome as a client does: exit status 0 and an output file;
4. sends the output bytes back.

Files are rewritten in place rather than created per job: creating a file
costs over a millisecond on some virtual disks, as much as a trivial job.
"""

from __future__ import annotations

import builtins
import fcntl
import os
import shutil
import signal
import socket
import sys
import traceback
from multiprocessing.connection import Connection
from types import CodeType
from typing import Any

from . import _slots, _worker
from ._batch import read_file, result_record, scan_records

_LOCK = "boinc_lockfile"
_KEEP = frozenset({_LOCK, _slots.INPUT_NAME, _slots.OUTPUT_NAME, _slots.INIT_DATA_FILE, _slots.STDERR_FILE})
_STDERR_TAIL = 4000


def claim_slot(slots_dir: str) -> tuple[int, str, int]:
    """Lock the first free slot directory; return its number, path and lock fd."""
    os.makedirs(slots_dir, exist_ok=True)
    n = 0
    while True:
        path = os.path.join(slots_dir, str(n))
        os.makedirs(path, exist_ok=True)
        fd = os.open(os.path.join(path, _LOCK), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            n += 1
            continue
        return n, path, fd


def stderr_tail(path: str, limit: int = _STDERR_TAIL) -> str:
    """Return the last *limit* bytes of a stderr file, decoded, starting at a line."""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - limit))
            data = f.read()
    except OSError:
        return ""
    text = data.decode("utf-8", "replace")
    if size > limit and "\n" in text:
        text = text.split("\n", 1)[1]
    return text.rstrip("\n")


def _overwrite(path: str, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        os.write(fd, data)
        os.ftruncate(fd, len(data))
    finally:
        os.close(fd)


class _Runner:
    def __init__(self, client_dir: str, project: str, batch_dir: str) -> None:
        self.client_dir = os.path.abspath(client_dir)
        self.project_dir = os.path.join(self.client_dir, "projects", project)
        os.makedirs(self.project_dir, exist_ok=True)
        self.slot_no, self.slot, self.lock_fd = claim_slot(os.path.join(self.client_dir, "slots"))
        self.batch_dir = batch_dir
        self.code: dict[str, tuple[int, CodeType]] = {}
        self.in_path = os.path.join(self.project_dir, f"slot{self.slot_no}_in")
        self.out_path = os.path.join(self.project_dir, f"slot{self.slot_no}_out")
        # Outputs go to this slot's results log at once, so that a kill of the
        # master loses none; the slot lock makes this process its only writer.
        self.log_name = f"results.slot{self.slot_no}"
        log_path = os.path.join(batch_dir, self.log_name)
        data = read_file(log_path)
        _records, end = scan_records(data)
        if end != len(data):  # a torn write of an earlier process of this slot
            os.truncate(log_path, end)
        self.log_fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.log_end = end
        os.chdir(self.slot)
        # init_data.xml differs between jobs only in the names; NUL, the placeholder, cannot occur in a path.
        self.init_data = _slots.init_data_text({
            "major_version": 7, "minor_version": 20, "release": 0,
            "app_name": "pyboinc", "app_version": 0, "project_dir": self.project_dir,
            "boinc_dir": self.client_dir, "wu_name": "\0", "result_name": "\0_0",
            "slot": self.slot_no, "checkpoint_period": 60, "fraction_done_start": 0, "fraction_done_end": 1,
            "ncpus": 1, "gpu_device_num": -1, "rsc_fpops_est": 1e9, "user_name": "local", "hostid": 0,
        })
        _slots.write_soft_link(".", _slots.INPUT_NAME, project, os.path.basename(self.in_path))
        _slots.write_soft_link(".", _slots.OUTPUT_NAME, project, os.path.basename(self.out_path))
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
        err = os.open(_slots.STDERR_FILE, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(err, 2)
        os.close(err)

    def clean_slot(self) -> None:
        for name in os.listdir("."):
            if name in _KEEP:
                continue
            if os.path.isdir(name) and not os.path.islink(name):
                shutil.rmtree(name, ignore_errors=True)
            else:
                os.unlink(name)
        if os.fstat(2).st_size:
            os.ftruncate(2, 0)

    def compiled(self, path: str) -> CodeType:
        mtime = os.stat(path).st_mtime_ns
        hit = self.code.get(path)
        if hit is not None and hit[0] == mtime:
            return hit[1]
        with open(path, "rb") as f:
            code = compile(f.read(), path, "exec")
        self.code[path] = (mtime, code)
        d = os.path.dirname(path)
        if d not in sys.path:
            sys.path.insert(0, d)
        return code

    def run(self, job: tuple[int, str, str, bytes]) -> tuple[int, bool, str, str, bytes, tuple[str, int] | None]:
        seq, name, script, payload = job
        self.clean_slot()
        _overwrite(self.in_path, payload)
        _overwrite(_slots.INIT_DATA_FILE, self.init_data.replace("\0", name).encode("utf-8"))
        _worker._state["returned"] = False
        _worker._state["pickle"] = payload[:1] == b"\x80"  # as pyboinc_get_input would find it
        code = self._exec(script)
        ok, reason, output = True, "", b""
        if code != 0:
            ok, reason = False, f"process exited with code {code}"
        elif not _worker._state["returned"]:
            ok, reason = False, "no output file: the worker script never called pyboinc_return_output()"
        else:
            with open(self.out_path, "rb") as f:
                output = f.read()
        tail = ""
        if os.fstat(2).st_size:
            tail = stderr_tail(_slots.STDERR_FILE)
            shutil.copyfile(_slots.STDERR_FILE, os.path.join(self.batch_dir, "stderr", f"{seq}.txt"))
        logged = None
        if ok:
            record, offset = result_record(seq, output)
            view = memoryview(record)
            while view:
                view = view[os.write(self.log_fd, view):]
            logged = (self.log_name, self.log_end + offset)
            self.log_end += len(record)
        return seq, ok, reason, tail, output, logged

    def _exec(self, script: str) -> int:
        saved_argv = sys.argv
        sys.argv = [script]
        status = 0
        try:
            code = self.compiled(script)
            env: dict[str, Any] = {"__name__": "__main__", "__file__": script, "__builtins__": builtins,
                                   "__doc__": None, "__package__": None, "__spec__": None, "__loader__": None}
            exec(code, env)
        except SystemExit as exc:
            if exc.code is None:
                status = 0
            elif isinstance(exc.code, int):
                status = exc.code & 0xFF
            else:
                print(exc.code, file=sys.stderr)
                status = 1
        except BaseException:  # the worker's own exception: a failed task, as in a real process
            traceback.print_exc()
            status = 1
        finally:
            sys.argv = saved_argv
            for stream in (sys.stderr, sys.stdout):
                try:
                    stream.flush()
                except (OSError, ValueError, AttributeError):
                    pass
        return status


def main(argv: list[str]) -> int:
    """Serve jobs until the master closes the socket or dies."""
    # ^C at the terminal reaches the whole process group: only the master should stop
    # (it then stops the pool); a job must not fail because of it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    fd, client_dir, project, batch_dir = int(argv[0]), argv[1], argv[2], argv[3]
    sock = socket.socket(fileno=fd)
    conn = Connection(sock.detach())
    master = os.getppid()
    runner = _Runner(client_dir, project, batch_dir)
    conn.send(("ready", runner.slot_no))
    while True:
        try:
            chunk = conn.recv()
        except (EOFError, OSError):
            return 0
        if chunk is None:
            return 0
        for job in chunk:
            if os.getppid() != master:  # the master was killed: run nothing more
                return 0
            try:
                conn.send(runner.run(job))
            except (BrokenPipeError, ConnectionResetError):
                return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
