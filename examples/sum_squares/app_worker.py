"""Square one number: the worker, run once per job in its own slot directory."""

from app_types import Output

from boinc.pyboinc import pyboinc_get_input, pyboinc_return_output

input = pyboinc_get_input()  # noqa: A001
pyboinc_return_output(Output(input.value * input.value))
