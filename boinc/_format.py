"""boinccmd's print formats, ported from BOINC 7.20.5 (8.x selectable).

Each ``format_*`` function reads one GUI RPC reply, as the text the client
sent, and yields the text boinccmd prints for it in chunks (one chunk per
project, task, message...), so a caller can write a large listing without
building it twice. The readers follow the C++ ``RPC_CLIENT`` parsers
(``lib/gui_rpc_client_ops.cpp``): flat per element, last value wins, absent
values are zero, and ``get_state`` keeps only the tasks it can link to a
workunit and an application version. The texts come from
``lib/gui_rpc_client_print.cpp``, ``client/boinc_cmd.cpp`` and
``lib/str_util.cpp``.

This module works on the reply text rather than on the typed structs of
:mod:`boinc.gui_rpc`: it is the ``boinc`` command's fast path, and imports
nothing but :mod:`re` and :mod:`time`.
"""

from __future__ import annotations

import re
import time

# The typing names are only annotations here: not importing typing keeps the command's start-up short.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Final

__all__ = [
    "FORMAT_7_20",
    "FORMAT_8",
    "Format",
    "acct_mgr_messages",
    "boincerror",
    "c_float",
    "c_int",
    "canonicalize_master_url",
    "format_account_out",
    "format_acct_mgr_info",
    "format_app_config",
    "format_cc_status",
    "format_client_version",
    "format_daily_xfer_history",
    "format_disk_usage",
    "format_file_transfers",
    "format_host_info",
    "format_message_count",
    "format_messages",
    "format_notices",
    "format_old_results",
    "format_project_config",
    "format_project_urls",
    "format_projects",
    "format_proxy_info",
    "format_results",
    "format_simple_gui_info",
    "format_state",
    "parse_reply",
    "reply_fields",
    "time_to_string",
    "user_alerts",
]

MEGA: Final = 1048576.0
GIGA: Final = 1073741824.0


class Format:
    """Which boinccmd's output to reproduce.

    Attributes:
        name: ``"7.20"`` (the default, BOINC 7.20.5) or ``"8"`` (8.2's changes, spec §7.3).
        v8: whether the 8.x texts are used.
    """

    __slots__ = ("name", "v8")

    def __init__(self, name: str) -> None:
        if name not in ("7.20", "8"):
            raise ValueError(f"unknown boinccmd format {name!r}; one of: 7.20, 8")
        self.name = name
        self.v8 = name == "8"

    def __repr__(self) -> str:
        return f"Format({self.name!r})"


#: boinccmd 7.20.5, the reference.
FORMAT_7_20: Final = Format("7.20")
#: boinccmd 8.2: units in GB, renamed old-task labels, workunit and task project lines.
FORMAT_8: Final = Format("8")

# ---------------------------------------------------------------------------
# Reading replies the way lib/parse.cpp does

_SCALAR: Final = re.compile(r"<([A-Za-z_][\w.\-]*)>([^<]*)</\1>")
_ENTITY: Final = re.compile(r"&(lt|gt|quot|apos|amp|#x[dDaA]|#[0-9]+);")
_ENTITIES: Final = {"lt": "<", "gt": ">", "quot": '"', "apos": "'", "amp": "&"}
_WS: Final = " \t\n\v\f\r"


def _entity(m: re.Match[str]) -> str:
    name = m.group(1)
    if name in _ENTITIES:
        return _ENTITIES[name]
    if name[1] == "x":
        return "\r" if name[2] in "dD" else "\n"
    n = int(name[1:])
    return chr(n) if n < 256 else m.group(0)


def _unescape(text: str) -> str:
    return _ENTITY.sub(_entity, text) if "&" in text else text


def _blocks(text: str, tag: str) -> list[str]:
    """The contents of every ``<tag>…</tag>`` in ``text``, in order (no nesting of ``tag`` assumed)."""
    parts = text.split(f"<{tag}>")
    if len(parts) == 1:
        return []
    end = f"</{tag}>"
    found = []
    for part in parts[1:]:
        pos = part.find(end)
        if pos >= 0:
            found.append(part[:pos])
    return found


def _cut(text: str, tag: str) -> tuple[str, list[str]]:
    """``text`` without its ``<tag>`` elements, and their contents."""
    start = f"<{tag}>"
    parts = text.split(start)
    if len(parts) == 1:
        return text, []
    end = f"</{tag}>"
    rest = [parts[0]]
    found = []
    for part in parts[1:]:
        pos = part.find(end)
        if pos < 0:
            rest.append(start + part)
        else:
            found.append(part[:pos])
            rest.append(part[pos + len(end) :])
    return "".join(rest), found


class _Item:
    """One element's scalar values, read like the C++ parsers read them."""

    __slots__ = ("block", "d")

    def __init__(self, block: str) -> None:
        self.block = block
        self.d = dict(_SCALAR.findall(block))

    def s(self, key: str) -> str:
        value = self.d.get(key)
        if value is None:
            return ""
        return _unescape(value.strip(_WS))

    def i(self, key: str) -> int:
        value = self.d.get(key)
        if not value:
            return 0
        number = c_int(value)
        return 0 if number is None else number

    def f(self, key: str) -> float:
        value = self.d.get(key)
        if not value:
            return 0.0
        number = c_float(value)
        return 0.0 if number is None else number

    def b(self, key: str) -> bool:
        value = self.d.get(key)
        if value is not None:
            number = c_int(value, wrap=False)
            return number is not None and number != 0
        return f"<{key}/>" in self.block or f"<{key} />" in self.block

    def has(self, tag: str) -> bool:
        return f"<{tag}>" in self.block or f"<{tag}/>" in self.block


def _text(block: str, tag: str) -> str:
    """A string element that may be CDATA, as ``XML_PARSER::parse_string`` reads it."""
    found = _blocks(block, tag)
    if not found:
        return ""
    value = found[-1].strip(_WS)
    if value.startswith("<![CDATA["):
        end = value.find("]]>")
        return value[9 : end if end >= 0 else len(value)].strip(_WS)
    return _unescape(value)


