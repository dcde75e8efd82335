"""The blocking socket transport (the asyncio one is in ``_async_transport``). It moves bytes only.

``call(request)`` sends one framed request and returns the reply's bytes up to
the ``0x03`` terminator. A call never waits longer than the timeout in all
(connect, send and every read together), so a peer that stalls mid-reply
raises :class:`~boinc.errors.RpcTimeout` instead of hanging.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from .. import errors
from ._protocol import DEFAULT_MAX_REPLY_SIZE, ReplyBuffer, run_prepare

__all__ = ["SyncTransport", "TransportConfig"]

_RECV = 1 << 18


class TransportConfig:
    """Where a transport connects and what it accepts; shared by both transports.

    Args:
        host: the client's host name or address.
        port: its GUI RPC port.
        timeout: seconds a connect or a whole request and its reply may take.
        max_reply_size: the largest reply accepted, in bytes.
        unix_socket: a Unix domain socket path to connect to instead of ``host:port``.
    """

    def __init__(
        self,
        host: str,
        port: int,
        timeout: float,
        max_reply_size: int = DEFAULT_MAX_REPLY_SIZE,
        unix_socket: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self.max_reply_size = max_reply_size
        self.unix_socket = unix_socket


class SyncTransport(TransportConfig):
    """A blocking socket to one client."""

    _sock: socket.socket | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lock = threading.Lock()

    @property
    def connected(self) -> bool:
        """Whether a connection is open."""
        return self._sock is not None

    def connect(self) -> None:
        """Open the connection.

        Raises:
            ConnectError: refused, unreachable or unresolvable.
            RpcTimeout: no answer within the timeout.
        """
        self.close()
        try:
            if self.unix_socket is not None:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    sock.settimeout(self.timeout)
                    sock.connect(self.unix_socket)
                except BaseException:
                    sock.close()
                    raise
                self._sock = sock
                return
            # an ASCII name or address goes as bytes, which getaddrinfo() takes as they are: a str
            # would load the IDNA codec first (some 2 ms of a one-shot command)
            host: str | bytes = self.host.encode("ascii") if self.host.isascii() else self.host
            sock = socket.create_connection((host, self.port), timeout=self.timeout)  # type: ignore[arg-type]
        except TimeoutError as exc:
            raise errors.RpcTimeout("connect timed out", host=self.host, port=self.port) from exc
        except OSError as exc:
            raise errors.ConnectError(f"cannot connect: {exc.strerror or exc}", host=self.host, port=self.port) from exc
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock = sock

    def call(self, data: bytes, prepare: Callable[[], object] | None = None) -> bytearray:
        """Send one request and read its whole reply; run ``prepare`` (see :class:`Call`) in between.

        Raises:
            ConnectionClosed: the peer closed before the reply was complete.
            RpcTimeout: the reply did not complete within the timeout.
            ReplyTooLarge: the reply passed the size cap.
        """
        with self._lock:
            if self._sock is None:
                self.connect()
            sock = self._sock
            assert sock is not None
            deadline = time.monotonic() + self.timeout
            buffer = ReplyBuffer(self.max_reply_size)
            try:
                sock.settimeout(self.timeout)
                sock.sendall(data)
                run_prepare(prepare)
                while True:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise TimeoutError
                    sock.settimeout(remaining)
                    chunk = sock.recv(_RECV)
                    if not chunk:
                        self.close()
                        raise errors.ConnectionClosed(
                            f"connection closed after {buffer.pending} bytes of a reply",
                            host=self.host,
                            port=self.port,
                            received=buffer.pending,
                        )
                    reply = buffer.feed(chunk)
                    if reply is not None:
                        return reply
            except TimeoutError as exc:
                self.close()
                raise errors.RpcTimeout(
                    f"no complete reply within {self.timeout:g} s", host=self.host, port=self.port
                ) from exc
            except errors.ReplyTooLarge:
                self.close()
                raise
            except OSError as exc:
                self.close()
                raise errors.ConnectionClosed(
                    f"connection lost: {exc.strerror or exc}", host=self.host, port=self.port
                ) from exc

    def close(self) -> None:
        """Close the connection, if open."""
        sock, self._sock = self._sock, None
        if sock is not None:
            sock.close()
