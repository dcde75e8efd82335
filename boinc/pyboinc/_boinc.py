"""Placeholder; replaced below."""

from __future__ import annotations


class BoincBackend:
    """Run jobs on a BOINC project (not written yet)."""
