"""Decoding BOINC's XML dialect into structs.

BOINC's peers write one tag a line and do not always write well-formed XML: a
bare ``&`` in a name, raw HTML inside an element, an ``<?xml?>`` declaration in
the middle of a reply, ``&#NNN;`` byte entities. So this is not an XML parser but a
tokenizer with the tolerance of the C++ ``XML_PARSER``, driven by each struct's
binding plan:

* one compiled regular expression finds the next token; a leaf element
  ``<tag>text</tag>`` is a single token, which is the fast path for the usual
  one-tag-a-line reply;
* a tag the struct does not know is skipped with its whole subtree;
* a string field whose element holds markup keeps that markup as text;
* a DTD is never read, so no entity is ever expanded and nothing is loaded.
"""

from __future__ import annotations

import gc
import re
from operator import itemgetter
from typing import Any, Final

from ..errors import ReplyParseError
from . import scalars
from .plan import LEAF_CONV, LEAF_ENUM, LEAF_FLOAT, LEAF_INT, LEAF_STR, ClassPlan, FieldPlan, Kind, plan_for

__all__ = ["decode", "decode_element", "find_element", "iter_elements", "raw_inner"]

_NAME: Final = r"[A-Za-z_][\w.:-]*"
#: lastindex 3: leaf <1>2</3>;  4: empty <4/>;  5: open <5>;  6: close </6>;
#: 7: CDATA; None: comment, declaration or processing instruction.
_TOKEN: Final = re.compile(
    rf"<(?:({_NAME})(?:\s[^<>]*?)?(?<!/)>([^<]*)</({_NAME})\s*>"
    rf"|({_NAME})(?:\s[^<>]*?)?/>"
    rf"|({_NAME})(?:\s[^<>]*?)?>"
    rf"|/({_NAME})\s*>"
    r"|!\[CDATA\[(.*?)\]\]>"
    r"|!--.*?-->"
    r"|[?!][^>]*>)",
    re.S,
)
_GC_PAUSE_SIZE: Final = 1 << 20
_CDATA: Final = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
_close_cache: dict[str, re.Pattern[str]] = {}


def _close_re(tag: str) -> re.Pattern[str]:
    pat = _close_cache.get(tag)
    if pat is None:
        pat = _close_cache[tag] = re.compile(rf"</{re.escape(tag)}\s*>")
    return pat


def _skip(text: str, pos: int, tag: str) -> int:
    """Position after the ``</tag>`` that closes an element opened before ``pos``."""
    m = _close_re(tag).search(text, pos)
    if m is None:
        raise ReplyParseError(f"<{tag}> is never closed", path=tag)
    return m.end()


def raw_inner(text: str, pos: int, tag: str) -> tuple[str, int]:
    """The raw inner text of an element opened just before ``pos``, and the end position.

    CDATA sections are skipped over whole, so a ``</tag>`` inside one does not end it.
    """
    start = pos
    close = _close_re(tag)
    while True:
        m = close.search(text, pos)
        if m is None:
            raise ReplyParseError(f"<{tag}> is never closed", path=tag)
        cdata = text.find("<![CDATA[", pos, m.start())
        if cdata < 0:
            return text[start : m.start()], m.end()
        end = text.find("]]>", cdata + 9)
        if end < 0:
            raise ReplyParseError(f"unterminated CDATA in <{tag}>", path=tag)
        pos = end + 3


def _text_of(raw: str) -> str:
    """The value of mixed content: CDATA kept raw, other text unescaped, then trimmed."""
    if "<![CDATA[" not in raw:
        return scalars.parse_str(raw)
    parts: list[str] = []
    pos = 0
    for m in _CDATA.finditer(raw):
        parts.append(scalars.unescape(raw[pos : m.start()]))
        parts.append(m.group(1))
        pos = m.end()
    parts.append(scalars.unescape(raw[pos:]))
    return "".join(parts).strip(scalars.WS)


