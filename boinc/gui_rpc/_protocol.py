"""The sans-I/O core of GUI RPC: framing, reply classification and flows.

Nothing here touches a socket. A request is bytes to send; a reply is bytes
received up to the ``0x03`` terminator. Multi-step operations (authorization,
the ``*_poll`` loops) are generators ("flows") that yield :class:`Call` and
:class:`Sleep` steps; each client drives them with a loop of a few lines, so
the sync and asyncio clients share every piece of logic but the I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator
from typing import Final, TypeVar

from .. import errors
from .._xml import scalars
from .._xml.decode import _TOKEN, raw_inner

__all__ = [
    "DEFAULT_MAX_REPLY_SIZE",
    "REQUEST_LIMIT",
    "Call",
    "Flow",
    "ReplyBuffer",
    "Sleep",
    "authorize",
    "check_reply",
    "frame_request",
    "nonce_hash",
]

T = TypeVar("T")

#: The core client drops a request of this many bytes or more (``GUI_RPC_REQ_MSG_SIZE``).
REQUEST_LIMIT: Final = 100_000
#: Default cap on a reply's size: room for a ``get_state`` of well over 100,000 tasks.
DEFAULT_MAX_REPLY_SIZE: Final = 512 * 1024 * 1024
#: The byte that ends every request and reply.
TERMINATOR: Final = b"\x03"

_REQUEST_OPEN: Final = b"<boinc_gui_rpc_request>\n"
_REQUEST_CLOSE: Final = b"</boinc_gui_rpc_request>\n\x03"
_REPLY_TAG: Final = "boinc_gui_rpc_reply"


def frame_request(body: str, tag: str = "") -> bytes:
    """Wrap a request body in the envelope and the terminator.

    Raises:
        RequestTooLarge: the framed request would be dropped by the client.
    """
    data = _REQUEST_OPEN + body.encode("utf-8") + _REQUEST_CLOSE
    if len(data) >= REQUEST_LIMIT:
        raise errors.RequestTooLarge(
            f"{tag or 'request'}: {len(data)} bytes; the BOINC client drops requests of {REQUEST_LIMIT} bytes or more"
        )
    return data


class Call:
    """A flow step: send ``data`` (a framed request) and resume with the reply text.

    ``prepare``, if given, is run once the request is sent, while the client computes its
    reply: it imports what reading the reply needs (the first ``get_state`` of a process
    imports most struct modules), so that this time is hidden.
    """

    __slots__ = ("data", "prepare", "tag")

    def __init__(self, data: bytes, tag: str, prepare: Callable[[], object] | None = None) -> None:
        self.data = data
        self.tag = tag
        self.prepare = prepare

    def __repr__(self) -> str:
        return f"Call(tag={self.tag!r}, {len(self.data)} bytes)"


class Sleep:
    """A flow step: wait ``seconds``, then resume with ``None``."""

    __slots__ = ("seconds",)

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __repr__(self) -> str:
        return f"Sleep({self.seconds!r})"


#: A multi-step operation returning ``T``: it yields steps and is sent reply texts.
Flow = Generator[Call | Sleep, str | None, T]


def run_prepare(prepare: Callable[[], object] | None) -> None:
    """Run a :class:`Call`'s ``prepare``; a failure is left for the reply's reading to meet and report."""
    if prepare is not None:
        try:
            prepare()
        except Exception:  # the same import fails again, and is reported, where the reply is read
            pass


class ReplyBuffer:
    """Collects received bytes until the ``0x03`` terminator.

    The terminator is searched for only in bytes not searched before, so a
    multi-megabyte reply arriving in small pieces costs linear time; the bytes
    go into one growing buffer, which is handed back as it is (no copy).
    """

    def __init__(self, max_size: int = DEFAULT_MAX_REPLY_SIZE) -> None:
        self._buffer = bytearray()
        self.max_size = max_size

    def feed(self, data: bytes) -> bytearray | None:
        """Add received bytes; return the whole reply (without ``0x03``) once complete.

        Bytes after the terminator are dropped: one request is answered by one reply.

        Raises:
            ReplyTooLarge: the reply grew past ``max_size`` without a terminator.
        """
        end = data.find(TERMINATOR)
        size = len(self._buffer) + (len(data) if end < 0 else end)
        if size > self.max_size:
            raise errors.ReplyTooLarge(f"reply larger than {self.max_size} bytes")
        if end < 0:
            self._buffer += data
            return None
        reply = self._buffer
        reply += memoryview(data)[:end]
        self._buffer = bytearray()
        return reply

    @property
    def pending(self) -> int:
        """Bytes received so far of an incomplete reply."""
        return len(self._buffer)


_ERROR_NUM: Final = re.compile(r"<error_num>\s*(-?\d+)\s*</error_num>")
_ERROR_MSG: Final = re.compile(r"<error_msg>(.*?)</error_msg>", re.S)


def _rpc_error(message: str, code: int, tag: str) -> errors.BoincError:
    # The C++ library's mapping of error texts to codes (RPC::parse_reply).
    if "unauthorized" in message:
        return errors.AuthenticationError(f"{tag}: {message}", message=message)
    if "Missing authenticator" in message:
        code = -155
    elif "Missing URL" in message:
        return errors.InvalidUrl(message, code=-189, request=tag)
    elif "Already attached to project" in message:
        return errors.AlreadyAttached(message, code=-130, request=tag)
    if code == -189:
        return errors.InvalidUrl(message, code=code, request=tag)
    if code == -130:
        return errors.AlreadyAttached(message, code=code, request=tag)
    return errors.RpcError(message, code=code, request=tag)


def check_reply(text: str, tag: str) -> int:
    """Classify a reply by its first element, raising on a refusal or an error.

    Returns:
        The position in ``text`` just after the envelope's open tag.

    Raises:
        ProtocolError: no ``<boinc_gui_rpc_reply>`` envelope.
        AuthenticationError: ``<unauthorized/>``.
        RpcError: ``<error>…</error>`` or a non-zero ``<status>``.
    """
    start = text.find("<" + _REPLY_TAG)
    if start < 0:
        raise errors.ProtocolError(f"{tag}: reply has no <{_REPLY_TAG}> envelope: {text[:80]!r}")
    pos = text.find(">", start) + 1
    body = pos
    while True:
        m = _TOKEN.search(text, pos)
        if m is None:
            return body
        k = m.lastindex
        if k is None or k == 7:  # declaration or comment: look further
            pos = m.end()
            continue
        break
    if k == 4:
        name = m.group(4)
        if name == "unauthorized":
            raise errors.AuthenticationError(f"{tag}: the client refused the request (unauthorized)")
        if name == "error":  # report_device_status answers <error/>
            raise errors.RpcError("", code=-1, request=tag)
        return body
    if k == 3 and m.group(1) == m.group(3):
        name, value = m.group(1), m.group(2)
        if name == "error":
            message = scalars.parse_str(value)
            try:
                code = scalars.parse_int(message)  # get_global_prefs_file sends a number
            except ValueError:
                code = -1
            raise _rpc_error(message, code, tag)
        if name == "status":
            try:
                code = scalars.parse_int(value)
            except ValueError as exc:
                raise errors.ReplyParseError(f"{tag}: bad <status> {value!r}") from exc
            if code:
                raise _rpc_error("", code, tag)
        return body
    if k == 5 and m.group(5) == "error":
        # a project server's error passed through: <error><error_num>…</error_num><error_msg>…
        inner, _ = raw_inner(text, m.end(), "error")
        num = _ERROR_NUM.search(inner)
        msg = _ERROR_MSG.search(inner)
        raise _rpc_error(
            scalars.parse_str(msg.group(1)) if msg else scalars.parse_str(inner),
            int(num.group(1)) if num else -1,
            tag,
        )
    return body


def nonce_hash(nonce: str, password: str) -> str:
    """``md5(nonce + password)`` as 32 lowercase hex digits (the ``auth2`` proof)."""
    import hashlib  # here: most flows never authorize, and it loads OpenSSL

    return hashlib.md5((nonce + password).encode("utf-8")).hexdigest()


_NONCE: Final = re.compile(r"<nonce>(.*?)</nonce>", re.S)


def authorize(password: str) -> Flow[None]:
    """The ``auth1``/``auth2`` handshake.

    Raises:
        AuthenticationError: no nonce, or the client refused the password.
    """
    text = yield Call(frame_request("<auth1/>\n"), "auth1")
    assert text is not None
    m = _NONCE.search(text)
    if m is None:
        raise errors.AuthenticationError("auth1: the client sent no nonce")
    proof = nonce_hash(scalars.parse_str(m.group(1)), password)
    try:
        text = yield Call(frame_request(f"<auth2>\n<nonce_hash>{proof}</nonce_hash>\n</auth2>\n"), "auth2")
    except errors.ConnectionClosed as exc:
        raise errors.AuthenticationError("auth2: the client closed the connection (refused)") from exc
    assert text is not None
    if "<authorized/>" not in text:
        raise errors.AuthenticationError("auth2: the client refused the password")
