"""File transfers: ``<file_transfer>`` as ``get_file_transfers`` sends it.

Written by ``FILE_INFO::write_gui`` (``client/client_types.cpp``) and
``PERS_FILE_XFER::write`` (``client/pers_file_xfer.cpp``).
"""

from __future__ import annotations

from typing import ClassVar

import attrs

from ..._xml import xml_field

__all__ = ["FileTransfer", "FileTransfers", "FileXfer", "PersistentFileXfer"]


@attrs.frozen(kw_only=True, slots=False)
class PersistentFileXfer:
    """A transfer's retry state: ``<persistent_file_xfer>`` (C++ ``PERS_FILE_XFER``)."""

    #: Failed attempts so far.
    num_retries: int = 0
    #: When the first attempt started, Unix time.
    first_request_time: float = 0.0
    #: When the next attempt may start, Unix time.
    next_request_time: float = 0.0
    #: Time spent transferring, seconds.
    time_so_far: float = 0.0
    #: Bytes transferred by the attempts that ended.
    last_bytes_xferred: float = 0.0
    #: An upload (else a download).
    is_upload: bool = False


@attrs.frozen(kw_only=True, slots=False)
class FileXfer:
    """A transfer under way: ``<file_xfer>`` (C++ ``FILE_XFER``); present only while one runs."""

    #: Estimated time remaining, seconds (7.22+).
    estimated_xfer_time_remaining: float = 0.0
    #: Bytes transferred by this attempt.
    bytes_xferred: float = 0.0
    #: Offset this attempt started at, bytes.
    file_offset: float = 0.0
    #: Current rate, bytes per second.
    xfer_speed: float = 0.0
    #: The URL transferred from or to.
    url: str = ""


@attrs.frozen(kw_only=True, slots=False)
class FileTransfer:
    """A file waiting for or in transfer: ``<file_transfer>`` (C++ ``FILE_TRANSFER``).

    The C++ client library reports ``last_bytes_xferred`` as the bytes done
    (and never reads the live ``file_xfer.bytes_xferred``); both are here.
    """

    #: The project's master URL — with ``name``, the key of the transfer operations.
    project_url: str
    #: The project's name (not escaped).
    project_name: str = ""
    #: The file's name.
    name: str
    #: Size, bytes (the compressed size for a gzipped download).
    nbytes: float = 0.0
    #: Size limit, bytes (uploads).
    max_nbytes: float = 0.0
    #: The file's :class:`~boinc.gui_rpc.enums.FileStatus`, or a negative
    #: :class:`~boinc.gui_rpc.error_codes.ErrorCode` if the transfer failed for good.
    status: int = 0
    #: Retry state.
    persistent_file_xfer: PersistentFileXfer | None = None
    #: The transfer under way, if one is.
    file_xfer: FileXfer | None = None
    #: Project-wide back-off remaining, seconds (sent only while backing off).
    project_backoff: float = 0.0

    @property
    def is_upload(self) -> bool:
        """Whether this is an upload (C++ ``FILE_TRANSFER::is_upload``)."""
        return self.persistent_file_xfer is not None and self.persistent_file_xfer.is_upload

    @property
    def xfer_active(self) -> bool:
        """Whether a transfer is under way (C++ ``xfer_active``, set when ``<file_xfer>`` is present)."""
        return self.file_xfer is not None


@attrs.frozen(kw_only=True, slots=False)
class FileTransfers:
    """The reply of ``get_file_transfers``: ``<file_transfers>`` (C++ ``FILE_TRANSFERS``)."""

    xml_tag: ClassVar[str] = "file_transfers"

    #: The transfers.
    file_transfers: tuple[FileTransfer, ...] = xml_field(tag="file_transfer", default=())
