"""BOINC's text <-> value rules, as ``lib/parse.cpp`` (``XML_PARSER``) applies them.

* Text is trimmed of ASCII white space, then XML-unescaped (CDATA is not).
* The unescape set is ``&lt; &gt; &quot; &apos; &amp;``, ``&#xD; &#xA;`` (either
  case) and decimal ``&#N;`` with ``N < 256``, which stands for **one byte**; runs
  of such bytes are decoded together as UTF-8 (a byte that is not UTF-8 is read
  as Latin-1). Any other entity is left as it is written; nothing is expanded
  from a DTD and nothing external is ever loaded.
* Integers follow ``strtol(text, 0)``: ``0x`` is hex and a leading ``0`` is octal.
* Doubles follow ``strtod``; ``nan`` and ``inf`` are accepted.
* A flag is true as ``<x/>``, or as ``<x>N</x>`` with an integer ``N != 0``.
  ``<x></x>`` and ``<x>true</x>`` are not flags in BOINC's dialect and leave the
  value at its default.
"""

from __future__ import annotations

import codecs
import re
from typing import Final

__all__ = [
    "KEEP",
    "WS",
    "decode_bytes",
    "escape",
    "format_float",
    "parse_bool",
    "parse_float",
    "parse_int",
    "parse_str",
    "unescape",
]

#: ASCII white space as C's ``isspace`` sees it.
WS: Final = " \t\n\r\v\f"

#: Returned by :func:`parse_bool` when the text is no flag value: keep the default.
KEEP: Final = object()


def _latin1_fallback(exc: UnicodeError) -> tuple[str, int]:
    # Bytes that are not UTF-8 are read as Latin-1, one character a byte.
    assert isinstance(exc, UnicodeDecodeError)
    bad = exc.object[exc.start : exc.end]
    return bytes(bad).decode("latin-1"), exc.end


_ERRORS: Final = "boinc-latin1-fallback"
codecs.register_error(_ERRORS, _latin1_fallback)


def decode_bytes(data: bytes | bytearray) -> str:
    """Decode a reply as UTF-8, reading any byte that is not UTF-8 as Latin-1."""
    return data.decode("utf-8", _ERRORS)


_NAMED: Final = {
    "lt": "<",
    "gt": ">",
    "quot": '"',
    "apos": "'",
    "amp": "&",
    "#xD": "\r",
    "#xd": "\r",
    "#xA": "\n",
    "#xa": "\n",
}
_ENTITY: Final = re.compile(r"&(lt|gt|quot|apos|amp|#x[dDaA]|#[0-9]+);")


def _entity(m: re.Match[str]) -> str:
    name = m.group(1)
    named = _NAMED.get(name)
    if named is not None:
        return named
    n = int(name[1:])
    if n < 256:
        # One byte, smuggled as a lone surrogate so that runs of byte entities
        # can be decoded together as UTF-8 below.
        return chr(0xDC00 + n)
    return m.group(0)


_SMUGGLED: Final = re.compile("[\udc00-\udcff]+")


def _bytes_run(m: re.Match[str]) -> str:
    raw = bytes(ord(c) - 0xDC00 for c in m.group(0))
    return raw.decode("utf-8", _ERRORS)


def unescape(text: str) -> str:
    """Undo BOINC's ``xml_escape``; see the module docstring for the exact set."""
    if "&" not in text:
        return text
    out = _ENTITY.sub(_entity, text)
    if "&#" in text and _SMUGGLED.search(out):
        out = _SMUGGLED.sub(_bytes_run, out)
    return out


def parse_str(text: str) -> str:
    """Trim ASCII white space, then unescape."""
    text = text.strip(WS)
    if "&" in text:
        return unescape(text)
    return text


_STRTOL: Final = re.compile(r"([+-]?)(?:0[xX]([0-9a-fA-F]+)|0([0-7]+)|([0-9]+))")


def parse_int(text: str) -> int:
    """Read an integer as ``strtol(text, 0)`` does; empty text is 0.

    Raises:
        ValueError: the text is not an integer.
    """
    text = text.strip(WS)
    if text.isdigit() and text.isascii() and (text[0] != "0" or len(text) == 1):
        return int(text)
    if not text:
        return 0
    if not text.isascii():
        raise ValueError(f"not an integer: {text!r}")
    m = _STRTOL.fullmatch(text)
    if m is None:
        raise ValueError(f"not an integer: {text!r}")
    sign, hexa, octal, dec = m.groups()
    if hexa is not None:
        value = int(hexa, 16)
    elif octal is not None:
        value = int(octal, 8)
    else:
        value = int(dec)
    return -value if sign == "-" else value


def parse_float(text: str) -> float:
    """Read a double as ``strtod`` does; empty text is 0.0.

    Raises:
        ValueError: the text is not a number.
    """
    text = text.strip(WS)
    if not text:
        return 0.0
    if "_" in text or not text.isascii():
        raise ValueError(f"not a number: {text!r}")
    return float(text)


def parse_bool(text: str) -> object:
    """Read a flag's text: ``True``/``False``, or :data:`KEEP` where BOINC would not."""
    text = text.strip(WS)
    if not text:
        return KEEP
    try:
        return parse_int(text) != 0
    except ValueError:
        return KEEP


_ESCAPE_TABLE: Final = {
    ord("&"): "&amp;",
    ord("<"): "&lt;",
    ord(">"): "&gt;",
    ord("\r"): "&#13;",
    **{c: f"&#{c};" for c in range(32) if c not in (9, 10)},
}
_NEEDS_ESCAPE: Final = re.compile(r"[&<>\x00-\x08\x0b-\x1f]")
_EDGE_WS: Final = {" ": "&#32;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;", "\v": "&#11;", "\f": "&#12;"}


def escape(text: str) -> str:
    """Escape text for an element body so that BOINC's parser reads it back exactly.

    ``& < >`` and control characters become entities; leading and trailing
    white space is written as character entities, which BOINC's trim leaves alone.
    """
    if _NEEDS_ESCAPE.search(text):
        text = text.translate(_ESCAPE_TABLE)
    if text and (text[0] in _EDGE_WS or text[-1] in _EDGE_WS):
        core = text.strip(WS)
        if not core:
            return "".join(_EDGE_WS.get(c, c) for c in text)
        head = text[: len(text) - len(text.lstrip(WS))]
        tail = text[len(text.rstrip(WS)) :]
        text = "".join(_EDGE_WS[c] for c in head) + core + "".join(_EDGE_WS[c] for c in tail)
    return text


def format_float(value: float) -> str:
    """Write a double so that ``strtod`` reads back the same value."""
    return repr(float(value))
