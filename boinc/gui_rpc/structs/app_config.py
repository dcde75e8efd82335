"""A project's ``app_config.xml``: ``<app_config>`` (C++ ``APP_CONFIGS``).

``get_app_config`` returns the file as the user wrote it; ``set_app_config``
sends a whole ``<app_config>``, which the client parses and writes back in its
own full form (every field, bools as ``0``/``1``). Read, change with
:func:`attrs.evolve`, write back::

    cfg = attrs.evolve(cfg, project_max_concurrent=2)

Defaults are the C++ ones (zero, empty, false): a field left out of the file
and a field at its default mean the same to the client. Tags this module does
not know are skipped on reading and so not written back; the client itself
does the same when it re-serialises the file. The client keeps only the first
255 bytes of ``name``, ``app_name``, ``plan_class`` and ``cmdline``.
"""

from __future__ import annotations

from typing import ClassVar

import attrs

from ..._xml import xml_field

__all__ = ["AppConfig", "AppConfigs", "AppVersionConfig", "GpuVersions"]


@attrs.frozen(kw_only=True, slots=False)
class GpuVersions:
    """``<gpu_versions>`` in an ``<app>``: resource usage of the app's GPU versions.

    The client applies it only when both values are non-zero; it rejects a
    ``gpu_usage`` that is not positive and a negative ``cpu_usage`` (keeping 0).
    """

    #: GPUs (or fraction of one) a task uses.
    gpu_usage: float = 0.0
    #: CPUs (or fraction of one) a task uses.
    cpu_usage: float = 0.0


@attrs.frozen(kw_only=True, slots=False)
class AppConfig:
    """``<app>``: settings for one application (C++ ``APP_CONFIG``)."""

    #: The application's short name, as in ``<app><name>`` of ``get_state``.
    name: str = ""
    #: At most this many tasks of the app run at once; 0 is no limit.
    max_concurrent: int = 0
    #: Usage of the app's GPU versions; ``None`` when not in the file.
    gpu_versions: GpuVersions | None = None
    #: The app reports exact fraction done (no client-side estimate).
    fraction_done_exact: bool = False
    #: Report the app's tasks as soon as they are done.
    report_results_immediately: bool = False


@attrs.frozen(kw_only=True, slots=False)
class AppVersionConfig:
    """``<app_version>``: settings for one app version (C++ ``APP_VERSION_CONFIG``).

    The client matches it by ``app_name`` and ``plan_class``; an empty
    ``cmdline`` and zero ``avg_ncpus``/``ngpus`` leave the version as it is.
    """

    app_name: str = ""
    plan_class: str = ""
    #: Extra command-line arguments for the app.
    cmdline: str = ""
    #: CPUs a task of this version uses.
    avg_ncpus: float = 0.0
    #: GPUs a task of this version uses.
    ngpus: float = 0.0


@attrs.frozen(kw_only=True, slots=False)
class AppConfigs:
    """``<app_config>``: the whole ``app_config.xml`` of a project (C++ ``APP_CONFIGS``)."""

    #: Element name of this struct.
    xml_tag: ClassVar[str] = "app_config"

    apps: tuple[AppConfig, ...] = xml_field(tag="app", default=())
    app_versions: tuple[AppVersionConfig, ...] = xml_field(tag="app_version", default=())
    #: At most this many of the project's tasks run at once; 0 (or less) is no limit.
    project_max_concurrent: int = 0
    #: Report all the project's tasks as soon as they are done.
    report_results_immediately: bool = False
