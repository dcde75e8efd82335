"""Event log messages and notices.

``<msg>`` is written by ``MESSAGE_DESCS::write`` (``client/client_msgs.cpp``),
``<notice>`` by ``NOTICE::write`` (``lib/notice.cpp``) through
``NOTICES::write`` (``client/cs_notice.cpp``).
"""

from __future__ import annotations

from typing import ClassVar, Final

import attrs

from ..._xml import xml_field
from ..enums import MsgPriority

__all__ = ["Message", "Messages", "Notice", "Notices"]

#: The C++ default of MESSAGE::priority (0 — not sent), a pseudo-member.
_NO_PRIORITY: Final = MsgPriority(0)


@attrs.frozen(kw_only=True, slots=False)
class Message:
    """An event log message: ``<msg>`` (C++ ``MESSAGE``)."""

    #: The project's name, empty for the client's own messages.
    project: str = ""
    #: Priority (replies never carry SCHEDULER_ALERT — it arrives as USER_ALERT).
    pri: MsgPriority = _NO_PRIORITY
    #: Sequence number, from 1 in each run of the client; ask for newer ones with it.
    seqno: int = 0
    #: The text, trimmed (sent as CDATA; at most 1023 bytes; INTERNAL_ERROR texts begin ``[error]``).
    body: str = ""
    #: When it was logged, Unix time (whole seconds; C++ ``timestamp``).
    time: int = 0


@attrs.frozen(kw_only=True, slots=False)
class Messages:
    """The reply of ``get_messages``: ``<msgs>`` (C++ ``MESSAGES``); at most the newest 2000."""

    xml_tag: ClassVar[str] = "msgs"

    #: The messages newer than the requested seqno, oldest first.
    messages: tuple[Message, ...] = xml_field(tag="msg", default=())


@attrs.frozen(kw_only=True, slots=False)
class Notice:
    """A notice (project news, client or scheduler alert): ``<notice>`` (C++ ``NOTICE``).

    A notice with ``seqno`` -1 and every other field empty is no notice but a
    reset marker; see :class:`Notices`.
    """

    #: Title (not escaped).
    title: str = ""
    #: Text, HTML allowed (sent as CDATA; client notices are escaped inside it).
    description: str = ""
    #: When it was created, Unix time.
    create_time: float = 0.0
    #: When it arrived, Unix time.
    arrival_time: float = 0.0
    #: Only for the account's owner (left out by ``get_notices_public``).
    is_private: bool = False
    #: The project's name.
    project_name: str = ""
    #: ``client``, ``scheduler``, ``server``, or a feed's own category (e.g. ``news``).
    category: str = ""
    #: URL of more (sent as CDATA).
    link: str = ""
    #: Sequence number; ask for newer ones with it. -1 is the reset marker.
    seqno: int = 0
    #: The feed item's GUID (never sent to GUIs; the C++ reads it).
    guid: str = ""
    #: The feed's URL (never sent to GUIs; the C++ reads it).
    feed_url: str = ""

    @property
    def is_youtube_video(self) -> bool:
        """Whether the description mentions ``youtube.com`` (C++ ``NOTICE::is_youtube_video``)."""
        return "youtube.com" in self.description.lower()


@attrs.frozen(kw_only=True, slots=False)
class Notices:
    """The reply of ``get_notices`` and ``get_notices_public``: ``<notices>`` (C++ ``NOTICES``).

    Notices come with ascending ``seqno``, those above the requested one. When
    notices were deleted since the connection last asked, the client first
    sends a reset marker (a notice with ``seqno`` -1, see :attr:`refresh`) and
    then *all* its notices: a GUI must then drop what it had. The C++ client
    library does so and keeps its list newest first.
    """

    xml_tag: ClassVar[str] = "notices"

    #: The notices as sent, the reset marker included.
    notices: tuple[Notice, ...] = xml_field(tag="notice", default=())

    @property
    def refresh(self) -> bool:
        """Whether the reply holds the reset marker (then drop the notices you have; these are all)."""
        return any(n.seqno == -1 for n in self.notices)

    @property
    def without_marker(self) -> tuple[Notice, ...]:
        """The notices without the reset marker, ascending ``seqno``."""
        return tuple(n for n in self.notices if n.seqno != -1)
