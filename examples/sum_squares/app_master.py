"""Sum the squares of 0..99 with PyBOINC: run ``python app_master.py``.

Stop it with ^C at any time and run it again: it resumes where it was.
"""

from app_types import Input

from boinc.pyboinc import pyboinc_call, pyboinc_master

total = 0


def make_calls():
    for i in range(100):
        pyboinc_call("app_worker.py", Input(i))


def handle_result(output):
    global total
    total += output.value


pyboinc_master(make_calls, handle_result)
print("The answer is", total)
