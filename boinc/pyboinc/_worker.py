"""The worker side of PyBOINC: what a worker script calls inside its slot.

Standard library only: ``make-app`` ships this module to volunteer hosts.
Every function works relative to the current directory, which is the task's
slot directory both under a BOINC client (the wrapper starts Python there) and
under the local backend.
"""

from __future__ import annotations

import importlib
import os
import pickle
import sys
from typing import Any

from boinc.errors import PyboincError, UnsafePayload

from . import _slots, _wire

__all__ = [
    "pyboinc_checkpoint",
    "pyboinc_fraction_done",
    "pyboinc_get_input",
    "pyboinc_restore",
    "pyboinc_return_output",
]

_PICKLE_MARK = b"\x80"
# "pickle": this task's input came as a pickle (then the output goes back as one).
# "returned": pyboinc_return_output() was called (the local backend checks it).
_state: dict[str, bool] = {"pickle": False, "returned": False}


def _import_resolver(module: str, qualname: str) -> type:
    # The worker trusts its project's master: it may import the modules inputs name.
    try:
        obj: Any = importlib.import_module(module)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as exc:
        raise UnsafePayload(f"cannot find class {module}:{qualname}: {exc}") from exc
    if not isinstance(obj, type):
        raise UnsafePayload(f"{module}:{qualname} is not a class")
    return obj


def pyboinc_get_input() -> Any:
    """Return this job's input, the object the master passed to ``pyboinc_call``.

    The input file is found by resolving the logical name ``input`` in the slot.

    Returns:
        The input object.

    Raises:
        PyboincError: there is no input file (not running inside a PyBOINC slot).
        UnsafePayload: the input file is not a PyBOINC payload.
    """
    path = _slots.resolve(_slots.INPUT_NAME)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise PyboincError(f"no PyBOINC input in {os.getcwd()!r}: {exc}") from exc
    if data[:1] == _PICKLE_MARK:
        # The master chose pickle explicitly; a worker trusts its own project.
        _state["pickle"] = True
        return pickle.loads(data)
    _state["pickle"] = False
    return _wire.loads(data, _import_resolver)


def pyboinc_return_output(output: Any) -> None:
    """Send *output* back to the master; the master's ``handle_result`` receives it.

    The output is written to the path the logical name ``output`` resolves
    to. Call it once, at the end of the worker script, and then exit
    normally: the job fails if the script exits non-zero or never calls this.

    Raises:
        TypeError: *output* cannot be encoded (see :mod:`boinc.pyboinc` on
            which types travel).
        OSError: the output file cannot be written.
    """
    data = pickle.dumps(output) if _state["pickle"] else _wire.dumps(output)
    # The client uploads outputs only after the task exits, so no temporary file is needed.
    fd = os.open(_slots.resolve(_slots.OUTPUT_NAME), os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.ftruncate(fd, len(data))
    finally:
        os.close(fd)
    _state["returned"] = True


def pyboinc_fraction_done(fraction: float) -> None:
    """Report progress, from 0 to 1, by appending a line to the wrapper's fraction-done file.

    Under BOINC the wrapper reads the last line of this file every second and
    reports it to the client; under the local backend it feeds the master's
    progress display.

    Raises:
        ValueError: *fraction* is not a number.
    """
    x = float(fraction)
    if x != x:
        raise ValueError("fraction must be a number, not NaN")
    x = min(1.0, max(0.0, x))
    with open(_slots.FRACTION_DONE_FILE, "a", encoding="ascii") as f:
        f.write(f"{x:.6f}\n")


def pyboinc_checkpoint(state: Any) -> None:
    """Save *state* so that a restarted task can resume with :func:`pyboinc_restore`.

    The checkpoint file is written atomically (temporary file, fsync, rename),
    so a task killed at any instant leaves either the old or the new
    checkpoint. The rename changes the file's modification time, which is how
    the wrapper notices a checkpoint.

    Raises:
        TypeError: *state* cannot be encoded.
        OSError: the file cannot be written.
    """
    _slots.atomic_write(_slots.CHECKPOINT_FILE, _wire.dumps(state))


def pyboinc_restore() -> Any:
    """Return the state last saved by :func:`pyboinc_checkpoint`, or ``None`` on a fresh start.

    Classes are looked up among the modules already imported by the worker.

    Raises:
        UnsafePayload: the checkpoint file is not a PyBOINC payload.
    """
    try:
        with open(_slots.CHECKPOINT_FILE, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return None
    return _wire.loads(data, _imported_resolver)


def _imported_resolver(module: str, qualname: str) -> type:
    if module not in sys.modules:
        raise UnsafePayload(f"checkpoint names {module}:{qualname}, but {module} is not imported")
    return _import_resolver(module, qualname)
