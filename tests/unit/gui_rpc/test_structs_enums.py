"""The GUI RPC enums, error codes and the texts boinccmd prints for them."""

from __future__ import annotations

import enum

import pytest

from boinc._xml import decode, encode
from boinc.gui_rpc import enums as e
from boinc.gui_rpc import structs as s
from boinc.gui_rpc.error_codes import ErrorCode, ExitCode, boincerror

ENUMS = [getattr(e, name) for name in e.__all__ if isinstance(getattr(e, name), enum.EnumMeta)]


def test_every_enum_is_open_and_documented() -> None:
    assert len(ENUMS) == 12
    for cls in [*ENUMS, ErrorCode, ExitCode]:
        assert cls.__doc__
        unknown = cls(9999)
        assert unknown == 9999 and unknown.name == "UNKNOWN_9999"
        assert cls(9999) is unknown  # cached: the same value gives the same member
        assert cls(-7).name == "UNKNOWN_MINUS_7" and cls(-7) == -7


@pytest.mark.parametrize(
    ("member", "value"),
    [
        (e.RunMode.ALWAYS, 1),
        (e.RunMode.AUTO, 2),
        (e.RunMode.NEVER, 3),
        (e.RunMode.RESTORE, 4),
        (e.SuspendReason.USER_REQ, 4),
        (e.SuspendReason.CPU_THROTTLE, 64),
        (e.SuspendReason.OS, 4096),
        (e.SuspendReason.WIFI_STATE, 4097),
        (e.SuspendReason.BATTERY_HEAT_WAIT, 4103),
        (e.ResultState.FILES_DOWNLOADED, 2),
        (e.ResultState.UPLOAD_FAILED, 7),
        (e.SchedulerState.SCHEDULED, 2),
        (e.ActiveTaskState.SUSPENDED, 9),
        (e.ActiveTaskState.COPY_PENDING, 10),
        (e.NetworkStatus.LOOKUP_PENDING, 3),
        (e.MsgPriority.INTERNAL_ERROR, 3),
        (e.RpcReason.PROJECT_REQ, 7),
        (e.FileStatus.VERIFY_PENDING, 2),
        (e.ProcType.INTEL_GPU, 3),
        (e.ProcType.APPLE_GPU, 4),
        (e.BatteryState.OVERHEATED, 4),
        (e.DockerType.PODMAN, 2),
        (ErrorCode.SUCCESS, 0),
        (ErrorCode.ALREADY_ATTACHED, -130),
        (ErrorCode.AUTHENTICATOR, -155),
        (ErrorCode.NOT_FOUND, -161),
        (ErrorCode.INVALID_URL, -189),
        (ErrorCode.RETRY, -199),
        (ErrorCode.IN_PROGRESS, -204),
        (ErrorCode.ACCT_REQUIRE_CONSENT, -242),
        (ErrorCode.MMAP, -244),
        (ErrorCode.HTTP_STATUS_NOT_FOUND, 404),
        (ExitCode.ABORTED_VIA_GUI, 203),
        (ExitCode.OVERDUE_EXCEEDED, 209),
    ],
)
def test_values_are_boincs(member: enum.IntEnum, value: int) -> None:
    assert member == value
    assert type(member)(value) is member


def test_suspend_reason_is_one_value_not_a_bit_mask() -> None:
    # 4097 is its own reason, not OS | BATTERIES; -1 (the C++ "not sent") survives
    assert e.SuspendReason(4097) is e.SuspendReason.WIFI_STATE
    assert e.SuspendReason(-1) == -1
    assert e.SuspendReason(0) is e.SuspendReason.NOT_SUSPENDED


def test_unknown_values_survive_decoding_and_encoding() -> None:
    text = (
        "<result><name>x</name><state>42</state>"
        "<active_task><scheduler_state>9</scheduler_state></active_task></result>"
    )
    result = decode(s.Result, text, "result")
    assert result.state == 42 and result.state.name == "UNKNOWN_42"
    assert result.active_task is not None and result.active_task.scheduler_state == 9
    assert decode(s.Result, encode(result, "result"), "result") == result
    status = decode(s.CcStatus, "<cc_status><task_suspend_reason>8192</task_suspend_reason></cc_status>", "cc_status")
    assert status.task_suspend_reason == 8192


def test_result_states_are_ordered() -> None:
    assert e.ResultState.FILES_DOWNLOADED < e.ResultState.COMPUTE_ERROR < e.ResultState.UPLOAD_FAILED