def _convert(fp: FieldPlan, conv: Any, text: str, path: str) -> Any:
    try:
        return conv(text)
    except ValueError as exc:
        raise ReplyParseError(f"bad value {text.strip()[:40]!r}: {exc}", path=f"{path}/{fp.tag}") from exc


def _build(plan: ClassPlan, vals: dict[str, Any], lists: dict[str, list[Any]] | None, path: str) -> Any:
    if lists:
        for name, items in lists.items():
            vals[name] = tuple(items)
    try:
        return plan.factory(**vals)
    except (TypeError, ValueError) as exc:
        raise ReplyParseError(f"cannot build {plan.cls.__name__}: {exc}", path=path) from exc


def _decode(plan: ClassPlan, text: str, pos: int, tag: str, path: str) -> tuple[Any, int]:
    """Decode the element ``<tag>`` whose open tag ends just before ``pos``."""
    vals: dict[str, Any] = {}
    lists: dict[str, list[Any]] | None = None
    by_tag = plan.by_tag
    search = _TOKEN.search
    keep = scalars.KEEP
    SCALAR, LIST = Kind.SCALAR, Kind.LIST
    while True:
        m = search(text, pos)
        if m is None:
            raise ReplyParseError(f"<{tag}> is never closed", path=path)
        k = m.lastindex
        if k == 3:  # <t>text</t>
            t, body, t2 = m.group(1, 2, 3)
            fp = by_tag.get(t)
            if t != t2:  # <a>text</b>: read as an open tag
                pos = m.start(2)
                if fp is None:
                    pos = _skip(text, pos, t)
                elif fp.kind is LIST or fp.kind is Kind.WRAPPER:
                    if lists is None:
                        lists = {}
                    pos = _open_list(fp, lists, text, pos, t, path)
                else:
                    pos = _open(fp, plan, vals, text, pos, t, path)
                continue
            pos = m.end()
            if fp is None:
                continue
            kind = fp.kind
            if kind is SCALAR:
                v = _convert(fp, fp.conv, body, path)
                if v is not keep:
                    vals[fp.alias] = v
            elif kind is LIST:
                if lists is None:
                    lists = {}
                items = lists.setdefault(fp.alias, [])
                if fp.sub is None:
                    v = _convert(fp, fp.conv, body, path)
                    if v is not keep:
                        items.append(v)
                else:
                    items.append(_build(fp.sub, {}, None, f"{path}/{t}"))
            elif kind is Kind.STRUCT:
                vals[fp.alias] = _build(fp.sub, {}, None, f"{path}/{t}")  # type: ignore[arg-type]
            elif kind is Kind.RAW:
                vals[fp.alias] = body.strip(scalars.WS)
            # an empty wrapper holds no items
        elif k == 6:  # </t>
            if m.group(6) == tag:
                return _build(plan, vals, lists, path), m.end()
            pos = m.end()  # a stray close tag: ignore it, as BOINC does
        elif k == 5:  # <t>
            t = m.group(5)
            pos = m.end()
            fp = by_tag.get(t)
            if fp is None:
                pos = _skip(text, pos, t)
                continue
            if fp.kind is LIST or fp.kind is Kind.WRAPPER:
                if lists is None:
                    lists = {}
                pos = _open_list(fp, lists, text, pos, t, path)
            else:
                pos = _open(fp, plan, vals, text, pos, t, path)
        elif k == 4:  # <t/>
            pos = m.end()
            fp = by_tag.get(m.group(4))
            if fp is None:
                continue
            kind = fp.kind
            if kind is SCALAR:
                vals[fp.alias] = fp.empty
            elif kind is Kind.STRUCT:
                vals[fp.alias] = _build(fp.sub, {}, None, f"{path}/{fp.tag}")  # type: ignore[arg-type]
            elif kind is LIST:
                if lists is None:
                    lists = {}
                items = lists.setdefault(fp.alias, [])
                items.append(fp.empty if fp.sub is None else _build(fp.sub, {}, None, path))
            elif kind is Kind.RAW:
                vals[fp.alias] = ""
        else:  # CDATA, comment, declaration: no field of ours
            pos = m.end()