_C_INT: Final = re.compile(r"[+-]?(?:0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)")


def c_int(text: str, wrap: bool = True) -> int | None:
    """``XML_PARSER::parse_int``: ``strtol(text, 0)`` over the whole (trimmed) text, cast to a C ``int``.

    Returns None where the C++ rejects the value (and keeps its default): not an
    integer in full, or beyond a C ``long``.
    """
    text = text.strip(_WS)
    if not _C_INT.fullmatch(text):
        return None
    digits = text.lstrip("+-")
    if digits[:2] in ("0x", "0X"):
        number = int(digits, 16)
    elif len(digits) > 1 and digits[0] == "0":
        number = int(digits, 8)
    else:
        number = int(digits)
    if text[0] == "-":
        number = -number
    if not -(1 << 63) <= number < (1 << 63):
        return None
    return ((number + (1 << 31)) % (1 << 32)) - (1 << 31) if wrap else number


def c_float(text: str) -> float | None:
    """``XML_PARSER::parse_double``: ``strtod`` over the whole (trimmed) text; None where the C++ rejects it."""
    if "_" in text:
        return None
    try:
        return float(text.strip(_WS))
    except ValueError:
        return None


def _atoi(text: str) -> int:
    m = re.match(r"\s*([+-]?\d+)", text)
    return int(m.group(1)) if m else 0


def reply_fields(text: str) -> dict[str, str]:
    """The scalar elements of a reply, as a tag → text map (last one wins)."""
    return dict(_SCALAR.findall(text))


# ---------------------------------------------------------------------------
# lib/str_util.cpp


_CTIMES: dict[int, str] = {}


def _ctime(t: float) -> str:
    """``ctime()``: ``Www Mmm dd hh:mm:ss yyyy`` and a newline, local time; ``(null)`` if out of range."""
    seconds = int(t) if t == t and abs(t) < 1e18 else 1 << 62
    text = _CTIMES.get(seconds)
    if text is None:
        try:
            text = time.ctime(seconds) + "\n"
        except (OverflowError, ValueError, OSError):
            text = "(null)"
        _CTIMES[seconds] = text
    return text


def time_to_string(t: float) -> str:
    """``time_to_string``: local ``DD-Mon-YYYY HH:MM:SS``, ``---`` for 0."""
    if not t:
        return "---"
    try:
        return time.strftime("%d-%b-%Y %H:%M:%S", time.localtime(int(t)))
    except (OverflowError, ValueError, OSError):
        return "---"


def _yn(flag: bool) -> str:
    return "yes" if flag else "no"


_RESULT_STATES: Final = (
    "new", "downloading", "downloaded", "compute error", "uploading", "uploaded", "aborted", "upload failed",
)  # fmt: skip
_SCHEDULER_STATES: Final = ("uninitialized", "preempted", "scheduled")
_TASK_STATES: Final = {
    0: "UNINITIALIZED", 1: "EXECUTING", 9: "SUSPENDED", 5: "ABORT_PENDING", 2: "EXITED", 3: "WAS_SIGNALED",
    4: "EXIT_UNKNOWN", 6: "ABORTED", 7: "COULDNT_START", 8: "QUIT_PENDING", 10: "COPY_PENDING",
}  # fmt: skip
_SUSPEND_REASONS: Final = {
    1: "on batteries", 2: "computer is in use", 4: "user request", 8: "time of day",
    16: "CPU benchmarks in progress", 32: "need disk space - check preferences", 128: "no recent user activity",
    256: "initial delay", 512: "an exclusive app is running", 1024: "CPU is busy",
    2048: "network transfer limit exceeded", 4096: "requested by operating system",
    4097: "not connected to WiFi network", 4098: "battery low", 4099: "battery thermal protection",
    4100: "GUI not active",
}  # fmt: skip
_RUN_MODES: Final = {1: "always", 2: "according to prefs", 3: "never"}
_NETWORK_STATUS: Final = ("online", "need connection", "don't need connection", "reference site lookup pending")
_PRIORITIES: Final = {1: "low", 2: "user notification", 3: "internal error"}


def _state_name(names: tuple[str, ...], value: int, default: str = "unknown") -> str:
    return names[value] if 0 <= value < len(names) else default


