"""The hosts file, ``hosts.toml``: which BOINC clients a cluster has.

One ``[[host]]`` table per client::

    [[host]]
    name = "node1"                       # unique; shown in the app and in metrics (default: the address)
    address = "node1.lab:31416"          # host, host:port, [v6addr] or [v6addr]:port (port 31416 by default)
    password_file = "secrets/node1.cfg"  # first line is the password; relative to this file
    groups = ["gpu", "lab"]              # optional, for selecting hosts

    [[host]]
    address = "[::1]:31417"
    password = "inline secret"           # then the file must be private: chmod 600 hosts.toml

Like ssh with a private key, :func:`load_hosts` refuses a file that holds
passwords and is readable or writable by its group or others. A host
without ``password`` or ``password_file`` gets read-only requests only
(from a remote host, none: its snapshot then says "no password").

Every problem raises :class:`~boinc.errors.HostsFileError` whose message is
one line ``FILE:LINE: what is wrong``. Without a hosts file the cluster is
the local client (:func:`local_hosts`), with the password found as
:func:`boinc.client.find_password` finds it.

TOML is read with :mod:`tomllib` (Python 3.11+), or ``tomli`` on Python 3.10
(installed by the ``web`` extra).

The web app's login password is not a host's: it is stored as a hash made by
:func:`hash_password` (``boinc-cluster hash-password``) and checked by
:func:`verify_password`. The format is
``scrypt$N$r$p$SALT$HASH``: :func:`hashlib.scrypt` with cost ``N``, block
size ``r`` and parallelism ``p``, a random 16-byte salt, a 32-byte key, both
in unpadded URL-safe base64.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import stat
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import errors
from ..gui_rpc.urls import GUI_RPC_PORT, resolve_address
from .model import HostConfig

__all__ = ["hash_password", "load_hosts", "local_hosts", "parse_address", "parse_hosts", "verify_password"]

_KEYS = {"name", "address", "password", "password_file", "groups"}
_HEADER = re.compile(r"^\s*\[\[\s*host\s*\]\]")
_LINE = re.compile(r"at line (\d+)")


def parse_address(text: str) -> tuple[str, int]:
    """``(host, port)`` from ``host``, ``host:port``, ``[v6addr]``, ``[v6addr]:port`` or a bare IPv6 address.

    Raises:
        ValueError: empty, unbalanced brackets, or a port that is not 1-65535.
    """
    text = text.strip()
    if not text:
        raise ValueError("empty address")
    try:
        host, port = resolve_address(text, GUI_RPC_PORT)
    except ValueError as exc:
        raise ValueError(f"bad address {text!r}: {exc}") from None
    if not host or not 0 < port < 65536:
        raise ValueError(f"bad address {text!r}: needs a host and a port 1-65535")
    return host, port


def _toml() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib
    try:  # pragma: no cover - Python 3.10
        import tomli  # type: ignore[import-not-found, unused-ignore]
    except ImportError as exc:  # pragma: no cover
        raise ImportError("reading hosts.toml on Python 3.10 needs tomli: pip install 'boinc[web]'") from exc
    return tomli  # pragma: no cover


class _Lines:
    """Where each ``[[host]]`` table and its keys sit in the file, for error messages."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers = [i for i, line in enumerate(self.lines) if _HEADER.match(line)]

    def of(self, index: int, key: str | None = None) -> int:
        """The 1-based line of host table ``index`` (of its ``key`` if found), 0 if unknown."""
        if index >= len(self.headers):
            return 0
        start = self.headers[index]
        end = self.headers[index + 1] if index + 1 < len(self.headers) else len(self.lines)
        if key is not None:
            pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
            for i in range(start + 1, end):
                if pattern.match(self.lines[i]):
                    return i + 1
        return start + 1


