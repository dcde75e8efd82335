"""Typed structs of the GUI RPC: one frozen attrs class per C++ struct.

Field names are the XML tags, defaults what the C++ ``clear()`` sets; each
reply's root struct names its element in ``xml_tag``. The XML engine
(:mod:`boinc._xml`) decodes and encodes them all; nothing here parses.
"""

from __future__ import annotations

from .account import *  # noqa: F403
from .account import __all__ as _account_all
from .app_config import *  # noqa: F403
from .app_config import __all__ as _app_config_all
from .cc_config import *  # noqa: F403
from .cc_config import __all__ as _cc_config_all
from .host import *  # noqa: F403
from .host import __all__ as _host_all
from .messages import *  # noqa: F403
from .messages import __all__ as _messages_all
from .prefs import *  # noqa: F403
from .prefs import __all__ as _prefs_all
from .project import *  # noqa: F403
from .project import __all__ as _project_all
from .proxy import *  # noqa: F403
from .proxy import __all__ as _proxy_all
from .state import *  # noqa: F403
from .state import __all__ as _state_all
from .stats import *  # noqa: F403
from .stats import __all__ as _stats_all
from .status import *  # noqa: F403
from .status import __all__ as _status_all
from .task import *  # noqa: F403
from .task import __all__ as _task_all
from .transfer import *  # noqa: F403
from .transfer import __all__ as _transfer_all

__all__ = [
    *_account_all,
    *_app_config_all,
    *_cc_config_all,
    *_host_all,
    *_messages_all,
    *_prefs_all,
    *_project_all,
    *_proxy_all,
    *_state_all,
    *_stats_all,
    *_status_all,
    *_task_all,
    *_transfer_all,
]
