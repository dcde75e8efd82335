"""Real BOINC clients and dead hosts behind a running web app, for the web app's integration and browser tests.

``WebFleet.start(tmp)`` starts three real 7.20.5 clients (tests/realclient.py), each with its own
GUI RPC password:

``fresh``  an unseeded client (its modes may be changed: nothing can start);
``evil``   a seeded client whose first project is named :data:`EVIL` (markup);
``plain``  a seeded client;

and three hosts that cannot be polled: ``refused`` (a port bound but not listening),
``silent`` (a listener that never answers) and ``wrong-password`` (the ``fresh`` client's port
with a wrong password). ``fleet.configs`` are the :class:`~boinc.cluster.model.HostConfig`
of all six, in that order; ``fleet.passwords`` every GUI RPC password used (none may reach a page).
"""

from __future__ import annotations

import os
import re
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar
from xml.sax.saxutils import escape

import pytest

from boinc.cluster.model import HostConfig
from boinc.cluster.web import WebServer
from tests.realclient import HOST, RealClient, SeedInfo, boinc_installed, seed_state

#: The name of the ``evil`` client's first project: a script that would change the page if run.
EVIL = '<script>document.title="pwned";window.pwned=1</script>'
#: The name it replaces (the rig's first project).
REPLACED = "Alpha@Lab"
#: The web app's login password in these tests.
LOGIN = "web-login-Kp2"

T = TypeVar("T")


def require_boinc() -> None:
    """Skip (fail under ``CI=true``) without the real client."""
    if boinc_installed():
        return
    if os.environ.get("CI") == "true":
        pytest.fail("Debian's boinc-client is not installed; CI=true requires it", pytrace=False)
    pytest.skip("Debian's boinc-client is not installed")


def wait_for(what: str, probe: Callable[[], T | None], timeout: float = 60.0, pause: float = 0.1) -> T:
    """Call ``probe`` until it returns something other than ``None`` or false; fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(pause)


def _rename_project(data_dir: Path, old: str, new: str) -> None:
    for path in data_dir.rglob("*.xml"):
        text = path.read_text(encoding="utf-8")
        if f">{old}<" in text:
            path.write_text(text.replace(f">{old}<", f">{escape(new)}<"), encoding="utf-8")


class WebFleet:
    """The clients and dead listeners (see the module docstring); :meth:`close` stops them all."""

    def __init__(self) -> None:
        self.clients: dict[str, RealClient] = {}
        self.seeds: dict[str, SeedInfo | None] = {}
        self.configs: list[HostConfig] = []
        self.passwords: list[str] = []
        self._sockets: list[socket.socket] = []

    @classmethod
    def start(cls, tmp: Path) -> WebFleet:
        require_boinc()
        fleet = cls()
        try:
            fleet._start(tmp)
        except BaseException:
            fleet.close()
            raise
        return fleet

    def _start(self, tmp: Path) -> None:
        for i, name in enumerate(("fresh", "evil", "plain")):
            password = f"gui-rpc-secret-{name}-{i}x9Q"
            data_dir = tmp / name
            info = None
            if name == "fresh":
                from tests.realclient import prepare_data_dir

                prepare_data_dir(data_dir, password)
            else:
                info = seed_state(data_dir, n_tasks=30, seed=i, password=password)
                if name == "evil":
                    _rename_project(data_dir, REPLACED, EVIL)
            client = RealClient(data_dir, seed=info, password=password)
            self.clients[name] = client
            self.seeds[name] = info
            self.passwords.append(password)
            client.start()
            self.configs.append(HostConfig(name=name, host=HOST, port=client.port, password=password))
        refused = socket.socket()
        refused.bind((HOST, 0))
        silent = socket.socket()
        silent.bind((HOST, 0))
        silent.listen(16)
        self._sockets += [refused, silent]
        wrong = "wrong-password-7Yt"
        self.passwords.append(wrong)
        self.configs += [
            HostConfig(name="refused", host=HOST, port=refused.getsockname()[1], password="x-refused-pw-3"),
            HostConfig(name="silent", host=HOST, port=silent.getsockname()[1], password="x-silent-pw-4"),
            HostConfig(name="wrong-password", host=HOST, port=self.clients["fresh"].port, password=wrong),
        ]
        self.passwords += ["x-refused-pw-3", "x-silent-pw-4"]

    def close(self) -> None:
        for client in self.clients.values():
            client.stop()
        for sock in self._sockets:
            sock.close()


def visible_text(html: str) -> str:
    """The text of an HTML page with tags removed (entities left as they are)."""
    return re.sub(r"<[^>]*>", " ", html)


@pytest.fixture(scope="package")
def web_fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebFleet]:
    """The fleet, for the tests of one package."""
    fleet = WebFleet.start(tmp_path_factory.mktemp("web_fleet"))
    yield fleet
    fleet.close()


@pytest.fixture(scope="package")
def web_server(web_fleet: WebFleet) -> Iterator[WebServer]:
    """A web server polling :func:`web_fleet`, once every host was polled once."""
    server = start_server(web_fleet)
    try:
        wait_for("every host polled once", lambda: settled(server), timeout=60)
        yield server
    finally:
        server.stop()


def start_server(fleet: WebFleet, **options: object) -> WebServer:
    """A :class:`~boinc.cluster.web.WebServer` on a free loopback port polling ``fleet``, with :data:`LOGIN`.

    Its poller records finished tasks in an in-memory :class:`~boinc.cluster.history.History`.
    """
    from boinc.cluster.history import History
    from boinc.cluster.hosts import hash_password
    from boinc.cluster.poller import Poller
    from boinc.cluster.web import WebServer

    history = History(":memory:", retention=None)
    poller = Poller(fleet.configs, timeout=5.0, observer=history)
    settings: dict[str, object] = {
        "port": 0,
        "password_hash": hash_password(LOGIN),
        "history": history,
    }
    settings.update(options)
    return WebServer(poller, **settings).start()  # type: ignore[arg-type]


def settled(server: WebServer) -> bool:
    """Whether every host of the server's poller has been contacted (up, or down with a reason)."""
    hosts = server.poller.snapshot.hosts.values()
    return all(h.up or h.reason is not None for h in hosts)
