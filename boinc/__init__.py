"""Python tooling for BOINC, the Berkeley Open Infrastructure for Network Computing.

* :mod:`boinc.gui_rpc`: the core client's GUI RPC (what ``boinccmd`` speaks);
* :mod:`boinc.submit`: remote job submission to a BOINC project server;
* :mod:`boinc.pyboinc`: master/worker computing in plain Python;
* :mod:`boinc.errors`: the one exception hierarchy.

Importing :mod:`boinc` is cheap: subpackages load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["AsyncBoincClient", "BoincClient", "__version__"]

if TYPE_CHECKING:
    from .client import AsyncBoincClient, BoincClient  # type: ignore[import-not-found, unused-ignore]


def __getattr__(name: str) -> Any:
    if name in ("BoincClient", "AsyncBoincClient"):
        from . import client

        return getattr(client, name)
    raise AttributeError(f"module 'boinc' has no attribute {name!r}")
