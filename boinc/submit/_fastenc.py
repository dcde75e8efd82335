"""A compiled twin of the XML engine's encoder, for requests of 100,000 jobs.

:func:`boinc._xml.encode_into` walks each struct's binding plan field by field.
That is fine for one request, but a ``submit_batch`` of 100,000 jobs visits
1.4 million fields. Here the same plan is turned once per class into a
straight-line Python function (as attrs generates ``__init__``), which writes
exactly the bytes the engine writes: the same tags, the same escaping
(:func:`boinc._xml.escape`) and the same scalar text
(:func:`boinc._xml.scalar_text`). A property test checks the two agree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

from .._xml import escape, plan_for, scalar_text
from .._xml.plan import Kind

__all__ = ["encoder_for", "fast_encode_into"]

#: Text ``escape`` returns unchanged: nothing to escape, no white space at either end.
_SAFE: Final = re.compile(
    r"(?:[^&<>\x00-\x08\x0b-\x1f \t\n\r](?:[^&<>\x00-\x08\x0b-\x1f]*[^&<>\x00-\x08\x0b-\x1f \t\n\r])?)?"
)

Encoder = Callable[[Callable[[str], Any], Any], None]
_CACHE: dict[type, Encoder] = {}


def _esc(value: str) -> str:
    return value if _SAFE.fullmatch(value) else escape(value)


def _text(value: Any) -> str:
    return _esc(value) if type(value) is str else scalar_text(value)


def _inline_text(tp: type | None) -> str:
    """An expression for ``_text(v)`` with the declared type's common case inlined."""
    if tp is str:
        # printable: no control character and no white space but ' ', so only
        # '&', '<', '>' and a ' ' at either end would need escaping
        return (
            "(v if type(v) is str and v.isprintable() and '&' not in v and '<' not in v and '>' not in v"
            " and v[:1] != ' ' and v[-1:] != ' ' else _text(v))"
        )
    if tp is float:
        return "(repr(v) if type(v) is float else _text(v))"
    if tp is int:
        return "(str(v) if type(v) is int else _text(v))"
    return "_text(v)"


def encoder_for(cls: type) -> Encoder:
    """The compiled encoder of struct ``cls``: ``enc(append, obj)`` writes its fields."""
    enc = _CACHE.get(cls)
    if enc is None:
        enc = _CACHE[cls] = _compile(cls)
    return enc


def _compile(cls: type) -> Encoder:
    # Nested structs are compiled first (the engine's plans are never recursive).
    plan = plan_for(cls)
    ns: dict[str, Any] = {"_text": _text}
    lines = ["def enc(a, o):"]
    for i, fp in enumerate(plan.fields):
        ns[f"d{i}"] = fp.default
        ind = "    "
        lines.append(f"{ind}v = o.{fp.name}")
        if fp.spec.omit_default:
            lines.append(f"{ind}if v != d{i}:")
            ind += "    "
        tag = fp.tag
        if fp.kind is Kind.SCALAR:
            if fp.spec.flag:
                lines.append(f"{ind}if v is not None and v:")
                lines.append(f"{ind}    a({f'<{tag}/>' + chr(10)!r})")
            else:
                lines.append(f"{ind}if v is not None:")
                lines.append(f"{ind}    a({f'<{tag}>'!r} + {_inline_text(fp.scalar_type)} + {f'</{tag}>' + chr(10)!r})")
        elif fp.kind is Kind.RAW:
            lines.append(f"{ind}a({f'<{tag}>'!r} + v + {f'</{tag}>' + chr(10)!r})")
        elif fp.kind is Kind.STRUCT:
            assert fp.sub is not None
            ns[f"e{i}"] = encoder_for(fp.sub.cls)
            lines.append(f"{ind}if v is not None:")
            lines.append(f"{ind}    a({f'<{tag}>' + chr(10)!r})")
            lines.append(f"{ind}    e{i}(a, v)")
            lines.append(f"{ind}    a({f'</{tag}>' + chr(10)!r})")
        else:  # LIST or WRAPPER
            item = fp.item_tag if fp.kind is Kind.WRAPPER else tag
            if fp.kind is Kind.WRAPPER:
                lines.append(f"{ind}a({f'<{tag}>' + chr(10)!r})")
            lines.append(f"{ind}if v:")
            if fp.sub is None:
                flag = fp.spec.flag
                lines.append(f"{ind}    for x in v:")
                if flag:
                    lines.append(f"{ind}        if x is not None and x:")
                    lines.append(f"{ind}            a({f'<{item}/>' + chr(10)!r})")
                else:
                    lines.append(f"{ind}        if x is not None:")
                    lines.append(f"{ind}            a({f'<{item}>'!r} + _text(x) + {f'</{item}>' + chr(10)!r})")
            else:
                ns[f"e{i}"] = encoder_for(fp.sub.cls)
                lines.append(f"{ind}    e = e{i}")
                lines.append(f"{ind}    for x in v:")
                lines.append(f"{ind}        a({f'<{item}>' + chr(10)!r})")
                lines.append(f"{ind}        e(a, x)")
                lines.append(f"{ind}        a({f'</{item}>' + chr(10)!r})")
            if fp.kind is Kind.WRAPPER:
                lines.append(f"{ind}a({f'</{tag}>' + chr(10)!r})")
    if len(lines) == 1:
        lines.append("    pass")
    exec(compile("\n".join(lines), f"<boinc.submit encoder of {cls.__name__}>", "exec"), ns)
    enc: Encoder = ns["enc"]
    return enc


def fast_encode_into(out: list[str], obj: Any, tag: str) -> None:
    """What :func:`boinc._xml.encode_into` does, compiled: append ``<tag>`` and its fields to ``out``."""
    a = out.append
    a(f"<{tag}>\n")
    encoder_for(type(obj))(a, obj)
    a(f"</{tag}>\n")
