"""The HTTP transports of the submission clients, on httpx: one blocking, one asyncio.

Both send what a flow of :mod:`boinc.submit._ops` yields and hand back what
came: :class:`~._ops.Response` for a form, the path written for a download.
httpx brings what users of an HTTP client expect: ``HTTPS_PROXY``,
``HTTP_PROXY`` and ``NO_PROXY`` are honoured, connections are kept and reused
across requests, TLS certificates are verified. Transport failures become
:class:`~boinc.errors.TransportError` subclasses; no message, log line or
chained exception carries the authenticator (``get_output.php`` takes it in
the URL).
"""

from __future__ import annotations

import logging
import os
import ssl
import tempfile
import zipfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, Final

import httpx

from .. import __version__
from ..errors import ConnectError, ConnectionClosed, ProtocolError, RpcTimeout, TransportError
from . import _protocol as P
from ._ops import CHUNK, Download, Post, Response

__all__ = ["AsyncTransport", "SyncTransport"]

log = logging.getLogger("boinc.submit")

USER_AGENT: Final = f"boinc-python/{__version__} (remote job submission)"
_SMALL_BODY: Final = 1 << 20
_AUTH_STR: Final = "auth_str="


class _MaskAuthStr(logging.Filter):
    """Mask ``auth_str`` in the URLs httpx logs (``cmd=workunit_file`` sends the raw authenticator)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(_AUTH_STR in str(a) for a in record.args):
            record.args = tuple(_mask(str(a)) if _AUTH_STR in str(a) else a for a in record.args)
        return True


def _mask(text: str) -> str:
    head, _, tail = text.partition(_AUTH_STR)
    rest = tail.split("&", 1)
    return head + _AUTH_STR + "***" + ("&" + rest[1] if len(rest) > 1 else "")


_MASK: Final = _MaskAuthStr()
logging.getLogger("httpx").addFilter(_MASK)


def _os_cause(exc: BaseException) -> BaseException | None:
    # httpx's exceptions carry the request (and its URL, which may hold the
    # authenticator): only the socket or TLS error beneath is chained.
    seen = exc.__cause__ or exc.__context__
    while seen is not None:
        if isinstance(seen, OSError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


class _Base:
    def __init__(self, url: str, host: str, port: int, timeout: float | None, ssl_context: ssl.SSLContext) -> None:
        self.url = url
        self.host = host
        self.port = port
        self.timeout = timeout
        self.ssl = ssl_context

    def _options(self) -> dict[str, Any]:
        return {
            "verify": self.ssl,
            "timeout": httpx.Timeout(self.timeout),
            "follow_redirects": False,
            "trust_env": True,
            "headers": {"User-Agent": USER_AGENT},
        }

    def error(self, what: str, exc: httpx.TransportError) -> TransportError:
        """The typed error of a transport failure."""
        host, port = self.host, self.port
        cause = _os_cause(exc)
        if isinstance(exc, httpx.TimeoutException):
            return RpcTimeout(f"{what}: no answer within {self.timeout} s", host=host, port=port)
        if isinstance(cause, ssl.SSLCertVerificationError):
            msg = f"{what}: TLS certificate verification failed ({cause.verify_message})"
            return ConnectError(msg, host=host, port=port)
        if isinstance(exc, httpx.ProxyError):
            return ConnectError(f"{what}: the HTTP proxy refused or failed the request", host=host, port=port)
        if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
            return ConnectionClosed(f"{what}: the server closed the connection early", host=host, port=port)
        if isinstance(exc, httpx.ProtocolError):
            return ConnectionClosed(f"{what}: bad HTTP reply ({type(exc).__name__})", host=host, port=port)
        detail = cause.strerror if isinstance(cause, OSError) and cause.strerror else type(exc).__name__
        return ConnectError(f"{what}: cannot reach the server ({detail})", host=host, port=port)

    def _request(self, step: Post) -> tuple[str, dict[str, str], bool]:
        size = len(step.body)
        headers = {"Content-Type": step.body.content_type, "Content-Length": str(size)}
        return self.url + step.endpoint, headers, size <= _SMALL_BODY

    def _download_url(self, step: Download) -> str:
        return f"{self.url}{P.OUTPUT_ENDPOINT}?{step.query}"

    @staticmethod
    def _response(step: Post, resp: httpx.Response) -> Response:
        log.debug("POST %s (%s) -> HTTP %d, %d bytes", step.endpoint, step.what, resp.status_code, len(resp.content))
        return Response(resp.status_code, _headers(resp), resp.content)

    @staticmethod
    def _open(step: Download, resp: httpx.Response, head: bytes) -> _File | None:
        """The file a download goes to, its first bytes written; ``None``: the temporary miss."""
        headers = _headers(resp)
        if P.check_download(resp.status_code, headers, head, secret=step.secret) is not None:
            return None
        out = _File(step, headers)
        try:
            out.write(head)
        except BaseException:
            out.abort()
            raise
        return out


def _headers(resp: httpx.Response) -> dict[str, str]:
    return {k.lower(): v for k, v in resp.headers.items()}


class _File:
    """A download written to a temporary file beside its target, put in place only when complete and checked."""

    def __init__(self, step: Download, headers: dict[str, str]) -> None:
        dest = step.dest
        self.target = dest / (P.download_name(headers) or step.default_name) if dest.is_dir() else dest
        self.zip = step.zip_
        fd, self.tmp = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".part", dir=self.target.parent)
        self.f = os.fdopen(fd, "wb")
        self.size = 0

    def write(self, chunk: bytes) -> None:
        self.f.write(chunk)
        self.size += len(chunk)

    def finish(self) -> Path:
        if self.zip and self.size == 0:
            self.f.write(P.EMPTY_ZIP)  # get_output.php sends 0 bytes for a zip with nothing in it
        self.f.flush()
        os.fsync(self.f.fileno())
        self.f.close()
        if self.zip:
            _check_zip(self.tmp)
        os.replace(self.tmp, self.target)
        return self.target

    def abort(self) -> None:
        self.f.close()
        try:
            os.unlink(self.tmp)
        except OSError:
            pass


def _check_zip(path: str) -> None:
    try:
        with zipfile.ZipFile(path) as z:
            bad = z.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ProtocolError(f"the server's zip is not valid: {exc}") from None
    if bad is not None:
        raise ProtocolError(f"the server's zip is damaged: bad member {bad!r}")


class SyncTransport(_Base):
    """Blocking HTTP on one :class:`httpx.Client` (made on first use, so connections are reused)."""

    _client: httpx.Client | None = None

    def _http(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(**self._options())
        return self._client

    def close(self) -> None:
        """Close the kept connections."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def post(self, step: Post) -> Response:
        """Send a form; the whole reply."""
        url, headers, small = self._request(step)
        # Small bodies go in one piece with the headers; big ones are streamed from disk.
        content: bytes | Iterator[bytes] = step.body.to_bytes() if small else iter(step.body)
        try:
            resp = self._http().post(url, content=content, headers=headers)
        except httpx.TransportError as exc:
            raise self.error(step.what, exc) from _os_cause(exc)
        return self._response(step, resp)

    def download(self, step: Download) -> Path | None:
        """Stream a ``get_output.php`` reply into its file; ``None``: the temporary miss."""
        try:
            with self._http().stream("GET", self._download_url(step)) as resp:
                chunks = resp.iter_bytes(CHUNK)
                out = self._open(step, resp, next(chunks, b""))
                if out is None:
                    return None
                try:
                    for chunk in chunks:
                        out.write(chunk)
                    return out.finish()
                except BaseException:
                    out.abort()
                    raise
        except httpx.TransportError as exc:
            raise self.error(step.what, exc) from _os_cause(exc)


