"""A loopback HTTP server that replays the recorded job-submission fixtures.

A test says which recorded exchanges it expects, in order
(:meth:`ReplayServer.expect`); for each request that arrives the server takes
the next one, checks that the request matches the recorded request (same
elements, same values, repeated elements in the same order; uploaded file parts
with the same contents; GET query parameters with the right auth strings), and
answers with the recorded status, headers and body, byte for byte. Any
mismatch is recorded in :attr:`ReplayServer.errors` and answered with HTTP 599,
so the client fails too. :class:`Canned` replies cover what no fixture has
(redirects, HTML pages, slow replies).
"""

from __future__ import annotations

import hashlib
import re
import threading
import urllib.parse
import xml.etree.ElementTree as ET
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures" / "submit"
AUTHENTICATOR = "AUTHENTICATOR"
#: The authenticator of each placeholder, as the recording replaced it.
USERS = {
    "AUTHENTICATOR": AUTHENTICATOR,
    "AUTHENTICATOR_OTHER_USER": "AUTHENTICATOR_OTHER_USER",
    "AUTHENTICATOR_NO_RIGHTS_USER": "AUTHENTICATOR_NO_RIGHTS_USER",
}
_ROW = re.compile(r"^\| \*\*(\w+)\*\*<br>.*?\| (\S+) (GET|POST)[^|]*\| (\d{3}) \|", re.M)
#: The shorter rows of index.md's section 6 (the second lab): ``| **name** | endpoint [POST] | status | ... |``.
_ROW2 = re.compile(r"^\| \*\*(lab2__\w+)\*\* \| (\S+)( POST)? \| (\d{3}) \|", re.M)


@dataclass
class Fixture:
    """One recorded exchange."""

    name: str
    endpoint: str  #: e.g. ``submit_rpc_handler.php``, ``server_status.php?counts=1``, ``get_output.php``
    method: str
    status: int
    reply: bytes
    headers: dict[str, str] = field(default_factory=dict)
    request: str | None = None  #: the ``request`` form field (POST)
    files: list[bytes] | None = None  #: uploaded file parts, in order (multipart uploads)
    query: dict[str, str] | None = None  #: GET parameters