_ERRORS: Final = {
    0: "Success",
    -100: "select() failed",
    -101: "malloc() failed",
    -102: "read() failed",
    -103: "write() failed",
    -104: "fread() failed",
    -105: "fwrite() failed",
    -106: "system I/O error",
    -107: "connect() failed",
    -108: "fopen() failed",
    -109: "rename() failed",
    -110: "unlink() failed",
    -111: "opendir() failed",
    -112: "unexpected XML tag or syntax",
    -113: "can't resolve hostname",
    -114: "file download timed out",
    -115: "file upload timed out",
    -116: "unexpected null pointer",
    -117: "unexpected negative value",
    -118: "buffer overflow",
    -119: "md5 checksum failed for file",
    -120: "RSA key check failed for file",
    -121: "open() failed",
    -122: "dup() failed",
    -123: "no signature",
    -124: "thread failure",
    -125: "caught signal",
    -126: "bad file format",
    -127: "transient upload error",
    -128: "permanent upload error",
    -129: "user preferences say can't start work",
    -130: "already attached to project",
    -131: "file size too big",
    -132: "getrusage() failed",
    -133: "benchmark failed",
    -134: "hex format key data bad",
    -135: "getaddrinfo() failed",
    -136: "no database rows found in lookup/enumerate",
    -137: "database lookup not unique",
    -138: "can't connect to database",
    -139: "gets()/fgets() failed",
    -140: "scanf()/fscanf() failed",
    -143: "readdir() failed",
    -144: "shmget() failed",
    -145: "shmctl() failed",
    -146: "shmat() failed",
    -147: "fork() failed",
    -148: "exec() failed",
    -149: "process didn't exit",
    -150: "system call not implemented",
    -151: "gethostname() failed",
    -152: "netopen() failed",
    -153: "socket() failed",
    -154: "fcntl() failed",
    -155: "authentication error",
    -156: "scheduler shared memory contents bad",
    -157: "async select() failed",
    -158: "bad result state",
    -159: "can't init database",
    -160: "state files have redundant entries",
    -161: "not found",
    -162: "no exit status in scheduler request",
    -163: "file missing",
    -164: "kill() or TerminateProcess() failed",
    -165: "semget() failed",
    -166: "semctl() failed",
    -167: "semop() failed",
    -168: "ftok() failed",
    -169: "SOCKS: unknown error",
    -170: "SOCKS: request failed",
    -171: "SOCKS: bad user password",
    -172: "SOCKS: unknown server version",
    -173: "SOCKS: unsupported",
    -174: "SOCKS: can't reach host",
    -175: "SOCKS: connection refused",
    -176: "timer init",
    -178: "invalid parameter",
    -179: "signal op",
    -180: "bind() failed",
    -181: "listen() failed",
    -182: "timeout",
    -183: "project down",
    -185: "result start failed",
    -186: "result download failed",
    -187: "result upload failed",
    -188: "bad username",
    -189: "invalid URL",
    -190: "bad major version",
    -191: "no option",
    -192: "mkdir() failed",
    -193: "invalid event",
    -194: "already running",
    -195: "no app version",
    -196: "user already did result for this workunit",
    -197: "result aborted via GUI",
    -198: "insufficient resources",
    -199: "retry",
    -200: "wrong size",
    -201: "user permission",
    -205: "bad email address",
    -206: "bad password",
    -202: "can't get shared mem segment name",
    -203: "no available network connection",
    -204: "operation in progress",
    -207: "email already registered",
    -208: "account creation disabled",
    -209: "Couldn't start master page download",
    -210: "Couldn't download master page",
    -211: "Couldn't parse master page",
    -212: "Invalid account key",
    -213: "Couldn't write account file",
    -214: "Couldn't attach because of server error",
    -215: "signing key failure",
    -216: "fflush() failed",
    -217: "fsync() failed",
    -218: "truncate() failed",
    -219: "wrong URL",
    -220: "coprocs with duplicate names detected",
    -222: "getgrnam() failed",
    -223: "chown() failed",
    -224: "permanent HTTP error",
    -184: "transient HTTP error",
    -225: "file name is empty or has '..'",
    -226: "application exited too many times",
    -227: "rmdir() failed",
    -229: "symlink() failed",
    -230: "DB connection lost during enumeration",
    -231: "encryption error",
    -232: "job was aborted on client exit",
    -235: "a /proc entry was not parsed correctly",
    -236: "statfs() failed",
    -237: "pipe() failed",
    -238: "HTTPS needed",
    -243: "invalid state",
    404: "HTTP file not found",
    407: "HTTP proxy authentication failure",
    416: "HTTP range request error",
    417: "HTTP expectation failed",
    500: "HTTP internal server error",
    501: "HTTP not implemented",
    502: "HTTP bad gateway",
    503: "HTTP service unavailable",
    504: "HTTP gateway timeout",
    -242: "This project requires to consent to its terms of use",
}


def boincerror(code: int) -> str:
    """The text ``boincerror()`` gives for an error code, e.g. ``Error -999`` for an unknown one."""
    return _ERRORS.get(code) or f"Error {code}"


def canonicalize_master_url(url: str) -> str:
    """A project URL as boinccmd 7.20.5 sends it (spec §8.6, without 8.x's lower-casing).

    ``https://`` is kept only if the scheme was exactly ``https``; every ``//``
    after the scheme becomes ``/``; a final ``/`` is added.
    """
    pos = url.find("://")
    secure = pos == 5
    rest = url[pos + 3 :] if pos >= 0 else url
    while "//" in rest:
        rest = rest.replace("//", "/")
    if not rest.endswith("/"):
        rest += "/"
    return ("https://" if secure else "http://") + rest


def parse_reply(text: str) -> tuple[int, str]:
    """``RPC::parse_reply``: the code of a simple reply, and the ``<error>`` text if any (spec §4.4)."""
    for line in text.split("\n"):
        if "boinc_gui_rpc_reply>" in line:
            continue
        if "<success" in line:
            return 0, ""
        pos = line.find("<status>")
        if pos >= 0:
            return _atoi(line[pos + 8 :]), ""
        if "<unauthorized/>" in line:
            return -155, ""
        pos = line.find("<error>")
        if pos >= 0:
            message = line[pos + 7 :]
            end = message.find("</error>")
            message = _unescape((message[:end] if end >= 0 else message).strip(_WS))
            if "unauthorized" in message or "Missing authenticator" in message:
                return -155, message
            if "Missing URL" in message:
                return -189, message
            if "Already attached to project" in message:
                return -130, message
            return -1, message
    return -1, ""


# ---------------------------------------------------------------------------
# lib/gui_rpc_client_print.cpp


