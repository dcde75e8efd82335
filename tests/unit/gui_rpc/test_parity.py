"""The sync and asyncio clients have the same methods, and the table is complete."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

from boinc.gui_rpc import RPCS, AsyncRpcClient, RpcClient

ROOT = Path(__file__).resolve().parents[3]


def _public(cls: type) -> dict[str, inspect.Signature]:
    return {n: inspect.signature(f) for n, f in vars(cls).items() if callable(f) and not n.startswith("_")}


def test_async_client_is_generated_and_current() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "unasync.py"), "--check"], capture_output=True)
    assert proc.returncode == 0, proc.stderr.decode()


def test_same_public_methods_and_signatures() -> None:
    sync, aio = _public(RpcClient), _public(AsyncRpcClient)
    assert sync.keys() == aio.keys()
    for name in sync:
        assert str(sync[name]) == str(aio[name]), name
        assert inspect.iscoroutinefunction(getattr(AsyncRpcClient, name)), name


def test_dispatch_table_has_all_68_requests() -> None:
    assert len(RPCS) == 68
    auth_free = {tag for tag, rpc in RPCS.items() if not rpc.auth}
    assert len(auth_free) == 19  # 18 read-only + run_graphics_app
    assert sum(rpc.network for rpc in RPCS.values()) == 13


def test_every_request_has_a_client_method() -> None:
    source = inspect.getsource(sys.modules[RpcClient.__module__])
    for tag, rpc in RPCS.items():
        const = next(n for n, v in vars(sys.modules["boinc.gui_rpc.rpcs"]).items() if v is rpc)
        assert f"rpcs.{const}" in source or tag in ("abort_file_transfer", "retry_file_transfer") or tag.startswith(
            ("project_", "abort_result", "suspend_result", "resume_result")
        ), tag