def _open(fp: FieldPlan, plan: ClassPlan, vals: dict[str, Any], text: str, pos: int, t: str, path: str) -> int:
    """Handle ``<t>`` (not a leaf) for a scalar, struct or raw field; return the new position."""
    kind = fp.kind
    if kind is Kind.STRUCT:
        assert fp.sub is not None
        vals[fp.alias], pos = _decode(fp.sub, text, pos, t, f"{path}/{t}")
        return pos
    raw, pos = raw_inner(text, pos, t)
    if kind is Kind.RAW:
        vals[fp.alias] = raw.strip(scalars.WS)
        return pos
    value = _text_of(raw)
    if fp.scalar_type is not str:
        value = _convert(fp, fp.conv, value, path)
        if value is scalars.KEEP:
            return pos
    vals[fp.alias] = value
    return pos


def _open_list(fp: FieldPlan, lists: dict[str, list[Any]], text: str, pos: int, t: str, path: str) -> int:
    items = lists.setdefault(fp.alias, [])
    if fp.kind is Kind.LIST:
        return _item(fp, items, text, pos, t, f"{path}/{t}")
    # a wrapper: collect its items until it closes
    item_tag = fp.item_tag
    wpath = f"{path}/{t}"
    search = _TOKEN.search
    while True:
        m = search(text, pos)
        if m is None:
            raise ReplyParseError(f"<{t}> is never closed", path=wpath)
        k = m.lastindex
        if k == 6:
            pos = m.end()
            if m.group(6) == t:
                return pos
        elif k == 5 or (k == 3 and m.group(1) != m.group(3)):
            name = m.group(5) if k == 5 else m.group(1)
            pos = m.end() if k == 5 else m.start(2)
            if name == item_tag:
                pos = _item(fp, items, text, pos, name, wpath)
            else:
                pos = _skip(text, pos, name)
        elif k == 3:
            pos = m.end()
            if m.group(1) == item_tag:
                if fp.sub is None:
                    v = _convert(fp, fp.conv, m.group(2), wpath)
                    if v is not scalars.KEEP:
                        items.append(v)
                else:
                    items.append(_build(fp.sub, {}, None, wpath))
        elif k == 4:
            pos = m.end()
            if m.group(4) == item_tag:
                items.append(fp.empty if fp.sub is None else _build(fp.sub, {}, None, wpath))
        else:
            pos = m.end()


def _item(fp: FieldPlan, items: list[Any], text: str, pos: int, t: str, path: str) -> int:
    if fp.sub is not None:
        value, pos = _decode(fp.sub, text, pos, t, path)
        items.append(value)
        return pos
    raw, pos = raw_inner(text, pos, t)
    v = _text_of(raw)
    if fp.scalar_type is not str:
        v = _convert(fp, fp.conv, v, path)
    if v is not scalars.KEEP:
        items.append(v)
    return pos


class _Fallback(Exception):
    """The fast path met something only the tolerant path reads."""


#: The fast path's tokens, found by one ``findall``: (leaf name, leaf body,
#: leaf marker, empty name, open name, close name). Attributes, CDATA, comments
#: and declarations are not tokens here; :func:`_fast_ok` sends such input to
#: the tolerant path.
_FAST: Final = re.compile(rf"<(?:({_NAME})>([^<]*)</\1(>)|({_NAME})/>|({_NAME})>|/({_NAME})>)")


def _fast_tokens(text: str) -> list[tuple[str, str, str, str, str, str]] | None:
    tokens = _FAST.findall(text)
    # Every '<' begins a token of ours exactly when this holds: a leaf holds
    # two '<', every other token one.
    leaves = len(tokens) - list(map(itemgetter(2), tokens)).count("")
    if text.count("<") != len(tokens) + leaves:
        return None
    return tokens


