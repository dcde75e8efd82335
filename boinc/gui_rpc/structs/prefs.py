"""Global computing preferences: ``<global_preferences>`` (C++ ``GLOBAL_PREFS``).

The element comes in two kinds, and one struct serves both:

* **Full prefs** (``get_global_prefs_working``, ``get_global_prefs_file``,
  ``get_state``): the client writes every preference, so every field is set.
* **Override prefs** (``get_global_prefs_override``,
  ``set_global_prefs_override``): the file ``global_prefs_override.xml``
  holds only the preferences the user chose; each one overrides the
  network (project or account manager) value, and a preference left out keeps
  the network value.

Every preference field is therefore ``T | None`` with default ``None``,
meaning *not set*. This replaces C++'s separate ``GLOBAL_PREFS_MASK``: the
mask is the set of fields that are not ``None`` (:meth:`GlobalPreferences.mask`),
the decoder sets exactly the fields whose tags are present, and the encoder
writes exactly the fields that are set. So read, modify, write keeps the
override file as small as the user made it::

    prefs = decode(GlobalPreferences, reply, "global_preferences")
    prefs = attrs.evolve(prefs, cpu_usage_limit=75.0)
    body = encode(prefs, "global_preferences")   # old fields + cpu_usage_limit

To remove one preference from the override, set it back to ``None``. To read
the value in force with C++'s defaults filled in, use
:meth:`GlobalPreferences.get`.

Values are written so that BOINC reads them back exactly (ints in decimal,
bools ``0``/``1``, doubles via ``repr``). Fields keep the wire's names and
units: ``vm_max_used_pct`` and the ``ram_*_pct`` fields are percentages (C++
stores fractions), ``max_cpus`` is C++'s ``max_ncpus``.

What is not kept:

* ``<venue name="...">`` blocks are skipped. The client applies the host's
  venue itself before it sends full prefs, and the override file BOINC Manager
  writes has no venues; an override file with venues loses them when it is
  written back.
* Tags this module does not know are skipped, and so not written back.

The client checks values when it reads them (for instance ``cpu_usage_limit``
outside (0, 100] is ignored, ``ram_*_pct`` 0 means 100, negative buffer sizes
become 0); this struct stores whatever it is given.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar, Final

import attrs

__all__ = ["GLOBAL_PREFS_DEFAULTS", "DayPrefs", "GlobalPreferences"]

#: Values of the preferences when nothing sets them: C++ ``GLOBAL_PREFS::defaults()``
#: of 7.20.5 (not Android), in wire units. The ``niu_*`` defaults are not
#: here: an unset ``niu_*`` preference takes its in-use counterpart's value
#: (8.x behaviour; 7.20.5 has no ``niu_*`` preferences). These are the values
#: in force when there is no prefs file at all; when the client reads a full
#: prefs file, bools missing from it are false (``network_wifi_only`` true).
#: 8.x raises the ``vm_max_used_pct`` default to 100.
GLOBAL_PREFS_DEFAULTS: Final[Mapping[str, Any]] = MappingProxyType(
    {
        "source_project": "",
        "source_scheduler": "",
        "mod_time": 0.0,
        "battery_charge_min_pct": 90.0,
        "battery_max_temperature": 40.0,
        "run_on_batteries": False,
        "run_if_user_active": True,
        "run_gpu_if_user_active": False,
        "suspend_if_no_recent_input": 0.0,
        "suspend_cpu_usage": 25.0,
        "start_hour": 0.0,
        "end_hour": 0.0,
        "net_start_hour": 0.0,
        "net_end_hour": 0.0,
        "leave_apps_in_memory": False,
        "confirm_before_connecting": True,
        "hangup_if_dialed": False,
        "dont_verify_images": False,
        "work_buf_min_days": 0.1,
        "work_buf_additional_days": 0.5,
        "max_ncpus_pct": 0.0,
        "cpu_scheduling_period_minutes": 60.0,
        "disk_interval": 60.0,
        "disk_max_used_gb": 0.0,
        "disk_max_used_pct": 90.0,
        "disk_min_free_gb": 0.1,
        "vm_max_used_pct": 75.0,
        "ram_max_used_busy_pct": 50.0,
        "ram_max_used_idle_pct": 90.0,
        "idle_time_to_run": 3.0,
        "max_bytes_sec_up": 0.0,
        "max_bytes_sec_down": 0.0,
        "cpu_usage_limit": 100.0,
        "daily_xfer_limit_mb": 0.0,
        "daily_xfer_period_days": 0,
        "override_file_present": False,
        "network_wifi_only": False,
        "host_specific": False,
        "max_cpus": 0,
    }
)

_NIU: Final = {
    "niu_max_ncpus_pct": "max_ncpus_pct",
    "niu_cpu_usage_limit": "cpu_usage_limit",
    "niu_suspend_cpu_usage": "suspend_cpu_usage",
}


def _repr_set(self: Any) -> str:
    """``Cls(a=1, b=2)`` with only the fields that are set (not ``None``, not empty)."""
    parts = [
        f"{f.name}={getattr(self, f.name)!r}"
        for f in attrs.fields(type(self))
        if getattr(self, f.name) is not None and getattr(self, f.name) != ()
    ]
    return f"{type(self).__name__}({', '.join(parts)})"


@attrs.frozen(kw_only=True, slots=False, repr=False)
class DayPrefs:
    """``<day_prefs>``: the time window of one weekday (C++ ``TIME_SPAN`` in ``WEEK_PREFS``).

    ``start_hour``/``end_hour`` restrict computing, ``net_start_hour``/``net_end_hour``
    restrict network use on that day, overriding the daily window. Hours are
    0..24 (fractions allowed); the window may wrap past midnight. The client
    uses the computing window if either of its two hours is given (the other
    being 0), and likewise for the network window.
    """

    __repr__ = _repr_set

    #: 0 = Sunday ... 6 = Saturday. The client ignores an entry outside 0..6.
    day_of_week: int = -1
    start_hour: float | None = None
    end_hour: float | None = None
    net_start_hour: float | None = None
    net_end_hour: float | None = None


@attrs.frozen(kw_only=True, slots=False, repr=False)
class GlobalPreferences:
    """``<global_preferences>``: computing preferences; ``None`` = not set.

    Fields are in the order the client writes them. See the module docstring
    for the read-modify-write rules.
    """

    __repr__ = _repr_set

    #: Element name of this struct.
    xml_tag: ClassVar[str] = "global_preferences"

    #: URL of the project the network prefs came from (empty if none).
    source_project: str | None = None
    #: Scheduler URL the prefs came from (read by the client, never written by it).
    source_scheduler: str | None = None
    #: When the network prefs were last changed, Unix time (s).
    mod_time: float | None = None
    #: Android: compute only above this battery charge (%).
    battery_charge_min_pct: float | None = None
    #: Android: stop computing above this battery temperature (deg C).
    battery_max_temperature: float | None = None
    #: Compute while running on batteries.
    run_on_batteries: bool | None = None
    #: Compute while the computer is in use.
    run_if_user_active: bool | None = None
    #: Use the GPU while the computer is in use.
    run_gpu_if_user_active: bool | None = None
    #: Suspend if there was no input for this long (minutes; 0 = never).
    suspend_if_no_recent_input: float | None = None
    #: Suspend while non-BOINC CPU usage is above this (%; 0 = never).
    suspend_cpu_usage: float | None = None
    #: Compute only from this hour ... (equal start and end = always).
    start_hour: float | None = None
    #: ... to this hour.
    end_hour: float | None = None
    #: Use the network only from this hour ...
    net_start_hour: float | None = None
    #: ... to this hour.
    net_end_hour: float | None = None
    #: Keep suspended tasks in memory.
    leave_apps_in_memory: bool | None = None
    #: Ask before connecting to the Internet (dial-up).
    confirm_before_connecting: bool | None = None
    #: Hang up when done (dial-up).
    hangup_if_dialed: bool | None = None
    #: Do not verify image files of tasks.
    dont_verify_images: bool | None = None
    #: Store at least this much work (days).
    work_buf_min_days: float | None = None
    #: Store up to this much more work (days).
    work_buf_additional_days: float | None = None
    #: Use at most this share of the CPUs (%; 0 = all).
    max_ncpus_pct: float | None = None
    #: Like ``max_ncpus_pct``, while the computer is not in use (8.x/7.22+).
    niu_max_ncpus_pct: float | None = None
    #: Like ``cpu_usage_limit``, while the computer is not in use (8.x/7.22+).
    niu_cpu_usage_limit: float | None = None
    #: Like ``suspend_cpu_usage``, while the computer is not in use (8.x/7.22+).
    niu_suspend_cpu_usage: float | None = None
    #: Switch between tasks this often (minutes).
    cpu_scheduling_period_minutes: float | None = None
    #: Write to disk at most this often (s).
    disk_interval: float | None = None
    #: Use at most this much disk (GB; 0 = no limit).
    disk_max_used_gb: float | None = None
    #: Use at most this share of the disk (%).
    disk_max_used_pct: float | None = None
    #: Leave at least this much disk free (GB).
    disk_min_free_gb: float | None = None
    #: Use at most this share of the page file / swap (%; C++ ``vm_max_used_frac`` x 100).
    vm_max_used_pct: float | None = None
    #: Use at most this share of memory while in use (%; C++ ``ram_max_used_busy_frac`` x 100).
    ram_max_used_busy_pct: float | None = None
    #: Use at most this share of memory while idle (%; C++ ``ram_max_used_idle_frac`` x 100).
    ram_max_used_idle_pct: float | None = None
    #: The computer is idle after this long without input (minutes).
    idle_time_to_run: float | None = None
    #: Upload at most this fast (bytes/s; 0 = no limit).
    max_bytes_sec_up: float | None = None
    #: Download at most this fast (bytes/s; 0 = no limit).
    max_bytes_sec_down: float | None = None
    #: Use at most this much CPU time (%; the client ignores values outside (0, 100]).
    cpu_usage_limit: float | None = None
    #: Transfer at most this much ... (MB; 0 = no limit).
    daily_xfer_limit_mb: float | None = None
    #: ... every this many days.
    daily_xfer_period_days: int | None = None
    #: An override file is in force (written by the client; it ignores it on reading).
    override_file_present: bool | None = None
    #: Transfer files only over Wi-Fi (Android).
    network_wifi_only: bool | None = None
    #: Set by an account manager: do not propagate these prefs (read, never written, by the client).
    host_specific: bool | None = None
    #: Use at most this many CPUs (C++ ``max_ncpus``; the client writes it only if not 0).
    max_cpus: int | None = None
    #: Per-weekday time windows.
    day_prefs: tuple[DayPrefs, ...] = ()

    def mask(self) -> frozenset[str]:
        """The names of the fields that are set (not ``None``, or ``day_prefs`` non-empty).

        This is C++'s ``GLOBAL_PREFS_MASK``, plus the fields it has no bit for.
        """
        names = {
            f.name for f in attrs.fields(type(self)) if f.name != "day_prefs" and getattr(self, f.name) is not None
        }
        if self.day_prefs:
            names.add("day_prefs")
        return frozenset(names)

    def get(self, name: str) -> Any:
        """The value of field ``name``, or what the client uses when it is not set.

        An unset field gives its value in :data:`GLOBAL_PREFS_DEFAULTS`; an
        unset ``niu_*`` field gives the value of its in-use counterpart. For an
        override, "not set" really means "the network value", so fill the gaps
        from the working prefs instead (``override.get(n) if n in override.mask()
        else working.get(n)``).

        Raises:
            AttributeError: there is no such field.
        """
        if name not in _FIELDS:
            raise AttributeError(f"GlobalPreferences has no field {name!r}")
        value = getattr(self, name)
        if value is not None:
            return value
        counterpart = _NIU.get(name)
        if counterpart is not None:
            return self.get(counterpart)
        return GLOBAL_PREFS_DEFAULTS[name]


_FIELDS: Final = frozenset(f.name for f in attrs.fields(GlobalPreferences))
