"""Properties of the GUI RPC core on recorded and arbitrary replies."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from boinc import errors
from boinc._xml import decode_bytes
from boinc.gui_rpc import RPCS
from boinc.gui_rpc._protocol import ReplyBuffer
from tests.fake_gui_rpc import FIXTURES, run_flow

RECORDED = sorted(p for p in FIXTURES.rglob("*.xml") if not p.name.startswith("http_"))
BY_TAG = {p.stem: p for p in RECORDED}


@settings(max_examples=60)
@given(st.sampled_from(["get_state", "get_results_active_only_0", "get_messages_seqno_0", "get_notices_seqno_0"]),
       st.lists(st.integers(1, 5000), min_size=1, max_size=40))  # fmt: skip
def test_a_reply_split_into_any_chunks_decodes_the_same(name: str, cuts: list[int]) -> None:
    data = (FIXTURES / "rich_50" / f"{name}.xml").read_bytes()
    tag = name.removesuffix("_active_only_0").removesuffix("_seqno_0")
    rpc = RPCS[tag]
    whole = run_flow(rpc, decode_bytes(data))
    framed = data + b"\x03"
    buf, pos, reply = ReplyBuffer(), 0, None
    for n in [*cuts, len(framed)]:
        piece = framed[pos : pos + n]
        pos += len(piece)
        if piece and (reply := buf.feed(piece)) is not None:
            break
    assert reply == data
    assert run_flow(rpc, decode_bytes(reply)) == whole


@given(st.sampled_from(sorted(RPCS)), st.binary(max_size=400))
def test_arbitrary_bytes_give_a_value_or_a_boinc_error(tag: str, junk: bytes) -> None:
    try:
        run_flow(RPCS[tag], decode_bytes(b"<boinc_gui_rpc_reply>\n" + junk))
    except errors.BoincError:
        pass


@given(st.sampled_from(sorted(RPCS)), st.sampled_from(RECORDED), st.integers(0, 10_000), st.binary(max_size=20))
def test_damaged_recordings_give_a_value_or_a_boinc_error(tag: str, path: Path, cut: int, junk: bytes) -> None:
    data = path.read_bytes()
    cut = min(cut, len(data))
    try:
        run_flow(RPCS[tag], decode_bytes(data[:cut] + junk + data[cut + len(junk) :]))
    except errors.BoincError:
        pass


MUTATED = [
    ("CcState", "client_state", "rich_50/get_state.xml"),
    ("Results", "results", "rich_50/get_results_active_only_0.xml"),
    ("Notices", "notices", "rich_50/get_notices_seqno_0.xml"),
    ("Projects", "projects", "rich_50/get_project_status.xml"),
    ("Messages", "msgs", "rich_50/get_messages_seqno_0.xml"),
]
INSERTS = ["", "<", ">", "&", "\n", "\r", "</name>", "<result>", "</result>", "\n</result>\n", "<x/>", "<!-- c -->",
           "<a b='c'>", "&#195;", "]]>", "<![CDATA[", "\n<name>n</name>\n"]  # fmt: skip


@settings(max_examples=80)
@given(st.sampled_from(MUTATED), st.lists(st.tuples(st.integers(0, 80_000), st.sampled_from(INSERTS),
       st.integers(0, 5)), min_size=1, max_size=3))  # fmt: skip
def test_fast_and_tolerant_paths_agree_on_damaged_real_replies(
    case: tuple[str, str, str], edits: list[tuple[int, str, int]]
) -> None:
    from boinc._xml import decode, decode_slow
    from boinc.gui_rpc import structs

    name, tag, file = case
    cls = getattr(structs, name)
    text = (FIXTURES / file).read_text()
    for at, insert, cut in edits:
        at = min(at, len(text))
        text = text[:at] + insert + text[at + cut :]
    results = []
    for read in (decode, decode_slow):
        try:
            results.append(read(cls, text, tag))
        except errors.ReplyParseError:
            results.append(None)
    assert results[0] == results[1]
