"""Decoding BOINC's XML dialect into structs.

BOINC's peers write one tag a line and do not always write well-formed XML: a
bare ``&`` in a name, raw HTML inside an element, an ``<?xml?>`` declaration in
the middle of a reply, ``&#NNN;`` byte entities. So this is not an XML parser but a
tokenizer with the tolerance of the C++ ``XML_PARSER``, driven by each struct's
binding plan. There are two paths, which tests hold to the same result:

* the fast path reads BOINC's usual layout, one tag a line, a line at a time,
  and remembers the lines it has read (a reply repeats most of them); it hands
  anything else to
* the tolerant path, where one compiled regular expression finds the next
  token, a leaf element ``<tag>text</tag>`` being a single token.

On both paths:

* a tag the struct does not know is skipped with its whole subtree;
* a string field whose element holds markup keeps that markup as text;
* a DTD is never read, so no entity is ever expanded and nothing is loaded.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from itertools import chain
from operator import methodcaller
from typing import Any, Final

from ..errors import ReplyParseError
from . import scalars
from .plan import (
    LEAF_CONV,
    LEAF_ENUM,
    LEAF_FLOAT,
    LEAF_INT,
    LEAF_OTHER,
    LEAF_STR,
    OWNER_MARKS,
    ClassPlan,
    FieldPlan,
    Kind,
    plan_for,
)

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


def _build(
    plan: ClassPlan,
    vals: dict[str, Any],
    lists: dict[str, list[Any]] | None,
    path: str,
    marks: list[dict[str, int]] | None = None,
) -> Any:
    if lists:
        for name, items in lists.items():
            vals[name] = tuple(items)
    try:
        obj = plan.build(vals)
    except (TypeError, ValueError) as exc:
        raise ReplyParseError(f"cannot build {plan.cls.__name__}: {exc}", path=path) from exc
    if marks is not None:
        object.__setattr__(obj, OWNER_MARKS, tuple(marks))
    return obj


def _mark(lists: dict[str, list[Any]], marks: list[dict[str, int]] | None) -> None:
    """Record the lists' lengths where an owner item starts (see :attr:`ClassPlan.owner`)."""
    assert marks is not None
    marks.append({name: len(items) for name, items in lists.items()})


def _decode(plan: ClassPlan, text: str, pos: int, tag: str, path: str) -> tuple[Any, int]:
    """Decode the element ``<tag>`` whose open tag ends just before ``pos``."""
    vals: dict[str, Any] = {}
    lists: dict[str, list[Any]] | None = None
    by_tag = plan.by_tag
    owner = plan.owner
    marks: list[dict[str, int]] | None = None if owner is None else []
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
                    if fp is owner:
                        _mark(lists, marks)
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
                if fp is owner:
                    _mark(lists, marks)
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
                return _build(plan, vals, lists, path, marks), m.end()
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
                if fp is owner:
                    _mark(lists, marks)
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
                if fp is owner:
                    _mark(lists, marks)
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


# The fast path reads BOINC's usual layout: one token a line (a text may run
# over several lines, or be CDATA). A leaf line already met in this reply costs
# one dict lookup (see _Caches). Any other line is cut once at its first '>';
# the text before it (the "head", such as "    <name") is looked up in a
# per-plan cache of what it means, so a new leaf line costs two partitions and
# two lookups. Every line is checked as it is read; anything else (two tokens on
# a line, an attribute, a comment, a bare '<' in text, a '\r') makes the
# tolerant path read the whole reply, so both paths always agree.
_UNKNOWN, _CLOSE, _EMPTY, _TEXT = 6, 7, 8, 9  # line codes after the LEAF_* codes
_HEAD: Final = re.compile(rf"[^<]*<(/?)({_NAME})(/?)")
_HEADS_MAX: Final = 512  # cached heads per struct: a hostile reply cannot grow the cache
#: a line before the root element: blank, a declaration, or one plain tag (its name in group 2)
_PRE_ROOT: Final = re.compile(rf"\s*(?:<\?[^<>]*\?>|<(/?)({_NAME})(/?)>(?:[^<]*</({_NAME})>)?)?\s*")