def _fast_skip(it: Any, name: str) -> None:
    for token in it:
        if token[5] == name:
            return
    raise _Fallback


def _fast(plan: ClassPlan, it: Any, tag: str) -> Any:
    vals: dict[str, Any] = {}
    lists: dict[str, list[Any]] | None = None
    by_tag = plan.by_tag
    keep = scalars.KEEP
    ws = scalars.WS
    unescape = scalars.unescape
    SCALAR, STRUCT, LIST = Kind.SCALAR, Kind.STRUCT, Kind.LIST
    leaves = plan.leaves
    for ln, body, lf, en, on, cn in it:
        if lf:
            entry = leaves.get(ln)
            if entry is None:
                continue
            code, alias, conv = entry
            if code == LEAF_STR:
                v = body.strip(ws)
                if "&" in v:
                    v = unescape(v)
                vals[alias] = v
                continue
            if code == LEAF_FLOAT:
                vals[alias] = float(body) if body.isascii() and "_" not in body else conv(body)
                continue
            if code == LEAF_INT:
                if body.isdigit() and body.isascii() and (body[0] != "0" or len(body) == 1):
                    vals[alias] = int(body)
                else:
                    vals[alias] = conv(body)
                continue
            if code == LEAF_ENUM:
                members, conv = conv
                v = members.get(int(body)) if body.isdigit() and body.isascii() and body[0] != "0" else None
                vals[alias] = v if v is not None else conv(body)
                continue
            if code == LEAF_CONV:
                v = conv(body)
                if v is not keep:
                    vals[alias] = v
                continue
            fp = conv
            kind = fp.kind
            if kind is LIST and fp.sub is None:
                if lists is None:
                    lists = {}
                v = fp.conv(body)
                if v is not keep:
                    lists.setdefault(fp.alias, []).append(v)
            elif kind is Kind.RAW:
                vals[fp.alias] = body.strip(ws)
            elif body.strip(ws):
                raise _Fallback  # text where a struct belongs
            elif kind is STRUCT:  # <coprocs>\n</coprocs>: a struct of defaults
                vals[fp.alias] = fp.sub.factory()
            elif kind is LIST:
                if lists is None:
                    lists = {}
                lists.setdefault(fp.alias, []).append(fp.sub.factory())
        elif on:
            fp = by_tag.get(on)
            if fp is None:
                _fast_skip(it, on)
                continue
            kind = fp.kind
            if kind is STRUCT:
                vals[fp.alias] = _fast(fp.sub, it, on)  # type: ignore[arg-type]
            elif kind is LIST and fp.sub is not None:
                if lists is None:
                    lists = {}
                lists.setdefault(fp.alias, []).append(_fast(fp.sub, it, on))
            elif kind is Kind.WRAPPER and fp.sub is not None:
                if lists is None:
                    lists = {}
                items = lists.setdefault(fp.alias, [])
                item_tag = fp.item_tag
                sub = fp.sub
                for ln2, _b, lf2, en2, on2, cn2 in it:
                    if on2:
                        if on2 == item_tag:
                            items.append(_fast(sub, it, on2))
                        else:
                            _fast_skip(it, on2)
                    elif cn2:
                        if cn2 == on:
                            break
                    elif (lf2 and ln2 == item_tag) or en2 == item_tag:
                        raise _Fallback
                else:
                    raise _Fallback
            else:
                raise _Fallback
        elif en:
            fp = by_tag.get(en)
            if fp is None:
                continue
            kind = fp.kind
            if kind is SCALAR:
                vals[fp.alias] = fp.empty
            elif kind is STRUCT:
                vals[fp.alias] = fp.sub.factory()  # type: ignore[union-attr]
            elif kind is LIST:
                if lists is None:
                    lists = {}
                items = lists.setdefault(fp.alias, [])
                items.append(fp.empty if fp.sub is None else fp.sub.factory())
            elif kind is Kind.RAW:
                vals[fp.alias] = ""
        elif cn == tag:
            if lists:
                for name, items in lists.items():
                    vals[name] = tuple(items)
            return plan.factory(**vals)
    raise _Fallback


