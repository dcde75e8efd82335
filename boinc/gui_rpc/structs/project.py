"""Attached projects: ``<project>`` as ``get_state``, ``get_project_status`` and ``get_simple_gui_info`` send it.

Written by ``PROJECT::write_state`` (``client/project.cpp``) with its GUI-only
tail; the fields are the union of what 7.20.5 and the newest release send.
"""

from __future__ import annotations

from typing import ClassVar

import attrs

from ..._xml import xml_field
from ..enums import RpcReason

__all__ = ["GuiUrl", "Project", "Projects", "RscValue"]


@attrs.frozen(kw_only=True, slots=False)
class GuiUrl:
    """A project web page to offer in a GUI: ``<gui_url>`` (C++ ``GUI_URL``)."""

    #: Link text.
    name: str = ""
    #: Tool tip.
    description: str = ""
    #: The page's URL.
    url: str = ""


@attrs.frozen(kw_only=True, slots=False)
class RscValue:
    """A per-resource value: ``<rsc_backoff_time>`` or ``<rsc_backoff_interval>``.

    The C++ client library folds these into its ``RSC_DESC`` per resource.
    """

    #: Resource name — ``CPU``, ``NVIDIA``, ``ATI``, ``intel_gpu``, ``apple_gpu``
    #: or another vendor's type (see :func:`~boinc.gui_rpc.enums.coproc_type_name_to_num`).
    name: str = ""
    #: The value, seconds.
    value: float = 0.0


