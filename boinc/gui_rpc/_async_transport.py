"""The asyncio transport; see :mod:`boinc.gui_rpc._transports` for the contract. It moves bytes only."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable

from .. import errors
from ._protocol import ReplyBuffer, run_prepare
from ._transports import _RECV, TransportConfig

__all__ = ["AsyncTransport"]


class AsyncTransport(TransportConfig):
    """An asyncio stream to one client. Concurrent calls are serialized: never pipelined."""

    _reader: asyncio.StreamReader | None = None
    _writer: asyncio.StreamWriter | None = None
    _lock: asyncio.Lock | None = None

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
            opening = (
                asyncio.open_unix_connection(self.unix_socket)
                if self.unix_socket is not None
                else asyncio.open_connection(self.host, self.port)
            )
            self._reader, self._writer = await asyncio.wait_for(opening, self.timeout)
        except asyncio.TimeoutError as exc:
            raise errors.RpcTimeout("connect timed out", host=self.host, port=self.port) from exc
        except OSError as exc:
            raise errors.ConnectError(f"cannot connect: {exc.strerror or exc}", host=self.host, port=self.port) from exc

    async def call(self, data: bytes, prepare: Callable[[], object] | None = None) -> bytearray:
        """Send one request and read its whole reply; run ``prepare`` (see :class:`Call`) in between.

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
                if sys.version_info >= (3, 11):
                    # a deadline on this task: no second task per call, as wait_for makes (a poller
                    # of thousands of hosts makes three calls per host and sweep)
                    async with asyncio.timeout(self.timeout):
                        return await self._exchange(data, prepare)
                return await asyncio.wait_for(self._exchange(data, prepare), self.timeout)
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

    async def _exchange(self, data: bytes, prepare: Callable[[], object] | None) -> bytearray:
        reader, writer = self._reader, self._writer
        assert reader is not None and writer is not None
        writer.write(data)
        await writer.drain()
        run_prepare(prepare)
        buffer = ReplyBuffer(self.max_reply_size)
        while True:
            chunk = await reader.read(_RECV)
            if not chunk:
                raise errors.ConnectionClosed(
                    f"connection closed after {buffer.pending} bytes of a reply",
                    host=self.host,
                    port=self.port,
                    received=buffer.pending,
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
