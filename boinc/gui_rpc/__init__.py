"""The BOINC core client's GUI RPC: the XML protocol on TCP 31416.

This is what ``boinccmd`` and BOINC Manager speak. :class:`RpcClient` (blocking)
and :class:`AsyncRpcClient` (asyncio) have one method for each request the core
client answers, named as in the C++ ``RPC_CLIENT``, and return typed structs::

    from boinc.gui_rpc import RpcClient

    with RpcClient("localhost") as rpc:
        rpc.authorize(password)
        for task in rpc.get_results():
            print(task.name, task.state)

Both clients run the same sans-I/O protocol core (:mod:`boinc.gui_rpc.rpcs`
declares every request once); only their transports differ. Names are
imported from their submodules on first use, so importing this package is cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from .async_client import *  # noqa: F403
    from .client import *  # noqa: F403
    from .enums import *  # noqa: F403
    from .error_codes import *  # noqa: F403
    from .rpcs import *  # noqa: F403
    from .structs import *  # noqa: F403
else:
    __getattr__ = attach(__name__, globals(), ("client", "enums", "error_codes", "structs", "rpcs", "async_client"))
