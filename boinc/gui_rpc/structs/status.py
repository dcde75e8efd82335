"""The client's version and run status, and the device status an Android GUI reports.

``<server_version>`` is written by ``handle_exchange_versions`` and
``<cc_status>`` by ``handle_get_cc_status`` (``client/gui_rpc_server_ops.cpp``).
"""

from __future__ import annotations

from typing import ClassVar, Final

import attrs

from ..enums import BatteryState, NetworkStatus, RunMode, SuspendReason

__all__ = ["CcStatus", "DeviceStatus", "VersionInfo"]

# The C++ defaults of CC_STATUS (-1: not sent), as pseudo-members.
_NO_STATUS: Final = NetworkStatus(-1)
_NO_REASON: Final = SuspendReason(-1)
_NO_MODE: Final = RunMode(-1)


@attrs.frozen(kw_only=True, slots=False, order=True)
class VersionInfo:
    """A BOINC version: ``<server_version>``, the reply of ``exchange_versions`` (C++ ``VERSION_INFO``).

    Instances order as versions do (``VersionInfo(major=7, minor=20,
    release=5) < VersionInfo(major=8, minor=0, release=0)``). The request
    ``<exchange_versions>`` has the same fields plus the GUI's ``name``.
    """

    xml_tag: ClassVar[str] = "server_version"

    #: Major version.
    major: int = 0
    #: Minor version.
    minor: int = 0
    #: Release.
    release: int = 0

    @property
    def as_tuple(self) -> tuple[int, int, int]:
        """``(major, minor, release)``, the form the ``version`` arguments of this package take."""
        return (self.major, self.minor, self.release)


@attrs.frozen(kw_only=True, slots=False)
class CcStatus:
    """The client's run status: ``<cc_status>``, the reply of ``get_cc_status`` (C++ ``CC_STATUS``).

    The client sends every field but ``manager_must_quit``; a field it leaves
    out keeps the C++ default, -1 for the integers.
    """

    xml_tag: ClassVar[str] = "cc_status"

    #: The network connection's state.
    network_status: NetworkStatus = _NO_STATUS
    #: The account manager rejected the password.
    ams_password_error: bool = False
    #: The Manager must quit (auto-update; sent only then).
    manager_must_quit: bool = False
    #: Why computing is suspended (NOT_SUSPENDED — it is not; 7.20.5 may report CPU_THROTTLE).
    task_suspend_reason: SuspendReason = _NO_REASON
    #: Current computing mode.
    task_mode: RunMode = _NO_MODE
    #: Permanent computing mode (current once ``task_mode_delay`` runs out).
    task_mode_perm: RunMode = _NO_MODE
    #: Time until the permanent computing mode returns, seconds (0 — it is current).
    task_mode_delay: float = 0.0
    #: Why GPU computing is suspended.
    gpu_suspend_reason: SuspendReason = _NO_REASON
    #: Current GPU mode.
    gpu_mode: RunMode = _NO_MODE
    #: Permanent GPU mode.
    gpu_mode_perm: RunMode = _NO_MODE
    #: Time until the permanent GPU mode returns, seconds.
    gpu_mode_delay: float = 0.0
    #: Why network use is suspended.
    network_suspend_reason: SuspendReason = _NO_REASON
    #: Current network mode.
    network_mode: RunMode = _NO_MODE
    #: Permanent network mode.
    network_mode_perm: RunMode = _NO_MODE
    #: Time until the permanent network mode returns, seconds.
    network_mode_delay: float = 0.0
    #: cc_config.xml forbids attaching projects.
    disallow_attach: bool = False
    #: cc_config.xml allows only the simple GUI.
    simple_gui_only: bool = False
    #: Size of the client's event log, messages.
    max_event_log_lines: int = 0


@attrs.frozen(kw_only=True, slots=False)
class DeviceStatus:
    """What an Android GUI tells the client of the device: ``<device_status>`` (C++ ``DEVICE_STATUS``).

    The argument of ``report_device_status`` (a request, not a reply).
    """

    xml_tag: ClassVar[str] = "device_status"

    #: On mains power.
    on_ac_power: bool = False
    #: On USB power.
    on_usb_power: bool = False
    #: Battery charge, percent.
    battery_charge_pct: float = 0.0
    #: Battery state.
    battery_state: BatteryState = BatteryState.UNKNOWN
    #: Battery temperature, degrees Celsius.
    battery_temperature_celsius: float = 0.0
    #: On WiFi.
    wifi_online: bool = False
    #: The user is using the device.
    user_active: bool = False
    #: A name the user chose for the device (the client reports it as its host name).
    device_name: str = ""