@pytest.mark.parametrize(
    ("func", "value", "text"),
    [
        (e.run_mode_string, 1, "always"),
        (e.run_mode_string, 2, "according to prefs"),
        (e.run_mode_string, 3, "never"),
        (e.run_mode_string, 4, "unknown"),
        (e.run_mode_string, -1, "unknown"),
        (e.suspend_reason_string, 0, "unknown reason"),
        (e.suspend_reason_string, 4, "user request"),
        (e.suspend_reason_string, 32, "need disk space - check preferences"),
        (e.suspend_reason_string, 64, "unknown reason"),
        (e.suspend_reason_string, 1024, "CPU is busy"),
        (e.suspend_reason_string, 4100, "GUI not active"),
        (e.suspend_reason_string, 4101, "Podman initializing"),
        (e.result_client_state_string, 1, "downloading"),
        (e.result_client_state_string, 2, "downloaded"),
        (e.result_client_state_string, 3, "compute error"),
        (e.result_client_state_string, 7, "upload failed"),
        (e.result_client_state_string, 8, "unknown"),
        (e.result_scheduler_state_string, 0, "uninitialized"),
        (e.result_scheduler_state_string, 2, "scheduled"),
        (e.result_scheduler_state_string, 3, "unknown"),
        (e.active_task_state_string, 0, "UNINITIALIZED"),
        (e.active_task_state_string, 1, "EXECUTING"),
        (e.active_task_state_string, 9, "SUSPENDED"),
        (e.active_task_state_string, 10, "COPY_PENDING"),
        (e.active_task_state_string, 11, "Unknown"),
        (e.active_task_state_string, -1, "Unknown"),
        (e.network_status_string, 0, "online"),
        (e.network_status_string, 2, "don't need connection"),
        (e.network_status_string, -1, "unknown"),
        (e.rpc_reason_string, 0, "Unknown reason"),
        (e.rpc_reason_string, 2, "To report completed tasks"),
        (e.battery_state_string, 2, "charging"),
        (e.battery_state_string, 0, "unknown"),
        (e.prio_name, 1, "low"),
        (e.prio_name, 2, "user notification"),
        (e.prio_name, 3, "internal error"),
        (e.prio_name, 4, "unknown"),
        (e.proc_type_name, 2, "AMD/ATI GPU"),
        (e.proc_type_name_xml, 3, "intel_gpu"),
        (e.proc_type_name_xml, 9, "unknown"),
        (e.docker_type_str, 1, "Docker"),
        (e.docker_type_str, 0, "Unknown"),
    ],
)
def test_boinccmd_texts(func: object, value: int, text: str) -> None:
    assert func(value) == text  # type: ignore[operator]


def test_texts_of_older_releases() -> None:
    v720 = (7, 20, 5)
    assert e.suspend_reason_string(4101, v720) == "unknown reason"
    assert e.suspend_reason_string(4100, v720) == "GUI not active"
    assert e.suspend_reason_string(4103, (8, 2, 6)) == "battery heat wait"
    assert e.proc_type_name(4, v720) == "Miner ASIC"
    assert e.proc_type_name(4) == "Apple GPU"
    assert e.proc_type_name_xml(4, v720) == "miner_asic"
    assert boincerror(-200, v720) == "wrong size"
    assert boincerror(-200) == "wrong buffer size"
    assert boincerror(-221, v720) == "Error -221"
    assert boincerror(-221, (7, 22, 1)) == "file has the wrong size"
    assert boincerror(-244, (8, 2, 9)) == "Error -244"
    assert boincerror(-244) == "mmap() failed"


def test_resource_names() -> None:
    assert e.coproc_type_name_to_num("CPU") is e.ProcType.CPU
    assert e.coproc_type_name_to_num("NVIDIA") is e.ProcType.NVIDIA_GPU
    assert e.coproc_type_name_to_num("CUDA") is e.ProcType.NVIDIA_GPU
    assert e.coproc_type_name_to_num("ATI") is e.ProcType.AMD_GPU
    assert e.coproc_type_name_to_num("intel_gpu") is e.ProcType.INTEL_GPU
    assert e.coproc_type_name_to_num("apple_gpu") is e.ProcType.APPLE_GPU
    assert e.coproc_type_name_to_num("nvidia") is None  # case matters
    assert e.coproc_type_name_to_num("Mali") is None  # another vendor's OpenCL device
    assert e.coproc_type_name_to_num("CPU", (7, 20, 5)) is None  # 7.20 had no CPU entry
    assert e.coproc_type_name_to_num("miner_asic", (7, 20, 5)) == 4
    for pt in e.ProcType:
        assert e.coproc_type_name_to_num(e.proc_type_name_xml(pt)) is pt


@pytest.mark.parametrize(
    ("code", "text"),
    [
        (0, "Success"),
        (-1, "Error -1"),
        (-102, "read() failed"),
        (-107, "connect() failed"),
        (-108, "fopen() failed"),
        (-112, "unexpected XML tag or syntax"),
        (-113, "can't resolve hostname"),
        (-130, "already attached to project"),
        (-136, "no database rows found in lookup/enumerate"),
        (-155, "authentication error"),
        (-161, "not found"),
        (-183, "project down"),
        (-189, "invalid URL"),
        (-199, "retry"),
        (-204, "operation in progress"),
        (-209, "Couldn't start master page download"),
        (-214, "Couldn't attach because of server error"),
        (-225, "file name is empty or has '..'"),
        (-242, "This project requires to consent to its terms of use"),
        (-243, "invalid state"),
        (-141, "Error -141"),  # a gap in the numbering
        (404, "HTTP file not found"),
        (504, "HTTP gateway timeout"),
        (200, "Error 200"),
    ],
)
def test_boincerror(code: int, text: str) -> None:
    assert boincerror(code) == text
    assert boincerror(ErrorCode(code)) == text


def test_every_error_code_has_a_text() -> None:
    for code in ErrorCode:
        assert not boincerror(code).startswith("Error ")
