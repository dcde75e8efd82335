"""Project URLs as BOINC writes them, and client addresses as boinccmd reads them."""

from __future__ import annotations

import os

__all__ = ["GUI_RPC_PORT", "canonicalize_master_url", "resolve_address"]

#: The core client's GUI RPC port.
GUI_RPC_PORT = 31416


def canonicalize_master_url(url: str) -> str:
    """A project URL as boinccmd 7.20.5 sends it (spec §8.6, without 8.x's lower-casing).

    ``https://`` is kept only if the scheme was exactly ``https``; every ``//``
    after the scheme becomes ``/``; a final ``/`` is added.
    """
    pos = url.find("://")
    secure = pos == 5
    rest = url[pos + 3 :] if pos >= 0 else url
    while "//" in rest:
        rest = rest.replace("//", "/")
    if not rest.endswith("/"):
        rest += "/"
    return ("https://" if secure else "http://") + rest


def resolve_address(host: str | None = None, port: int | None = None) -> tuple[str, int]:
    """The host and port to use, from boinccmd's ``--host`` syntax.

    Accepts ``name``, ``name:port``, ``a.b.c.d:port``, ``[v6addr]`` or
    ``[v6addr]:port``, and a bare IPv6 address (more than one ``:``). ``None``
    means ``$BOINC_HOST``, else ``localhost``. A port in ``host`` wins over
    ``port``; without either, 31416.

    Raises:
        ValueError: a ``[`` without a ``]``, or a port that is not a number.
    """
    text = host if host is not None else os.environ.get("BOINC_HOST") or "localhost"
    found: str | None = None
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise ValueError(f"invalid IPv6 syntax: {text}")
        name, rest = text[1:end], text[end + 1 :]
        if rest:
            if not rest.startswith(":"):
                raise ValueError(f"invalid address: {text}")
            found = rest[1:]
    elif text.count(":") == 1:
        name, found = text.split(":")
    else:
        name = text
    if found is not None:
        if not found.isdigit():
            raise ValueError(f"invalid port in {text!r}")
        return name, int(found)
    return name, port if port is not None else GUI_RPC_PORT
