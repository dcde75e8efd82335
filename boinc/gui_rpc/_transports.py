"""The two transports: a blocking socket and asyncio streams. They move bytes only.

``call(request)`` sends one framed request and returns the reply's bytes up to
the ``0x03`` terminator. A call never waits longer than the timeout in all
(connect, send and every read together), so a peer that stalls mid-reply
raises :class:`~boinc.errors.RpcTimeout` instead of hanging.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time

from .. import errors
from ._protocol import DEFAULT_MAX_REPLY_SIZE, ReplyBuffer

__all__ = ["AsyncTransport", "SyncTransport"]

_RECV = 1 << 18


class SyncTransport:
    """A blocking socket to one client."""

    def __init__(self, host: str, port: int, timeout: float, max_reply_size: int = DEFAULT_MAX_REPLY_SIZE) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self.max_reply_size = max_reply_size
        self._sock: socket.socket | None = None
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
            sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        except TimeoutError as exc:
            raise errors.RpcTimeout("connect timed out", host=self.host, port=self.port) from exc
        except OSError as exc:
            raise errors.ConnectError(f"cannot connect: {exc.strerror or exc}", host=self.host, port=self.port) from exc
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock = sock

    def call(self, data: bytes) -> bytes:
        """Send one request and read its whole reply.

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
                while True:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise TimeoutError
                    sock.settimeout(remaining)
                    chunk = sock.recv(_RECV)
                    if not chunk:
                        self.close()
                        raise errors.ConnectionClosed(
                            f"connection closed after {buffer.pending} bytes of a reply", host=self.host, port=self.port
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


class AsyncTransport:
    """An asyncio stream to one client. Concurrent calls are serialized: never pipelined."""

    def __init__(self, host: str, port: int, timeout: float, max_reply_size: int = DEFAULT_MAX_REPLY_SIZE) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self.max_reply_size = max_reply_size
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._lock: asyncio.Lock | None = None

    @property
    def connected(self) -> bool:
        """Whether a connection is open."""
        return self._writer is not None

    async def connect(self) -> None:
        """Open the connection.

        Raises:
            ConnectError: refused, unreachable or unresolvable.
            RpcTimeout: no answer within the timeout.
        """
        await self.close()
        try:
            self._reader, self._writer = await asyncio.wait_for(
                asyncio.open_connection(self.host, self.port), self.timeout
            )
        except asyncio.TimeoutError as exc:
            raise errors.RpcTimeout("connect timed out", host=self.host, port=self.port) from exc
        except OSError as exc:
            raise errors.ConnectError(f"cannot connect: {exc.strerror or exc}", host=self.host, port=self.port) from exc

    async def call(self, data: bytes) -> bytes:
        """Send one request and read its whole reply.

        Raises:
            ConnectionClosed: the peer closed before the reply was complete.
            RpcTimeout: the reply did not complete within the timeout.
            ReplyTooLarge: the reply passed the size cap.
        """
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._writer is None:
                await self.connect()
            try:
                return await asyncio.wait_for(self._exchange(data), self.timeout)
            except asyncio.TimeoutError as exc:
                await self.close()
                raise errors.RpcTimeout(
                    f"no complete reply within {self.timeout:g} s", host=self.host, port=self.port
                ) from exc
            except errors.BoincError:
                await self.close()
                raise
            except OSError as exc:
                await self.close()
                raise errors.ConnectionClosed(
                    f"connection lost: {exc.strerror or exc}", host=self.host, port=self.port
                ) from exc

    async def _exchange(self, data: bytes) -> bytes:
        reader, writer = self._reader, self._writer
        assert reader is not None and writer is not None
        writer.write(data)
        await writer.drain()
        buffer = ReplyBuffer(self.max_reply_size)
        while True:
            chunk = await reader.read(_RECV)
            if not chunk:
                raise errors.ConnectionClosed(
                    f"connection closed after {buffer.pending} bytes of a reply", host=self.host, port=self.port
                )
            reply = buffer.feed(chunk)
            if reply is not None:
                return reply

    async def close(self) -> None:
        """Close the connection, if open."""
        writer, self._writer, self._reader = self._writer, None, None
        if writer is not None:
            writer.close()
            try:
                await writer.wait_closed()
            except OSError:
                pass
