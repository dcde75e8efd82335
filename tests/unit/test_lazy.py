"""The lazy package namespaces (``boinc._lazy``): a name imports only the submodule it lives in."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _loaded_after(code: str) -> set[str]:
    listing = "print(' '.join(m for m in sys.modules if m.startswith('boinc.') or m == 'asyncio'))"
    probe = f"import sys\n{code}\n{listing}"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


STRUCTS = "boinc.gui_rpc.structs."


@pytest.mark.parametrize(
    ("code", "wanted", "unwanted"),
    [
        # a submodule: no struct module, no asyncio
        ("from boinc.gui_rpc import rpcs", {"boinc.gui_rpc.rpcs"}, {STRUCTS + "task", "asyncio"}),
        # a struct found through the structs package: its own module only
        ("from boinc.gui_rpc import Result", {STRUCTS + "task"}, {STRUCTS + "state", STRUCTS + "host", "asyncio"}),
        ("from boinc.gui_rpc.structs import HostInfo", {STRUCTS + "host"}, {STRUCTS + "state", STRUCTS + "cc_config"}),
        ("from boinc.gui_rpc import RpcClient", {"boinc.gui_rpc.client"}, {STRUCTS + "task", "asyncio"}),
    ],
)
def test_a_name_imports_only_its_own_module(code: str, wanted: set[str], unwanted: set[str]) -> None:
    loaded = _loaded_after(code)
    assert wanted <= loaded
    assert not unwanted & loaded


def test_all_and_unknown_names() -> None:
    import boinc.gui_rpc as g

    assert {"Result", "RpcClient", "RunMode", "CcState", "AsyncRpcClient"} <= set(g.__all__)
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        g.nonexistent  # noqa: B018


def test_connecting_to_an_ascii_host_does_not_load_the_idna_codec() -> None:
    code = (
        "import socket\n"
        "from boinc import errors\n"
        "from boinc.gui_rpc import RpcClient\n"
        "s = socket.socket(); s.bind(('127.0.0.1', 0)); port = s.getsockname()[1]; s.close()\n"
        "for host in ('127.0.0.1', 'localhost'):\n"
        "    try:\n"
        "        RpcClient(host, port, timeout=2).get_cc_status()\n"
        "    except errors.ConnectError:\n"
        "        pass\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code + "import sys; print('encodings.idna' in sys.modules)"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert done.stdout.split() == ["False"]