def _project(p: _Item, fmt: Format) -> str:
    unit, scale = ("GB", GIGA) if fmt.v8 else ("MB", MEGA)
    out = [
        f"   name: {p.s('project_name')}\n",
        f"   master URL: {p.s('master_url')}\n",
        f"   user_name: {_unescape(p.s('user_name'))}\n",
        f"   team_name: {_unescape(p.s('team_name'))}\n",
        f"   resource share: {p.f('resource_share'):f}\n",
        f"   user_total_credit: {p.f('user_total_credit'):f}\n",
        f"   user_expavg_credit: {p.f('user_expavg_credit'):f}\n",
        f"   host_total_credit: {p.f('host_total_credit'):f}\n",
        f"   host_expavg_credit: {p.f('host_expavg_credit'):f}\n",
        f"   nrpc_failures: {p.i('nrpc_failures')}\n",
        f"   master_fetch_failures: {p.i('master_fetch_failures')}\n",
        f"   master fetch pending: {_yn(p.b('master_url_fetch_pending'))}\n",
        f"   scheduler RPC pending: {_yn(p.i('sched_rpc_pending') != 0)}\n",
        f"   trickle upload pending: {_yn(p.b('trickle_up_pending'))}\n",
        f"   attached via Account Manager: {_yn(p.b('attached_via_acct_mgr'))}\n",
        f"   ended: {_yn(p.b('ended'))}\n",
        f"   suspended via GUI: {_yn(p.b('suspended_via_gui'))}\n",
        f"   don't request more work: {_yn(p.b('dont_request_more_work'))}\n",
        f"   disk usage: {p.f('disk_usage') / scale:.2f}{unit}\n",
        f"   last RPC: {_ctime(p.f('last_rpc_time'))}\n",
        f"   project files downloaded: {p.f('project_files_downloaded_time'):f}\n",
    ]
    for urls in _blocks(p.block, "gui_urls"):
        for url in _blocks(urls, "gui_url"):
            u = _Item(url)
            out.append(
                f"GUI URL:\n   name: {u.s('name')}\n   description: {u.s('description')}\n   URL: {u.s('url')}\n"
            )
    out.append(
        f"   jobs succeeded: {p.i('njobs_success')}\n"
        f"   jobs failed: {p.i('njobs_error')}\n"
        f"   elapsed time: {p.f('elapsed_time'):f}\n"
        f"   cross-project ID: {p.s('external_cpid')}\n"
    )
    return "".join(out)


def _str(value: str | None) -> str:
    if not value:
        return ""
    value = value.strip(_WS)
    return _ENTITY.sub(_entity, value) if "&" in value else value


def _flag(d: dict[str, str], block: str, key: str) -> bool:
    value = d.get(key)
    if value is not None:
        if value.isdigit():
            return int(value) != 0
        number = c_int(value, wrap=False)
        return number is not None and number != 0
    return f"<{key}/>" in block


_RESULT_INTS: Final = (
    "state", "scheduler_state", "active_task_state", "version_num", "slot", "pid", "exit_status", "signal",
    "ready_to_report", "suspended_via_gui",
)  # fmt: skip
_RESULT_FLOATS: Final = (
    "received_time", "report_deadline", "current_cpu_time", "elapsed_time", "estimated_cpu_time_remaining",
    "checkpoint_cpu_time", "fraction_done", "swap_size", "working_set_size_smoothed", "bytes_sent",
    "bytes_received", "final_cpu_time", "final_elapsed_time",
)  # fmt: skip


_RESULT_STRINGS: Final = ("name", "wu_name", "project_url", "resources")
#: only the values a task's print uses: a smaller dict, read faster (``--get_tasks`` of 10,000 tasks)
_RESULT_SCALAR: Final = re.compile(
    "<("
    + "|".join(sorted((*_RESULT_STRINGS, *_RESULT_INTS, *_RESULT_FLOATS), key=len, reverse=True))
    + r")>([^<]*)</\1>"
)


def _result(r: _Item, fmt: Format, project_name: str = "") -> str:
    try:
        return _result_text(r.d, r.block, fmt, project_name)
    except ValueError:
        # a malformed number: read every number the slow, C-like way, then format
        d = dict(r.d)
        for key in _RESULT_INTS:
            if key in d:
                d[key] = str(r.i(key))
        for key in _RESULT_FLOATS:
            if key in d:
                d[key] = repr(r.f(key))
        return _result_text(d, r.block, fmt, project_name)


def _result_text(d: dict[str, str], block: str, fmt: Format, project_name: str) -> str:
    # The hot path of --get_tasks and --get_state: plain dict reads, no helper objects.
    g = d.get
    state = int(g("state") or 0)
    sched = int(g("scheduler_state") or 0)
    out = [f"   name: {_str(g('name'))}\n   WU name: {_str(g('wu_name'))}\n"]
    if fmt.v8 and project_name:
        out.append(f"   project: {project_name}\n")
    out.append(
        f"   project URL: {_str(g('project_url'))}\n"
        f"   received: {_ctime(float(g('received_time') or 0))}"
        f"   report deadline: {_ctime(float(g('report_deadline') or 0))}"
        f"   ready to report: {'yes' if _flag(d, block, 'ready_to_report') else 'no'}\n"
        f"   state: {_state_name(_RESULT_STATES, state)}\n"
        f"   scheduler state: {_state_name(_SCHEDULER_STATES, sched)}\n"
        f"   active_task_state: {_TASK_STATES.get(int(g('active_task_state') or 0), 'Unknown')}\n"
        f"   app version num: {int(g('version_num') or 0)}\n"
        f"   resources: {_str(g('resources')) or '1 CPU'}\n"
    )
    current_cpu = float(g("current_cpu_time") or 0)
    if state <= 2:
        if _flag(d, block, "suspended_via_gui"):
            out.append("   suspended via GUI: yes\n")
        elapsed = float(g("elapsed_time") or 0) or current_cpu
        out.append(
            f"   estimated CPU time remaining: {float(g('estimated_cpu_time_remaining') or 0):f}\n"
            f"   elapsed task time: {elapsed:f}\n"
        )
    if sched > 0:
        out.append(
            f"   slot: {int(g('slot') or 0)}\n"
            f"   PID: {int(g('pid') or 0)}\n"
            f"   CPU time at last checkpoint: {float(g('checkpoint_cpu_time') or 0):f}\n"
            f"   current CPU time: {current_cpu:f}\n"
            f"   fraction done: {float(g('fraction_done') or 0):f}\n"
            f"   swap size: {float(g('swap_size') or 0) / MEGA:.0f} MB\n"
            f"   working set size: {float(g('working_set_size_smoothed') or 0) / MEGA:.0f} MB\n"
        )
        sent, received = float(g("bytes_sent") or 0), float(g("bytes_received") or 0)
        if sent or received:
            out.append(f"   bytes sent: {sent:.0f} received: {received:.0f}\n")
    if state > 2:
        final_cpu = float(g("final_cpu_time") or 0)
        out.append(
            f"   final CPU time: {final_cpu:f}\n"
            f"   final elapsed time: {float(g('final_elapsed_time') or 0) or final_cpu:f}\n"
            f"   exit_status: {int(g('exit_status') or 0)}\n"
            f"   signal: {int(g('signal') or 0)}\n"
        )
    return "".join(out)


