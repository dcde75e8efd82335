"""Every public name of the package has a docstring, and so does every public method of a public class."""

from __future__ import annotations

import enum
import importlib
import inspect

import pytest

MODULES = [
    "boinc",
    "boinc.errors",
    "boinc.client",
    "boinc.cli",
    "boinc.gui_rpc",
    "boinc.cluster",
    "boinc.cluster.model",
    "boinc.cluster.poller",
    "boinc.cluster.hosts",
    "boinc.cluster.history",
    "boinc.cluster.metrics",
    "boinc.cluster.cli",
    "boinc.gui_rpc.urls",
    "boinc.submit",
    "boinc.pyboinc",
]


def public_objects() -> list[tuple[str, object]]:
    out = []
    for name in MODULES:
        module = importlib.import_module(name)
        assert module.__doc__, name
        for attr in module.__all__:
            if attr.startswith("__"):
                continue
            obj = getattr(module, attr)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                out.append((f"{name}.{attr}", obj))
    return out


@pytest.mark.parametrize(("name", "obj"), public_objects(), ids=lambda v: v if isinstance(v, str) else "")
def test_public_name_is_documented(name: str, obj: object) -> None:
    assert inspect.getdoc(obj), f"{name} has no docstring"
    if inspect.isclass(obj) and not issubclass(obj, enum.Enum):
        for attr, member in vars(obj).items():
            if attr.startswith("_") or not (inspect.isfunction(member) or isinstance(member, property)):
                continue
            assert inspect.getdoc(member), f"{name}.{attr} has no docstring"
