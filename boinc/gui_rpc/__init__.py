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
declares every request once); only their transports differ.
"""

from __future__ import annotations

from .async_client import AsyncRpcClient
from .client import GUI_RPC_PORT, RpcClient
from .enums import *  # noqa: F403
from .enums import __all__ as _enums_all
from .error_codes import *  # noqa: F403
from .error_codes import __all__ as _error_codes_all
from .rpcs import RPCS, AuthId, NewerVersion, Rpc
from .structs import *  # noqa: F403
from .structs import __all__ as _structs_all

__all__ = [
    "GUI_RPC_PORT",
    "RPCS",
    "AsyncRpcClient",
    "AuthId",
    "NewerVersion",
    "Rpc",
    "RpcClient",
    *_enums_all,
    *_error_codes_all,
    *_structs_all,
]
