"""Typed structs of the GUI RPC: one frozen attrs class per C++ struct.

A scalar field is named as its XML tag, a field holding a sequence by the
plural of its items' tag (``projects`` reads the ``<project>`` elements);
defaults are what the C++ ``clear()`` sets; each
reply's root struct names its element in ``xml_tag``. The XML engine
(:mod:`boinc._xml`) decodes and encodes them all; nothing here parses.

The classes are not slotted (``slots=False``): the decoder then builds an
instance by copying a template ``__dict__``, three times faster than
``__init__``, and the copies share their keys, which keeps them small. (The
request structs of :mod:`boinc.gui_rpc.rpcs`, never decoded, are slotted.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..._lazy import attach

if TYPE_CHECKING:
    from .account import *  # noqa: F403
    from .app_config import *  # noqa: F403
    from .cc_config import *  # noqa: F403
    from .host import *  # noqa: F403
    from .messages import *  # noqa: F403
    from .prefs import *  # noqa: F403
    from .project import *  # noqa: F403
    from .proxy import *  # noqa: F403
    from .state import *  # noqa: F403
    from .stats import *  # noqa: F403
    from .status import *  # noqa: F403
    from .task import *  # noqa: F403
    from .transfer import *  # noqa: F403
else:
    # Submodules in lookup order: the ones a one-shot command needs first.
    __getattr__ = attach(
        __name__,
        globals(),
        (
            "task",
            "status",
            "project",
            "transfer",
            "messages",
            "stats",
            "account",
            "host",
            "state",
            "prefs",
            "cc_config",
            "app_config",
            "proxy",
        ),
    )
