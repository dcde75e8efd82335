"""Fixtures of the web app's tests with real clients (see ``tests/web_rig.py``)."""

from __future__ import annotations

from tests.web_rig import web_fleet, web_server

__all__ = ["web_fleet", "web_server"]
