"""The XML binding engine on small hand-made structs."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from boinc._enum import OpenIntEnum
from boinc._xml import decode, decode_slow, encode, xml_field
from boinc._xml.scalars import escape, parse_int, unescape
from boinc.errors import ReplyParseError
from tests.strategies import equal, structs


class Mode(OpenIntEnum):
    ALWAYS = 1
    AUTO = 2


@attrs.frozen(kw_only=True)
class Url:
    name: str = ""
    url: str = ""


@attrs.frozen(kw_only=True)
class Inner:
    slot: int = -1
    fraction_done: float = 0.0


@attrs.frozen(kw_only=True)
class Thing:
    name: str
    count: int = 0
    share: float = 0.0
    flag: bool = False
    marked: bool = xml_field(flag=True, default=False)
    mode: Mode = Mode.ALWAYS
    inner: Inner | None = None
    platform: tuple[str, ...] = ()
    urls: tuple[Url, ...] = xml_field(wrapper="gui_urls", tag="gui_url", default=())
    raw: str = xml_field(raw=True, default="")


def both(text: str, cls: type = Thing, tag: str = "thing") -> object:
    a = decode(cls, text, tag)
    b = decode_slow(cls, text, tag)
    assert equal(a, b)
    return a


def test_leaves_flags_nesting_and_unknown_tags() -> None:
    t = both(
        "<r><thing>\n<name>x &amp; y</name>\n<count>12</count><share>2.5</share>\n"
        "<flag/><marked>1</marked><mode>7</mode>\n<unknown><name>no</name></unknown>"
        "<inner>\n<slot>3</slot>\n</inner>\n<platform>a</platform><platform>b</platform>"
        "<gui_urls><gui_url><name>n</name><url>u</url></gui_url></gui_urls>"
        "</thing></r>"
    )
    assert t == Thing(
        name="x & y",
        count=12,
        share=2.5,
        flag=True,
        marked=True,
        mode=Mode(7),
        inner=Inner(slot=3),
        platform=("a", "b"),
        urls=(Url(name="n", url="u"),),
    )
    assert t.mode.name == "UNKNOWN_7"  # type: ignore[attr-defined]


def test_dialect_bare_ampersand_markup_cdata_and_declaration() -> None:
    t = both(
        '<thing><?xml version="1.0"?><name>AT&T <a href="x">link</a></name>'
        "<raw><b>kept</b></raw><flag></flag></thing>"
    )
    assert t.name == 'AT&T <a href="x">link</a>'  # type: ignore[attr-defined]
    assert t.raw == "<b>kept</b>"  # type: ignore[attr-defined]
    assert t.flag is False  # type: ignore[attr-defined]  # <x></x> is no flag in BOINC's dialect
    t = both("<thing><name><![CDATA[\n a </name> b \n]]></name></thing>")
    assert t.name == "a </name> b"  # type: ignore[attr-defined]


def test_byte_entities_decode_together_as_utf8() -> None:
    assert unescape("caf&#195;&#169; &#233;") == "café é"
    assert unescape("&#300; &bogus; &#xA;") == "&#300; &bogus; \n"


def test_strtol_rules() -> None:
    assert parse_int("0x1f") == 31
    assert parse_int("017") == 15
    assert parse_int(" -5 ") == -5
    assert parse_int("") == 0
    for bad in ("1_0", "abc", "１"):
        with pytest.raises(ValueError):
            parse_int(bad)


def test_bad_values_and_truncation_raise_typed_errors() -> None:
    with pytest.raises(ReplyParseError, match="count"):
        decode(Thing, "<thing><name>x</name><count>abc</count></thing>", "thing")
    with pytest.raises(ReplyParseError):
        decode(Thing, "<thing><name>x</name>", "thing")
    with pytest.raises(ReplyParseError):
        decode(Thing, "<thing><count>1</count></thing>", "thing")  # name is required
    with pytest.raises(ReplyParseError):
        decode(Thing, "<other/>", "thing")


def test_escape_survives_edges() -> None:
    for s in [" a ", "\t\n", "a<b>&c", "\x01x", "]]>"]:
        assert both(f"<thing><name>{escape(s)}</name></thing>").name == s  # type: ignore[attr-defined]


@given(structs(Thing))
def test_round_trip(thing: Thing) -> None:
    xml = encode(thing, "thing")
    assert equal(decode(Thing, xml, "thing"), thing)
    assert equal(decode_slow(Thing, xml, "thing"), thing)


@given(st.binary(max_size=300))
def test_arbitrary_bytes_give_a_value_or_a_typed_error(data: bytes) -> None:
    try:
        decode(Thing, data, "thing")
    except ReplyParseError:
        pass


@given(structs(Thing), st.data())
def test_fast_and_tolerant_paths_agree_on_mutated_input(thing: Thing, data: st.DataObject) -> None:
    xml = encode(thing, "thing")
    cut = data.draw(st.integers(0, len(xml)))
    insert = data.draw(st.sampled_from(["", "<", ">", "&", "</name>", "<inner>", "<x/>", "<!-- c -->", "<a b='c'>"]))
    mutated = xml[:cut] + insert + xml[cut + data.draw(st.integers(0, 3)) :]
    try:
        fast = decode(Thing, mutated, "thing")
    except ReplyParseError:
        fast = None
    try:
        slow = decode_slow(Thing, mutated, "thing")
    except ReplyParseError:
        slow = None
    assert equal(fast, slow)
