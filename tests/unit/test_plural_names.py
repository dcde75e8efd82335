"""Every public struct field holding a sequence has a plural name (its XML tag stays singular)."""

from __future__ import annotations

import collections.abc
import importlib
import pkgutil
import types
import typing
from collections.abc import Iterator
from typing import Any

import attrs
import pytest

import boinc.gui_rpc.structs

#: The modules whose structs are checked: every attrs class each defines (the reply models that
#: stay private too, since their fields become the public ones).
MODULES = [
    *(f"boinc.gui_rpc.structs.{m.name}" for m in pkgutil.iter_modules(boinc.gui_rpc.structs.__path__)),
    "boinc.submit.structs",
    "boinc.submit._protocol",
    "boinc.submit._ops",
]

_SEQUENCES = (tuple, list, collections.abc.Sequence)


def _is_sequence(tp: Any) -> bool:
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        return any(_is_sequence(arg) for arg in typing.get_args(tp))
    return origin in _SEQUENCES or tp in _SEQUENCES


def _sequence_fields() -> Iterator[tuple[str, str]]:
    for name in MODULES:
        module = importlib.import_module(name)
        for cls_name, cls in vars(module).items():
            if not (isinstance(cls, type) and attrs.has(cls)) or cls.__module__ != name:
                continue
            hints = typing.get_type_hints(cls)
            for field in attrs.fields(cls):
                if _is_sequence(hints[field.name]):
                    yield f"{name}.{cls_name}", field.name


def _plural(name: str) -> bool:
    return name.endswith("s")


def test_the_walk_finds_the_lists() -> None:
    found = set(_sequence_fields())
    assert ("boinc.gui_rpc.structs.state.CcState", "results") in found
    assert ("boinc.gui_rpc.structs.cc_config.CcConfigOptions", "exclusive_apps") in found
    assert ("boinc.submit.structs.Batch", "jobs") in found
    assert len(found) > 50


@pytest.mark.parametrize(("where", "field"), sorted(_sequence_fields()))
def test_a_sequence_field_has_a_plural_name(where: str, field: str) -> None:
    assert _plural(field), f"{where}.{field} holds a sequence: name it in the plural (tag= keeps the XML tag)"


def test_the_check_can_fail() -> None:
    assert not _plural("project") and not _plural("coproc") and _plural("projects")
