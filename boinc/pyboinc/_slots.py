"""BOINC slot-directory facts: soft-link files, ``init_data.xml`` and the wrapper's file names.

Standard library only: this module also runs on volunteer hosts.

A BOINC client runs each task in ``slots/<N>/``. Every input and output file
appears there under its logical name as a *soft-link file* whose one line is
``<soft_link>../../projects/<project>/<physical name></soft_link>``; the path is
relative to the slot directory. An application resolves a logical name by
reading that line (a missing file, or one without the tag, resolves to itself)
and must write its outputs to the resolved path.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from xml.sax.saxutils import escape

__all__ = [
    "CHECKPOINT_FILE",
    "FRACTION_DONE_FILE",
    "INIT_DATA_FILE",
    "INPUT_NAME",
    "OUTPUT_NAME",
    "STDERR_FILE",
    "atomic_write",
    "init_data_text",
    "resolve",
    "soft_link_text",
    "write_init_data",
    "write_soft_link",
]

#: Logical name of a job's input file (the input template's ``open_name``).
INPUT_NAME = "input"
#: Logical name of a job's output file (the output template's ``open_name``).
OUTPUT_NAME = "output"
#: The wrapper's ``<fraction_done_filename>`` in the job.xml that ``make-app`` writes.
FRACTION_DONE_FILE = "pyboinc_fraction_done"
#: The wrapper's ``<checkpoint_filename>`` in the job.xml that ``make-app`` writes.
CHECKPOINT_FILE = "pyboinc_checkpoint"
#: Written by the client into every slot.
INIT_DATA_FILE = "init_data.xml"
#: Where the client sends a task's stderr (stdout goes to /dev/null on Unix).
STDERR_FILE = "stderr.txt"

_SOFT_LINK = re.compile(r"<soft_link>(.*?)</soft_link>")


def soft_link_text(project_dir_name: str, physical_name: str) -> str:
    """Return the content of a soft-link file, exactly as a BOINC client writes it."""
    return f"<soft_link>../../projects/{project_dir_name}/{physical_name}</soft_link>\n"


def write_soft_link(slot_dir: str, logical_name: str, project_dir_name: str, physical_name: str) -> None:
    """Create the soft-link file *logical_name* in *slot_dir*.

    Raises:
        OSError: the file cannot be written.
    """
    with open(os.path.join(slot_dir, logical_name), "w", encoding="utf-8") as f:
        f.write(soft_link_text(project_dir_name, physical_name))


def resolve(logical_name: str, slot_dir: str = ".") -> str:
    """Resolve a logical file name the way a BOINC application does.

    A real symlink resolves to itself. Otherwise the file's first line is read;
    if it holds ``<soft_link>X</soft_link>``, the result is X joined to
    *slot_dir* (X is relative to the slot). A missing file, or one without the
    tag, resolves to the name itself.

    Args:
        logical_name: the name as the application knows it, e.g. ``input``.
        slot_dir: the slot directory; the current directory by default.

    Returns:
        The path to open.
    """
    path = os.path.join(slot_dir, logical_name)
    if os.path.islink(path):
        return path
    try:
        with open(path, "rb") as f:
            first = f.readline(512)
    except OSError:
        return path
    m = _SOFT_LINK.search(first.decode("utf-8", "replace"))
    if m is None:
        return path
    return os.path.join(slot_dir, m.group(1))


def init_data_text(fields: Mapping[str, str | int | float]) -> str:
    """Return an ``init_data.xml`` document: ``<app_init_data>`` with one element per field."""
    lines = ["<app_init_data>"]
    for key, value in fields.items():
        text = value if isinstance(value, str) else repr(value)
        lines.append(f"<{key}>{escape(text)}</{key}>")
    lines.append("</app_init_data>\n")
    return "\n".join(lines)


def write_init_data(slot_dir: str, fields: Mapping[str, str | int | float]) -> None:
    """Write ``init_data.xml`` into *slot_dir* (see :func:`init_data_text`).

    Raises:
        OSError: the file cannot be written.
    """
    with open(os.path.join(slot_dir, INIT_DATA_FILE), "w", encoding="utf-8") as f:
        f.write(init_data_text(fields))


def atomic_write(path: str, data: bytes, *, sync: bool = True) -> None:
    """Write *data* to *path* through a temporary file and a rename.

    With ``sync``, the file and then its directory are flushed to disk, so a
    crash at any instant leaves either the old file or the new one.

    Raises:
        OSError: the file cannot be written.
    """
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(data)
        if sync:
            f.flush()
            os.fsync(f.fileno())
    os.replace(tmp, path)
    if sync:
        fd = os.open(os.path.dirname(path) or ".", os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