_Entry = tuple[int, str, Any, str]
#: per struct, for one reply: a leaf line read before -> (``__init__`` keyword, value). A large
#: reply repeats most of its lines (``<state>2</state>``, a platform, a URL); a known line costs
#: one dict lookup. Values are immutable, so sharing them is safe.
#: A caller may keep one across replies (:func:`decode`'s ``caches``): it stays bounded.
LineCache = dict[ClassPlan, dict[str, tuple[str, Any]]]
_Caches = LineCache
_SEEN_MAX: Final = 4096  # lines remembered per struct; the cache is emptied when full


def _head_entry(plan: ClassPlan, head: str) -> _Entry:
    """What a line whose text before the first '>' is ``head`` means in ``plan``."""
    entry: _Entry
    if "<" not in head:
        entry = (_TEXT, "", None, "")
    else:
        m = _HEAD.fullmatch(head)
        if m is None:
            raise _Fallback  # a comment, declaration, attribute or stray '<'
        close, name, empty = m.groups()
        if close:
            if empty:
                raise _Fallback
            entry = (_CLOSE, name, None, "")
        elif empty:
            entry = (_EMPTY, name, plan.by_tag.get(name), "")
        else:
            leaf = plan.leaves.get(name)
            tail = f"/{name}>"
            entry = (_UNKNOWN, name, None, tail) if leaf is None else (leaf[0], leaf[1], leaf[2], tail)
    if len(plan.heads) < _HEADS_MAX:
        plan.heads[head] = entry
    return entry


def _more_lines(first: str, it: Iterator[str], tail: str) -> str:
    """The body of a leaf that spans lines: up to the line that ends with ``<`` + ``tail``."""
    parts = [first]
    for line in it:
        before, lt, after = line.partition("<")
        if not lt:
            parts.append(line)
            continue
        if after != tail:
            raise _Fallback  # markup inside the text
        parts.append(before)
        return "\n".join(parts)
    raise _Fallback


def _cdata(first: str, it: Iterator[str], tail: str) -> str:
    """The text of ``<t><![CDATA[...]]></t>`` (``first`` starts with the CDATA), on one line or more."""
    last = first[9:]
    parts = [last]
    while "]]>" not in last:
        line = next(it, None)
        if line is None:
            raise _Fallback
        parts.append(line)
        last = line
    raw = "\n".join(parts)
    end = raw.find("]]>")
    if raw[end + 3 :] != "<" + tail:
        raise _Fallback  # more than one CDATA section, or text after it
    return raw[:end]


def _skip_lines(it: Iterator[str], name: str) -> None:
    """Skip an unknown element, up to the line that ends with its first ``</name>``."""
    close = f"</{name}"
    for line in it:
        i = line.find(close)
        if i >= 0:
            if line[i:] != close + ">":
                raise _Fallback
            return
    raise _Fallback


