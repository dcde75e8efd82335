"""RpcClient(unix_socket=...) against a real client started with ``--gui_rpc_unix_domain``.

BOINC 7.20.5 (client/gui_rpc_server.cpp): with that flag the client listens on the Unix domain
socket ``boinc_socket`` in its data dir instead of TCP, counts every connection as local, and reads
``gui_rpc_auth.cfg`` as usual: requests that need no authorization are answered at once, the others
only after auth1/auth2.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from boinc import errors
from boinc.gui_rpc import AsyncRpcClient, RpcClient, RunMode
from tests.integration.conftest import require_boinc
from tests.realclient import RealClient

pytestmark = pytest.mark.realclient


@pytest.fixture(scope="module")
def unix_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealClient]:
    require_boinc()
    with RealClient(tmp_path_factory.mktemp("unix") / "data", unix_domain=True) as client:
        yield client


def _path(client: RealClient) -> str:
    assert client.unix_socket is not None
    return str(client.unix_socket)


def test_the_client_listens_on_its_socket_not_on_tcp(unix_client: RealClient) -> None:
    assert unix_client.unix_socket is not None and unix_client.unix_socket.is_socket()
    with pytest.raises(errors.ConnectError), RpcClient(unix_client.host, unix_client.port, timeout=5) as rpc:
        rpc.get_cc_status()


def test_read_only_requests_need_no_password(unix_client: RealClient) -> None:
    with RpcClient(unix_socket=_path(unix_client), timeout=10) as rpc:
        assert rpc.exchange_versions("test").major == 7
        assert rpc.get_cc_status().task_mode in tuple(RunMode)
        assert rpc.get_results() == []
        with pytest.raises(errors.AuthenticationError):
            rpc.get_proxy_settings()  # this one needs the password, local or not


def test_authorized_requests(unix_client: RealClient) -> None:
    with RpcClient(unix_socket=_path(unix_client), timeout=10) as rpc:
        rpc.authorize(unix_client.password)
        assert rpc.get_proxy_settings().http_server_name == ""
        rpc.set_network_mode(RunMode.NEVER, 0)
        assert rpc.get_cc_status().network_mode == RunMode.NEVER
    with pytest.raises(errors.AuthenticationError), RpcClient(unix_socket=_path(unix_client), timeout=10) as rpc:
        rpc.authorize("wrong")


def test_async_client(unix_client: RealClient) -> None:
    async def run() -> int:
        async with AsyncRpcClient(unix_socket=_path(unix_client), timeout=10) as rpc:
            await rpc.authorize(unix_client.password)
            return (await rpc.get_host_info()).p_ncpus

    assert asyncio.run(run()) >= 1


def test_a_missing_socket_is_a_connect_error(unix_client: RealClient) -> None:
    missing = str(unix_client.data_dir / "no_such_socket")
    with pytest.raises(errors.ConnectError), RpcClient(unix_socket=missing, timeout=5) as rpc:
        rpc.get_cc_status()
