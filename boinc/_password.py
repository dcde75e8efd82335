"""Finding the GUI RPC password the way ``boinccmd`` does (``read_gui_rpc_password``, spec §2.2).

The core client keeps its password in ``gui_rpc_auth.cfg`` in its data
directory: the first line, at most 255 characters, stripped of surrounding
whitespace. :func:`read_gui_rpc_password` looks for the file

1. in the working directory;
2. on Linux, in the ``data_dir=`` named by ``/etc/boinc-client/config.properties``
   if that file exists (and nowhere else);
3. otherwise in the platform's data directory: ``/var/lib/boinc-client``
   (Debian, and upstream up to 8.0) then ``/var/lib/boinc`` (upstream 8.2+) on
   Linux; ``/Library/Application Support/BOINC Data`` on macOS; the registry's
   ``DATADIR`` (else ``%ProgramData%\\BOINC``) on Windows.

Failures raise :class:`PasswordFileError` with boinccmd's message.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing is not imported on the command's path
    from typing import Final

__all__ = [
    "GUI_RPC_PASSWD_FILE",
    "LINUX_CONFIG_FILE",
    "PasswordFileError",
    "data_dirs",
    "read_gui_rpc_password",
    "read_password_file",
]

#: The password file's name.
GUI_RPC_PASSWD_FILE: Final = "gui_rpc_auth.cfg"
#: Debian's client configuration, which may name the data directory.
LINUX_CONFIG_FILE: Final = "/etc/boinc-client/config.properties"
#: Linux data directories: Debian's (and upstream's up to 8.0), then upstream's from 8.2.
LINUX_DATA_DIRS: Final = ("/var/lib/boinc-client", "/var/lib/boinc")
MACOS_DATA_DIR: Final = "/Library/Application Support/BOINC Data"
_HELP_URL: Final = "https://boinc.berkeley.edu/gui_rpc.php"
_WINDOWS_KEY: Final = r"SOFTWARE\Space Sciences Laboratory, U.C. Berkeley\BOINC Setup"


class PasswordFileError(OSError):
    """No readable ``gui_rpc_auth.cfg`` was found; the message is boinccmd's."""


def read_password_file(path: str | os.PathLike[str]) -> str:
    """The password in a ``gui_rpc_auth.cfg``: its first line (≤ 255 characters), whitespace-stripped.

    Raises:
        OSError: the file cannot be opened or read.
    """
    with open(path, "rb") as f:
        line = f.readline(255)
    return line.decode("utf-8", "surrogateescape").strip(" \t\n\v\f\r")


def _windows_data_dir() -> str | None:
    try:
        import winreg  # type: ignore[import-not-found, unused-ignore]

        with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, _WINDOWS_KEY) as key:  # type: ignore[attr-defined, unused-ignore]
            value, _ = winreg.QueryValueEx(key, "DATADIR")  # type: ignore[attr-defined, unused-ignore]
            return str(value)
    except (ImportError, OSError):
        program_data = os.environ.get("PROGRAMDATA")
        return str(Path(program_data) / "BOINC") if program_data else None


def data_dirs(platform: str | None = None) -> list[str]:
    """The platform's BOINC data directories, in the order they are searched (step 3).

    Args:
        platform: a :data:`sys.platform` value; the running one by default.
    """
    platform = platform or sys.platform
    if platform.startswith("win"):
        found = _windows_data_dir()
        return [found] if found else []
    if platform == "darwin":
        return [MACOS_DATA_DIR]
    return list(LINUX_DATA_DIRS)


def _config_data_dir(config: str) -> str | None:
    with open(config, "rb") as f:
        for raw in f:
            line = raw.decode("utf-8", "surrogateescape").strip(" \t\n\v\f\r")
            pos = line.find("data_dir=")
            if pos >= 0:
                return line[pos + len("data_dir=") :]
    return None


def read_gui_rpc_password(
    cwd: str | os.PathLike[str] | None = None,
    *,
    platform: str | None = None,
    config_file: str = LINUX_CONFIG_FILE,
    dirs: list[str] | None = None,
) -> str:
    """Find and read the GUI RPC password like boinccmd (see the module's description).

    Args:
        cwd: where to look first; the working directory by default.
        platform: a :data:`sys.platform` value; the running one by default.
        config_file: Linux's ``config.properties`` (a parameter for tests).
        dirs: the data directories to try; :func:`data_dirs` by default.

    Returns:
        The password (possibly empty: an empty file means no password).

    Raises:
        PasswordFileError: no file was found, or one was found but cannot be read.
    """
    platform = platform or sys.platform
    first = Path(cwd) / GUI_RPC_PASSWD_FILE if cwd is not None else Path(GUI_RPC_PASSWD_FILE)
    linux = platform.startswith("linux")
    try:
        return read_password_file(first)
    except PermissionError as exc:
        raise PasswordFileError(f"{GUI_RPC_PASSWD_FILE} exists but can't be read.  {_hint(linux)}") from exc
    except OSError:
        pass
    if linux and os.path.exists(config_file):
        try:
            data_dir = _config_data_dir(config_file)
        except OSError:
            data_dir = None
        if data_dir is None:
            raise PasswordFileError(f"No data_dir= found in {config_file}.  See {_HELP_URL}")
        path = f"{data_dir}/{GUI_RPC_PASSWD_FILE}"
        return _read_or_raise(path, f"{path} not found.  See {_HELP_URL}", linux)
    candidates = dirs if dirs is not None else data_dirs(platform)
    for directory in candidates:
        path = os.path.join(directory, GUI_RPC_PASSWD_FILE)
        if os.path.exists(path):
            return _read_or_raise(path, f"{path} not found.  See {_HELP_URL}", linux)
    if linux:
        raise PasswordFileError(f"{GUI_RPC_PASSWD_FILE} not found.  See {_HELP_URL}")
    raise PasswordFileError(f"{GUI_RPC_PASSWD_FILE} not found.  Try reinstalling BOINC.")


def _read_or_raise(path: str, missing: str, linux: bool) -> str:
    try:
        return read_password_file(path)
    except PermissionError as exc:
        raise PasswordFileError(f"{path} exists but can't be read.  {_hint(linux)}") from exc
    except OSError as exc:
        raise PasswordFileError(missing) from exc


def _hint(linux: bool) -> str:
    return f"See {_HELP_URL}" if linux else "Make sure your account is in the 'boinc_users' group"