@attrs.frozen(kw_only=True, slots=False)
class Project:
    """An attached project: ``<project>`` (C++ ``PROJECT``).

    Presence flags (``<x/>`` when true, absent when false) are marked "flag".
    ``user_name`` and ``team_name`` are escaped by the client and come back
    unescaped once (the C++ unescapes them a second time; this port does not).
    """

    #: The project's master URL — the key of every project operation.
    master_url: str
    #: The project's name (not escaped).
    project_name: str = ""
    #: Symbol store URL (Windows debugging).
    symstore: str = ""
    #: The account's user name.
    user_name: str = ""
    #: The account's team name.
    team_name: str = ""
    #: The host's venue at this project (``home``, ``work``, ``school`` or empty).
    host_venue: str = ""
    #: MD5 of the account's email address.
    email_hash: str = ""
    #: The user's cross-project ID.
    cross_project_id: str = ""
    #: The user's external cross-project ID.
    external_cpid: str = ""
    #: When the cross-project ID was set, Unix time.
    cpid_time: float = 0.0
    #: The user's total credit, cobblestones.
    user_total_credit: float = 0.0
    #: The user's recent average credit, cobblestones per day.
    user_expavg_credit: float = 0.0
    #: When the account was created, Unix time.
    user_create_time: float = 0.0
    #: Number of scheduler requests made.
    rpc_seqno: int = 0
    #: The user's ID at the project.
    userid: int = 0
    #: The team's ID at the project (0 — none).
    teamid: int = 0
    #: This host's ID at the project.
    hostid: int = 0
    #: This host's total credit, cobblestones.
    host_total_credit: float = 0.0
    #: This host's recent average credit, cobblestones per day.
    host_expavg_credit: float = 0.0
    #: When this host joined the project, Unix time.
    host_create_time: float = 0.0
    #: Consecutive failed scheduler requests.
    nrpc_failures: int = 0
    #: Consecutive failed master page fetches.
    master_fetch_failures: int = 0
    #: No scheduler request before this, Unix time.
    min_rpc_time: float = 0.0
    #: A scheduler request is due at this time, Unix time (0 — none).
    next_rpc_time: float = 0.0
    #: Recent estimated credit (the scheduler's priority measure).
    rec: float = 0.0
    #: When ``rec`` was last updated, Unix time.
    rec_time: float = 0.0
    #: Resource share.
    resource_share: float = 0.0
    #: Bytes used by the project's files.
    disk_usage: float = 0.0
    #: The project's share of the allowed disk space, bytes.
    disk_share: float = 0.0
    #: Disk space the project wants, bytes.
    desired_disk_usage: float = 0.0
    #: Duration correction factor.
    duration_correction_factor: float = 0.0
    #: Why a scheduler request is pending; ``RpcReason.NONE`` if none is.
    sched_rpc_pending: RpcReason = RpcReason.NONE
    #: Send the time statistics log with the next request (0/1).
    send_time_stats_log: int = 0
    #: Send the job log with the next request (0/1).
    send_job_log: int = 0
    #: Tasks completed successfully.
    njobs_success: int = 0
    #: Tasks failed.
    njobs_error: int = 0
    #: Elapsed time of all tasks, seconds.
    elapsed_time: float = 0.0
    #: When the last successful scheduler request finished, Unix time.
    last_rpc_time: float = 0.0
    #: The app versions are the user's own (anonymous platform) (flag).
    anonymous_platform: bool = xml_field(flag=True, default=False)
    #: The master page must be fetched (flag).
    master_url_fetch_pending: bool = xml_field(flag=True, default=False)
    #: A trickle-up message is waiting (flag).
    trickle_up_pending: bool = xml_field(flag=True, default=False)
    #: Ask for a full workload at the next request (flag).
    send_full_workload: bool = xml_field(flag=True, default=False)
    #: The project does not use the duration correction factor (flag).
    dont_use_dcf: bool = xml_field(flag=True, default=False)
    #: The project's apps use little CPU (flag).
    non_cpu_intensive: bool = xml_field(flag=True, default=False)
    #: Enforce memory bounds strictly (8.0+) (flag).
    strict_memory_bound: bool = xml_field(flag=True, default=False)
    #: Verify app files when starting an app (7.20; the same slot as ``strict_memory_bound``) (flag).
    verify_files_on_app_start: bool = xml_field(flag=True, default=False)
    #: Suspended by the user (flag).
    suspended_via_gui: bool = xml_field(flag=True, default=False)
    #: The user asked for no more work (flag).
    dont_request_more_work: bool = xml_field(flag=True, default=False)
    #: Detach once the current work is done (flag).
    detach_when_done: bool = xml_field(flag=True, default=False)
    #: The project has ended (flag).
    ended: bool = xml_field(flag=True, default=False)
    #: Attached through an account manager (flag).
    attached_via_acct_mgr: bool = xml_field(flag=True, default=False)
    #: A scheduler request is under way (flag).
    scheduler_rpc_in_progress: bool = xml_field(flag=True, default=False)
    #: The project's apps use symbolic links (flag).
    use_symlinks: bool = xml_field(flag=True, default=False)
    #: Work fetch back-off remaining per resource, seconds.
    rsc_backoff_times: tuple[RscValue, ...] = xml_field(tag="rsc_backoff_time", default=())
    #: Current work fetch back-off interval per resource, seconds.
    rsc_backoff_intervals: tuple[RscValue, ...] = xml_field(tag="rsc_backoff_interval", default=())
    #: Resources the account manager forbids, by name.
    no_rsc_ams: tuple[str, ...] = ()
    #: Resources the project has no apps for, by name.
    no_rsc_apps: tuple[str, ...] = ()
    #: Resources the project preferences forbid, by name.
    no_rsc_prefs: tuple[str, ...] = xml_field(tag="no_rsc_pref", default=())
    #: GPU types whose every device cc_config.xml excludes, by name.
    no_rsc_configs: tuple[str, ...] = xml_field(tag="no_rsc_config", default=())
    #: Resource share set by the account manager; -1 if none (sent only when set).
    ams_resource_share_new: float = -1.0
    #: Web pages to offer (the scheduler's ``<gui_urls>`` block).
    gui_urls: tuple[GuiUrl, ...] = xml_field(wrapper="gui_urls", tag="gui_url", default=())
    #: Scheduling priority (higher runs first).
    sched_priority: float = 0.0
    #: When all project files were last downloaded, Unix time.
    project_files_downloaded_time: float = 0.0
    #: Download back-off remaining, seconds (sent only while backing off).
    download_backoff: float = 0.0
    #: Upload back-off remaining, seconds (sent only while backing off).
    upload_backoff: float = 0.0
    #: The host's venue (sent only when set; equals ``host_venue``).
    venue: str = ""
    #: The project's directory, an absolute path on the client's host.
    project_dir: str = ""

    @property
    def name(self) -> str:
        """The project's name, or its master URL if it has none yet (C++ ``PROJECT::get_name``)."""
        return self.project_name or self.master_url


@attrs.frozen(kw_only=True, slots=False)
class Projects:
    """The reply of ``get_project_status``: ``<projects>`` (C++ ``PROJECTS``).

    ``get_all_projects_list`` answers a ``<projects>`` element too, read as
    :class:`~boinc.gui_rpc.structs.AllProjectsList`.
    """

    xml_tag: ClassVar[str] = "projects"

    #: The attached projects.
    projects: tuple[Project, ...] = xml_field(tag="project", default=())
