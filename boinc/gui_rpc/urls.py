"""Project URLs as BOINC writes them."""

from __future__ import annotations

__all__ = ["canonicalize_master_url"]


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
