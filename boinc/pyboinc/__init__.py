"""PyBOINC: master/worker computing in plain Python, locally or on a BOINC project.

The master (on your machine) makes calls; each call runs a worker script on
one input as a job; each job's output comes back to the master::

    # app_master.py
    from boinc.pyboinc import pyboinc_call, pyboinc_master

    def make_calls():
        for i in range(100):
            pyboinc_call("app_worker.py", Input(i))

    def handle_result(output):
        ...

    pyboinc_master(make_calls, handle_result)

    # app_worker.py
    from boinc.pyboinc import pyboinc_get_input, pyboinc_return_output

    input = pyboinc_get_input()
    pyboinc_return_output(Output(input.value * input.value))

Jobs run on this machine by default (:class:`LocalBackend`), each in a
BOINC-style slot directory, so the same worker script runs unchanged on
volunteer hosts under the BOINC wrapper (:class:`BoincBackend`,
``python -m boinc.pyboinc make-app``).

**Restarts.** The batch directory (by default ``pyboinc_batch_<script>``
beside the master script) journals every call before its job runs. Run the
master again after a crash or ^C and it makes no new jobs: calls already made
are recognized by sequence number and input hash (a changed ``make_calls`` is
reported as :class:`~boinc.errors.JournalMismatch`), unfinished jobs run
again, and ``handle_result`` sees every job's result exactly once per run:
results handled by earlier runs first, then the others.

**Payloads.** Inputs and outputs travel as JSON: ``None``, booleans, numbers,
strings, bytes, lists, tuples, sets, dicts, enums, attrs classes, dataclasses
and plain classes (their ``__dict__``). The master rebuilds classes only from
an allow-list of modules (by default those its inputs' classes come from) and
never unpickles unless given :class:`PickleCodec` explicitly. Define the
classes in a module of their own (``app_types.py``): workers cannot import
the master script.
"""

from __future__ import annotations

from ._backend import Backend, BackendContext, Finished, Job
from ._boinc import BoincBackend
from ._codec import Codec, JsonCodec, PickleCodec
from ._local import LocalBackend
from ._master import JobFailure, Master, Progress, default_batch_dir, pyboinc_call, pyboinc_master
from ._worker import (
    pyboinc_checkpoint,
    pyboinc_fraction_done,
    pyboinc_get_input,
    pyboinc_restore,
    pyboinc_return_output,
)

__all__ = [
    "Backend",
    "BackendContext",
    "BoincBackend",
    "Codec",
    "Finished",
    "Job",
    "JobFailure",
    "JsonCodec",
    "LocalBackend",
    "Master",
    "PickleCodec",
    "Progress",
    "default_batch_dir",
    "pyboinc_call",
    "pyboinc_checkpoint",
    "pyboinc_fraction_done",
    "pyboinc_get_input",
    "pyboinc_master",
    "pyboinc_restore",
    "pyboinc_return_output",
]
