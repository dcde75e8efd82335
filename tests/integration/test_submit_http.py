"""The submit client's HTTP behaves like the ecosystem's: proxies from the environment, kept connections, no leaks."""

from __future__ import annotations

import asyncio
import http.client
import logging
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from boinc.errors import ConnectError
from boinc.submit import AsyncBoincServer, BoincServer
from tests.submit_replay import AUTHENTICATOR, ReplayServer

PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


class ForwardProxy:
    """A plain-HTTP forward proxy on loopback (absolute-URI requests, no CONNECT) that logs what it forwards."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def _forward(self) -> None:
                proxy.seen.append(f"{self.command} {self.path}")
                target = urllib.parse.urlsplit(self.path)
                assert target.scheme == "http" and target.hostname, self.path  # a proxy gets absolute URIs
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("proxy-connection", "connection")}
                conn = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
                try:
                    path = target.path + (f"?{target.query}" if target.query else "")
                    conn.request(self.command, path, body=body, headers=headers)
                    resp = conn.getresponse()
                    data = resp.read()
                finally:
                    conn.close()
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in ("connection", "transfer-encoding", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = _forward
            do_POST = _forward

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> ForwardProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    with ReplayServer() as srv:
        yield srv
        srv.check()


@pytest.fixture
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.delenv("REQUEST_METHOD", raising=False)  # urllib ignores HTTP_PROXY under CGI
    return monkeypatch


def test_http_proxy_is_honoured(replay: ReplayServer, no_proxy_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    replay.expect("ping", "get_output__result_file")
    with ForwardProxy() as proxy:
        no_proxy_env.setenv("HTTP_PROXY", proxy.url)
        with BoincServer(replay.url, AUTHENTICATOR, timeout=10) as s:
            s.ping()
            s.get_output_file("fx_staged_r3_0_0", 0, tmp_path)
    assert [line.split("?")[0] for line in proxy.seen] == [
        f"POST {replay.url}submit_rpc_handler.php",
        f"GET {replay.url}get_output.php",
    ]
    assert replay.served == ["ping", "get_output__result_file"]


def test_no_proxy_bypasses_it(replay: ReplayServer, no_proxy_env: pytest.MonkeyPatch) -> None:
    replay.expect("ping")
    with ForwardProxy() as proxy:
        no_proxy_env.setenv("HTTP_PROXY", proxy.url)
        no_proxy_env.setenv("NO_PROXY", "127.0.0.1")
        BoincServer(replay.url, AUTHENTICATOR, timeout=10).ping()
    assert proxy.seen == []
    assert replay.served == ["ping"]


def test_async_client_uses_the_proxy_too(replay: ReplayServer, no_proxy_env: pytest.MonkeyPatch) -> None:
    replay.expect("ping")
    with ForwardProxy() as proxy:
        no_proxy_env.setenv("HTTP_PROXY", proxy.url)

        async def run() -> None:
            async with AsyncBoincServer(replay.url, AUTHENTICATOR, timeout=10) as s:
                await s.ping()

        asyncio.run(run())
    assert len(proxy.seen) == 1


def test_a_dead_proxy_is_a_connect_error(no_proxy_env: pytest.MonkeyPatch) -> None:
    with ForwardProxy() as proxy:
        dead = proxy.url
    no_proxy_env.setenv("HTTP_PROXY", dead)
    with pytest.raises(ConnectError):
        BoincServer("http://127.0.0.1:9/test/", AUTHENTICATOR, timeout=5).ping()


class KeepAlive(BaseHTTPRequestHandler):
    """Answers every POST with a ping success and keeps the connection open; counts connections."""

    protocol_version = "HTTP/1.1"
    connections: ClassVar[set[tuple[str, int]]] = set()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def do_POST(self) -> None:
        KeepAlive.connections.add(self.client_address)
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        body = b"<ping><success>1</success></ping>"
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def keepalive() -> Iterator[str]:
    KeepAlive.connections = set()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), KeepAlive)
    httpd.daemon_threads = True
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/p/"
    httpd.shutdown()
    httpd.server_close()
    t.join()


def test_connections_are_reused(keepalive: str, no_proxy_env: pytest.MonkeyPatch) -> None:
    with BoincServer(keepalive, AUTHENTICATOR, timeout=10) as s:
        for _ in range(5):
            s.ping()
    assert len(KeepAlive.connections) == 1


def test_async_connections_are_reused(keepalive: str, no_proxy_env: pytest.MonkeyPatch) -> None:
    async def run() -> None:
        async with AsyncBoincServer(keepalive, AUTHENTICATOR, timeout=10) as s:
            await asyncio.gather(*(s.ping() for _ in range(3)))  # concurrent: real async I/O, a pool
            for _ in range(3):
                await s.ping()

    asyncio.run(run())
    assert 1 <= len(KeepAlive.connections) <= 3


def test_the_authenticator_in_a_download_url_never_reaches_a_log(
    replay: ReplayServer, no_proxy_env: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    replay.expect("get_output__workunit_file")
    with caplog.at_level(logging.DEBUG):
        BoincServer(replay.url, AUTHENTICATOR, timeout=10).get_job_output_file("fx_staged_r3_0", 0, tmp_path)
    assert any("get_output.php" in r.getMessage() for r in caplog.records)  # httpx logged the request
    assert all(f"auth_str={AUTHENTICATOR}" not in r.getMessage() for r in caplog.records)
    assert any("auth_str=***" in r.getMessage() for r in caplog.records)
