"""The JSON wire format of PyBOINC payloads (inputs, outputs, worker checkpoints).

This module is standard library only, because it also runs on volunteer hosts.

A payload is one JSON object, ``{"pyboinc": 1, "value": V}``, where ``V`` is:

* ``null``, ``true``/``false``, an integer, a string or a finite float, as itself;
* a list, as a JSON array;
* a dict whose keys are strings not starting with ``$``, as a JSON object;
* anything else as a tagged object with exactly one ``$`` key that says what it is:

  ==========================  =================================================
  ``{"$float": "nan"}``       ``nan``, ``inf`` or ``-inf``
  ``{"$dict": [[k, v]]}``     any other dict (keys of any encodable type)
  ``{"$tuple": [...]}``       a tuple; ``$set`` and ``$frozenset`` likewise
  ``{"$bytes": "b64"}``       bytes, base64-encoded
  ``{"$class": "m:Q", ...}``  an instance of class ``Q`` of module ``m``, with
                              ``"$fields": {...}``, the fields of an attrs
                              class or dataclass; ``"$state": {...}``, the
                              ``__dict__`` of a plain class; or ``"$value": v``,
                              the value of an :class:`enum.Enum` member
  ==========================  =================================================

Decoding never imports or calls anything that the *resolver* did not allow:
classes are looked up through a callback, which the master restricts to an
allow-list of modules. Plain classes are rebuilt without calling ``__init__``.
"""

from __future__ import annotations

import base64
import dataclasses
import enum
import json
import math
from collections.abc import Callable
from typing import Any

from boinc.errors import UnsafePayload

__all__ = ["FORMAT", "class_name", "decode", "dumps", "encode", "loads"]

FORMAT = 1

Resolver = Callable[[str, str], type]
Builder = Callable[[type, dict[str, Any]], Any]

_TAGS = ("$float", "$dict", "$tuple", "$set", "$frozenset", "$bytes", "$class")


def class_name(cls: type) -> str:
    """Return ``module:qualname`` of *cls*, the form a payload names classes by."""
    return f"{cls.__module__}:{cls.__qualname__}"


def _is_attrs(cls: type) -> bool:
    return getattr(cls, "__attrs_attrs__", None) is not None


def encode(value: Any, *, seen_modules: set[str] | None = None) -> Any:
    """Turn *value* into a JSON-ready tree in the tagged format.

    Args:
        value: the object to encode.
        seen_modules: if given, the module of every class encoded is added to it.

    Returns:
        A tree of dicts, lists, strings, numbers, booleans and ``None``.

    Raises:
        TypeError: *value* holds something the format cannot represent (a
            function, a module, an object without ``__dict__``...).
    """
    if value is None or (isinstance(value, (bool, int, str)) and not isinstance(value, enum.Enum)):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return {"$float": repr(value)}
    if type(value) is list:
        return [encode(v, seen_modules=seen_modules) for v in value]
    if type(value) is dict:
        if all(isinstance(k, str) and not k.startswith("$") for k in value):
            return {k: encode(v, seen_modules=seen_modules) for k, v in value.items()}
        return {"$dict": [[encode(k, seen_modules=seen_modules), encode(v, seen_modules=seen_modules)]
                          for k, v in value.items()]}
    if type(value) is tuple:
        return {"$tuple": [encode(v, seen_modules=seen_modules) for v in value]}
    if type(value) in (set, frozenset):
        items = [encode(v, seen_modules=seen_modules) for v in value]
        items.sort(key=lambda x: json.dumps(x, sort_keys=True))
        return {"$set" if type(value) is set else "$frozenset": items}
    if type(value) in (bytes, bytearray):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    cls = type(value)
    if isinstance(cls, type) and cls.__module__ not in ("builtins",) and "<locals>" not in cls.__qualname__:
        if seen_modules is not None:
            seen_modules.add(cls.__module__)
        name = class_name(cls)
        if isinstance(value, enum.Enum):
            return {"$class": name, "$value": encode(value.value, seen_modules=seen_modules)}
        if _is_attrs(cls):
            fields = {a.name: encode(getattr(value, a.name), seen_modules=seen_modules)
                      for a in cls.__attrs_attrs__}
            return {"$class": name, "$fields": fields}
        if dataclasses.is_dataclass(cls):
            fields = {f.name: encode(getattr(value, f.name), seen_modules=seen_modules)
                      for f in dataclasses.fields(cls)}
            return {"$class": name, "$fields": fields}
        state = getattr(value, "__dict__", None)
        if isinstance(state, dict):
            return {"$class": name, "$state": {k: encode(v, seen_modules=seen_modules) for k, v in state.items()}}
    raise TypeError(f"PyBOINC cannot encode a {type(value).__qualname__} object: {value!r:.80}")


def default_build(cls: type, fields: dict[str, Any]) -> Any:
    """Rebuild an attrs class or dataclass from its decoded fields.

    Fields that ``__init__`` takes are passed to it; the others are set afterwards.

    Raises:
        UnsafePayload: the fields do not match the class.
    """
    if _is_attrs(cls):
        specs = [(a.name, getattr(a, "alias", None) or a.name.lstrip("_"), a.init)
                 for a in cls.__attrs_attrs__]  # type: ignore[attr-defined]
    else:
        specs = [(f.name, f.name, f.init) for f in dataclasses.fields(cls)]
    names = {s[0] for s in specs}
    if set(fields) != names:
        raise UnsafePayload(f"fields of {class_name(cls)} do not match: got {sorted(fields)}, expected {sorted(names)}")
    kwargs = {alias: fields[name] for name, alias, init in specs if init}
    try:
        obj = cls(**kwargs)
    except (TypeError, ValueError) as exc:
        raise UnsafePayload(f"cannot rebuild {class_name(cls)}: {exc}") from exc
    for name, _alias, init in specs:
        if not init:
            object.__setattr__(obj, name, fields[name])
    return obj


