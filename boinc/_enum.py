"""Enums that keep values they do not know.

A newer BOINC may send a state number this package has never heard of. That
must never fail a whole ``get_state``, so an unknown value becomes a
pseudo-member named ``UNKNOWN_<n>`` that still compares equal to ``n``.
"""

from __future__ import annotations

import enum
from typing import Any

__all__ = ["OpenIntEnum"]


class OpenIntEnum(enum.IntEnum):
    """An :class:`~enum.IntEnum` whose unknown values become ``UNKNOWN_<n>`` members."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, int) or isinstance(value, bool):
            return None
        member = int.__new__(cls, value)
        member._name_ = f"UNKNOWN_{value}" if value >= 0 else f"UNKNOWN_MINUS_{-value}"
        member._value_ = value
        # Cache it, so that the same value gives the same member.
        return cls._value2member_map_.setdefault(value, member)
