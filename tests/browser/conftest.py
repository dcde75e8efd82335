"""Fixtures of the browser tests: real clients behind the web app (``tests/web_rig.py``), headless Chromium."""

from __future__ import annotations

from tests.web_rig import web_fleet, web_server

__all__ = ["web_fleet", "web_server"]