@dataclass
class Canned:
    """A reply no fixture holds."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    #: seconds to hold the reply (timeouts); a held reply is let go when the server stops
    delay: float = 0.0


def parse_multipart(content_type: str, body: bytes) -> list[tuple[str, str | None, bytes]]:
    """The parts of a multipart/form-data body: ``(name, filename, data)``."""
    m = re.search(r'boundary="?([^";]+)"?', content_type)
    assert m, content_type
    delim = b"--" + m.group(1).encode()
    parts: list[tuple[str, str | None, bytes]] = []
    for chunk in body.split(delim)[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, data = chunk.partition(b"\r\n\r\n")
        disp = re.search(rb'name="([^"]*)"(?:; filename="([^"]*)")?', head)
        assert disp, head
        name = disp.group(1).decode()
        filename = disp.group(2).decode() if disp.group(2) is not None else None
        parts.append((name, filename, data.removesuffix(b"\r\n")))
    return parts


def _status_table() -> dict[str, tuple[str, str, int]]:
    text = (FIXTURES / "index.md").read_text(encoding="utf-8")
    rows = {m.group(1): (m.group(2), m.group(3), int(m.group(4))) for m in _ROW.finditer(text)}
    for m in _ROW2.finditer(text):
        rows[m.group(1)] = (m.group(2), "POST" if m.group(3) else "GET", int(m.group(4)))
    return rows


def load_fixtures() -> dict[str, Fixture]:
    """Every recorded exchange, by name."""
    table = _status_table()
    out: dict[str, Fixture] = {}
    for name, (endpoint, method, status) in table.items():
        if method == "GET":
            url = (FIXTURES / f"{name}.request.txt").read_text().split()[1]
            parts = urllib.parse.urlsplit(url)
            endpoint = parts.path.rsplit("/", 1)[1]
            query = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
            headers: dict[str, str] = {}
            hfile = FIXTURES / f"{name}.reply.headers.txt"
            if hfile.exists():
                lines = hfile.read_text().splitlines()
                status = int(lines[0].split()[1])
                headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
            body_file = next(p for p in FIXTURES.glob(f"{name}.reply.*") if "headers" not in p.name)
            out[name] = Fixture(name, endpoint, method, status, body_file.read_bytes(), headers=headers, query=query)
            continue
        request = (FIXTURES / f"{name}.request.xml").read_text(encoding="utf-8")
        files = None
        mp = FIXTURES / f"{name}.request.multipart.txt"
        if mp.exists():
            raw = mp.read_bytes()
            ctype, _, body = raw.partition(b"\r\n\r\n")
            parts = parse_multipart(ctype.decode(), body)
            files = [data for pname, filename, data in parts if pname != "request"]
        reply = (FIXTURES / f"{name}.reply.xml").read_bytes()
        out[name] = Fixture(
            name,
            endpoint,
            method,
            status,
            reply,
            headers={"Content-Type": "text/xml;charset=UTF-8"},
            request=request,
            files=files,
        )
    return out


def _num(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _same_text(a: str, b: str) -> bool:
    if a == b:
        return True
    na, nb = _num(a.strip()), _num(b.strip())
    return na is not None and na == nb


def compare_xml(
    sent: ET.Element, recorded: ET.Element, path: str = "", ignore: frozenset[str] = frozenset()
) -> list[str]:
    """Differences between a request we sent and the recorded one.

    Elements must be the same, with the same values (numbers compared as
    numbers); elements with one tag must come in the same order. An element
    sent as 0 where the recording has none is accepted: the server reads an
    absent element as 0.
    """
    path = f"{path}/{sent.tag}"
    if sent.tag != recorded.tag:
        return [f"{path}: tag {sent.tag!r} != recorded {recorded.tag!r}"]
    diffs: list[str] = []
    if len(sent) == 0 and len(recorded) == 0:
        if not _same_text(sent.text or "", recorded.text or ""):
            diffs.append(f"{path}: {sent.text!r} != recorded {recorded.text!r}")
        return diffs
    by_tag_s: dict[str, list[ET.Element]] = {}
    by_tag_r: dict[str, list[ET.Element]] = {}
    for child in sent:
        by_tag_s.setdefault(child.tag, []).append(child)
    for child in recorded:
        by_tag_r.setdefault(child.tag, []).append(child)
    for tag in sorted(set(by_tag_s) | set(by_tag_r)):
        if tag in ignore:
            continue
        s, r = by_tag_s.get(tag, []), by_tag_r.get(tag, [])
        if not r and all(len(e) == 0 and (e.text or "").strip() in ("0", "0.0") for e in s):
            continue
        if len(s) != len(r):
            diffs.append(f"{path}/{tag}: sent {len(s)}, recorded {len(r)}")
            continue
        for a, b in zip(s, r):
            diffs.extend(compare_xml(a, b, path, ignore))
    return diffs


def _expected_query(fx: Fixture) -> dict[str, str]:
    assert fx.query is not None
    q = dict(fx.query)
    auth = q.get("auth_str", "")
    if auth == "AUTH_STR_MD5_AUTHENTICATOR_PLUS_RESULT_NAME":
        q["auth_str"] = hashlib.md5((AUTHENTICATOR + q["result_name"]).encode()).hexdigest()
    elif auth == "AUTH_STR_MD5_AUTHENTICATOR_PLUS_BATCH_ID":
        q["auth_str"] = hashlib.md5((AUTHENTICATOR + q["batch_id"]).encode()).hexdigest()
    elif auth == "AUTH_STR_MD5_AUTHENTICATOR_PLUS_WU_ID":
        q["auth_str"] = hashlib.md5((AUTHENTICATOR + q["wu_id"]).encode()).hexdigest()
    return q


class ReplayServer:
    """Replays recorded fixtures on ``http://127.0.0.1:<port>/test/``.

    Use as a context manager; :attr:`url` is the project URL to give the client.
    """

    FIXTURES: dict[str, Fixture] | None = None

    def __init__(self) -> None:
        if ReplayServer.FIXTURES is None:
            ReplayServer.FIXTURES = load_fixtures()
        self.fixtures = ReplayServer.FIXTURES
        self.queue: deque[tuple[str | Canned, frozenset[str]]] = deque()
        self.errors: list[str] = []
        self.served: list[str] = []
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def url(self) -> str:
        """The project URL."""
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/test/"

    def expect(self, *items: str | Canned, ignore: tuple[str, ...] = ()) -> ReplayServer:
        """Queue the exchanges the next requests must match, in order.

        Args:
            items: fixture names, or canned replies (which match any request).
            ignore: request elements not compared (e.g. a time stamp).
        """
        for item in items:
            if isinstance(item, str) and item not in self.fixtures:
                raise KeyError(f"no fixture {item!r}")
            self.queue.append((item, frozenset(ignore)))
        return self

    def check(self) -> None:
        """Fail if a request did not match, or an expected one never came."""
        assert not self.errors, "\n".join(self.errors)
        assert not self.queue, f"expected requests never came: {[q for q, _ in self.queue]}"

    def __enter__(self) -> ReplayServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._released.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    # ------------------------------------------------------------------ matching

    def _match(self, method: str, path: str, query: dict[str, str], form: dict[str, Any]) -> Canned | Fixture:
        with self._lock:
            self.requests.append({"method": method, "path": path, "query": query, **form})
            if not self.queue:
                self.errors.append(f"unexpected request {method} {path}")
                return Canned(599, b"unexpected request")
            item, ignore = self.queue.popleft()
        if isinstance(item, Canned):
            return item
        fx = self.fixtures[item]
        problems = self._compare(fx, method, path, query, form, ignore)
        with self._lock:
            self.served.append(fx.name)
            if problems:
                self.errors.extend(f"{fx.name}: {p}" for p in problems)
        if problems:
            return Canned(599, ("request does not match " + fx.name).encode())
        return fx

    def _compare(
        self, fx: Fixture, method: str, path: str, query: dict[str, str], form: dict[str, Any], ignore: frozenset[str]
    ) -> list[str]:
        endpoint = path.rsplit("/", 1)[-1]
        if not path.startswith("/test/"):
            return [f"path {path!r} is not under the project URL /test/"]
        if method != fx.method:
            return [f"method {method} != recorded {fx.method}"]
        if method == "GET":
            if endpoint != fx.endpoint:
                return [f"endpoint {endpoint} != recorded {fx.endpoint}"]
            want = _expected_query(fx)
            if query != want:
                return [f"query {sorted(query)} does not match the recorded one"]
            return []
        want_ep = fx.endpoint
        got_ep = endpoint + ("?" + urllib.parse.urlencode(query) if query else "")
        if got_ep != want_ep:
            return [f"endpoint {got_ep} != recorded {want_ep}"]
        request = form.get("request")
        if request is None:
            return ["no request form field"]
        assert fx.request is not None
        if not fx.request.strip():
            return [] if not request.strip() else [f"request {request!r} != recorded empty request"]
        try:
            recorded = ET.fromstring(fx.request.encode())
        except ET.ParseError:
            return [] if request == fx.request else ["request differs from the (malformed) recorded one"]
        try:
            sent = ET.fromstring(request.encode())
        except ET.ParseError as exc:
            return [f"request is not XML: {exc}"]
        problems = compare_xml(sent, recorded, ignore=ignore)
        files = form.get("files", [])
        if fx.files is not None and files != fx.files:
            problems.append(f"uploaded {len(files)} files that differ from the {len(fx.files)} recorded")
        if fx.files is None and files:
            problems.append(f"uploaded {len(files)} files; none recorded")
        return problems

    # ------------------------------------------------------------------ HTTP

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def _reply(self, item: Canned | Fixture) -> None:
                if isinstance(item, Canned):
                    if item.delay:
                        server._released.wait(item.delay)
                    status, body, headers = item.status, item.body, item.headers
                else:
                    status, body, headers = item.status, item.reply, item.headers
                self.send_response(status)
                for k, v in headers.items():
                    if k.lower() != "content-length":
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:
                    pass

            def _split(self) -> tuple[str, dict[str, str]]:
                parts = urllib.parse.urlsplit(self.path)
                return parts.path, dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))

            def do_GET(self) -> None:
                path, query = self._split()
                self._reply(server._match("GET", path, query, {}))

            def do_POST(self) -> None:
                path, query = self._split()
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                ctype = self.headers.get("Content-Type", "")
                form: dict[str, Any] = {
                    "content_type": ctype,
                    "size": length,
                    "user_agent": self.headers.get("User-Agent", ""),
                }
                if ctype.startswith("multipart/form-data"):
                    files = []
                    for name, filename, data in parse_multipart(ctype, body):
                        if name == "request" and filename is None:
                            form["request"] = data.decode("utf-8")
                        else:
                            files.append(data)
                    form["files"] = files
                else:
                    fields = urllib.parse.parse_qs(body.decode("latin-1"), keep_blank_values=True)
                    if "request" in fields:
                        form["request"] = fields["request"][0]
                self._reply(server._match("POST", path, query, form))

        return Handler
