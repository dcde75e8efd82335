"""Hypothesis strategies for every struct, derived from the binding plans.

``structs(cls)`` builds instances of any struct of the XML engine: the same
declarations that drive the decoder and the encoder drive the strategies.
Text is any Unicode without surrogates; the encoder must make it survive.
"""

from __future__ import annotations

import enum
import functools
import math
from typing import Any

import attrs
from hypothesis import strategies as st

from boinc._xml.plan import FieldPlan, Kind, plan_for

#: Text that UTF-8 can carry (no lone surrogates).
text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
#: Doubles that read back equal (no NaN, which is never equal to itself).
floats = st.floats(allow_nan=False)
ints = st.integers(min_value=-(2**63), max_value=2**63 - 1)


def _scalar(tp: Any) -> st.SearchStrategy[Any]:
    if tp is str:
        return text
    if tp is bool:
        return st.booleans()
    if tp is int:
        return ints
    if tp is float:
        return floats
    if isinstance(tp, type) and issubclass(tp, enum.IntFlag):
        return st.integers(min_value=0, max_value=2**16).map(tp)
    if isinstance(tp, type) and issubclass(tp, enum.IntEnum):
        return st.one_of(st.sampled_from(list(tp)), st.integers(-1000, 1000).map(tp))
    raise TypeError(tp)


def _field(fp: FieldPlan) -> st.SearchStrategy[Any]:
    if fp.kind is Kind.RAW:
        # raw XML: an element-free text that survives as it is
        return st.text(st.characters(min_codepoint=32, max_codepoint=126, exclude_characters="<>&"), max_size=20).map(
            lambda s: s.strip(" \t\n\r\v\f")
        )
    if fp.kind is Kind.SCALAR:
        base = _scalar(fp.scalar_type)
        if fp.spec.flag and fp.scalar_type is bool:
            # a presence flag reads back false when absent: only default False survives
            base = st.booleans()
        if fp.optional:
            return st.none() | base
        return base
    if fp.kind is Kind.STRUCT:
        assert fp.sub is not None
        inner = structs(fp.sub.cls)
        return st.none() | inner if fp.optional else inner
    item = structs(fp.sub.cls) if fp.sub is not None else _scalar(fp.scalar_type)
    return st.lists(item, max_size=3).map(tuple)


@functools.cache
def structs(cls: type) -> st.SearchStrategy[Any]:
    """Instances of struct ``cls`` with every field drawn from its declared type."""
    plan = plan_for(cls)
    init = attrs.fields_dict(cls)
    kwargs = {fp.alias: st.deferred(lambda fp=fp: _field(fp)) for fp in plan.fields if init[fp.name].init}
    return st.builds(cls, **kwargs)


def equal(a: Any, b: Any) -> bool:
    """Struct equality where -0.0 == 0.0 and floats compare by value."""
    if attrs.has(type(a)):
        return type(a) is type(b) and all(equal(getattr(a, f.name), getattr(b, f.name)) for f in attrs.fields(type(a)))
    if isinstance(a, tuple):
        return isinstance(b, tuple) and len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    return bool(a == b)
