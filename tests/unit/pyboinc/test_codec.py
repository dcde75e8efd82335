"""The JSON wire format and the master's codecs: round trips, the allow-list, pickles refused."""

from __future__ import annotations

import math
import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boinc.errors import UnsafePayload
from boinc.pyboinc import JsonCodec, PickleCodec, _wire
from boinc.pyboinc._worker import _import_resolver

from .pb_types import Box, Color, Plain, Point, Private

MOD = "tests.unit.pyboinc.pb_types"


def _roundtrip(value: Any) -> Any:
    codec = JsonCodec([MOD])
    return codec.decode(codec.encode(value))


scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text() | st.binary()
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4)
    | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    | st.dictionaries(st.integers(), inner, max_size=3)
    | st.frozensets(st.integers(), max_size=4)
    | st.builds(Plain, inner)
    | st.builds(Point, st.integers(), st.floats(allow_nan=False), st.lists(st.text(max_size=3)).map(tuple)),
    max_leaves=12,
)


@given(values)
def test_round_trip_keeps_value_and_types(value: Any) -> None:
    assert _roundtrip(value) == value


@given(values)
def test_master_encoding_is_read_by_the_worker_side(value: Any) -> None:
    data = JsonCodec().encode(value)
    assert _wire.loads(data, _import_resolver) == value
    assert data == JsonCodec().encode(value)  # canonical: the journal's hash depends on it


def test_special_values() -> None:
    out = _roundtrip({"$weird": {1, 2}, "x": [math.inf, -math.inf], 3: b"\x00\xff", "c": Color.BLUE})
    assert out == {"$weird": {1, 2}, "x": [math.inf, -math.inf], 3: b"\x00\xff", "c": Color.BLUE}
    assert math.isnan(_roundtrip(math.nan))


def test_attrs_and_dataclasses_go_through_cattrs() -> None:
    box = Box(Plain([1, 2]), [Point(1, 2.5, ("a",)), Point(2)])
    assert _roundtrip(box) == box
    p = _roundtrip(Private(7))
    assert p._secret == 7 and p.note == "n"
    # cattrs converts the typed fields: an int sent for a float field arrives as a float
    bad = JsonCodec([MOD]).encode(Point(1)).replace(b'"y":0.0', b'"y":3')
    assert JsonCodec([MOD]).decode(bad) == Point(1, 3.0)


def test_default_allow_list_is_the_modules_of_the_inputs() -> None:
    codec = JsonCodec()
    out = _wire.dumps(Point(1))
    with pytest.raises(UnsafePayload, match="not in the allow-list"):
        codec.decode(out)
    codec.encode(Plain(1))  # an input from pb_types: the module is now allowed
    assert codec.decode(out) == Point(1)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b'{"pyboinc":1,"value":{"$class":"os:system","$state":{}}}', "not in the allow-list"),
        (b'{"pyboinc":1,"value":{"$class":"builtins:eval","$state":{}}}', "not in the allow-list"),
        (b'{"pyboinc":1,"value":{"$class":"' + MOD.encode() + b':attrs","$state":{}}}', "no such class"),
        (b'{"pyboinc":1,"value":{"$class":"' + MOD.encode() + b':Point.__init__","$state":{}}}', "no such class"),
        (b'{"pyboinc":1,"value":{"$class":"' + MOD.encode() + b':<lambda>","$state":{}}}', "not a plain class"),
        (b'{"pyboinc":1,"value":{"$class":"' + MOD.encode() + b':Point","$state":{"x":1}}}', "does not match"),
        (b'{"pyboinc":1,"value":{"$class":"' + MOD.encode() + b':Point","$fields":{"z":1}}}', "do not match"),
        (b'{"pyboinc":1,"value":{"$eval":"1"}}', "unknown tag"),
        (b'{"pyboinc":1,"value":{"$float":"1e999"}}', "bad \\$float"),
        (b'{"pyboinc":1,"value":NaN}', "bare NaN"),
        (b'{"value":1}', "envelope"),
        (b"[1, 2]", "not a PyBOINC JSON payload"),
        (b"\x80\x04K\x01.", "a pickle"),
        (b"cos\nsystem\n(S'echo hi'\ntR.", "not a PyBOINC JSON payload"),
        (b"{not json", "not valid JSON"),
        (b"[" * 100000 + b"]" * 100000, "."),
    ],
)
def test_hostile_payloads_are_refused(payload: bytes, message: str) -> None:
    with pytest.raises(UnsafePayload, match=message):
        JsonCodec([MOD]).decode(payload)


def test_os_allowed_still_gives_no_function() -> None:
    with pytest.raises(UnsafePayload, match="no such class"):
        JsonCodec(["os"]).decode(b'{"pyboinc":1,"value":{"$class":"os:system","$state":{}}}')


def test_reexported_class_is_refused() -> None:
    # pb_types imports attrs; attrs.Attribute is a class, but not one defined in pb_types
    with pytest.raises(UnsafePayload, match="no such class"):
        JsonCodec([MOD]).decode(b'{"pyboinc":1,"value":{"$class":"' + MOD.encode() + b':dataclasses","$state":{}}}')


def test_plain_classes_are_rebuilt_without_init(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    monkeypatch.setattr(Plain, "__init__", lambda self, arg: calls.append(arg))
    data = b'{"pyboinc":1,"value":{"$class":"' + MOD.encode() + b':Plain","$state":{"value":5}}}'
    out = JsonCodec([MOD]).decode(data)
    assert out.value == 5 and calls == []


def test_unencodable_inputs() -> None:
    with pytest.raises(TypeError, match="cannot encode"):
        JsonCodec().encode(lambda: 1)
    with pytest.raises(TypeError, match="__main__"):
        JsonCodec().encode(type("M", (), {"__module__": "__main__"})())
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="cycles"):
        JsonCodec().encode(loop)


def test_pickle_codec_must_be_asked_for() -> None:
    with pytest.raises(ValueError, match="i_understand"):
        PickleCodec()
    with pytest.warns(UserWarning, match="unpickles"):
        codec = PickleCodec(i_understand_pickle_runs_code=True)
    assert codec.decode(codec.encode({"a": Plain(1)})) == {"a": Plain(1)}
    with pytest.raises(UnsafePayload):
        codec.decode(b'{"pyboinc":1,"value":1}')
    assert pickle.loads(codec.encode(3)) == 3
