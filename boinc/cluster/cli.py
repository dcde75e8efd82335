"""The ``boinc-cluster`` command.

``boinc-cluster status [HOSTS_FILE] [--json]``
    Poll every host once and print a table: state (or why it is down), run
    mode and tasks by state. Exit status 0 if every host is up, 1 if some are
    down, 2 for a bad command line or hosts file.
``boinc-cluster hash-password``
    Read a login password (twice, without echo; or one line from standard
    input with ``--stdin``) and print its hash for the web app
    (:func:`~boinc.cluster.hosts.hash_password`).
``boinc-cluster serve [HOSTS_FILE]``
    Run the poller and the web app (:func:`boinc.cluster.web.serve`, waitress)
    in one process until interrupted; needs the ``web`` extra. The login
    password's hash comes from ``--login-hash-file`` or
    ``$BOINC_CLUSTER_LOGIN_HASH``, the API token's from ``--token-hash-file``
    or ``$BOINC_CLUSTER_TOKEN_HASH``.

Without ``HOSTS_FILE`` the cluster is the local client (see
:func:`~boinc.cluster.hosts.local_hosts`).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any, NoReturn

from .. import errors
from .hosts import hash_password, load_hosts, local_hosts
from .model import ClusterSnapshot, HostConfig, HostSnapshot

__all__ = ["console", "main", "snapshot_json", "status_table"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="boinc-cluster", description="Watch and steer many BOINC clients.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    status = sub.add_parser("status", help="poll every host once and print a table")
    status.add_argument("hosts_file", nargs="?", help="the hosts file (default: the local client)")
    status.add_argument("--json", action="store_true", help="print JSON instead of a table")
    status.add_argument("--timeout", type=float, default=5.0, help="seconds per host (default 5)")
    hashing = sub.add_parser("hash-password", help="print the hash of a login password for the web app")
    hashing.add_argument("--stdin", action="store_true", help="read the password from standard input")
    serve = sub.add_parser("serve", help="run the poller and the web app")
    serve.add_argument("hosts_file", nargs="?", help="the hosts file (default: the local client)")
    serve.add_argument("--bind", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="the port (default 8080)")
    serve.add_argument("--history", help="the task history database (default: in the user's data directory)")
    serve.add_argument("--login-hash-file", help="a file holding the login password's hash")
    serve.add_argument("--token-hash-file", help="a file holding the API token's hash")
    serve.add_argument("--timeout", type=float, default=5.0, help="seconds per host request (default 5)")
    return parser


def _hosts(path: str | None) -> list[HostConfig]:
    return load_hosts(path) if path is not None else local_hosts()


def _age(when: float | None, now: float) -> str:
    if when is None:
        return "never"
    seconds = max(0, int(now - when))
    return f"{seconds}s ago" if seconds < 120 else f"{seconds // 60}m ago"


def _clean(text: str) -> str:
    """Text from a peer with control characters made visible (it is shown on a terminal)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _state(host: HostSnapshot) -> str:
    if host.up:
        return "up"
    return f"down: {host.reason.value}" if host.reason is not None else "not polled"


def _mode(host: HostSnapshot) -> str:
    cc = host.cc_status
    return cc.task_mode.name.lower() if cc is not None and cc.task_mode.value > 0 else "-"


