"""The XML binding engine on small hand-made structs."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from boinc._enum import OpenIntEnum
from boinc._xml import LineCache, decode, decode_slow, encode, xml_field
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
        '<thing><?xml version="1.0"?><name>AT&T <a href="x">link</a></name><raw><b>kept</b></raw><flag></flag></thing>'
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


#: edits that break the fast path's one-token-a-line layout in every way it checks
INSERTS = ["", "<", ">", "&", "\n", "\r", " ", "</name>", "<inner>", "\n</inner>\n", "<x/>", "<!-- c -->",
           "<a b='c'>", "<![CDATA[c]]>", "]]>", "<name>", "\n<name>n</name>\n", "</thing>"]  # fmt: skip


@given(structs(Thing), st.data())
def test_fast_and_tolerant_paths_agree_on_mutated_input(thing: Thing, data: st.DataObject) -> None:
    xml = encode(thing, "thing")
    cut = data.draw(st.integers(0, len(xml)))
    insert = data.draw(st.sampled_from(INSERTS))
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


@given(st.lists(st.tuples(structs(Thing), st.integers(0, 10_000), st.sampled_from(INSERTS)), max_size=8))
def test_a_line_cache_kept_across_replies_changes_no_value(replies: list[tuple[Thing, int, str]]) -> None:
    # the cluster poller keeps one LineCache across the replies of all its hosts
    shared: LineCache = {}
    for thing, cut, insert in replies:
        xml = encode(thing, "thing")
        cut %= len(xml) + 1
        mutated = xml[:cut] + insert + xml[cut:]
        outcomes = []
        for caches in (shared, None):
            try:
                outcomes.append(decode(Thing, mutated, "thing", caches=caches))
            except ReplyParseError as exc:
                outcomes.append(type(exc))
        assert equal(outcomes[0], outcomes[1]) or outcomes[0] == outcomes[1]
    assert all(len(lines) <= 4096 for lines in shared.values())


def fast_only(cls: type, text: str, tag: str) -> object:
    """Decode on the fast path; fail if it would fall back to the tolerant one."""
    import sys

    return sys.modules["boinc._xml.decode"]._decode_fast(cls, text, tag)


def test_fast_path_reads_multi_line_text_and_cdata() -> None:
    text = (
        "<thing>\n<name>\n  two\n  lines &amp; more\n</name>\n"
        "<raw><![CDATA[\n<b>kept</b> &amp; raw\n]]></raw>\n"  # raw: not a str leaf, the tolerant path
        "</thing>\n"
    )
    assert both(text) == Thing(name="two\n  lines & more", raw="<![CDATA[\n<b>kept</b> &amp; raw\n]]>")
    text = "<thing>\n<name><![CDATA[\n<b>kept</b> &amp; raw\n]]></name>\n<count>\n3\n</count>\n</thing>\n"
    assert fast_only(Thing, text, "thing") == both(text) == Thing(name="<b>kept</b> &amp; raw", count=3)


@pytest.mark.parametrize(
    "line",
    ["<name a='1'>x</name>", "<name>x</name><count>1</count>", "<name>x</nam>", "<!-- c -->", "<name>x</name >",
     "<name>a<![CDATA[b]]></name>", "<name><![CDATA[a]]>b</name>", "x < y", "<name/ >", "<inner/><inner/>"],
)  # fmt: skip
def test_fast_path_leaves_any_other_layout_to_the_tolerant_path(line: str) -> None:
    import sys

    text = f"<thing>\n<count>1</count>\n{line}\n</thing>\n"
    with pytest.raises(sys.modules["boinc._xml.decode"]._Fallback):
        fast_only(Thing, text, "thing")
    outcomes = []
    for read in (decode, decode_slow):
        try:
            outcomes.append(read(Thing, text, "thing"))
        except ReplyParseError:
            outcomes.append(None)
    assert equal(outcomes[0], outcomes[1])


@attrs.frozen(kw_only=True)
class Leafy:
    value: str = ""


@attrs.frozen(kw_only=True)
class Outer:
    value: int = 0
    leafy: tuple[Leafy, ...] = ()


def test_repeated_lines_are_read_per_struct() -> None:
    # The same line means an int in Outer and a str in Leafy: the per-reply cache of known lines
    # must not hand one struct's value to the other.
    text = "<outer>\n<value>7</value>\n<leafy>\n<value>7</value>\n</leafy>\n<value>7</value>\n</outer>\n"
    assert fast_only(Outer, text, "outer") == Outer(value=7, leafy=(Leafy(value="7"),))


def test_many_distinct_lines_overflow_the_line_cache_safely() -> None:
    # also more than a megabyte: the fast path splits it into lines a piece at a time
    items = [Leafy(value=f"v{i % 7 if i % 3 else i}") for i in range(40_000)]
    text = encode(Outer(value=1, leafy=tuple(items)), "outer")
    assert len(text) > 1 << 20
    assert fast_only(Outer, text, "outer") == decode_slow(Outer, text, "outer") == Outer(value=1, leafy=tuple(items))


def test_missing_required_field_is_a_parse_error_on_both_paths() -> None:
    from boinc.gui_rpc.structs import Result

    for read in (decode, decode_slow):
        with pytest.raises(ReplyParseError):
            read(Thing, "<thing>\n<count>1</count>\n</thing>\n", "thing")  # slotted: __init__
        with pytest.raises(ReplyParseError):
            read(Result, "<result>\n<wu_name>w</wu_name>\n</result>\n", "result")  # template copy


@given(st.data())
def test_template_build_equals_init_and_stays_small(data: st.DataObject) -> None:
    import sys

    from boinc._xml.plan import plan_for
    from boinc.gui_rpc import structs as s

    cls = data.draw(st.sampled_from([s.Result, s.ActiveTask, s.Project, s.Workunit, s.Message, s.FileTransfer]))
    value = data.draw(structs(cls))
    kwargs = {a.name: getattr(value, a.name) for a in attrs.fields(cls)}
    built = plan_for(cls).build(kwargs)
    assert type(built) is cls
    assert built == value
    assert vars(built) == vars(value)
    # copies of the template share its keys, as instances made by __init__ do
    assert sys.getsizeof(vars(built)) <= sys.getsizeof(vars(cls(**kwargs))) + 16


@given(st.text(alphabet="ab\n", max_size=60), st.integers(1, 8))
def test_lines_split_in_pieces_are_the_lines(text: str, piece: int) -> None:
    from boinc._xml.decode import iter_lines

    assert list(iter_lines(text, piece)) == text.split("\n")
