"""Shared test set-up: hypothesis profiles, the recorded fixtures, and ^C for the processes tests start."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from hypothesis import HealthCheck, settings

FIXTURES = Path(__file__).parent / "fixtures"

settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fast", deadline=None, max_examples=20)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "default"))

# A run started in the background by a shell without job control (``.ci/run &`` in a script)
# inherits SIGINT ignored, and so would every Python process a test starts: the tests that press
# ^C on a master or a server would wait for an exit that never comes. A handled SIGINT is reset to
# the default when a child starts, so the children get Python's own ^C handling back.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
