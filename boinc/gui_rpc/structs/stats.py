"""Usage figures: network and time statistics, credit history, disk usage, transfer history.

Written by ``NET_STATS::write`` (``client/net_stats.cpp``), ``TIME_STATS::write``
(``client/time_stats.cpp``), ``PROJECT::write_statistics`` (``client/project.cpp``)
and the ``get_disk_usage``/``get_daily_xfer_history`` handlers
(``client/gui_rpc_server_ops.cpp``, ``client/net_stats.cpp``).
"""

from __future__ import annotations

from typing import ClassVar

import attrs

from ..._xml import xml_field

__all__ = [
    "DailyStatistics",
    "DailyXfer",
    "DailyXferHistory",
    "DiskUsage",
    "NetStats",
    "ProjectDiskUsage",
    "ProjectStatistics",
    "Statistics",
    "TimeStats",
]


@attrs.frozen(kw_only=True, slots=False)
class NetStats:
    """Network throughput averages: ``<net_stats>`` in ``get_state`` (C++ ``NET_STATS``)."""

    #: Maximum upload rate seen, bytes per second.
    bwup: float = 0.0
    #: Average upload rate, bytes per second.
    avg_up: float = 0.0
    #: When ``avg_up`` was last updated, Unix time.
    avg_time_up: float = 0.0
    #: Maximum download rate seen, bytes per second.
    bwdown: float = 0.0
    #: Average download rate, bytes per second.
    avg_down: float = 0.0
    #: When ``avg_down`` was last updated, Unix time.
    avg_time_down: float = 0.0


@attrs.frozen(kw_only=True, slots=False)
class TimeStats:
    """How much the client runs and may compute: ``<time_stats>`` (C++ ``TIME_STATS``).

    The fractions are exponentially weighted averages over the time the
    client runs.
    """

    #: Fraction of time the client runs.
    on_frac: float = 0.0
    #: Fraction of that time the host is online; -1 if unknown.
    connected_frac: float = 0.0
    #: Fraction of that time both computing and network use are allowed.
    cpu_and_network_available_frac: float = 0.0
    #: Fraction of that time computing is allowed.
    active_frac: float = 0.0
    #: Fraction of that time GPU computing is allowed.
    gpu_active_frac: float = 0.0
    #: When this run of the client started, Unix time.
    client_start_time: float = 0.0
    #: When the client first ran, Unix time.
    total_start_time: float = 0.0
    #: Time the client has run since then, seconds.
    total_duration: float = 0.0
    #: Time computing was allowed since then, seconds.
    total_active_duration: float = 0.0
    #: Time GPU computing was allowed since then, seconds.
    total_gpu_active_duration: float = 0.0
    #: The client's clock, Unix time.
    now: float = 0.0
    #: Duration of the previous run of the client, seconds.
    previous_uptime: float = 0.0
    #: Time computing was allowed in this run, seconds.
    session_active_duration: float = 0.0
    #: Time GPU computing was allowed in this run, seconds.
    session_gpu_active_duration: float = 0.0


@attrs.frozen(kw_only=True, slots=False)
class DailyStatistics:
    """A project's credit on one day: ``<daily_statistics>`` (C++ ``DAILY_STATS``)."""

    #: The day, Unix time of its midnight.
    day: float = 0.0
    #: The user's total credit, cobblestones.
    user_total_credit: float = 0.0
    #: The user's recent average credit, cobblestones per day.
    user_expavg_credit: float = 0.0
    #: This host's total credit, cobblestones.
    host_total_credit: float = 0.0
    #: This host's recent average credit, cobblestones per day.
    host_expavg_credit: float = 0.0


@attrs.frozen(kw_only=True, slots=False)
class ProjectStatistics:
    """A project's credit history: ``<project_statistics>`` (C++ ``PROJECT`` with ``statistics``)."""

    #: The project's master URL.
    master_url: str
    #: One entry per day, oldest first (kept ``save_stats_days`` days, default 30).
    daily_statistics: tuple[DailyStatistics, ...] = ()


@attrs.frozen(kw_only=True, slots=False)
class Statistics:
    """The reply of ``get_statistics``: ``<statistics>``."""

    xml_tag: ClassVar[str] = "statistics"

    #: One entry per attached project.
    project_statistics: tuple[ProjectStatistics, ...] = ()


@attrs.frozen(kw_only=True, slots=False)
class ProjectDiskUsage:
    """A project's disk usage: ``<project>`` in ``<disk_usage_summary>`` (C++ ``PROJECT``, two fields)."""

    #: The project's master URL.
    master_url: str
    #: Bytes used by the project's files.
    disk_usage: float = 0.0


@attrs.frozen(kw_only=True, slots=False)
class DiskUsage:
    """The reply of ``get_disk_usage``: ``<disk_usage_summary>`` (C++ ``DISK_USAGE``)."""

    xml_tag: ClassVar[str] = "disk_usage_summary"

    #: Usage of each attached project.
    projects: tuple[ProjectDiskUsage, ...] = xml_field(tag="project", default=())
    #: Size of the disk holding the data directory, bytes.
    d_total: float = 0.0
    #: Free space on it, bytes.
    d_free: float = 0.0
    #: Bytes BOINC uses outside projects (≤ 8.2.8, incl. 7.20.5 — the files at the
    #: top of the data directory and in ``locale/``).
    d_boinc: float = 0.0
    #: Bytes BOINC may use in all, under the preferences.
    d_allowed: float = 0.0


@attrs.frozen(kw_only=True, slots=False)
class DailyXfer:
    """One day's network transfers: ``<dx>`` (C++ ``DAILY_XFER``)."""

    #: The day — days since the epoch in the host's local standard time
    #: (``floor((unix_time + timezone) / 86400)``).
    when: int = 0
    #: Bytes uploaded.
    up: float = 0.0
    #: Bytes downloaded.
    down: float = 0.0


@attrs.frozen(kw_only=True, slots=False)
class DailyXferHistory:
    """The reply of ``get_daily_xfer_history``: ``<daily_xfers>`` (C++ ``DAILY_XFER_HISTORY``)."""

    xml_tag: ClassVar[str] = "daily_xfers"

    #: One entry per day with transfers, newest first as the client sends them.
    daily_xfers: tuple[DailyXfer, ...] = xml_field(tag="dx", default=())
