"""The cluster's web app: :mod:`boinc.cluster.web` (needs the ``web`` extra: Flask and waitress).

One process runs everything: the :class:`~boinc.cluster.poller.Poller` polls on its own asyncio
loop in a background thread (:class:`~boinc.cluster.poller.PollerThread`), and waitress, a
production WSGI server, serves the Flask app from its worker threads. Pages and the JSON API read
the poller's latest immutable snapshot; a control action is handed to the poller's loop and its
outcome, per host, is shown to the user::

    from boinc.cluster import Poller
    from boinc.cluster.web import serve

    serve(Poller(hosts), port=8080, password_hash=stored_hash)   # until Ctrl-C

Security: the server binds 127.0.0.1 unless told otherwise; every control action needs a login
(a password whose hash is configured, or an API bearer token whose hash is configured); without
one, control is refused and :func:`serve` says so at start-up. Forms carry CSRF tokens, strings
from hosts are always shown as text, and GUI RPC passwords never leave the poller.
"""

from __future__ import annotations

import ipaddress
import sys
import threading
from collections.abc import Callable
from typing import IO, Any

from ..history import History
from ..poller import Poller, PollerThread
from ._app import Runner, SnapshotSource, create_app

__all__ = ["Runner", "SnapshotSource", "WebServer", "create_app", "is_loopback", "serve", "startup_notes"]


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a bind address) is a loopback address or ``localhost``."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def startup_notes(host: str, *, password_hash: str | None, token_hash: str | None) -> list[str]:
    """What :func:`serve` says at start-up about login and control (one line each)."""
    notes = []
    if not password_hash and not token_hash:
        notes.append("no login is configured: control is refused; the pages are read-only")
        if not is_loopback(host):
            notes.append(f"binding {host} without a login: control stays off for everyone who can reach it")
    elif not is_loopback(host):
        notes.append(f"binding {host}: pages, the JSON API and /metrics need a login or the bearer token")
    return notes


def _default_metrics(poller: Poller) -> Callable[..., Any] | None:
    try:
        from ..metrics import make_wsgi_app
    except ImportError:
        return None
    app: Callable[..., Any] = make_wsgi_app(poller)
    return app


class WebServer:
    """The poller thread and a waitress server for the web app, started and stopped together.

    Args:
        poller: the poller (not started; this starts it in its own thread).
        host: the address to bind (default loopback only).
        port: the port (0: any free port; see :attr:`port`).
        history: the task history, for the history page.
        password_hash: the login password's hash.
        token_hash: the API bearer token's hash.
        secret_key: signs session cookies (default: random per start).
        login_to_view: pages need a login too (default: when binding a non-loopback address with a login).
        threads: waitress worker threads.
        metrics: the ``/metrics`` WSGI app (default: :mod:`boinc.cluster.metrics`'s, if installed).
        verify_password: checks a password against a stored hash (default: ``hash-password``'s).
    """

    def __init__(
        self,
        poller: Poller,
        *,
        host: str = "127.0.0.1",
        port: int = 8080,
        history: History | None = None,
        password_hash: str | None = None,
        token_hash: str | None = None,
        secret_key: bytes | None = None,
        login_to_view: bool | None = None,
        threads: int = 8,
        metrics: Callable[..., Any] | None = None,
        verify_password: Callable[[str, str], bool] | None = None,
    ) -> None:
        from waitress.server import create_server

        self.poller = poller
        self.host = host
        self.notes = startup_notes(host, password_hash=password_hash, token_hash=token_hash)
        if login_to_view is None:
            login_to_view = not is_loopback(host) and bool(password_hash or token_hash)
        self.poller_thread = PollerThread(poller)
        self.app = create_app(
            poller,
            runner=self.poller_thread,
            history=history,
            metrics=metrics if metrics is not None else _default_metrics(poller),
            password_hash=password_hash,
            token_hash=token_hash,
            verify_password=verify_password,
            secret_key=secret_key,
            login_to_view=login_to_view,
        )
        self._server = create_server(self.app, host=host, port=port, threads=threads, ident="boinc-cluster")
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port it listens on."""
        server: Any = self._server
        return int(server.effective_port)

    @property
    def url(self) -> str:
        """Its address, ``http://host:port/``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def start(self) -> WebServer:
        """Start polling and serving in background threads (returns at once)."""
        self.poller_thread.start()
        self._thread = threading.Thread(target=self._server.run, name="boinc-cluster-web", daemon=True)
        self._thread.start()
        return self

    def run(self) -> None:
        """Start polling, serve in this thread until interrupted, then stop."""
        self.poller_thread.start()
        try:
            self._server.run()
        finally:
            self.stop()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop serving (close the listening socket and every connection), then stop the poller."""
        server: Any = self._server
        server.close()
        for channel in list(server._map.values()):
            channel.close()
        server.task_dispatcher.shutdown()
        if self._thread is not None:
            self._thread.join(timeout)
        self.poller_thread.stop(timeout)

    def __enter__(self) -> WebServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(
    poller: Poller, *, host: str = "127.0.0.1", port: int = 8080, out: IO[str] | None = None, **options: Any
) -> None:
    """Poll and serve the web app until interrupted (``boinc-cluster serve``).

    Args:
        poller: the poller.
        host: the address to bind: loopback by default. Binding another one without a login
            keeps control off, and says so.
        port: the port.
        out: where the start-up lines go (default: standard error).
        options: the other arguments of :class:`WebServer`.
    """
    stream = out if out is not None else sys.stderr
    server = WebServer(poller, host=host, port=port, **options)
    print(f"boinc-cluster: serving {len(poller.hosts)} hosts on {server.url}", file=stream)
    for note in server.notes:
        print(f"boinc-cluster: {note}", file=stream)
    stream.flush()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