def _decode_fast(cls: type[Any], text: str, tag: str) -> Any:
    tokens = _fast_tokens(text)
    if tokens is None:
        raise _Fallback
    it = iter(tokens)
    for ln, _body, lf, en, on, _cn in it:
        if on == tag:
            return _fast(plan_for(cls), it, tag)
        if (lf and ln == tag) or en == tag:
            raise _Fallback
    raise _Fallback


def find_element(text: str, tag: str, pos: int = 0) -> tuple[int, bool] | None:
    """Find the first ``<tag>`` at or after ``pos``.

    Returns:
        ``(end of the open tag, is_empty_tag)``, or ``None`` if there is none.
    """
    search = _TOKEN.search
    while True:
        m = search(text, pos)
        if m is None:
            return None
        k = m.lastindex
        if k == 5 and m.group(5) == tag:
            return m.end(), False
        if k == 3 and m.group(1) == tag:
            return m.start(2), False
        if k == 4 and m.group(4) == tag:
            return m.end(), True
        pos = m.end()


def decode_element(cls: type[Any], text: str, pos: int, tag: str, empty: bool = False) -> tuple[Any, int]:
    """Decode the element ``<tag>`` of struct ``cls`` whose open tag ends at ``pos``."""
    plan = plan_for(cls)
    if empty:
        return _build(plan, {}, None, tag), pos
    return _decode(plan, text, pos, tag, tag)


def decode(cls: type[Any], data: str | bytes, tag: str) -> Any:
    """Decode the first ``<tag>`` element in ``data`` as struct ``cls``.

    Raises:
        ReplyParseError: there is no such element, or a value in it is bad.
    """
    text = scalars.decode_bytes(data) if isinstance(data, bytes) else data
    # A large reply makes hundreds of thousands of small objects, none of them
    # garbage; the cyclic collector would rescan them over and over meanwhile.
    pause = len(text) > _GC_PAUSE_SIZE and gc.isenabled()
    if pause:
        gc.disable()
    try:
        try:
            return _decode_fast(cls, text, tag)
        except (_Fallback, ValueError, TypeError):
            pass  # the tolerant path reads it, or says precisely what is wrong
        return decode_slow(cls, text, tag)
    finally:
        if pause:
            gc.enable()


def decode_slow(cls: type[Any], text: str, tag: str) -> Any:
    """:func:`decode` on the tolerant path only (tests compare the two paths)."""
    found = find_element(text, tag)
    if found is None:
        raise ReplyParseError(f"no <{tag}> element", path=tag)
    value, _ = decode_element(cls, text, found[0], tag, found[1])
    return value


def iter_elements(text: str, pos: int, end_tag: str) -> list[tuple[str, int, int]]:
    """The direct children of an element: ``(tag, start of body, end)`` for each.

    ``pos`` is the end of the element's open tag; ``end_tag`` its name.
    Leaf and empty children are reported too (an empty child's body is empty).
    """
    out: list[tuple[str, int, int]] = []
    search = _TOKEN.search
    while True:
        m = search(text, pos)
        if m is None:
            return out
        k = m.lastindex
        if k == 6:
            pos = m.end()
            if m.group(6) == end_tag:
                return out
        elif k == 3 and m.group(1) == m.group(3):
            out.append((m.group(1), m.start(2), m.end()))
            pos = m.end()
        elif k == 5 or k == 3:
            name = m.group(5) if k == 5 else m.group(1)
            start = m.end() if k == 5 else m.start(2)
            pos = _skip(text, start, name)
            out.append((name, start, pos))
        elif k == 4:
            out.append((m.group(4), m.end(), m.end()))
            pos = m.end()
        else:
            pos = m.end()