class AsyncTransport(_Base):
    """asyncio HTTP on one :class:`httpx.AsyncClient` (made on first use, so connections are reused)."""

    _client: httpx.AsyncClient | None = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(**self._options())
        return self._client

    async def close(self) -> None:
        """Close the kept connections."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def post(self, step: Post) -> Response:
        """Send a form; the whole reply."""
        url, headers, small = self._request(step)
        content: bytes | AsyncIterator[bytes] = step.body.to_bytes() if small else _aiter(step.body)
        try:
            resp = await self._http().post(url, content=content, headers=headers)
        except httpx.TransportError as exc:
            raise self.error(step.what, exc) from _os_cause(exc)
        return self._response(step, resp)

    async def download(self, step: Download) -> Path | None:
        """Stream a ``get_output.php`` reply into its file; ``None``: the temporary miss."""
        try:
            async with self._http().stream("GET", self._download_url(step)) as resp:
                chunks = resp.aiter_bytes(CHUNK)
                out = self._open(step, resp, await anext(chunks, b""))
                if out is None:
                    return None
                try:
                    async for chunk in chunks:
                        out.write(chunk)
                    return out.finish()
                except BaseException:
                    out.abort()
                    raise
        except httpx.TransportError as exc:
            raise self.error(step.what, exc) from _os_cause(exc)


async def _aiter(body: P.Multipart) -> AsyncIterator[bytes]:
    for chunk in body:  # 1 MiB reads from a local file
        yield chunk
