"""Sphinx configuration for the boinc package."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.abspath(".."))

import boinc

project = "boinc"
author = "the boinc developers"
copyright = "2026, the boinc developers"  # noqa: A001
release = boinc.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.intersphinx",
    "sphinx.ext.viewcode",
]
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}
napoleon_google_docstring = True
napoleon_numpy_docstring = False
intersphinx_mapping: dict[str, tuple[str, str | None]] = {}
nitpicky = False
exclude_patterns = ["_build"]
html_theme = "alabaster"