def status_table(snapshot: ClusterSnapshot, now: float | None = None) -> str:
    """The ``status`` table of a snapshot (one line per host, then a summary line)."""
    now = time.time() if now is None else now
    head = ("HOST", "ADDRESS", "STATE", "COMPUTING", "RUN", "WAIT", "SUSP", "READY", "ERR", "CONTACT")
    rows: list[tuple[str, ...]] = [head]
    for name, host in snapshot.hosts.items():
        c = host.counts
        counts = (c.running, c.waiting, c.suspended, c.ready_to_report, c.error) if host.last_contact else ("",) * 5
        rows.append(
            (_clean(name), host.address, _state(host), _mode(host), *map(str, counts), _age(host.last_contact, now))
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.append(f"{snapshot.up} of {len(snapshot.hosts)} hosts up")
    return "\n".join(lines) + "\n"


def snapshot_json(snapshot: ClusterSnapshot) -> dict[str, Any]:
    """The ``status --json`` document: ``taken_at`` and one object per host (no password, no task details)."""
    hosts = []
    for name, host in snapshot.hosts.items():
        cc = host.cc_status
        hosts.append(
            {
                **host.reachability(),
                "name": name,
                "task_mode": cc.task_mode.name.lower() if cc is not None and cc.task_mode.value > 0 else None,
                "gpu_mode": cc.gpu_mode.name.lower() if cc is not None and cc.gpu_mode.value > 0 else None,
                "network_mode": cc.network_mode.name.lower() if cc is not None and cc.network_mode.value > 0 else None,
                "tasks": host.counts.as_dict(),
                "projects": len(host.projects),
            }
        )
    return {"taken_at": snapshot.taken_at, "up": snapshot.up, "hosts": hosts}


async def _poll_once(hosts: list[HostConfig], timeout: float) -> ClusterSnapshot:
    from .poller import Poller

    async with Poller(hosts, timeout=timeout, kinds=("status", "tasks", "projects")) as poller:
        return await poller.refresh()


def _status(ns: argparse.Namespace, out: IO[str]) -> int:
    snapshot = asyncio.run(_poll_once(_hosts(ns.hosts_file), ns.timeout))
    if ns.json:
        json.dump(snapshot_json(snapshot), out, indent=2)
        out.write("\n")
    else:
        out.write(status_table(snapshot))
    return 0 if snapshot.down == 0 else 1


def _hash_password(ns: argparse.Namespace, out: IO[str]) -> int:
    if ns.stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            print("boinc-cluster: the passwords differ", file=sys.stderr)
            return 2
    if not password:
        print("boinc-cluster: empty password", file=sys.stderr)
        return 2
    out.write(hash_password(password) + "\n")
    return 0


def _read_hash(path: str | None, env: str) -> str | None:
    if path is not None:
        try:
            return Path(path).read_text().strip() or None
        except OSError as exc:
            raise errors.HostsFileError(path, f"cannot read it: {exc.strerror or exc}") from None
    return os.environ.get(env) or None


def _default_history() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "boinc-cluster" / "history.sqlite"


def _serve(ns: argparse.Namespace, out: IO[str]) -> int:
    hosts = _hosts(ns.hosts_file)
    password_hash = _read_hash(ns.login_hash_file, "BOINC_CLUSTER_LOGIN_HASH")
    token_hash = _read_hash(ns.token_hash_file, "BOINC_CLUSTER_TOKEN_HASH")
    try:
        from . import web
    except ImportError as exc:
        print(f"boinc-cluster: serve needs the web extra: pip install 'boinc[web]' ({exc})", file=sys.stderr)
        return 2
    from .history import History
    from .poller import Poller

    history_path = Path(ns.history) if ns.history else _default_history()
    history_path.parent.mkdir(parents=True, exist_ok=True)
    history = History(history_path)
    poller = Poller(hosts, timeout=ns.timeout, observer=history)
    try:
        web.serve(
            poller,
            host=ns.bind,
            port=ns.port,
            history=history,
            password_hash=password_hash,
            token_hash=token_hash,
        )
    finally:
        history.close()
    return 0


def main(argv: Sequence[str] | None = None, out: IO[str] | None = None) -> int:
    """Run ``boinc-cluster``; return its exit status (0 fine, 1 some host down, 2 usage or configuration)."""
    stream = out if out is not None else sys.stdout
    ns = _parser().parse_args(argv)
    try:
        if ns.command == "status":
            return _status(ns, stream)
        if ns.command == "hash-password":
            return _hash_password(ns, stream)
        return _serve(ns, stream)
    except errors.HostsFileError as exc:
        print(f"boinc-cluster: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def console() -> NoReturn:
    """The ``boinc-cluster`` console script."""
    sys.exit(main())


if __name__ == "__main__":
    console()
