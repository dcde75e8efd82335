"""Every GUI RPC struct survives encode -> decode, on both engine paths.

The structs are enumerated from :data:`boinc.gui_rpc.structs.__all__`, so a
struct added later is covered without touching this file.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from boinc._xml import decode, decode_slow, encode
from boinc._xml.plan import Kind, plan_for
from boinc.gui_rpc import structs as s
from tests.strategies import equal, structs

STRUCTS = sorted(
    (c for n in s.__all__ if isinstance(c := getattr(s, n), type) and attrs.has(c)),
    key=lambda c: c.__name__,
)


def tag_of(cls: type) -> str:
    """The struct's own element if it is a reply root, else a neutral one."""
    return getattr(cls, "xml_tag", "struct_under_test")


def test_there_are_structs() -> None:
    assert len(STRUCTS) >= 60


@pytest.mark.parametrize("cls", STRUCTS, ids=lambda c: c.__name__)
def test_presence_flags_default_to_false(cls: type) -> None:
    for fp in plan_for(cls).fields:
        if fp.kind is Kind.SCALAR and fp.spec.flag and fp.scalar_type is bool:
            assert fp.default is False, f"{cls.__name__}.{fp.name}"


@pytest.mark.parametrize("cls", STRUCTS, ids=lambda c: c.__name__)
def test_defaults_construct(cls: type) -> None:
    required = [f.name for f in attrs.fields(cls) if f.default is attrs.NOTHING]
    obj = cls(**{name: "x" for name in required})
    tag = tag_of(cls)
    assert equal(decode(cls, encode(obj, tag), tag), obj)


@pytest.mark.parametrize("cls", STRUCTS, ids=lambda c: c.__name__)
@given(data=st.data())
def test_round_trip(cls: type, data: Any) -> None:
    obj = data.draw(structs(cls))
    tag = tag_of(cls)
    xml = encode(obj, tag)
    assert equal(decode(cls, xml, tag), obj)
    assert equal(decode_slow(cls, xml, tag), obj)