def decode(tree: Any, resolve: Resolver, build: Builder = default_build) -> Any:
    """Rebuild a value from a tree made by :func:`encode`.

    Args:
        tree: the parsed JSON.
        resolve: ``resolve(module, qualname)`` returns the class or raises
            :class:`~boinc.errors.UnsafePayload`.
        build: rebuilds an attrs class or dataclass from its decoded fields.

    Returns:
        The value.

    Raises:
        UnsafePayload: an unknown tag, a refused class or a malformed tree.
    """
    if tree is None or isinstance(tree, (bool, int, float, str)):
        return tree
    if isinstance(tree, list):
        return [decode(v, resolve, build) for v in tree]
    if not isinstance(tree, dict):
        raise UnsafePayload(f"unexpected JSON value {tree!r:.60}")
    tag = next((k for k in tree if k.startswith("$")), None)
    if tag is None:
        return {k: decode(v, resolve, build) for k, v in tree.items()}
    if tag not in _TAGS:
        raise UnsafePayload(f"unknown tag {tag!r} in payload")
    body = tree[tag]
    if tag == "$float":
        if body not in ("nan", "inf", "-inf"):
            raise UnsafePayload(f"bad $float {body!r:.40}")
        return float(body)
    if tag == "$bytes":
        if not isinstance(body, str):
            raise UnsafePayload("bad $bytes")
        try:
            return base64.b64decode(body, validate=True)
        except ValueError as exc:
            raise UnsafePayload(f"bad $bytes: {exc}") from exc
    if tag == "$class":
        return _decode_object(tree, resolve, build)
    if not isinstance(body, list):
        raise UnsafePayload(f"{tag} needs a list")
    items = [decode(v, resolve, build) for v in body]
    try:
        if tag == "$tuple":
            return tuple(items)
        if tag == "$set":
            return set(items)
        if tag == "$frozenset":
            return frozenset(items)
        return dict(items)  # "$dict"
    except (TypeError, ValueError) as exc:
        raise UnsafePayload(f"bad {tag}: {exc}") from exc


def _decode_object(tree: dict[str, Any], resolve: Resolver, build: Builder) -> Any:
    name = tree["$class"]
    if not isinstance(name, str) or name.count(":") != 1 or len(tree) != 2:
        raise UnsafePayload(f"bad $class entry {name!r:.80}")
    module, qualname = name.split(":")
    cls = resolve(module, qualname)
    if "$value" in tree and issubclass(cls, enum.Enum):
        try:
            return cls(decode(tree["$value"], resolve, build))
        except ValueError as exc:
            raise UnsafePayload(str(exc)) from exc
    body = tree.get("$fields", tree.get("$state"))
    if not isinstance(body, dict):
        raise UnsafePayload(f"{name}: needs a $fields or $state object")
    values = {str(k): decode(v, resolve, build) for k, v in body.items()}
    if "$fields" in tree and (_is_attrs(cls) or dataclasses.is_dataclass(cls)):
        return build(cls, values)
    if "$state" in tree and not _is_attrs(cls) and not dataclasses.is_dataclass(cls) \
            and not issubclass(cls, enum.Enum):
        obj = object.__new__(cls)
        try:
            obj.__dict__.update(values)
        except AttributeError as exc:
            raise UnsafePayload(f"{name} has no __dict__") from exc
        return obj
    raise UnsafePayload(f"{name}: payload shape does not match the class")


def dumps(value: Any, *, seen_modules: set[str] | None = None) -> bytes:
    """Encode *value* as a payload: canonical JSON bytes (sorted keys, no spaces).

    Raises:
        TypeError: see :func:`encode`.
        ValueError: *value* contains a reference cycle.
    """
    try:
        tree = encode(value, seen_modules=seen_modules)
    except RecursionError as exc:
        raise ValueError("PyBOINC cannot encode a value with reference cycles or extreme nesting") from exc
    return json.dumps({"pyboinc": FORMAT, "value": tree}, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, allow_nan=False).encode("utf-8")


def loads(data: bytes, resolve: Resolver, build: Builder = default_build) -> Any:
    """Decode a payload made by :func:`dumps`.

    Raises:
        UnsafePayload: the bytes are a pickle, not a PyBOINC payload, or name a
            class the resolver refuses.
    """
    head = data[:1]
    if head == b"\x80" or (head and head not in b"{ \t\r\n"):
        kind = "a pickle" if head == b"\x80" else "not a PyBOINC JSON payload"
        raise UnsafePayload(f"refused: the payload is {kind} (starts with {data[:8]!r})")
    try:
        doc = json.loads(data.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnsafePayload(f"refused: the payload is not valid JSON ({exc})") from exc
    except RecursionError as exc:
        raise UnsafePayload("refused: the payload is nested too deeply") from exc
    if not isinstance(doc, dict) or doc.get("pyboinc") != FORMAT or set(doc) != {"pyboinc", "value"}:
        raise UnsafePayload("refused: not a PyBOINC payload (no {\"pyboinc\": 1, \"value\": ...} envelope)")
    try:
        return decode(doc["value"], resolve, build)
    except RecursionError as exc:
        raise UnsafePayload("refused: the payload is nested too deeply") from exc


def _refuse_constant(name: str) -> Any:
    raise UnsafePayload(f"refused: bare {name} in JSON")
