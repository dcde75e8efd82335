"""``python -m boinc``: the ``boinc`` command (:mod:`boinc.cli`)."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
