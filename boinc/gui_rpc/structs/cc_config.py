"""The client's configuration file ``cc_config.xml``: ``<cc_config>`` (C++ ``CC_CONFIG``, ``LOG_FLAGS``).

``get_cc_config`` returns the file as the user wrote it and ``set_cc_config``
replaces it with the text sent (``read_cc_config`` then applies it). As with
override preferences, a file says only what its author chose, and every
option left out keeps the client's default. So every scalar field here is
``T | None`` with default ``None`` (*not in the file*), a repeated option is a
tuple (empty = none), and the encoder writes only what is set. Read, modify,
write keeps the file as small as it was::

    cfg = decode(CcConfig, reply, "cc_config")
    cfg = attrs.evolve(cfg, options=attrs.evolve(cfg.options, ncpus=4))
    body = encode(cfg, "cc_config")

It also keeps options newer than the client out of its file (the client
posts an "Unrecognized tag in cc_config.xml" notice for every option it does
not know). :meth:`LogFlags.get` and
:meth:`CcConfigOptions.get` give an option's value with the client's default
filled in.

The options are those of ``CC_CONFIG::parse_options`` in 7.20.5 (the client's
own ``parse_options_client`` reads the same set), plus the 8.x ones (marked
*8.x*; 7.20.5 skips them, with a notice for each). Values are written in forms BOINC's
parser reads back exactly: ints in decimal, bools ``0``/``1``, doubles via ``repr``.

What is not kept when a file is read and written back: comments, the XML
declaration, layout, the obsolete options that BOINC itself skips
(``client_download_url``, ``client_new_version_text``,
``client_version_check_url``, ``network_test_url``) and any option or log flag
this module does not know.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar, Final

import attrs

from ..._enum import OpenIntEnum
from ..._xml import xml_field
from .proxy import ProxyInfo

__all__ = [
    "CC_CONFIG_DEFAULTS",
    "CcConfig",
    "CcConfigOptions",
    "ConfigPriority",
    "CoprocConfig",
    "ExcludeGpu",
    "LogFlags",
]


def _repr_set(self: Any) -> str:
    """``Cls(a=1, b=2)`` with only the fields that are set (not ``None``, not empty)."""
    parts = [
        f"{f.name}={getattr(self, f.name)!r}"
        for f in attrs.fields(type(self))
        if getattr(self, f.name) is not None and getattr(self, f.name) != ()
    ]
    return f"{type(self).__name__}({', '.join(parts)})"


class ConfigPriority(OpenIntEnum):
    """Process priority of tasks: ``process_priority``, ``process_priority_special`` (C++ ``CONFIG_PRIORITY_*``)."""

    UNSPECIFIED = -1
    LOWEST = 0
    LOW = 1
    NORMAL = 2
    HIGH = 3
    HIGHEST = 4
    REALTIME = 5


_ON_BY_DEFAULT: Final = frozenset({"file_xfer", "sched_ops", "task"})


@attrs.frozen(kw_only=True, slots=False, repr=False)
class LogFlags:
    """``<log_flags>``: which kinds of event-log messages the client writes; ``None`` = not in the file.

    ``file_xfer``, ``sched_ops`` and ``task`` are on by default, the rest
    (debugging aids) off.
    """

    __repr__ = _repr_set

    #: File transfer start and end.
    file_xfer: bool | None = None
    #: Scheduler requests.
    sched_ops: bool | None = None
    #: Task start, end, suspend and resume.
    task: bool | None = None
    #: Android-specific information (battery and so on; read by Android builds only).
    android_debug: bool | None = None
    app_msg_receive: bool | None = None
    app_msg_send: bool | None = None
    async_file_debug: bool | None = None
    benchmark_debug: bool | None = None
    checkpoint_debug: bool | None = None
    coproc_debug: bool | None = None
    cpu_sched: bool | None = None
    cpu_sched_debug: bool | None = None
    cpu_sched_status: bool | None = None
    dcf_debug: bool | None = None
    disk_usage_debug: bool | None = None
    file_xfer_debug: bool | None = None
    gui_rpc_debug: bool | None = None
    #: GUI RPC request and reply text (8.x).
    gui_rpc_msg_debug: bool | None = None
    heartbeat_debug: bool | None = None
    http_debug: bool | None = None
    http_xfer_debug: bool | None = None
    idle_detection_debug: bool | None = None
    mem_usage_debug: bool | None = None
    network_status_debug: bool | None = None
    notice_debug: bool | None = None
    poll_debug: bool | None = None
    priority_debug: bool | None = None
    proxy_debug: bool | None = None
    rr_simulation: bool | None = None
    rrsim_detail: bool | None = None
    sched_op_debug: bool | None = None
    scrsave_debug: bool | None = None
    slot_debug: bool | None = None
    #: Sporadic apps (8.x).
    sporadic_debug: bool | None = None
    state_debug: bool | None = None
    statefile_debug: bool | None = None
    suspend_debug: bool | None = None
    task_debug: bool | None = None
    time_debug: bool | None = None
    trickle_debug: bool | None = None
    unparsed_xml: bool | None = None
    work_fetch_debug: bool | None = None

    def get(self, name: str) -> bool:
        """Flag ``name``, or the client's default when it is not set.

        Raises:
            AttributeError: there is no such flag.
        """
        if name not in _LOG_FLAGS:
            raise AttributeError(f"LogFlags has no flag {name!r}")
        value: bool | None = getattr(self, name)
        return name in _ON_BY_DEFAULT if value is None else value


_LOG_FLAGS: Final = frozenset(f.name for f in attrs.fields(LogFlags))


@attrs.frozen(kw_only=True, slots=False, repr=False)
class CoprocConfig:
    """``<coproc>`` in ``<options>``: a coprocessor the client cannot detect itself.

    The client ignores type ``CPU``. An entry without ``type`` is an error
    that makes the client stop reading ``<options>`` there.
    """

    __repr__ = _repr_set

    #: The resource name, e.g. ``NVIDIA`` or a custom name.
    type: str | None = None
    #: Number of instances.
    count: int | None = None
    #: Peak speed of one instance (FLOPS).
    peak_flops: float | None = None
    #: Device numbers, separated by spaces (``"0 1"``); default 0 .. count-1.
    device_nums: str | None = None
    #: The coprocessor is not a GPU.
    non_gpu: bool | None = None


@attrs.frozen(kw_only=True, slots=False, repr=False)
class ExcludeGpu:
    """``<exclude_gpu>`` in ``<options>``: keep a project (or one of its apps) off a GPU.

    An entry without ``url`` is an error that makes the client stop reading
    ``<options>`` there.
    """

    __repr__ = _repr_set

    #: The project's master URL (the client canonicalises it).
    url: str | None = None
    #: The GPU's device number; -1 or unset = all of that type.
    device_num: int | None = None
    #: GPU type (``NVIDIA``, ``ATI``, ``intel_gpu``, ...); unset = all types.
    type: str | None = None
    #: Short name of the app; unset = all the project's apps.
    app: str | None = None


#: The client's option values when ``cc_config.xml`` does not set them
#: (C++ ``CC_CONFIG::defaults()``, not Android; ``max_overdue_days`` from 8.x).
#: Repeated options and ``proxy_info`` are not listed: their default is "none".
CC_CONFIG_DEFAULTS: Final[Mapping[str, Any]] = MappingProxyType(
    {
        "abort_jobs_on_exit": False,
        "allow_gui_rpc_get": False,
        "allow_multiple_clients": False,
        "allow_remote_gui_rpc": False,
        "disallow_attach": False,
        "dont_check_file_sizes": False,
        "dont_contact_ref_site": False,
        "lower_client_priority": False,
        "dont_suspend_nci": False,
        "dont_use_vbox": False,
        "dont_use_wsl": False,
        "dont_use_docker": False,
        "dont_use_podman": False,
        "exit_after_finish": False,
        "exit_before_start": False,
        "exit_when_idle": False,
        "fetch_minimal_work": False,
        "fetch_on_update": False,
        "force_auth": "default",
        "http_1_0": False,
        "http_transfer_timeout": 300,
        "http_transfer_timeout_bps": 10,
        "max_event_log_lines": 2000,
        "max_file_xfers": 8,
        "max_file_xfers_per_project": 2,
        "max_overdue_days": -1.0,
        "max_stderr_file_size": 0.0,
        "max_stdout_file_size": 0.0,
        "max_tasks_reported": 0,
        "ncpus": -1,
        "no_alt_platform": False,
        "no_disk_usage": False,
        "no_gpus": False,
        "no_info_fetch": False,
        "no_opencl": False,
        "no_priority_change": False,
        "no_rdp_check": False,
        "os_random_only": False,
        "prioritize_gpu": False,
        "process_priority": ConfigPriority.UNSPECIFIED,
        "process_priority_special": ConfigPriority.UNSPECIFIED,
        "rec_half_life_days": 10.0,
        "report_results_immediately": False,
        "run_apps_manually": False,
        "save_stats_days": 30,
        "skip_cpu_benchmarks": False,
        "simple_gui_only": False,
        "start_delay": 0.0,
        "stderr_head": False,
        "suppress_net_info": False,
        "unsigned_apps_ok": False,
        "use_all_gpus": False,
        "use_certs": False,
        "use_certs_only": False,
        "vbox_window": False,
        "device_name": "",
    }
)


@attrs.frozen(kw_only=True, slots=False, repr=False)
class CcConfigOptions:
    """``<options>`` of ``cc_config.xml``; ``None`` = not in the file, ``()`` = none given.

    Fields are in the order BOINC's own writer uses. Units: seconds unless
    stated. See the BOINC client configuration documentation for what each
    option does; only the less obvious are described here.
    """

    __repr__ = _repr_set

    abort_jobs_on_exit: bool | None = None
    allow_gui_rpc_get: bool | None = None
    allow_multiple_clients: bool | None = None
    #: Accept GUI RPC connections from any host (read at client start only).
    allow_remote_gui_rpc: bool | None = None
    #: Extra platforms to ask for work for.
    alt_platforms: tuple[str, ...] = xml_field(tag="alt_platform", default=())
    #: Coprocessors the client cannot detect.
    coprocs: tuple[CoprocConfig, ...] = xml_field(tag="coproc", default=())
    disallow_attach: bool | None = None
    dont_check_file_sizes: bool | None = None
    dont_contact_ref_site: bool | None = None
    lower_client_priority: bool | None = None
    #: Do not suspend non-CPU-intensive apps.
    dont_suspend_nci: bool | None = None
    dont_use_vbox: bool | None = None
    dont_use_wsl: bool | None = None
    #: 8.x.
    dont_use_docker: bool | None = None
    #: The 8.x client's other spelling of ``dont_use_docker`` (not in lib's parser).
    dont_use_podman: bool | None = None
    #: WSL distributions not to use (8.x).
    disallowed_wsls: tuple[str, ...] = xml_field(tag="disallowed_wsl", default=())
    exclude_gpus: tuple[ExcludeGpu, ...] = xml_field(tag="exclude_gpu", default=())
    #: Suspend computing while any of these programs runs (names containing ``boinc`` are ignored).
    exclusive_apps: tuple[str, ...] = xml_field(tag="exclusive_app", default=())
    #: Suspend GPU computing while any of these programs runs (names containing ``boinc`` are ignored).
    exclusive_gpu_apps: tuple[str, ...] = xml_field(tag="exclusive_gpu_app", default=())
    exit_after_finish: bool | None = None
    exit_before_start: bool | None = None
    #: Exit when there is no work left (also turns on ``report_results_immediately``).
    exit_when_idle: bool | None = None
    fetch_minimal_work: bool | None = None
    fetch_on_update: bool | None = None
    #: HTTP proxy authentication method (``default``, ``basic``, ``digest``, ``gss-negotiate``, ``ntlm``).
    force_auth: str | None = None
    http_1_0: bool | None = None
    #: Abort a transfer slower than ``http_transfer_timeout_bps`` for this long.
    http_transfer_timeout: int | None = None
    #: Bytes/s; see ``http_transfer_timeout``.
    http_transfer_timeout_bps: int | None = None
    #: NVIDIA GPUs (device numbers) not to use; written as ``<ignore_nvidia_dev>``.
    ignore_nvidia_devs: tuple[int, ...] = xml_field(tag="ignore_nvidia_dev", default=())
    #: The old spelling of ``ignore_nvidia_dev``, read into the same list by the client.
    ignore_cuda_devs: tuple[int, ...] = xml_field(tag="ignore_cuda_dev", default=())
    ignore_ati_devs: tuple[int, ...] = xml_field(tag="ignore_ati_dev", default=())
    ignore_intel_devs: tuple[int, ...] = xml_field(tag="ignore_intel_dev", default=())
    #: Apple GPUs not to use (8.x).
    ignore_apple_devs: tuple[int, ...] = xml_field(tag="ignore_apple_dev", default=())
    max_event_log_lines: int | None = None
    max_file_xfers: int | None = None
    max_file_xfers_per_project: int | None = None
    #: Abort tasks this many days past their deadline; negative = never (8.x).
    max_overdue_days: float | None = None
    #: Bytes.
    max_stderr_file_size: float | None = None
    #: Bytes.
    max_stdout_file_size: float | None = None
    max_tasks_reported: int | None = None
    #: Act as if the computer had this many CPUs; -1 = as detected.
    ncpus: int | None = None
    no_alt_platform: bool | None = None
    #: Do not report disk usage to schedulers (8.x).
    no_disk_usage: bool | None = None
    no_gpus: bool | None = None
    no_info_fetch: bool | None = None
    no_opencl: bool | None = None
    no_priority_change: bool | None = None
    #: Do not suspend while a remote desktop session is active (8.x).
    no_rdp_check: bool | None = None
    os_random_only: bool | None = None
    #: Prefer GPU tasks when scheduling (8.x).
    prioritize_gpu: bool | None = None
    process_priority: ConfigPriority | None = None
    process_priority_special: ConfigPriority | None = None
    #: HTTP/SOCKS proxy (the client also turns ``use_*`` on when a server or user name is given).
    #: Unlike the options, it is written whole (its defaults included), as ``set_proxy_settings`` sends it.
    proxy_info: ProxyInfo | None = None
    #: Half-life of the recent estimated credit (days; the client uses 10 for a value <= 0).
    rec_half_life_days: float | None = None
    report_results_immediately: bool | None = None
    run_apps_manually: bool | None = None
    save_stats_days: int | None = None
    skip_cpu_benchmarks: bool | None = None
    simple_gui_only: bool | None = None
    #: Delay starting apps this long after the client starts.
    start_delay: float | None = None
    stderr_head: bool | None = None
    suppress_net_info: bool | None = None
    unsigned_apps_ok: bool | None = None
    use_all_gpus: bool | None = None
    use_certs: bool | None = None
    use_certs_only: bool | None = None
    vbox_window: bool | None = None
    #: Terminals whose activity does not count as user activity (Unix).
    ignore_ttys: tuple[str, ...] = xml_field(tag="ignore_tty", default=())
    #: Name of this computer as shown by account managers and projects.
    device_name: str | None = None

    def get(self, name: str) -> Any:
        """Option ``name``, or the client's default (:data:`CC_CONFIG_DEFAULTS`) when it is not set.

        A repeated option gives its tuple, ``proxy_info`` its struct or ``None``.

        Raises:
            AttributeError: there is no such option.
        """
        if name not in _OPTIONS:
            raise AttributeError(f"CcConfigOptions has no option {name!r}")
        value = getattr(self, name)
        if value is None and name in CC_CONFIG_DEFAULTS:
            return CC_CONFIG_DEFAULTS[name]
        return value


_OPTIONS: Final = frozenset(f.name for f in attrs.fields(CcConfigOptions))


@attrs.frozen(kw_only=True, slots=False)
class CcConfig:
    """``<cc_config>``: the whole ``cc_config.xml``.

    Both parts are always written, empty when nothing in them is set; the
    client reads an empty ``<log_flags>``/``<options>`` as "all defaults".
    """

    #: Element name of this struct.
    xml_tag: ClassVar[str] = "cc_config"

    log_flags: LogFlags = attrs.field(factory=LogFlags)
    options: CcConfigOptions = attrs.field(factory=CcConfigOptions)
