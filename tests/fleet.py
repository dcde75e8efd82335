"""A simulated fleet: one asyncio process serving many GUI RPC hosts on loopback from recorded replies.

It is not a BOINC client. Each host is a listening port with a mode:

``healthy``
    answers like the seeded 7.20.5 client of ``tests/fixtures/gui_rpc/7.20.5/rich_50``
    (50 tasks, 3 projects, messages, notices, old results, transfers); runs the real
    ``auth1``/``auth2`` nonce/md5 check; control requests need authorization; read-only
    ones are answered without it, as for a local connection;
``locked``
    like ``healthy`` but every request needs authorization, as for a remote connection
    (a poller without a password gets ``<unauthorized/>``);
``wrong_password``
    like ``healthy`` with another password than the fleet's;
``refused``
    a port bound but not listening: connecting is refused;
``stalled``
    accepts connections and reads, never answers;
``not_boinc``
    answers the first request like an HTTP server and hangs up.

In a test, run it on the test's own loop::

    async with Fleet(["healthy", "refused", "stalled"]) as fleet:
        for host in fleet.hosts: ...      # FleetHost(mode, port)

For a benchmark, in another process (``python -m tests.fleet --healthy 880 --refused 100``):
:class:`FleetProcess` starts it and reads the ports it prints.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import re
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

__all__ = ["MODES", "PASSWORD", "Fleet", "FleetHost", "FleetProcess", "raise_fd_limit"]

FIXTURES = Path(__file__).parent / "fixtures" / "gui_rpc" / "7.20.5"
RICH = FIXTURES / "rich_50"
#: The password of every host but the ``wrong_password`` ones.
PASSWORD = "fleet-secret"
MODES = ("healthy", "locked", "wrong_password", "refused", "stalled", "not_boinc")

_ENVELOPE = b"<boinc_gui_rpc_reply>\n%s</boinc_gui_rpc_reply>\n\x03"
_TAG = re.compile(rb"<([A-Za-z_]\w*)\s*/?>")
_SEQNO = re.compile(rb"<seqno>\s*(-?\d+)\s*</seqno>")
_NONCE_HASH = re.compile(rb"<nonce_hash>(.*?)</nonce_hash>")
_ACTIVE_ELAPSED = re.compile(rb"(<active_task>.*?<elapsed_time>)([0-9.]+)", re.S)
_PER_HOST = re.compile(rb"(<(?:name|wu_name)>)|(<(?:report_deadline|received_time)>)([0-9]+)")
_SUCCESS = _ENVELOPE % b"<success/>\n"
_UNAUTHORIZED = _ENVELOPE % b"<unauthorized/>\n"
_HTTP = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"

#: Requests answered from a recording (else ``<success/>`` for control requests).
_READS = {
    "exchange_versions": FIXTURES / "exchange_versions.xml",
    "get_cc_status": RICH / "get_cc_status.xml",
    "get_results": RICH / "get_results_active_only_0.xml",
    "get_project_status": RICH / "get_project_status.xml",
    "get_file_transfers": RICH / "get_file_transfers.xml",
    "get_old_results": RICH / "get_old_results.xml",
    "get_message_count": RICH / "get_message_count.xml",
}
_CONTROL = {
    "set_run_mode", "set_gpu_mode", "set_network_mode", "project_suspend", "project_resume", "project_update",
    "project_nomorework", "project_allowmorework", "project_reset", "project_detach", "project_detach_when_done",
    "project_dont_detach_when_done", "suspend_result", "resume_result", "abort_result", "retry_file_transfer",
    "abort_file_transfer", "network_available", "run_benchmarks",
}  # fmt: skip


class _Seqnoed:
    """A recorded list reply of items with sequence numbers, answering only the items above a seqno."""

    def __init__(self, path: Path, tag: bytes) -> None:
        text = path.read_bytes()
        open_tag, close_tag = b"<" + tag + b">\n", b"</" + tag + b">\n"
        first, last = text.find(open_tag), text.rfind(close_tag) + len(close_tag)
        self.head, self.tail = (text[:first], text[last:]) if first >= 0 else (text, b"")
        self.items: list[tuple[int, bytes]] = []
        if first >= 0:
            for chunk in text[first:last].split(close_tag)[:-1]:
                m = _SEQNO.search(chunk)
                self.items.append((int(m.group(1)) if m else 0, chunk + close_tag))
        self._cache: dict[int, bytes] = {}

    def reply(self, seqno: int) -> bytes:
        out = self._cache.get(seqno)
        if out is None:
            body = b"".join(item for n, item in self.items if n > seqno)
            out = self._cache[seqno] = self.head + body + self.tail + b"\x03"
        return out


@dataclass(frozen=True)
class FleetHost:
    """One simulated host: its mode and loopback port."""

    mode: str
    port: int
    host: str = "127.0.0.1"


class Fleet:
    """Serves ``modes[i]`` on the ``i``-th port, on the running asyncio loop.

    Args:
        modes: one mode per host (see the module's description).
        password: the hosts' password (``wrong_password`` hosts use another).
        changing: ``get_results`` alternates, on each connection, between the recording and the
            recording with the elapsed time of each task with a process one second later, as a
            computing host's task list changes between two polls.
        distinct: each host's tasks are its own, as on real hosts: the ``i``-th host's task and
            workunit names start with ``h<i>-`` and their deadlines and received times are ``i``
            seconds later. Otherwise every host sends the same bytes.
    """

    def __init__(
        self, modes: Sequence[str], password: str = PASSWORD, *, changing: bool = False, distinct: bool = False
    ) -> None:
        unknown = set(modes) - set(MODES)
        if unknown:
            raise ValueError(f"unknown modes: {sorted(unknown)}")
        self.modes = list(modes)
        self.password = password
        self.hosts: list[FleetHost] = []
        #: requests answered, by request tag
        self.served: dict[str, int] = {}
        #: the control requests answered: (port, request tag, request bytes)
        self.controls: list[tuple[int, str, bytes]] = []
        self._servers: list[asyncio.AbstractServer] = []
        self._holders: list[socket.socket] = []
        self._conns: set[asyncio.StreamWriter] = set()
        self._replies = {op: path.read_bytes() + b"\x03" for op, path in _READS.items()}
        self._changing = changing
        self._distinct = distinct
        self._later = _ACTIVE_ELAPSED.sub(
            lambda m: m.group(1) + b"%f" % (float(m.group(2)) + 1), self._replies["get_results"]
        )
        self._per_host = (_PerHost(self._replies["get_results"]), _PerHost(self._later))
        self._messages = _Seqnoed(RICH / "get_messages_seqno_0.xml", b"msg")
        self._notices = _Seqnoed(RICH / "get_notices_seqno_0.xml", b"notice")
        self._notices_public = _Seqnoed(RICH / "get_notices_public_seqno_0.xml", b"notice")

    async def start(self) -> Fleet:
        """Open every port."""
        for index, mode in enumerate(self.modes):
            if mode == "refused":
                holder = socket.socket()
                holder.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
                self._holders.append(holder)
                port = holder.getsockname()[1]
            else:
                server = await asyncio.start_server(
                    lambda r, w, mode=mode, index=index: self._serve(r, w, mode, index), "127.0.0.1", 0, backlog=1024
                )
                self._servers.append(server)
                port = server.sockets[0].getsockname()[1]
            self.hosts.append(FleetHost(mode, port))
        return self

    async def close(self) -> None:
        """Close every port and connection."""
        for server in self._servers:
            server.close()
        for writer in list(self._conns):
            writer.close()
        for server in self._servers:
            await server.wait_closed()
        for holder in self._holders:
            holder.close()

    async def __aenter__(self) -> Fleet:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, mode: str, index: int) -> None:
        try:
            await self._converse(reader, writer, mode, index)
        except asyncio.CancelledError:
            # the loop is ending with the connection open: end quietly (asyncio's stream callback
            # would otherwise report the cancelled handler as an error)
            writer.close()

    async def _converse(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, mode: str, index: int
    ) -> None:
        self._conns.add(writer)
        password = self.password if mode != "wrong_password" else self.password + "-other"
        nonce = f"{time.time():f}".encode()
        authorized = False
        refusals = 0
        results_sent = 0
        try:
            while True:
                try:
                    request = await reader.readuntil(b"\x03")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                if mode == "stalled":
                    continue
                if mode == "not_boinc":
                    writer.write(_HTTP)
                    return
                tags = _TAG.findall(request[:200])
                op = tags[1].decode() if len(tags) > 1 else ""
                self.served[op] = self.served.get(op, 0) + 1
                if op == "auth1":
                    writer.write(_ENVELOPE % b"<nonce>%s</nonce>\n" % nonce)
                elif op == "auth2":
                    m = _NONCE_HASH.search(request)
                    if m and m.group(1) == hashlib.md5(nonce + password.encode()).hexdigest().encode():
                        authorized = True
                        writer.write(_ENVELOPE % b"<authorized/>\n")
                    else:
                        writer.write(_UNAUTHORIZED)
                        return
                elif not authorized and (mode == "locked" or op in _CONTROL or op == "get_notices"):
                    refusals += 1
                    writer.write(_UNAUTHORIZED)
                    if refusals > 1:
                        return
                else:
                    if op in _CONTROL:
                        self.controls.append((writer.get_extra_info("sockname")[1], op, request))
                    if op == "get_results" and (self._changing or self._distinct):
                        results_sent += 1
                        later = self._changing and results_sent % 2 == 0
                        if self._distinct:
                            writer.write(self._per_host[later].of(index))
                        else:
                            writer.write(self._later if later else self._replies[op])
                    else:
                        writer.write(self._answer(op, request))
                await writer.drain()
        finally:
            self._conns.discard(writer)
            writer.close()

    def set_reply(self, op: str, reply: bytes) -> None:
        """Answer ``op`` with ``reply`` (a whole ``<boinc_gui_rpc_reply>``, without 0x03) from now on."""
        self._replies[op] = reply + b"\x03"

    def _answer(self, op: str, request: bytes) -> bytes:
        reply = self._replies.get(op)
        if reply is not None:
            return reply
        if op in _CONTROL:
            return _SUCCESS
        if op in ("get_messages", "get_notices", "get_notices_public"):
            m = _SEQNO.search(request)
            seqno = int(m.group(1)) if m else 0
            table = {"get_messages": self._messages, "get_notices": self._notices}.get(op, self._notices_public)
            return table.reply(seqno)
        return _ENVELOPE % b"<error>unrecognized op</error>\n"


class _PerHost:
    """A ``get_results`` reply made each host's own (see :class:`Fleet`'s ``distinct``), cut once.

    The recording is cut around its task names and times; a host's reply joins the pieces with
    its own prefix and times (tens of microseconds, where a regular-expression substitution of
    each reply took a millisecond and made the fleet slower than the poller it serves).
    """

    def __init__(self, reply: bytes) -> None:
        self.pieces: list[bytes] = []
        self.slots: list[int | None] = []  # None: the name prefix; a number: a time's whole seconds
        last = 0
        for m in _PER_HOST.finditer(reply):
            if m.group(1):
                self.pieces.append(reply[last : m.end(1)])
                self.slots.append(None)
            else:
                self.pieces.append(reply[last : m.end(2)])
                self.slots.append(int(m.group(3)))
            last = m.end()
        self.tail = reply[last:]

    def of(self, index: int) -> bytes:
        """The reply of host ``index``."""
        prefix = b"h%d-" % index
        out: list[bytes] = []
        for piece, slot in zip(self.pieces, self.slots):
            out.append(piece)
            out.append(prefix if slot is None else b"%d" % (slot + index))
        out.append(self.tail)
        return b"".join(out)


def raise_fd_limit(wanted: int) -> int:
    """Raise this process's open-file limit towards ``wanted`` (up to the hard limit); return it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    return soft


