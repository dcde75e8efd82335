"""The sans-I/O core: framing, the receive buffer, reply classification, auth flow."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boinc import errors
from boinc.gui_rpc._protocol import (
    REQUEST_LIMIT,
    Call,
    ReplyBuffer,
    authorize,
    check_reply,
    frame_request,
    nonce_hash,
)
from tests.fake_gui_rpc import fixture


def test_frame_request_envelope_and_terminator() -> None:
    assert frame_request("<get_state/>\n") == (b"<boinc_gui_rpc_request>\n<get_state/>\n</boinc_gui_rpc_request>\n\x03")


def test_request_at_the_limit_is_refused_before_sending() -> None:
    overhead = len(frame_request(""))
    frame_request("x" * (REQUEST_LIMIT - overhead - 1))
    with pytest.raises(errors.RequestTooLarge, match="100000"):
        frame_request("x" * (REQUEST_LIMIT - overhead))


@given(st.binary(max_size=2000).filter(lambda b: b"\x03" not in b), st.lists(st.integers(1, 300), max_size=20))
def test_buffer_returns_the_same_reply_for_any_chunking(payload: bytes, cuts: list[int]) -> None:
    data = payload + b"\x03"
    buf = ReplyBuffer()
    pos, out = 0, None
    for n in [*cuts, len(data)]:
        piece = data[pos : pos + n]
        pos += len(piece)
        if piece:
            out = buf.feed(piece)
            if out is not None:
                break
    assert out == payload


def test_buffer_cap() -> None:
    buf = ReplyBuffer(max_size=10)
    assert buf.feed(b"12345") is None
    with pytest.raises(errors.ReplyTooLarge):
        buf.feed(b"123456")
    with pytest.raises(errors.ReplyTooLarge):
        ReplyBuffer(max_size=3).feed(b"1234\x03")


@pytest.mark.parametrize(
    ("name", "exc", "code"),
    [
        ("auth2_wrong_password", errors.AuthenticationError, None),
        ("noauth_set_run_mode_1st", errors.AuthenticationError, None),
        ("set_run_mode_missing_mode", errors.RpcError, -1),
        ("project_attach_again", errors.AlreadyAttached, -130),
        ("get_global_prefs_override_before_set", errors.RpcError, -1),
        ("unknown_tag", errors.RpcError, -1),
    ],
)
def test_error_replies_raise_typed_errors(name: str, exc: type[Exception], code: int | None) -> None:
    with pytest.raises(exc) as info:
        check_reply(fixture(name).decode(), "op")
    if code is not None:
        assert info.value.code == code  # type: ignore[attr-defined]


def test_numeric_error_and_status() -> None:
    with pytest.raises(errors.RpcError) as info:
        check_reply("<boinc_gui_rpc_reply>\n<error>-108</error>\n</boinc_gui_rpc_reply>\n", "get_global_prefs_file")
    assert info.value.code == -108
    with pytest.raises(errors.RpcError) as info:
        check_reply("<boinc_gui_rpc_reply>\n<status>-112</status>\n</boinc_gui_rpc_reply>\n", "x")
    assert info.value.code == -112
    check_reply("<boinc_gui_rpc_reply>\n<status>0</status>\n</boinc_gui_rpc_reply>\n", "x")


def test_project_error_passed_through_by_poll() -> None:
    text = (
        "<boinc_gui_rpc_reply>\n<error>\n<error_num>-136</error_num>\n"
        "<error_msg>No such user</error_msg>\n</error>\n</boinc_gui_rpc_reply>\n"
    )
    with pytest.raises(errors.RpcError) as info:
        check_reply(text, "lookup_account_poll")
    assert (info.value.code, info.value.message) == (-136, "No such user")


def test_data_and_success_replies_pass() -> None:
    for name in ("get_cc_status", "report_device_status", "read_cc_config", "get_state", "auth1"):
        check_reply(fixture(name).decode(), name)
    with pytest.raises(errors.ProtocolError):
        check_reply("HTTP/1.0 403 Access denied\n", "x")


def test_authorize_flow_hashes_nonce_and_password() -> None:
    flow = authorize("pw")
    step = next(flow)
    assert isinstance(step, Call) and b"<auth1/>" in step.data
    step = flow.send(fixture("auth1").decode())
    assert isinstance(step, Call)
    assert nonce_hash("1795315767.042997", "pw").encode() in step.data
    assert b"pw" not in step.data
    with pytest.raises(StopIteration):
        flow.send(fixture("auth2_ok").decode())


def test_authorize_flow_refused() -> None:
    flow = authorize("wrong")
    next(flow)
    flow.send(fixture("auth1").decode())
    with pytest.raises(errors.AuthenticationError) as info:
        flow.send(fixture("auth2_wrong_password").decode())
    assert "wrong" not in str(info.value)
    flow = authorize("pw")
    next(flow)
    flow.send(fixture("auth1").decode())
    with pytest.raises(errors.AuthenticationError):
        flow.throw(errors.ConnectionClosed("closed"))


def test_nonce_hash_is_lowercase_md5() -> None:
    assert nonce_hash("1", "2") == "c20ad4d76fe97759aa27a0c99bff6710"


@pytest.mark.parametrize(
    ("name", "struct", "tag"),
    [
        ("get_state", "CcState", "client_state"),
        ("rich_50/get_state", "CcState", "client_state"),  # multi-line <command_line>
        ("rich_50/get_results_active_only_0", "Results", "results"),
        ("rich_50/get_project_status", "Projects", "projects"),
        ("rich_50/get_messages_seqno_0", "Messages", "msgs"),  # CDATA over several lines
        ("rich_50/get_notices_seqno_0", "Notices", "notices"),
        ("rich_50/get_old_results", "OldResults", "old_results"),
        ("get_host_info", "HostInfo", "host_info"),
        ("get_cc_config", "CcConfig", "cc_config"),
    ],
)
def test_big_replies_take_the_fast_path(name: str, struct: str, tag: str) -> None:
    # A fallback to the tolerant path is not wrong, but it is several times slower.
    import sys

    from boinc.gui_rpc import structs

    decode_module = sys.modules["boinc._xml.decode"]
    cls = getattr(structs, struct)
    text = fixture(name).decode()
    fast = decode_module._decode_fast(cls, text, tag)
    assert fast == decode_module.decode_slow(cls, text, tag)


def test_config_documents_sent_verbatim_are_checked_first() -> None:
    from boinc.gui_rpc import rpcs

    good = "<cc_config>\n<options><max_event_log_lines>5</max_event_log_lines></options>\n</cc_config>"
    assert rpcs.file_body(good, "set_cc_config", "cc_config") == good + "\n"
    for bad, why in [
        ("<cc_config><options></cc_config>", "well-formed"),
        ('<!DOCTYPE x [<!ENTITY a "b">]><cc_config>&a;</cc_config>', "DTD"),
        ("<global_preferences/>", "must be a <cc_config>"),
    ]:
        with pytest.raises(ValueError, match=why):
            rpcs.file_body(bad, "set_cc_config", "cc_config")
    with pytest.raises(errors.RequestTooLarge):
        rpcs.file_body("<cc_config>" + "x" * 70_000 + "</cc_config>", "set_cc_config", "cc_config")


def test_a_refusal_in_words_keeps_the_peers_text() -> None:
    text = "<boinc_gui_rpc_reply>\n<error>unauthorized: no auth</error>\n</boinc_gui_rpc_reply>\n"
    with pytest.raises(errors.AuthenticationError) as info:
        check_reply(text, "op")
    assert info.value.message == "unauthorized: no auth"
    with pytest.raises(errors.AuthenticationError) as info:
        check_reply(fixture("noauth_set_run_mode_1st").decode(), "op")
    assert info.value.message == ""
