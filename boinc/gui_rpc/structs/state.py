"""The whole client state: ``<client_state>`` (``get_state``) and ``<simple_gui_info>``.

Written by ``CLIENT_STATE::write_state_gui`` (``client/cs_statefile.cpp``):
the host, then per project the ``<project>`` followed by its apps, app
versions, workunits and tasks, then the client's version and platforms and
the preferences in force.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, ClassVar

import attrs

from ..._xml import OWNER_MARKS, xml_field
from .host import HostInfo
from .prefs import GlobalPreferences
from .project import Project
from .stats import NetStats, TimeStats
from .task import App, AppVersion, Result, Workunit

__all__ = ["CcState", "SimpleGuiInfo"]


@attrs.frozen(kw_only=True, slots=False)
class CcState:
    """The client state: ``<client_state>``, the reply of ``get_state`` (C++ ``CC_STATE``).

    Projects, apps, app versions, workunits and tasks are flat tuples in the
    order of the reply. In the reply an app, app version, workunit or task
    belongs to the ``<project>`` before it; the decoder records that, and
    :meth:`project_of`, :meth:`app_of`, :meth:`workunit_of`,
    :meth:`app_version_of` and :meth:`results_of` answer it exactly, as the
    C++ ``CC_STATE::parse`` links items: an app version's or workunit's app is
    its project's first app of that name, a task's workunit its project's first
    workunit of that name, and a task's app version the first of its project's
    versions of that app with the task's platform, version number and plan
    class (if the task names no platform: its version number and plan class;
    if no version either: its workunit's version number). Two projects may use
    the same names. The first of these calls builds indexes, kept with the
    state; each call is then a dictionary look-up.

    A state made in Python rather than decoded has no record of the reply's
    order: its items are taken to follow all its projects (to belong to the
    last), which is also how the XML engine writes a state (each list whole).
    """

    xml_tag: ClassVar[str] = "client_state"
    #: Each project owns the apps, app versions, workunits and tasks that follow it.
    xml_owner: ClassVar[str] = "projects"

    #: The host.
    host_info: HostInfo | None = None
    #: The host has an NVIDIA GPU (for old GUIs) (flag).
    have_cuda: bool = xml_field(flag=True, default=False)
    #: The host has an AMD/ATI GPU (for old GUIs) (flag).
    have_ati: bool = xml_field(flag=True, default=False)
    #: Network statistics.
    net_stats: NetStats | None = None
    #: Time statistics.
    time_stats: TimeStats | None = None
    #: The attached projects.
    projects: tuple[Project, ...] = xml_field(tag="project", default=())
    #: The projects' applications.
    apps: tuple[App, ...] = xml_field(tag="app", default=())
    #: The applications' versions.
    app_versions: tuple[AppVersion, ...] = xml_field(tag="app_version", default=())
    #: The workunits.
    workunits: tuple[Workunit, ...] = xml_field(tag="workunit", default=())
    #: The tasks, by project, each project's in the client's order (by received time).
    results: tuple[Result, ...] = xml_field(tag="result", default=())
    #: The client's primary platform, e.g. ``x86_64-pc-linux-gnu``.
    platform_name: str = ""
    #: The client's major version.
    core_client_major_version: int = 0
    #: The client's minor version.
    core_client_minor_version: int = 0
    #: The client's release.
    core_client_release: int = 0
    #: The client runs as a service or daemon.
    executing_as_daemon: bool = False
    #: The platforms the client supports, primary first.
    platforms: tuple[str, ...] = xml_field(tag="platform", default=())
    #: The preferences in force (network preferences plus the override).
    global_preferences: GlobalPreferences | None = None
    #: The host's venue (sent only when set).
    host_venue: str = ""

    @property
    def core_client_version(self) -> tuple[int, int, int]:
        """The client's version as ``(major, minor, release)``."""
        return (self.core_client_major_version, self.core_client_minor_version, self.core_client_release)

    def __getstate__(self) -> dict[str, Any]:
        """The fields (and the owners recorded by the decoder), not the indexes: they hold object ids."""
        state = dict(self.__dict__)
        state.pop("_links", None)
        return state

    @cached_property
    def _links(self) -> _Links:
        return _Links(self)

    def lookup_project(self, url: str) -> Project | None:
        """The first project whose master URL is ``url`` exactly (C++ ``CC_STATE::lookup_project``), or ``None``."""
        index = self._links.project_by_url.get(url)
        return None if index is None else self.projects[index]

    def lookup_result(self, project: Project | str, name: str) -> Result | None:
        """The first task ``name`` of a project (C++ ``CC_STATE::lookup_result``), or ``None``.

        Args:
            project: the project, or its master URL.
            name: the task's name.
        """
        index = self._links.project_index(self, project)
        return None if index < 0 else self._links.results_by_name.get((index, name))

    def project_of(self, item: App | AppVersion | Workunit | Result) -> Project | None:
        """The project an app, app version, workunit or task of this state belongs to.

        ``None`` if it comes before any project in the reply (the C++ drops it).

        Raises:
            ValueError: ``item`` is not one of this state's (the very object).
        """
        index = self._links.owner_of(item)
        return None if index < 0 else self.projects[index]

    def app_of(self, item: Workunit | AppVersion) -> App | None:
        """The application of a workunit or app version of this state: its project's first app of that name.

        ``None`` if its project has no such app (the C++ then drops the item).

        Raises:
            ValueError: ``item`` is not one of this state's.
        """
        links = self._links
        return links.apps.get((links.owner_of(item), item.app_name))

    def workunit_of(self, task: Result) -> Workunit | None:
        """The workunit of a task of this state: its project's first workunit named ``wu_name`` that has an app.

        Raises:
            ValueError: ``task`` is not one of this state's.
        """
        links = self._links
        return links.workunits.get((links.owner_of(task), task.wu_name))

    def app_version_of(self, task: Result) -> AppVersion | None:
        """The app version a task of this state uses, or ``None`` (the C++ then drops the task).

        Its project's first version of the task's application (that of its
        workunit) with the task's platform, version number and plan class; if
        the task names no platform, with its version number and plan class; if
        it names no version either, with its workunit's version number.

        Raises:
            ValueError: ``task`` is not one of this state's.
        """
        links = self._links
        owner = links.owner_of(task)
        wu = links.workunits.get((owner, task.wu_name))
        if wu is None:
            return None
        if task.platform:
            return links.versions.get((owner, wu.app_name, task.platform, task.version_num, task.plan_class))
        if task.version_num:
            return links.versions.get((owner, wu.app_name, task.version_num, task.plan_class))
        return links.versions.get((owner, wu.app_name, wu.version_num))

    def results_of(self, project: Project | str) -> tuple[Result, ...]:
        """The tasks that belong to a project, in the reply's order.

        Args:
            project: one of this state's projects, or a master URL (then the first project with it).
        """
        links = self._links
        return links.results_by_project.get(links.project_index(self, project), ())


class _Links:
    """The owners and look-up tables of one :class:`CcState`, built once (see its docstring)."""

    __slots__ = ("apps", "owners", "project_by_url", "results_by_name", "results_by_project", "versions", "workunits")

    def __init__(self, state: CcState) -> None:
        projects = state.projects
        marks: tuple[dict[str, int], ...] | None = state.__dict__.get(OWNER_MARKS)
        #: id(item) -> index of its project, -1 for none
        self.owners: dict[int, int] = {id(p): k for k, p in enumerate(projects)}
        self.project_by_url: dict[str, int] = {}
        for k, p in enumerate(projects):
            self.project_by_url.setdefault(p.master_url, k)
        owner_lists = []
        for name, items in (
            ("apps", state.apps),
            ("app_versions", state.app_versions),
            ("workunits", state.workunits),
            ("results", state.results),
        ):
            starts = [0] * len(projects) if marks is None else [min(m.get(name, 0), len(items)) for m in marks]
            owners = _owner_indexes(starts, len(items))
            self.owners.update(zip(map(id, items), owners))
            owner_lists.append(owners)
        app_owners, version_owners, wu_owners, result_owners = owner_lists
        self.apps: dict[tuple[int, str], App] = {}
        for k, app in zip(app_owners, state.apps):
            if k >= 0:
                self.apps.setdefault((k, app.name), app)
        apps = self.apps
        self.versions: dict[tuple[Any, ...], AppVersion] = {}
        setdefault = self.versions.setdefault
        for k, av in zip(version_owners, state.app_versions):
            if (k, av.app_name) in apps:
                setdefault((k, av.app_name, av.platform, av.version_num, av.plan_class), av)
                setdefault((k, av.app_name, av.version_num, av.plan_class), av)
                setdefault((k, av.app_name, av.version_num), av)
        self.workunits: dict[tuple[int, str], Workunit] = {}
        for k, wu in zip(wu_owners, state.workunits):
            if (k, wu.app_name) in apps:
                self.workunits.setdefault((k, wu.name), wu)
        self.results_by_name: dict[tuple[int, str], Result] = {}
        by_project: dict[int, list[Result]] = {}
        for k, r in zip(result_owners, state.results):
            self.results_by_name.setdefault((k, r.name), r)
            by_project.setdefault(k, []).append(r)
        self.results_by_project = {k: tuple(rs) for k, rs in by_project.items() if k >= 0}

    def owner_of(self, item: object) -> int:
        """The index of the project ``item`` belongs to, -1 for none."""
        found = self.owners.get(id(item))
        if found is None:
            raise ValueError(f"not an item of this state: {item!r:.80}")
        return found

    def project_index(self, state: CcState, project: Project | str) -> int:
        """The index of a project of ``state`` (the object itself, or the first with that URL), -1 for none."""
        if not isinstance(project, str):
            index = self.owners.get(id(project))
            if index is not None and state.projects[index] is project:
                return index
            project = project.master_url
        return self.project_by_url.get(project, -1)


def _owner_indexes(starts: list[int], n: int) -> list[int]:
    """For ``n`` items where project ``k``'s start at item ``starts[k]``: each item's project, -1 before the first."""
    out = [-1] * (starts[0] if starts else n)
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else n
        out.extend([k] * (end - start))
    return out


@attrs.frozen(kw_only=True, slots=False)
class SimpleGuiInfo:
    """The reply of ``get_simple_gui_info``: ``<simple_gui_info>`` (C++ ``SIMPLE_GUI_INFO``)."""

    xml_tag: ClassVar[str] = "simple_gui_info"

    #: The attached projects.
    projects: tuple[Project, ...] = xml_field(tag="project", default=())
    #: The tasks that have a process slot.
    results: tuple[Result, ...] = xml_field(tag="result", default=())