def _fast(plan: ClassPlan, it: Iterator[str], tag: str, caches: _Caches) -> Any:
    """Decode ``<tag>``, whose open line was just read, from the lines left in ``it``.

    ``caches`` holds, per struct, the leaf lines already read in this reply and their values.
    """
    template = plan.template
    vals: dict[str, Any] = {} if template is None else template.copy()
    lists: dict[str, list[Any]] | None = None
    heads = plan.heads
    end = f"</{tag}>"  # the usual close line, known without reading it
    keep = scalars.KEEP
    ws = scalars.WS
    unescape = scalars.unescape
    SCALAR, STRUCT, LIST, WRAPPER = Kind.SCALAR, Kind.STRUCT, Kind.LIST, Kind.WRAPPER
    owner = plan.owner
    marks: list[dict[str, int]] | None = None if owner is None else []
    seen = caches.get(plan)
    if seen is None:
        seen = caches[plan] = {}
    for line in it:
        hit = seen.get(line)
        if hit is not None:  # a leaf line met before in this reply: its value is known
            vals[hit[0]] = hit[1]
            continue
        if line == end:
            return _finish(plan, vals, lists, marks)
        head, sep, rest = line.partition(">")
        entry = heads.get(head)
        if entry is None:
            entry = _head_entry(plan, head)
        code, alias, conv, tail = entry
        if code <= LEAF_CONV:  # a scalar field
            body, lt, after = rest.partition("<")
            single = after == tail
            if not single:
                if not sep:
                    raise _Fallback
                if lt:
                    if code != LEAF_STR or not rest.startswith("<![CDATA["):
                        raise _Fallback
                    vals[alias] = _cdata(rest, it, tail).strip(ws)
                    continue
                body = _more_lines(rest, it, tail)
            v: Any
            if code == LEAF_STR:
                v = body.strip(ws)
                if "&" in v:
                    v = unescape(v)
            elif code == LEAF_FLOAT:
                v = float(body) if body.isascii() and "_" not in body else conv(body)
            elif code == LEAF_INT:
                if body.isdigit() and body.isascii() and (body[0] != "0" or len(body) == 1):
                    v = int(body)
                else:
                    v = conv(body)
            elif code == LEAF_ENUM:
                members, conv = conv
                v = members.get(int(body)) if body.isdigit() and body.isascii() and body[0] != "0" else None
                if v is None:
                    v = conv(body)
            else:
                v = conv(body)
                if v is keep:
                    continue
            vals[alias] = v
            if single:
                if len(seen) >= _SEEN_MAX:
                    seen.clear()
                seen[line] = (alias, v)
        elif code == _CLOSE:
            if not sep or "<" in rest:
                raise _Fallback
            if alias == tag:
                return _finish(plan, vals, lists, marks)
            # a stray close tag: ignored, as BOINC does
        elif code == LEAF_OTHER:  # a struct, a list, a wrapper or raw XML
            fp = conv
            kind = fp.kind
            body, lt, after = rest.partition("<")
            if after == tail:  # on one line
                if kind is LIST and fp.sub is None:
                    if lists is None:
                        lists = {}
                    if fp is owner:
                        _mark(lists, marks)
                    v = fp.conv(body)
                    if v is not keep:
                        lists.setdefault(alias, []).append(v)
                elif kind is Kind.RAW:
                    vals[alias] = body.strip(ws)
                elif body.strip(ws):
                    raise _Fallback  # text where a struct belongs
                elif kind is STRUCT:  # <coprocs></coprocs>: a struct of defaults
                    vals[alias] = fp.sub.build({})
                elif kind is LIST:
                    if lists is None:
                        lists = {}
                    if fp is owner:
                        _mark(lists, marks)
                    lists.setdefault(alias, []).append(fp.sub.build({}))
                continue
            if lt or not sep:
                raise _Fallback
            name = tail[1:-1]
            if kind is STRUCT:
                vals[alias] = _fast(fp.sub, it, name, caches)
            elif kind is LIST:
                if lists is None:
                    lists = {}
                if fp is owner:
                    _mark(lists, marks)
                items = lists.setdefault(alias, [])
                if fp.sub is not None:
                    items.append(_fast(fp.sub, it, name, caches))
                else:
                    v = fp.conv(_more_lines(rest, it, tail))
                    if v is not keep:
                        items.append(v)
            elif kind is WRAPPER and fp.sub is not None:
                if lists is None:
                    lists = {}
                _fast_wrapper(fp, lists.setdefault(alias, []), it, name, caches)
            else:
                raise _Fallback
        elif code == _EMPTY:
            if not sep or "<" in rest:
                raise _Fallback
            fp = conv
            if fp is None:
                continue
            kind = fp.kind
            if kind is SCALAR:  # a flag, <tag/>: its line is a leaf line like any other
                vals[alias] = fp.empty
                if len(seen) >= _SEEN_MAX:
                    seen.clear()
                seen[line] = (alias, fp.empty)
            elif kind is STRUCT:
                vals[alias] = fp.sub.build({})
            elif kind is LIST:
                if lists is None:
                    lists = {}
                if fp is owner:
                    _mark(lists, marks)
                lists.setdefault(alias, []).append(fp.empty if fp.sub is None else fp.sub.build({}))
            elif kind is Kind.RAW:
                vals[alias] = ""
        elif code == _UNKNOWN:
            body, lt, after = rest.partition("<")
            if after == tail:
                continue
            if lt or not sep:
                raise _Fallback
            _skip_lines(it, alias)
        elif "<" in rest:  # _TEXT, then more
            raise _Fallback
    raise _Fallback


