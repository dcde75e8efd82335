"""Every field of a boinc.submit struct that holds a sequence has a plural name (its XML tag may be singular)."""

from __future__ import annotations

import inspect
import types
import typing

import attrs
import pytest

from boinc.submit import _ops, _protocol, structs


def _structs() -> list[type]:
    out: list[type] = []
    for module in (structs, _protocol, _ops):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if attrs.has(cls) and cls.__module__ == module.__name__:
                out.append(cls)
    return out


def _is_sequence(tp: object) -> bool:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return any(_is_sequence(a) for a in typing.get_args(tp))
    return origin in (tuple, list) or tp in (tuple, list)


@pytest.mark.parametrize("cls", _structs(), ids=lambda c: c.__qualname__)
def test_sequence_fields_have_plural_names(cls: type) -> None:
    hints = typing.get_type_hints(cls)
    singular = [f.name for f in attrs.fields(cls) if _is_sequence(hints[f.name]) and not f.name.endswith("s")]
    assert singular == [], f"{cls.__qualname__}: sequence fields with a singular name: {singular}"


def test_the_check_sees_sequences() -> None:
    @attrs.frozen
    class Bad:
        job: tuple[int, ...] = ()
        name: str | None = None

    hints = typing.get_type_hints(Bad)
    assert [f.name for f in attrs.fields(Bad) if _is_sequence(hints[f.name])] == ["job"]
    assert len(_structs()) > 20
