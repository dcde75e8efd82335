"""A loopback GUI RPC peer that replays recorded replies, and misbehaves on request.

It is not a BOINC client: it answers each request tag with a recorded reply
(``tests/fixtures/gui_rpc/7.20.5``), runs the real ``auth1``/``auth2`` check,
refuses control requests before authorization like the client does, and can
stall, hang up mid-reply or send an endless reply, for the bad-input tests.
"""

from __future__ import annotations

import hashlib
import re
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures" / "gui_rpc" / "7.20.5"
ENVELOPE = b"<boinc_gui_rpc_reply>\n%s</boinc_gui_rpc_reply>\n"
_TAG = re.compile(rb"<([A-Za-z_][\w]*)\s*/?>")

#: Requests the client answers without authorization from localhost.
READ_ONLY = {
    "exchange_versions", "get_all_projects_list", "get_cc_status", "get_disk_usage", "get_daily_xfer_history",
    "get_file_transfers", "get_host_info", "get_messages", "get_message_count", "get_newer_version",
    "get_notices_public", "get_old_results", "get_project_status", "get_results", "get_screensaver_tasks",
    "get_simple_gui_info", "get_state", "get_statistics", "run_graphics_app",
}  # fmt: skip


class FakePeer:
    """A threaded loopback server; ``replies`` maps a request tag to reply bytes (no 0x03)."""

    def __init__(
        self,
        replies: dict[str, bytes] | None = None,
        password: str = "secret",
        *,
        misbehave: Callable[[socket.socket, bytes], bool] | None = None,
    ) -> None:
        self.replies = replies or {}
        self.password = password
        self.misbehave = misbehave
        self.requests: list[bytes] = []
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> FakePeer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._server.close()
        self._thread.join(5)

    def _serve(self) -> None:
        self._server.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        nonce = f"{time.time():f}"
        authorized = False
        refusals = 0
        buf = b""
        conn.settimeout(10)
        try:
            while not self._stop.is_set():
                chunk = conn.recv(65536)
                if not chunk:
                    return
                buf += chunk
                if b"\x03" not in buf:
                    continue
                request, buf = buf.split(b"\x03", 1)[0], b""
                self.requests.append(request)
                if self.misbehave is not None and self.misbehave(conn, request):
                    return
                tags = _TAG.findall(request)
                op = tags[1].decode() if len(tags) > 1 else ""
                if op == "auth1":
                    body = b"<nonce>%s</nonce>\n" % nonce.encode()
                elif op == "auth2":
                    m = re.search(rb"<nonce_hash>(.*?)</nonce_hash>", request)
                    good = hashlib.md5((nonce + self.password).encode()).hexdigest().encode()
                    if m and m.group(1) == good:
                        authorized = True
                        body = b"<authorized/>\n"
                    else:
                        conn.sendall(ENVELOPE % b"<unauthorized/>\n" + b"\x03")
                        return
                elif op not in READ_ONLY and not authorized:
                    refusals += 1
                    conn.sendall(ENVELOPE % b"<unauthorized/>\n" + b"\x03")
                    if refusals > 1:
                        return
                    continue
                else:
                    reply = self.replies.get(op)
                    if reply is None:
                        body = b"<error>unrecognized op: %s</error>\n" % op.encode()
                    else:
                        conn.sendall(reply + b"\x03")
                        continue
                conn.sendall(ENVELOPE % body + b"\x03")
        except OSError:
            return
        finally:
            conn.close()


def run_flow(rpc: Any, text: str) -> object:
    """Drive ``rpc.call()`` with ``text`` as the reply; return its value (or let its error out)."""
    flow = rpc.call()
    next(flow)
    try:
        flow.send(text)
    except StopIteration as stop:
        return stop.value
    raise AssertionError("a one-request flow asked for a second request")


def fixture(name: str) -> bytes:
    """A recorded reply by file name (without ``.xml``), e.g. ``rich_50/get_state``."""
    return (FIXTURES / f"{name}.xml").read_bytes()
