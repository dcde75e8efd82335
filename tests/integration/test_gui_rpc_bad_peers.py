"""Bad input over real sockets: a loopback peer that lies, stalls, hangs up or floods."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable

import pytest

from boinc import errors
from boinc.gui_rpc import AsyncRpcClient, RpcClient, RunMode
from tests.fake_gui_rpc import ENVELOPE, FakePeer, fixture


def test_replayed_replies_decode_over_a_socket() -> None:
    with FakePeer(
        {"get_cc_status": fixture("get_cc_status"), "get_results": fixture("rich_50/get_results_active_only_0")}
    ) as peer, RpcClient("127.0.0.1", peer.port, timeout=5) as rpc:
        assert rpc.get_cc_status().task_mode in set(RunMode)
        assert len(rpc.get_results()) == fixture("rich_50/get_results_active_only_0").count(b"<result>")
        rpc.authorize("secret")
        with pytest.raises(errors.RpcError, match="unrecognized op"):
            rpc.get_notices()


def test_wrong_password_is_an_authentication_error_and_never_shown() -> None:
    with FakePeer() as peer, RpcClient("127.0.0.1", peer.port, timeout=5) as rpc:
        with pytest.raises(errors.AuthenticationError) as info:
            rpc.authorize("hunter2-wrong")
        assert "hunter2" not in str(info.value) and "hunter2" not in repr(info.value)


def test_unauthorized_control_operation_raises() -> None:
    with (
        FakePeer() as peer,
        RpcClient("127.0.0.1", peer.port, timeout=5) as rpc,
        pytest.raises(errors.AuthenticationError, match="set_run_mode"),
    ):
        rpc.set_run_mode(RunMode.NEVER)


def test_host_down_is_a_connect_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(errors.ConnectError, match=str(port)):
        RpcClient("127.0.0.1", port, timeout=2).get_cc_status()


class _Stall:
    """A peer that sends the start of a reply, then nothing until released (at most a minute).

    Released only after the client gave up, so a client that raises :class:`errors.RpcTimeout`
    cannot have been woken by the peer closing: its own timeout fired.
    """

    def __init__(self) -> None:
        self.release = threading.Event()

    def __call__(self, conn: socket.socket, request: bytes) -> bool:
        conn.sendall(ENVELOPE[:30])
        self.release.wait(60)
        return True


def _hang_up(conn: socket.socket, request: bytes) -> bool:
    conn.sendall(fixture("get_state")[:500])
    return True


def _flood(conn: socket.socket, request: bytes) -> bool:
    try:
        for _ in range(64):
            conn.sendall(b"<x>" * 10_000)
    except OSError:
        pass
    return True


def test_stall_mid_reply_times_out_without_hanging() -> None:
    stall = _Stall()
    with FakePeer(misbehave=stall) as peer:
        try:
            with pytest.raises(errors.RpcTimeout), RpcClient("127.0.0.1", peer.port, timeout=0.5) as rpc:
                rpc.get_state()
        finally:
            stall.release.set()


def test_connection_closed_mid_reply() -> None:
    with (
        FakePeer(misbehave=_hang_up) as peer,
        RpcClient("127.0.0.1", peer.port, timeout=5) as rpc,
        pytest.raises(errors.ConnectionClosed, match="500 bytes"),
    ):
        rpc.get_state()


def test_reply_over_the_cap() -> None:
    with (
        FakePeer(misbehave=_flood) as peer,
        RpcClient("127.0.0.1", peer.port, timeout=5, max_reply_size=100_000) as rpc,pytest.raises(errors.ReplyTooLarge)
    ):
        rpc.get_state()


def test_request_too_large_is_refused_before_sending() -> None:
    with FakePeer() as peer, RpcClient("127.0.0.1", peer.port, timeout=5) as rpc:
        rpc.authorize("secret")
        sent = len(peer.requests)
        with pytest.raises(errors.RequestTooLarge):
            rpc.set_language("x" * 100_000)
        assert len(peer.requests) == sent


def test_async_client_same_behaviour() -> None:
    async def main() -> None:
        with FakePeer({"get_cc_status": fixture("get_cc_status")}) as peer:
            async with AsyncRpcClient("127.0.0.1", peer.port, timeout=5) as rpc:
                statuses = await asyncio.gather(*(rpc.get_cc_status() for _ in range(5)))
                assert len({s.task_mode for s in statuses}) == 1
                with pytest.raises(errors.AuthenticationError):
                    await rpc.authorize("nope")
        stall = _Stall()
        with FakePeer(misbehave=stall) as peer:
            try:
                with pytest.raises(errors.RpcTimeout):
                    async with AsyncRpcClient("127.0.0.1", peer.port, timeout=0.5) as rpc:
                        await rpc.get_state()
            finally:
                stall.release.set()

    asyncio.run(main())


def _prepare_probe(seen: list[str]) -> Callable[[], None]:
    def prepare() -> None:
        seen.append("prepared")
        raise ImportError("a broken module: the reply's reading meets it again")

    return prepare


def test_prepare_runs_between_request_and_reply_and_cannot_break_the_call() -> None:
    from boinc.gui_rpc._protocol import Call, frame_request
    from boinc.gui_rpc._transports import SyncTransport

    seen: list[str] = []
    with FakePeer({"get_cc_status": fixture("get_cc_status")}) as peer:
        transport = SyncTransport("127.0.0.1", peer.port, timeout=5)
        call = Call(frame_request("<get_cc_status/>\n"), "get_cc_status", _prepare_probe(seen))
        reply = transport.call(call.data, call.prepare)
        transport.close()
    assert b"<cc_status>" in reply
    assert seen == ["prepared"]


def test_async_prepare_runs_and_cannot_break_the_call() -> None:
    from boinc.gui_rpc._async_transport import AsyncTransport
    from boinc.gui_rpc._protocol import frame_request

    seen: list[str] = []

    async def main(peer: FakePeer) -> bytes:
        transport = AsyncTransport("127.0.0.1", peer.port, timeout=5)
        try:
            return await transport.call(frame_request("<get_cc_status/>\n"), _prepare_probe(seen))
        finally:
            await transport.close()

    with FakePeer({"get_cc_status": fixture("get_cc_status")}) as peer:
        assert b"<cc_status>" in asyncio.run(main(peer))
    assert seen == ["prepared"]


def test_a_reply_struct_module_is_imported_while_the_client_computes() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from boinc.gui_rpc import rpcs\n"
        "call = rpcs.GET_RESULTS.frame(rpcs.ActiveOnly(active_only=False))\n"
        "assert 'boinc.gui_rpc.structs.task' not in sys.modules\n"
        "call.prepare()\n"
        "assert 'boinc.gui_rpc.structs.task' in sys.modules\n"
        "assert rpcs.GET_CC_STATUS.frame().prepare is not None and rpcs.QUIT.frame().prepare is None\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
