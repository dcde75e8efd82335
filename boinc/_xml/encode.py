"""Encoding structs as BOINC XML, one tag a line.

Every string is escaped (:func:`boinc._xml.scalars.escape`), floats are written
so that they read back exactly, and fields come out in declaration order.

Each struct's binding plan is turned once into a straight-line Python function
(as attrs generates ``__init__``), so that a request of 100,000 jobs does not
walk the plan field by field 1.4 million times.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

from . import scalars
from .plan import Kind, plan_for

__all__ = ["encode", "encode_into", "encoder_for", "scalar_text"]


def scalar_text(value: Any) -> str:
    """The element text of a scalar value."""
    if isinstance(value, str):
        return scalars.escape(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return scalars.format_float(value)
    if isinstance(value, int):  # enums too: str() of a member differs between Pythons
        return str(int(value))
    raise TypeError(f"cannot encode {type(value).__name__} as XML text")


#: Text :func:`~boinc._xml.scalars.escape` returns unchanged: nothing to escape,
#: no white space at either end.
_SAFE: Final = re.compile(
    r"(?:[^&<>\x00-\x08\x0b-\x1f \t\n\r](?:[^&<>\x00-\x08\x0b-\x1f]*[^&<>\x00-\x08\x0b-\x1f \t\n\r])?)?"
)

#: ``enc(append, obj)`` appends the XML of ``obj``'s fields.
Encoder = Callable[[Callable[[str], Any], Any], None]
_ENCODERS: dict[type, Encoder] = {}


def _inline_text(tp: type | None) -> str:
    """An expression for ``scalar_text(v)`` with the declared type's common case inlined."""
    if tp is str:
        return "(v if type(v) is str and _safe(v) else _text(v))"
    if tp is float:
        return "(repr(v) if type(v) is float else _text(v))"
    if tp is int:
        return "(str(v) if type(v) is int else _text(v))"
    return "_text(v)"


_COMPILING: set[type] = set()


def encoder_for(cls: type) -> Encoder:
    """The compiled encoder of struct ``cls`` (made once, then cached)."""
    enc = _ENCODERS.get(cls)
    if enc is None:
        _COMPILING.add(cls)
        try:
            enc = _ENCODERS[cls] = _compile(cls)
        finally:
            _COMPILING.discard(cls)
    return enc


def _sub_encoder(ns: dict[str, Any], name: str, cls: type) -> str:
    """An expression for the encoder of a nested struct: bound now, or looked up late for a recursive one."""
    if cls in _COMPILING:
        ns[name] = cls
        return f"_enc({name})"
    ns[name] = encoder_for(cls)
    return name


def _open(tag: str) -> str:
    return repr(f"<{tag}>")


def _line(text: str) -> str:
    return repr(text + "\n")


def _compile(cls: type) -> Encoder:
    plan = plan_for(cls)
    ns: dict[str, Any] = {"_text": scalar_text, "_safe": _SAFE.fullmatch, "_enc": encoder_for}
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
                lines.append(f"{ind}    a({_line(f'<{tag}/>')})")
            else:
                lines.append(f"{ind}if v is not None:")
                lines.append(f"{ind}    a({_open(tag)} + {_inline_text(fp.scalar_type)} + {_line(f'</{tag}>')})")
        elif fp.kind is Kind.RAW:
            lines.append(f"{ind}a({_open(tag)} + v + {_line(f'</{tag}>')})")
        elif fp.kind is Kind.STRUCT:
            assert fp.sub is not None
            sub = _sub_encoder(ns, f"s{i}", fp.sub.cls)
            lines.append(f"{ind}if v is not None:")
            lines.append(f"{ind}    a({_line(f'<{tag}>')})")
            lines.append(f"{ind}    {sub}(a, v)")
            lines.append(f"{ind}    a({_line(f'</{tag}>')})")
        else:  # LIST or WRAPPER
            wrapper = fp.kind is Kind.WRAPPER
            item = fp.item_tag if wrapper else tag
            if wrapper:
                lines.append(f"{ind}a({_line(f'<{tag}>')})")
            lines.append(f"{ind}for v in v:")
            if fp.sub is None and fp.spec.flag:
                lines.append(f"{ind}    if v is not None and v:")
                lines.append(f"{ind}        a({_line(f'<{item}/>')})")
            elif fp.sub is None:
                lines.append(f"{ind}    if v is not None:")
                lines.append(f"{ind}        a({_open(item)} + _text(v) + {_line(f'</{item}>')})")
            else:
                sub = _sub_encoder(ns, f"s{i}", fp.sub.cls)
                lines.append(f"{ind}    a({_line(f'<{item}>')})")
                lines.append(f"{ind}    {sub}(a, v)")
                lines.append(f"{ind}    a({_line(f'</{item}>')})")
            if wrapper:
                lines.append(f"{ind}a({_line(f'</{tag}>')})")
    if len(lines) == 1:
        lines.append("    pass")
    exec(compile("\n".join(lines), f"<XML encoder of {cls.__qualname__}>", "exec"), ns)
    enc: Encoder = ns["enc"]
    return enc


def encode_into(out: list[str], obj: Any, tag: str) -> None:
    """Append the XML of struct ``obj`` as element ``<tag>`` to ``out``, piece by piece."""
    append = out.append
    append(f"<{tag}>\n")
    encoder_for(type(obj))(append, obj)
    append(f"</{tag}>\n")


def encode(obj: Any, tag: str) -> str:
    """The XML of struct ``obj`` as element ``<tag>``."""
    out: list[str] = []
    encode_into(out, obj, tag)
    return "".join(out)
