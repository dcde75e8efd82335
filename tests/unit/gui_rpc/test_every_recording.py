"""Every recorded 7.20.5 reply, read by the request that produced it, gives a typed value or a typed error."""

from __future__ import annotations

from pathlib import Path

import pytest

from boinc import errors
from boinc._xml import LineCache, decode_bytes
from boinc.gui_rpc import RPCS, Rpc, rpcs
from tests.fake_gui_rpc import FIXTURES, run_flow

#: recordings named after a situation rather than a request
OTHER = {
    "auth1": None, "auth2_ok": None, "auth2_without_auth1": None, "auth2_wrong_password": "get_state",
    "noauth_get_cc_status": "get_cc_status", "noauth_set_run_mode_1st": "set_run_mode",
    "noauth_set_run_mode_2nd": "set_run_mode", "bare_terminator": "get_state", "empty_request": "get_state",
    "no_wrapper_tag": "get_state", "unknown_tag": "get_state", "xml_declaration_prefix": "get_state",
    "compact_request_no_newlines": "get_message_count", "missing_terminator_then_03": "get_message_count",
    "pipelined_two_requests_first_reply": "get_message_count", "same_connection_after_pipeline": "get_message_count",
    "large_request_90k": "get_message_count", "huge_request_200k": None,  # reset: an empty recording
    "acct_mgr_detach": "acct_mgr_rpc",
    "http_get": "get_message_count", "http_options": "get_message_count",
    "http_post_noauth_get_message_count": "get_message_count",
}  # fmt: skip

RECORDINGS = sorted(p for p in FIXTURES.rglob("*.xml"))


def request_of(path: Path) -> Rpc[object] | None:
    name = path.stem
    if name == "get_auth_id":
        return rpcs.GET_AUTH_ID
    if name in OTHER:
        tag = OTHER[name]
        return RPCS[tag] if tag else None
    tags = [t for t in RPCS if name == t or name.startswith(t + "_")]
    assert tags, f"no request for recording {path.name}"
    return RPCS[max(tags, key=len)]


@pytest.mark.parametrize("path", RECORDINGS, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_recording_gives_a_value_or_a_typed_error(path: Path) -> None:
    rpc = request_of(path)
    if rpc is None:
        return  # auth replies: read by the authorize flow (tests/unit/gui_rpc/test_protocol.py)
    text = decode_bytes(path.read_bytes())
    if "<error>" in text or "<error/>" in text or "<unauthorized/>" in text or "<status>-" in text:
        with pytest.raises((errors.RpcError, errors.AuthenticationError)):
            run_flow(rpc, text)
    elif "<boinc_gui_rpc_reply>" not in text:
        with pytest.raises(errors.ProtocolError):  # HTTP mode's 403 and CORS answers
            run_flow(rpc, text)
    else:
        run_flow(rpc, text)  # a typed value: poll replies too (their error_num is data; the *_wait flows raise)


def test_parse_with_a_shared_line_cache_equals_parse() -> None:
    """``Rpc.parse_with`` (the cluster poller's) gives what ``parse`` gives, one cache across every recording."""
    lines: LineCache = {}
    compared = 0
    for _ in range(2):  # the second time every line is in the cache
        for path in RECORDINGS:
            rpc = request_of(path)
            text = decode_bytes(path.read_bytes())
            if rpc is None or "<boinc_gui_rpc_reply>" not in text:
                continue
            try:
                expected = rpc.parse(text)
            except errors.BoincError as exc:
                with pytest.raises(type(exc)):
                    rpc.parse_with(text, lines)
                continue
            assert rpc.parse_with(text, lines) == expected, path.name
            compared += 1
    assert compared > 100 and lines