def parse_hosts(text: str, path: str = "hosts.toml", *, base: str | os.PathLike[str] | None = None) -> list[HostConfig]:
    """The hosts of a hosts file's text (no permission check; see :func:`load_hosts`).

    Args:
        text: the TOML text.
        path: the file's name, for messages.
        base: the directory relative ``password_file`` paths start from (default: ``path``'s).

    Raises:
        HostsFileError: malformed TOML, an unknown key, a duplicate name, a bad address, …
    """
    try:
        data = _toml().loads(text)
    except ValueError as exc:  # tomllib.TOMLDecodeError is a ValueError
        m = _LINE.search(str(exc))
        message = _LINE.sub("", str(exc)).replace("()", "").strip(" ,") or "malformed TOML"
        raise errors.HostsFileError(path, f"not valid TOML: {message}", line=int(m.group(1)) if m else 0) from None
    lines = _Lines(text)
    extra = set(data) - {"host"}
    if extra:
        raise errors.HostsFileError(path, f"unknown key {sorted(extra)[0]!r}: a hosts file has [[host]] tables only")
    entries = data.get("host", [])
    if not isinstance(entries, list) or not entries:
        raise errors.HostsFileError(path, "no [[host]] table: list at least one host")
    root = Path(base) if base is not None else Path(path).parent
    hosts: list[HostConfig] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        line = lines.of(index)
        if not isinstance(entry, Mapping):
            raise errors.HostsFileError(path, "a host must be a table", line=line)
        host = _entry(entry, index, lines, path, root)
        if host.name in seen:
            where = lines.of(index, "name")
            raise errors.HostsFileError(
                path, f"duplicate name {host.name!r} (first at line {seen[host.name]})", line=where
            )
        seen[host.name] = lines.of(index, "name")
        hosts.append(host)
    return hosts


def _entry(entry: Mapping[str, Any], index: int, lines: _Lines, path: str, root: Path) -> HostConfig:
    def fail(message: str, key: str | None = None) -> errors.HostsFileError:
        return errors.HostsFileError(path, message, line=lines.of(index, key))

    unknown = set(entry) - _KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise fail(f"unknown key {key!r} (known: {', '.join(sorted(_KEYS))})", key)
    for key in ("name", "address", "password", "password_file"):
        if key in entry and not isinstance(entry[key], str):
            raise fail(f"{key} must be a string", key)
    if "address" not in entry:
        raise fail("a host needs an address")
    try:
        host, port = parse_address(entry["address"])
    except ValueError as exc:
        raise fail(str(exc), "address") from None
    name = entry.get("name", entry["address"].strip())
    if not name or any(c in name for c in "/\\") or not name.isprintable():
        raise fail(f"bad name {name!r}: printable, no slashes", "name")
    if "password" in entry and "password_file" in entry:
        raise fail("give password or password_file, not both", "password_file")
    groups = entry.get("groups", [])
    if not isinstance(groups, list) or not all(isinstance(g, str) and g for g in groups):
        raise fail("groups must be a list of non-empty strings", "groups")
    password_file = entry.get("password_file")
    if password_file is not None:
        password_file = str(root / os.path.expanduser(password_file))
    return HostConfig(
        name=name, host=host, port=port, password=entry.get("password"), password_file=password_file, groups=groups
    )


def load_hosts(path: str | os.PathLike[str]) -> list[HostConfig]:
    """Read a hosts file (see the module's description).

    Raises:
        HostsFileError: missing, unreadable, malformed, or holding passwords while
            readable by group or others.
    """
    name = os.fspath(path)
    try:
        with open(name, "rb") as f:
            mode = os.fstat(f.fileno()).st_mode
            raw = f.read()
    except FileNotFoundError:
        raise errors.HostsFileError(name, "no such file") from None
    except OSError as exc:
        raise errors.HostsFileError(name, f"cannot read it: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise errors.HostsFileError(name, "not UTF-8 text") from None
    hosts = parse_hosts(text, name)
    if os.name == "posix" and any(h.password is not None for h in hosts) and mode & 0o077:
        raise errors.HostsFileError(
            name,
            f"holds passwords but its mode is {stat.filemode(mode)}: others than you can read or change it;"
            f" fix it with: chmod 600 {name}",
        )
    return hosts


def local_hosts() -> list[HostConfig]:
    """The cluster without a hosts file: the local client (``$BOINC_HOST`` if set), password found like boinccmd."""
    from ..client import find_password

    host, port = resolve_address(None)
    password = find_password()
    return [HostConfig(name=host, host=host, port=port, password=password or None)]


#: scrypt's cost parameters for new hashes (about 16 MiB and some tens of milliseconds per check).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """The stored form of a login password: ``scrypt$N$r$p$SALT$HASH`` (see the module's description).

    Raises:
        ValueError: an empty password.
    """
    if not password:
        raise ValueError("empty password")
    salt = salt if salt is not None else secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"


def verify_password(stored: str, password: str) -> bool:
    """Whether ``password`` matches ``stored`` (a :func:`hash_password` value); ``False`` for a malformed one."""
    try:
        scheme, n, r, p, salt, key = stored.strip().split("$")
        if scheme != "scrypt":
            return False
        expected = _unb64(key)
        got = hashlib.scrypt(
            password.encode(), salt=_unb64(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected), maxmem=2**27
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)