def _finish(plan: ClassPlan, vals: dict[str, Any], lists: dict[str, list[Any]] | None, marks: Any) -> Any:
    """The struct :func:`_fast` read: ``vals`` (a copy of the plan's template, if it has one) and ``lists``."""
    if lists:
        for name, items in lists.items():
            vals[name] = tuple(items)
    adopt = plan.adopt
    obj = plan.build(vals) if adopt is None else adopt(vals)
    if marks is not None:
        object.__setattr__(obj, OWNER_MARKS, tuple(marks))
    return obj


def _fast_wrapper(fp: FieldPlan, items: list[Any], it: Iterator[str], name: str, caches: _Caches) -> None:
    """Read the items of a wrapper element (``<gui_urls><gui_url>...``) up to its close line."""
    sub = fp.sub
    assert sub is not None
    item_open = f"<{fp.item_tag}>"
    close = f"</{name}>"
    for line in it:
        s = line.strip(scalars.WS)
        if s == item_open:
            items.append(_fast(sub, it, fp.item_tag, caches))
        elif s == close:
            return
        elif s:
            raise _Fallback  # anything else between the items: the tolerant path decides
    raise _Fallback


#: the fast path splits a reply into lines a megabyte at a time, so that the memory of one
#: piece's lines is reused for the next (fewer fresh pages, fewer page faults)
_PIECE: Final = 1 << 20


def iter_lines(text: str, piece: int = _PIECE) -> Iterator[str]:
    """``iter(text.split("\\n"))``, splitting ``piece`` characters or so at a time."""
    if len(text) <= piece:
        return iter(text.split("\n"))

    def pieces() -> Iterator[str]:
        start = 0
        while True:
            end = text.find("\n", start + piece)
            if end < 0:
                yield text[start:]
                return
            yield text[start:end]
            start = end + 1

    return chain.from_iterable(map(methodcaller("split", "\n"), pieces()))


def _decode_fast(cls: type[Any], text: str, tag: str, caches: LineCache | None = None) -> Any:
    it = iter_lines(text)
    root = f"<{tag}>"
    for line in it:
        if line.strip(scalars.WS) == root:
            return _fast(plan_for(cls), it, tag, {} if caches is None else caches)
        m = _PRE_ROOT.fullmatch(line)
        if m is None or (m.group(2) == tag and not m.group(1)) or m.group(4) not in (None, m.group(2)):
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
        return _build(plan, {}, None, tag, None if plan.owner is None else []), pos
    return _decode(plan, text, pos, tag, tag)


def decode(cls: type[Any], data: str | bytes, tag: str, *, caches: LineCache | None = None) -> Any:
    """Decode the first ``<tag>`` element in ``data`` as struct ``cls``.

    ``caches``: a :data:`LineCache` to read with and keep filling, for a caller
    that decodes many small replies of the same kind (the cluster poller); by
    default each call starts an empty one.

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
            return _decode_fast(cls, text, tag, caches)
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
