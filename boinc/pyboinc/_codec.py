"""How the master encodes inputs and decodes outputs: safe JSON by default, pickle on request."""

from __future__ import annotations

import dataclasses
import enum
import importlib
import pickle
import sys
import warnings
from collections.abc import Iterable
from typing import Any, Protocol

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn

from boinc.errors import UnsafePayload

from . import _wire

__all__ = ["Codec", "JsonCodec", "PickleCodec"]


class Codec(Protocol):
    """Encodes inputs for workers and decodes their outputs."""

    def encode(self, value: Any) -> bytes:
        """Return the payload bytes for *value*."""

    def decode(self, data: bytes) -> Any:
        """Rebuild a value from payload bytes (an untrusted worker's output)."""


def _is_record(t: Any) -> bool:
    return isinstance(t, type) and (attrs.has(t) or dataclasses.is_dataclass(t))


def _is_plain_class(t: Any) -> bool:
    return (isinstance(t, type) and t.__module__ != "builtins" and not _is_record(t)
            and not issubclass(t, enum.Enum))


def _as_is(value: Any, _t: Any) -> Any:
    return value


def _instance_of(value: Any, t: type) -> Any:
    # Field values were rebuilt by the tag decoder already; cattrs only checks them.
    if not isinstance(value, t):
        raise TypeError(f"expected a {t.__qualname__}, got a {type(value).__qualname__}")
    return value


class JsonCodec:
    """The default codec: tagged JSON (see :mod:`boinc.pyboinc._wire`), classes from an allow-list only.

    Decoding never unpickles and never imports or calls anything outside the
    allow-list: the only code that runs is that of allowed classes, namely the
    ``__init__`` of attrs classes and dataclasses (with their validators and
    post-init hooks). Classes are looked up by ``module:qualname``; the module must
    be allowed, and the name must lead to a class defined in that very module.
    Plain classes are rebuilt without calling ``__init__`` (their
    ``__dict__`` is restored, as for the design's ``Input``/``Output``);
    attrs classes and dataclasses are rebuilt by a :class:`cattrs.Converter`,
    which converts and checks their typed fields.

    Args:
        allowed_modules: the modules classes may come from. By default (``None``)
            the modules of every class found in the inputs this codec encoded,
            which is the issue's rule "the modules the master's input types
            come from".
        converter: the cattrs converter for attrs classes and dataclasses.
    """

    def __init__(self, allowed_modules: Iterable[str] | None = None, *,
                 converter: cattrs.Converter | None = None) -> None:
        self._fixed = allowed_modules is not None
        self.allowed: set[str] = set(allowed_modules or ())
        self.converter = converter or cattrs.Converter()
        self._structure_fns: dict[type, Any] = {}
        self.converter.register_structure_hook(object, _as_is)
        self.converter.register_structure_hook_func(_is_plain_class, _instance_of)
        self.converter.register_structure_hook_func(_is_record, self._structure_record)

    def _structure_record(self, value: Any, cls: type) -> Any:
        if isinstance(value, cls):  # a nested record the tag decoder already rebuilt
            return value
        fn = self._structure_fns.get(cls)
        if fn is None:
            fn = self._structure_fns[cls] = make_dict_structure_fn(cls, self.converter)
        return fn(value, cls)

    def _build(self, cls: type, fields: dict[str, Any]) -> Any:
        names = {a.name for a in attrs.fields(cls)} if attrs.has(cls) else \
            {f.name for f in dataclasses.fields(cls)}
        if set(fields) != names:
            raise UnsafePayload(f"fields of {_wire.class_name(cls)} do not match: "
                                f"got {sorted(fields)}, expected {sorted(names)}")
        try:
            obj = self._structure_record(fields, cls)
            specs = attrs.fields(cls) if attrs.has(cls) else dataclasses.fields(cls)
            for spec in specs:  # fields that __init__ does not take
                if not spec.init:
                    object.__setattr__(obj, spec.name, fields[spec.name])
            return obj
        except Exception as exc:  # cattrs reports bad fields as exception groups
            detail = "; ".join(cattrs.transform_error(exc)) if isinstance(exc, cattrs.BaseValidationError) \
                else str(exc)
            raise UnsafePayload(f"cannot rebuild {_wire.class_name(cls)} from the output: {detail}") from exc

    def _resolve(self, module: str, qualname: str) -> type:
        """Return the class *module*:*qualname* if the allow-list permits it.

        Raises:
            UnsafePayload: the module is not allowed, or the name is not a class
                defined in it.
        """
        name = f"{module}:{qualname}"
        if module not in self.allowed:
            allowed = ", ".join(sorted(self.allowed)) or "none"
            raise UnsafePayload(
                f"refused class {name}: module {module!r} is not in the allow-list (allowed: {allowed}); "
                "pass allowed_modules=[...] to allow it")
        if "<" in qualname or any(not p.isidentifier() for p in qualname.split(".")):
            raise UnsafePayload(f"refused class {name}: not a plain class name")
        mod = sys.modules.get(module)
        if mod is None:
            mod = importlib.import_module(module)
        obj: Any = mod
        for part in qualname.split("."):
            obj = getattr(obj, part, None)
        if not isinstance(obj, type) or obj.__module__ != module or obj.__qualname__ != qualname:
            raise UnsafePayload(f"refused class {name}: no such class is defined in {module}")
        return obj

    def encode(self, value: Any) -> bytes:
        """Encode *value*; the modules of its classes join the default allow-list.

        Raises:
            TypeError: *value* cannot be encoded, or uses a class defined in the
                master script itself (workers cannot import ``__main__``).
        """
        seen: set[str] = set()
        data = _wire.dumps(value, seen_modules=seen)
        if "__main__" in seen:
            raise TypeError("a PyBOINC input uses a class defined in the master script (__main__); "
                            "workers cannot import it: define it in a module of its own, e.g. app_types.py")
        if not self._fixed:
            self.allowed |= seen
        return data

    def decode(self, data: bytes) -> Any:
        """Decode a worker's output.

        Raises:
            UnsafePayload: a pickle, malformed JSON, or a class outside the allow-list.
        """
        return _wire.loads(data, self._resolve, self._build)


class PickleCodec:
    """Pickle both ways. **Unsafe**: unpickling a result runs whatever code it asks for.

    Results come from volunteers' machines. Use this codec only when every
    host that can return a result is yours (e.g. the local backend, or a
    private project), and never with a public BOINC project.

    Args:
        i_understand_pickle_runs_code: must be True.
    """

    def __init__(self, *, i_understand_pickle_runs_code: bool = False) -> None:
        if not i_understand_pickle_runs_code:
            raise ValueError("PickleCodec runs arbitrary code from worker outputs; "
                             "pass i_understand_pickle_runs_code=True to use it anyway")
        warnings.warn("PyBOINC: PickleCodec unpickles worker outputs; a hostile host can run code on the master",
                      stacklevel=2)

    def encode(self, value: Any) -> bytes:
        """Pickle *value*."""
        return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)

    def decode(self, data: bytes) -> Any:
        """Unpickle *data* (this runs code the payload asks for).

        Raises:
            UnsafePayload: the bytes are not a pickle.
        """
        if data[:1] != b"\x80":
            raise UnsafePayload("PickleCodec: the output is not a pickle")
        return pickle.loads(data)