def _numbered(items: Iterator[str] | list[str]) -> Iterator[str]:
    for n, text in enumerate(items, 1):
        yield f"{n}) -----------\n{text}"


def format_projects(text: str, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_project_status``: ``PROJECTS::print``."""
    _CTIMES.clear()  # the time zone may have changed since the last call
    yield "======== Projects ========\n"
    yield from _numbered([_project(_Item(b), fmt) for b in _blocks(text, "project")])


def format_project_urls(text: str, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_project_urls``: one master URL a line."""
    for block in _blocks(text, "project"):
        yield f"{_Item(block).s('master_url')}\n"


def format_results(text: str, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_tasks``: ``RESULTS::print``."""
    _CTIMES.clear()  # the time zone may have changed since the last call
    yield "\n======== Tasks ========\n"
    scalars = _RESULT_SCALAR.findall
    for n, block in enumerate(_blocks(text, "result"), 1):
        try:
            printed = _result_text(dict(scalars(block)), block, fmt, "")
        except ValueError:
            printed = _result(_Item(block), fmt)
        yield f"{n}) -----------\n{printed}"


def format_simple_gui_info(text: str, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_simple_gui_info``: projects, then tasks."""
    _CTIMES.clear()  # the time zone may have changed since the last call
    yield "======== Projects ========\n"
    yield from _numbered([_project(_Item(b), fmt) for b in _blocks(text, "project")])
    yield "\n======== Tasks ========\n"
    for n, block in enumerate(_blocks(text, "result"), 1):
        yield f"{n}) -----------\n{_result(_Item(block), fmt)}"


_STATE_ITEM: Final = re.compile(r"<(project|app|app_version|workunit|result|time_stats)>")


def _state_items(text: str) -> Iterator[tuple[str, str]]:
    """The top-level items of a ``get_state`` reply, in order."""
    pos = 0
    search = _STATE_ITEM.search
    while True:
        m = search(text, pos)
        if m is None:
            return
        tag = m.group(1)
        end = text.find(f"</{tag}>", m.end())
        if end < 0:
            return
        yield tag, text[m.end() : end]
        pos = end + len(tag) + 3


def _app_version(av: _Item, project_name: str, fmt: Format) -> str:
    out = [f"   project: {project_name}\n   application: {av.s('app_name')}\n   platform: {av.s('platform')}\n"]
    plan_class = av.s("plan_class")
    if plan_class:
        out.append(f"   plan class: {plan_class}\n")
    out.append(f"   version: {av.i('version_num') / 100.0:.2f}\n")
    ncpus = av.f("avg_ncpus")
    if ncpus != 1:
        out.append(f"   avg #CPUS: {ncpus:.3f}\n")
    flops = av.f("flops")
    if fmt.v8:
        if flops >= 1e12:
            out.append(f"   estimated speed: {flops / 1e12:.2f} TFLOPS\n")
        elif flops >= 1e9:
            out.append(f"   estimated speed: {flops / 1e9:.2f} GFLOPS\n")
        else:
            out.append(f"   estimated speed: {flops / 1e6:.2f} MFLOPS\n")
    else:
        out.append(f"   estimated GFLOPS: {flops / 1e9:.2f}\n")
    exec_filename = ""
    for ref in _blocks(av.block, "file_ref"):
        item = _Item(ref)
        if item.b("main_program"):
            exec_filename = item.s("file_name")
    out.append(f"   filename: {exec_filename}\n")
    return "".join(out)


def _workunit(block: str, project_name: str, fmt: Format) -> tuple[_Item, str]:
    rest, keywords = _cut(block, "job_keywords")
    wu = _Item(rest)
    out = [f"   project: {project_name}\n"] if fmt.v8 else []
    out.append(
        f"   name: {wu.s('name')}\n"
        f"   FP estimate: {wu.f('rsc_fpops_est'):e}\n"
        f"   FP bound: {wu.f('rsc_fpops_bound'):e}\n"
        f"   memory bound: {wu.f('rsc_memory_bound') / MEGA:.2f} MB\n"
        f"   disk bound: {wu.f('rsc_disk_bound') / MEGA:.2f} MB\n"
    )
    names = [_Item(k).s("name") for kws in keywords for k in _blocks(kws, "keyword")]
    if names:
        out.append("   keywords:\n")
        out.extend(f"      {name}\n" for name in names)
    return wu, "".join(out)


def _time_stats(t: _Item) -> str:
    return (
        f"  now: {t.f('now'):f}\n"
        f"  on_frac: {t.f('on_frac'):f}\n"
        f"  connected_frac: {t.f('connected_frac'):f}\n"
        f"  cpu_and_network_available_frac: {t.f('cpu_and_network_available_frac'):f}\n"
        f"  active_frac: {t.f('active_frac'):f}\n"
        f"  gpu_active_frac: {t.f('gpu_active_frac'):f}\n"
        f"  client_start_time: {_ctime(t.f('client_start_time'))}\n"
        f"  previous_uptime: {t.f('previous_uptime'):f}\n"
        f"  session_active_duration: {t.f('session_active_duration'):f}\n"
        f"  session_gpu_active_duration: {t.f('session_gpu_active_duration'):f}\n"
        f"  total_start_time: {_ctime(t.f('total_start_time'))}\n"
        f"  total_duration: {t.f('total_duration'):f}\n"
        f"  total_active_duration: {t.f('total_active_duration'):f}\n"
        f"  total_gpu_active_duration: {t.f('total_gpu_active_duration'):f}\n"
    )


def format_state(text: str, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_state``: ``CC_STATE::print``, with ``CC_STATE::parse``'s linking of items."""
    _CTIMES.clear()  # the time zone may have changed since the last call
    projects: list[str] = []
    apps: list[str] = []
    versions: list[str] = []
    wus: list[str] = []
    results: list[str] = []
    time_stats = _Item("")
    project = -1
    project_name = ""
    app_names: set[tuple[int, str]] = set()
    # first app version per (project, app, platform, version, plan class) and per (project, app, version)
    av_full: set[tuple[int, str, str, int, str]] = set()
    av_plan: set[tuple[int, str, int, str]] = set()
    av_num: set[tuple[int, str, int]] = set()
    wu_apps: dict[tuple[int, str], tuple[str, int]] = {}
    for tag, block in _state_items(text):
        if tag == "result":
            if project < 0:
                continue
            r = _Item(block)
            wu = wu_apps.get((project, r.s("wu_name")))
            if wu is None:
                continue
            app, wu_version = wu
            platform, version, plan_class = r.s("platform"), r.i("version_num"), r.s("plan_class")
            if platform:
                found = (project, app, platform, version, plan_class) in av_full
            elif version:
                found = (project, app, version, plan_class) in av_plan
            else:
                found = (project, app, wu_version) in av_num
            if found:
                results.append(_result(r, fmt, project_name))
        elif tag == "workunit":
            if project < 0:
                continue
            item, printed = _workunit(block, project_name, fmt)
            app = item.s("app_name")
            if (project, app) not in app_names:
                continue
            wu_apps.setdefault((project, item.s("name")), (app, item.i("version_num")))
            wus.append(printed)
        elif tag == "app_version":
            if project < 0:
                continue
            av = _Item(block)
            app = av.s("app_name")
            if (project, app) not in app_names:
                continue
            version, plan_class = av.i("version_num"), av.s("plan_class")
            av_full.add((project, app, av.s("platform"), version, plan_class))
            av_plan.add((project, app, version, plan_class))
            av_num.add((project, app, version))
            versions.append(_app_version(av, project_name, fmt))
        elif tag == "app":
            if project < 0:
                continue
            name = _Item(block).s("name")
            app_names.add((project, name))
            apps.append(f"   name: {name}\n   Project: {project_name}\n")
        elif tag == "project":
            item = _Item(block)
            project += 1
            project_name = item.s("project_name")
            projects.append(_project(item, fmt))
        else:
            time_stats = _Item(block)
    yield "======== Projects ========\n"
    yield from _numbered(projects)
    yield "\n======== Applications ========\n"
    yield from _numbered(apps)
    yield "\n======== Application versions ========\n"
    yield from _numbered(versions)
    yield "\n======== Workunits ========\n"
    yield from _numbered(wus)
    yield "\n======== Tasks ========\n"
    yield from _numbered(results)
    yield "\n======== Time stats ========\n"
    yield _time_stats(time_stats)


def format_file_transfers(text: str, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_file_transfers``: ``FILE_TRANSFERS::print``."""
    yield "\n======== File transfers ========\n"
    for n, block in enumerate(_blocks(text, "file_transfer"), 1):
        ft = _Item(block)
        upload = ft.b("is_upload") if "is_upload" in ft.d or "<is_upload/>" in block else ft.b("generated_locally")
        active = ft.has("file_xfer")
        out = (
            f"{n}) -----------\n"
            f"   name: {ft.s('name')}\n"
            f"   direction: {'upload' if upload else 'download'}\n"
            f"   sticky: {_yn(ft.b('sticky'))}\n"
            f"   xfer active: {_yn(active)}\n"
            f"   time_so_far: {ft.f('time_so_far'):f}\n"
        )
        if fmt.v8 and active:
            out += f"   estimated_xfer_time_remaining: {ft.f('estimated_xfer_time_remaining'):f}\n"
        yield out + f"   bytes_xferred: {ft.f('last_bytes_xferred'):f}\n   xfer_speed: {ft.f('xfer_speed'):f}\n"


def format_disk_usage(text: str, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_disk_usage``: ``DISK_USAGE::print``."""
    unit, scale = ("GB", GIGA) if fmt.v8 else ("MB", MEGA)
    rest, projects = _cut(text, "project")
    du = _Item(rest)
    yield (
        "======== Disk usage ========\n"
        f"total: {du.f('d_total') / scale:.2f}{unit}\n"
        f"free: {du.f('d_free') / scale:.2f}{unit}\n"
    )
    for n, block in enumerate(projects, 1):
        p = _Item(block)
        yield (
            f"{n}) -----------\n   master URL: {p.s('master_url')}\n"
            f"   disk usage: {p.f('disk_usage') / scale:.2f}{unit}\n"
        )


def format_old_results(text: str, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_old_tasks``: ``OLD_RESULT::print`` for each."""
    done, acked = ("task completed", "acked by project") if fmt.v8 else ("completed time", "reported time")
    for block in _blocks(text, "old_result"):
        o = _Item(block)
        completed = time_to_string(o.f("completed_time"))
        # 7.20.5 passes time_to_string() twice to one printf; the function returns a
        # static buffer, so both lines show the completion time.
        reported = time_to_string(o.f("create_time")) if fmt.v8 else completed
        yield (
            f"task {o.s('result_name')}:\n"
            f"   project URL: {o.s('project_url')}\n"
            f"   app name: {o.s('app_name')}\n"
            f"   exit status: {o.i('exit_status')}\n"
            f"   elapsed time: {o.f('elapsed_time'):f} sec\n"
            f"   {done}: {completed}\n"
            f"   {acked}: {reported}\n"
        )


def format_daily_xfer_history(text: str, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_daily_xfer_history``: one line a day."""
    for block in _blocks(text, "dx"):
        dx = _Item(block)
        try:
            day = time.strftime("%d-%b-%Y", time.localtime(dx.i("when") * 86400))
        except (OverflowError, ValueError, OSError):
            day = ""
        yield f"{day}: {dx.f('up'):.0f} bytes uploaded, {dx.f('down'):.0f} bytes downloaded\n"


def format_messages(text: str, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_messages``: ``SEQNO: TIME (PRIORITY) [PROJECT] BODY`` a message."""
    for block in _blocks(text, "msg"):
        rest, bodies = _cut(block, "body")
        m = _Item(rest)
        body = _text(f"<body>{bodies[-1]}</body>", "body").strip(_WS) if bodies else ""
        yield (
            f"{m.i('seqno')}: {time_to_string(m.i('time'))} ({_PRIORITIES.get(m.i('pri'), 'unknown')}) "
            f"[{m.s('project')}] {body}\n"
        )


def user_alerts(text: str) -> list[str]:
    """The bodies of a ``get_messages`` reply's user alerts not from a project (boinccmd's ``show_alerts``)."""
    alerts = []
    for block in _blocks(text, "msg"):
        rest, bodies = _cut(block, "body")
        m = _Item(rest)
        if m.i("pri") != 2 or m.s("project"):
            continue
        alerts.append(_text(f"<body>{bodies[-1]}</body>", "body").strip(_WS) if bodies else "")
    return alerts


def format_notices(text: str, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_notices``: ``SEQNO: (TIME) DESCRIPTION``, newest first; seqno -1 drops those before it."""
    notices: list[str] = []
    for block in _blocks(text, "notice"):
        rest, descriptions = _cut(block, "description")
        n = _Item(rest)
        seqno = n.i("seqno")
        if seqno == -1:
            notices.clear()
            continue
        description = _text(f"<d>{descriptions[-1]}</d>", "d").strip(_WS) if descriptions else ""
        notices.append(f"{seqno}: ({time_to_string(n.f('create_time'))}) {description}\n")
    yield from reversed(notices)


def format_message_count(text: str, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_message_count``."""
    yield f"Greatest message sequence number: {_Item(text).i('seqno')}\n"


def format_client_version(text: str, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--client_version``."""
    v = _Item(text)
    yield f"Client version: {v.i('major')}.{v.i('minor')}.{v.i('release')}\n"


def format_host_info(text: str, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_host_info``: ``HOST_INFO::print``, GPUs included."""
    rest, coprocs = _cut(text, "coprocs")
    h = _Item(rest)
    yield (
        f"  timezone: {h.i('timezone')}\n"
        f"  domain name: {h.s('domain_name')}\n"
        f"  IP addr: {h.s('ip_addr')}\n"
        f"  #CPUS: {h.i('p_ncpus')}\n"
        f"  CPU vendor: {h.s('p_vendor')}\n"
        f"  CPU model: {h.s('p_model')}\n"
        f"  CPU FP OPS: {h.f('p_fpops'):f}\n"
        f"  CPU int OPS: {h.f('p_iops'):f}\n"
        f"  OS name: {h.s('os_name')}\n"
        f"  OS version: {h.s('os_version')}\n"
        f"  mem size: {h.f('m_nbytes'):f}\n"
        f"  cache size: {h.f('m_cache'):f}\n"
        f"  swap size: {h.f('m_swap'):f}\n"
        f"  disk size: {h.f('d_total'):f}\n"
        f"  disk free: {h.f('d_free'):f}\n"
    )
    if coprocs:
        yield from _gpu_lines(coprocs[-1])


def _opencl_line(block: str, vendor: str, peak_flops: float, available_ram: float) -> str:
    """``OPENCL_DEVICE_PROP::description`` of a GPU the client uses."""
    o = _Item(block)
    device_version = o.s("opencl_device_version")
    if len(device_version) > 1 and device_version.endswith(" "):
        device_version = device_version[:-1]
    return (
        f"    OpenCL: {vendor} {o.i('device_num')}: {o.s('name')[:64]} (driver version "
        f"{o.s('opencl_driver_version')[:64]}, device version {device_version[:64]}, "
        f"{o.f('global_mem_size') / MEGA:.0f}MB, {available_ram / MEGA:.0f}MB available, "
        f"{peak_flops / 1e9:.0f} GFLOPS peak)\n"
    )


def _gpu_lines(coprocs: str) -> Iterator[str]:
    """``HOST_INFO::print``'s GPU lines (7.20.5: sizes in MB; a zero peak is not estimated)."""
    for block in _blocks(coprocs, "coproc_cuda")[-1:]:
        rest, opencl = _cut(block, "coproc_opencl")
        c = _Item(rest)
        count = c.i("count")
        if not count:
            continue
        total = c.f("totalGlobalMem")
        available, peak = c.f("available_ram") or total, c.f("peak_flops")
        drv, cuda = c.i("drvVersion"), c.i("cudaVersion")
        driver = f"{drv // 100}.{drv % 100:02d}" if drv else "unknown"
        cuda_version = f"{cuda // 1000}.{cuda % 1000 // 10}" if cuda else "unknown"
        yield (
            f"  NVIDIA GPU: {c.s('name')} (driver version {driver}, CUDA version {cuda_version}, "
            f"compute capability {c.i('major')}.{c.i('minor')}, {total / MEGA:.0f}MB, "
            f"{available / MEGA:.0f}MB available, {peak / 1e9:.0f} GFLOPS peak)\n"
        )
        if count > 1:
            yield f"    Count: {count}\n"
        if c.b("have_opencl"):
            yield _opencl_line(opencl[-1] if opencl else "", "NVIDIA", peak, available)
    for block in _blocks(coprocs, "coproc_ati")[-1:]:
        rest, opencl = _cut(block, "coproc_opencl")
        a = _Item(rest)
        count = a.i("count")
        if not count:
            continue
        local_ram = a.i("localRAM")
        available, peak = a.f("available_ram") or local_ram * MEGA, a.f("peak_flops")
        yield (
            f"  AMD GPU: {a.s('name')} (CAL version {a.s('CALVersion')}, {local_ram % (1 << 32)}MB, "
            f"{available / MEGA:.0f}MB available, {peak / 1e9:.0f} GFLOPS peak)\n"
        )
        if count > 1:
            yield f"    Count: {count}\n"
        if a.b("have_opencl"):
            yield _opencl_line(opencl[-1] if opencl else "", "AMD", peak, available)
    for block in _blocks(coprocs, "coproc_intel_gpu")[-1:]:
        rest, opencl = _cut(block, "coproc_opencl")
        g = _Item(rest)
        count = g.i("count")
        if not count:
            continue
        yield "  Intel GPU\n"
        if count > 1:
            yield f"    Count: {count}\n"
        if g.b("have_opencl"):
            prop = opencl[-1] if opencl else ""
            yield _opencl_line(prop, "Intel GPU", g.f("peak_flops"), _Item(prop).f("global_mem_size"))


def format_proxy_info(text: str, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_proxy_settings``: ``GR_PROXY_INFO::print`` (passwords are not shown)."""
    p = _Item(text)
    yield (
        f"HTTP server name: {p.s('http_server_name')}\n"
        f"HTTP server port: {p.i('http_server_port')}\n"
        f"HTTP user name: {p.s('http_user_name')}\n"
        f"SOCKS server name: {p.s('socks_server_name')}\n"
        f"SOCKS server port: {p.i('socks_server_port')}\n"
        f"SOCKS5 user name: {p.s('socks5_user_name')}\n"
        f"no proxy hosts: {p.s('no_proxy')}\n"
    )


def format_cc_status(text: str, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_cc_status``: ``CC_STATUS::print``."""
    c = _Item(text)
    out = [f"network connection status: {_state_name(_NETWORK_STATUS, c.i('network_status'))}\n"]
    for label, key in (("CPU", "task"), ("GPU", "gpu"), ("Network", "network")):
        reason = c.i(f"{key}_suspend_reason")
        out.append(f"{label} status\n")
        if reason:
            out.append(f"    suspended: {_SUSPEND_REASONS.get(reason, 'unknown reason')}\n")
        else:
            out.append("    not suspended\n")
        out.append(
            f"    current mode: {_RUN_MODES.get(c.i(f'{key}_mode'), 'unknown')}\n"
            f"    perm mode: {_RUN_MODES.get(c.i(f'{key}_mode_perm'), 'unknown')}\n"
            f"    perm becomes current in {c.f(f'{key}_mode_delay'):.0f} sec\n"
        )
    yield "".join(out)


def format_acct_mgr_info(text: str, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--acct_mgr info``: ``ACCT_MGR_INFO::print``."""
    a = _Item(text)
    yield f"Account manager info:\n   Name: {a.s('acct_mgr_name')}\n   URL: {a.s('acct_mgr_url')}\n"


def format_app_config(text: str, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_app_config``: ``APP_CONFIGS::write``, the project's ``app_config.xml`` re-serialised.

    An ``<error>`` reply gives boinccmd's ``get_app_config error: MSG`` line instead.
    """
    configs = _blocks(text, "app_config")
    if not configs:
        errors = _blocks(text, "error")
        if errors:
            yield f"get_app_config error: {errors[0]}\n"
            return
    body = configs[0] if configs else ""
    rest, apps = _cut(body, "app")
    rest, versions = _cut(rest, "app_version")
    out = ["<app_config>\n"]
    for block in apps:
        inner, gpu = _cut(block, "gpu_versions")
        a = _Item(inner)
        g = _Item(gpu[-1] if gpu else "")
        out.append(
            "    <app>\n"
            f"        <name>{a.s('name')}</name>\n"
            f"        <max_concurrent>{a.i('max_concurrent')}</max_concurrent>\n"
            "        <gpu_versions>\n"
            f"            <gpu_usage>{g.f('gpu_usage'):f}</gpu_usage>\n"
            f"            <cpu_usage>{g.f('cpu_usage'):f}</cpu_usage>\n"
            "        </gpu_versions>\n"
            f"        <fraction_done_exact>{int(a.b('fraction_done_exact'))}</fraction_done_exact>\n"
            f"        <report_results_immediately>{int(a.b('report_results_immediately'))}"
            "</report_results_immediately>\n"
            "    </app>\n"
        )
    for block in versions:
        v = _Item(block)
        out.append(
            "    <app_version>\n"
            f"        <app_name>{v.s('app_name')}</app_name>\n"
            f"        <plan_class>{v.s('plan_class')}</plan_class>\n"
            f"        <cmdline>{v.s('cmdline')}</cmdline>\n"
            f"        <avg_ncpus>{v.f('avg_ncpus'):f}</avg_ncpus>\n"
            f"        <ngpus>{v.f('ngpus'):f}</ngpus>\n"
            "    </app_version>\n"
        )
    top = _Item(rest)
    out.append(
        f"    <project_max_concurrent>{top.i('project_max_concurrent')}</project_max_concurrent>\n"
        f"    <report_results_immediately>{int(top.b('report_results_immediately'))}</report_results_immediately>\n"
        "</app_config>\n"
    )
    yield "".join(out)


def acct_mgr_messages(text: str) -> list[str]:
    """The ``<message>`` lines of an ``acct_mgr_rpc_poll`` reply."""
    return [_text(f"<m>{m}</m>", "m") for m in _blocks(text, "message")]


def format_project_config(text: str, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--get_project_config`` on success: ``PROJECT_CONFIG::print``."""
    c = _Item(_cut(text, "terms_of_use")[0])
    yield (
        f"uses_username: {int(c.b('uses_username'))}\nname: {c.s('name')}\n"
        f"min_passwd_length: {c.i('min_passwd_length')}\n"
    )


def format_account_out(text: str, fmt: Format = FORMAT_7_20) -> Iterator[str]:
    """``--lookup_account``/``--create_account`` when done: ``ACCOUNT_OUT::print``."""
    a = _Item(text)
    code = a.i("error_num")
    if code:
        yield f"error in account lookup: {boincerror(code)}\n"
    else:
        yield f"account key: {a.s('authenticator')}\n"
