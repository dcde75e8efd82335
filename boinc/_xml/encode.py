"""Encoding structs as BOINC XML, one tag a line.

Every string is escaped (:func:`boinc._xml.scalars.escape`), floats are written
so that they read back exactly, and fields come out in declaration order.
"""

from __future__ import annotations

from typing import Any

from . import scalars
from .plan import ClassPlan, FieldPlan, Kind, plan_for

__all__ = ["encode", "encode_into", "scalar_text"]


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


def _scalar(out: list[str], fp: FieldPlan, tag: str, value: Any) -> None:
    if value is None:
        return
    if fp.spec.flag:
        if value:
            out.append(f"<{tag}/>\n")
        return
    out.append(f"<{tag}>{scalar_text(value)}</{tag}>\n")


def _fields(out: list[str], plan: ClassPlan, obj: Any) -> None:
    for fp in plan.fields:
        value = getattr(obj, fp.name)
        if fp.spec.omit_default and value == fp.default:
            continue
        kind = fp.kind
        if kind is Kind.SCALAR:
            _scalar(out, fp, fp.tag, value)
        elif kind is Kind.STRUCT:
            if value is not None:
                assert fp.sub is not None
                _element(out, fp.sub, fp.tag, value)
        elif kind is Kind.LIST:
            for item in value:
                if fp.sub is None:
                    _scalar(out, fp, fp.tag, item)
                else:
                    _element(out, fp.sub, fp.tag, item)
        elif kind is Kind.WRAPPER:
            out.append(f"<{fp.tag}>\n")
            for item in value:
                if fp.sub is None:
                    _scalar(out, fp, fp.item_tag, item)
                else:
                    _element(out, fp.sub, fp.item_tag, item)
            out.append(f"</{fp.tag}>\n")
        else:  # RAW: inner XML written as it is
            out.append(f"<{fp.tag}>{value}</{fp.tag}>\n")


def _element(out: list[str], plan: ClassPlan, tag: str, obj: Any) -> None:
    out.append(f"<{tag}>\n")
    _fields(out, plan, obj)
    out.append(f"</{tag}>\n")


def encode_into(out: list[str], obj: Any, tag: str) -> None:
    """Append the XML of struct ``obj`` as element ``<tag>`` to ``out``, piece by piece."""
    _element(out, plan_for(type(obj)), tag, obj)


def encode(obj: Any, tag: str) -> str:
    """The XML of struct ``obj`` as element ``<tag>``."""
    out: list[str] = []
    encode_into(out, obj, tag)
    return "".join(out)
