"""``python -m boinc.pyboinc make-app DIR``: see :func:`boinc.pyboinc._makeapp.make_app`."""

import sys

from ._makeapp import main

sys.exit(main())
