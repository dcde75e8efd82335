"""The whole client state: ``<client_state>`` (``get_state``) and ``<simple_gui_info>``.

Written by ``CLIENT_STATE::write_state_gui`` (``client/cs_statefile.cpp``):
the host, then per project the ``<project>`` followed by its apps, app
versions, workunits and tasks, then the client's version and platforms and
the preferences in force.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar, TypeVar

import attrs

from ..._xml import xml_field
from .host import HostInfo
from .prefs import GlobalPreferences
from .project import Project
from .stats import NetStats, TimeStats
from .task import App, AppVersion, Result, Workunit

__all__ = ["CcState", "SimpleGuiInfo"]

_T = TypeVar("_T")


@attrs.frozen(kw_only=True, slots=False)
class CcState:
    """The client state: ``<client_state>``, the reply of ``get_state`` (C++ ``CC_STATE``).

    Projects, apps, app versions, workunits and tasks are flat tuples in the
    order of the reply. In the reply an app, app version, workunit or task
    belongs to the ``<project>`` before it, which a tuple cannot show; the
    ``lookup_*`` methods and :meth:`results_of` join them instead as the C++
    does, by key: a task's project by ``project_url``, its workunit by
    ``wu_name``, a workunit's app by ``app_name``, a task's app version by
    platform, version and plan class. Where two projects use the same name
    for an app or workunit, the project is told apart by the order of the
    reply (the n-th such item belongs to the n-th project whose tasks use
    that name). The joins scan the tuples: cheap for one look-up, so for many
    build your own dict.
    """

    xml_tag: ClassVar[str] = "client_state"

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
    project: tuple[Project, ...] = ()
    #: The projects' applications.
    app: tuple[App, ...] = ()
    #: The applications' versions.
    app_version: tuple[AppVersion, ...] = ()
    #: The workunits.
    workunit: tuple[Workunit, ...] = ()
    #: The tasks, by project, each project's in the client's order (by received time).
    result: tuple[Result, ...] = ()
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
    platform: tuple[str, ...] = ()
    #: The preferences in force (network preferences plus the override).
    global_preferences: GlobalPreferences | None = None
    #: The host's venue (sent only when set).
    host_venue: str = ""

    @property
    def core_client_version(self) -> tuple[int, int, int]:
        """The client's version as ``(major, minor, release)``."""
        return (self.core_client_major_version, self.core_client_minor_version, self.core_client_release)

    def lookup_project(self, url: str) -> Project | None:
        """The project whose master URL is ``url`` exactly (C++ ``CC_STATE::lookup_project``), or ``None``."""
        for project in self.project:
            if project.master_url == url:
                return project
        return None

    def lookup_result(self, project_url: str, name: str) -> Result | None:
        """The task ``name`` of the project ``project_url`` (C++ ``CC_STATE::lookup_result``), or ``None``."""
        for result in self.result:
            if result.name == name and result.project_url == project_url:
                return result
        return None

    def results_of(self, project: Project | str) -> tuple[Result, ...]:
        """The tasks of a project (given as a :class:`Project` or its master URL), in the reply's order."""
        url = project if isinstance(project, str) else project.master_url
        return tuple(r for r in self.result if r.project_url == url)

    def lookup_workunit(self, name: str, project_url: str | None = None) -> Workunit | None:
        """The workunit ``name`` (C++ ``CC_STATE::lookup_wu``), or ``None``.

        Args:
            name: the workunit's name (a task's ``wu_name``).
            project_url: the project it must belong to; ``None`` for the first of that name.
        """
        found = [wu for wu in self.workunit if wu.name == name]
        users = self._projects_using(r.project_url for r in self.result if r.wu_name == name)
        return self._pick(found, users, project_url)

    def lookup_app(self, name: str, project_url: str | None = None) -> App | None:
        """The application ``name`` (C++ ``CC_STATE::lookup_app``), or ``None``.

        Args:
            name: the application's name (a workunit's or app version's ``app_name``).
            project_url: the project it must belong to; ``None`` for the first of that name.
        """
        found = [app for app in self.app if app.name == name]
        return self._pick(found, self._projects_using_app(name), project_url)

    def lookup_app_version(self, result: Result) -> AppVersion | None:
        """The app version a task uses (C++ ``CC_STATE::parse`` with ``lookup_app_version``), or ``None``.

        As the C++: the version of the task's application with the task's
        platform, version number and plan class; if the task names no platform,
        with its version number and plan class; if it names no version either,
        with its workunit's version number.
        """
        wu = self.lookup_workunit(result.wu_name, result.project_url)
        if wu is None:
            return None
        app = wu.app_name
        if result.platform:
            found = [
                av
                for av in self.app_version
                if av.app_name == app
                and av.platform == result.platform
                and av.version_num == result.version_num
                and av.plan_class == result.plan_class
            ]
        elif result.version_num:
            found = [
                av
                for av in self.app_version
                if av.app_name == app and av.version_num == result.version_num and av.plan_class == result.plan_class
            ]
        else:
            found = [av for av in self.app_version if av.app_name == app and av.version_num == wu.version_num]
        if len(found) <= 1:
            return found[0] if found else None
        # The same app version in several projects: the n-th belongs to the n-th project using it.
        users = self._projects_using(
            r.project_url
            for r in self.result
            if (w := self.lookup_workunit(r.wu_name, r.project_url)) is not None
            and w.app_name == app
            and r.platform == result.platform
            and r.version_num == result.version_num
            and r.plan_class == result.plan_class
        )
        return self._pick(found, users, result.project_url)

    def lookup_app_of(self, item: Result | Workunit | AppVersion) -> App | None:
        """The application of a task, workunit or app version, or ``None``."""
        if isinstance(item, Result):
            wu = self.lookup_workunit(item.wu_name, item.project_url)
            return None if wu is None else self.lookup_app(wu.app_name, item.project_url)
        return self.lookup_app(item.app_name)

    # -- helpers -------------------------------------------------------------

    def _projects_using(self, urls: Iterable[str]) -> list[str]:
        """The master URLs among ``urls``, once each, in the order of the projects."""
        wanted = set(urls)
        return [p.master_url for p in self.project if p.master_url in wanted]

    def _projects_using_app(self, name: str) -> list[str]:
        wus = {wu.name for wu in self.workunit if wu.app_name == name}
        return self._projects_using(r.project_url for r in self.result if r.wu_name in wus)

    @staticmethod
    def _pick(found: Sequence[_T], users: Sequence[str], project_url: str | None) -> _T | None:
        """Of same-named items in reply order, the one of ``project_url``.

        The reply lists each project's items after the project, projects in
        order; so when as many projects use the name as there are items, the
        n-th item is the n-th such project's, and ``project_url`` has none if it
        is not among them. Otherwise (an item no task uses) the first item.
        """
        if not found:
            return None
        if project_url is None:
            return found[0]
        if len(users) == len(found):
            # every item is accounted for: none belongs to a project not using the name
            return found[users.index(project_url)] if project_url in users else None
        return found[0]


@attrs.frozen(kw_only=True, slots=False)
class SimpleGuiInfo:
    """The reply of ``get_simple_gui_info``: ``<simple_gui_info>`` (C++ ``SIMPLE_GUI_INFO``)."""

    xml_tag: ClassVar[str] = "simple_gui_info"

    #: The attached projects.
    project: tuple[Project, ...] = ()
    #: The tasks that have a process slot.
    result: tuple[Result, ...] = ()