class FleetProcess:
    """Runs a :class:`Fleet` in a child process (``python -m tests.fleet``); a context manager.

    Args:
        counts: how many hosts of each mode, e.g. ``{"healthy": 880, "refused": 100, "stalled": 20}``.
    """

    def __init__(self, counts: dict[str, int], *, changing: bool = False, distinct: bool = False) -> None:
        self.counts = counts
        self.changing = changing
        self.distinct = distinct
        self.hosts: list[FleetHost] = []
        self.password = PASSWORD
        self._proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> FleetProcess:
        args = [sys.executable, "-m", "tests.fleet"]
        for mode, n in self.counts.items():
            args += [f"--{mode.replace('_', '-')}", str(n)]
        if self.changing:
            args.append("--changing")
        if self.distinct:
            args.append("--distinct")
        root = Path(__file__).resolve().parents[1]
        env = {**os.environ, "PYTHONPATH": str(root)}
        self._proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=root, env=env)
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            self._proc.wait(30)
            raise RuntimeError(f"the fleet did not start (exit status {self._proc.returncode})")
        info = json.loads(line)
        self.hosts = [FleetHost(mode, port) for mode, port in info["hosts"]]
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        proc = self._proc
        if proc is None:
            return
        assert proc.stdin is not None
        with contextlib.suppress(OSError):
            proc.stdin.close()  # the fleet exits when its stdin closes
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(30)


async def _main(counts: dict[str, int], changing: bool, distinct: bool) -> None:
    modes = [mode for mode, n in counts.items() for _ in range(n)]
    raise_fd_limit(2 * len(modes) + 256)
    async with Fleet(modes, changing=changing, distinct=distinct) as fleet:
        print(json.dumps({"password": fleet.password, "hosts": [[h.mode, h.port] for h in fleet.hosts]}), flush=True)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.read)  # until the parent closes our stdin


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m tests.fleet --healthy N --refused N …``: serve, print the ports as JSON, exit on EOF."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for mode in MODES:
        parser.add_argument(f"--{mode.replace('_', '-')}", type=int, default=0, dest=mode)
    parser.add_argument("--changing", action="store_true", help="task lists change between polls")
    parser.add_argument("--distinct", action="store_true", help="each host's tasks are its own")
    ns = parser.parse_args(argv)
    asyncio.run(_main({mode: getattr(ns, mode) for mode in MODES if getattr(ns, mode)}, ns.changing, ns.distinct))


if __name__ == "__main__":
    main()
