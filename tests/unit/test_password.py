"""Finding gui_rpc_auth.cfg the way boinccmd 7.20.5 does (spec §2.2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from boinc import _password as P
from boinc.client import find_password


def _write(directory: Path, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "gui_rpc_auth.cfg"
    path.write_text(text)
    return path


def test_the_working_directory_comes_first(tmp_path: Path) -> None:
    _write(tmp_path / "cwd", "  here \n")
    _write(tmp_path / "data", "there")
    found = P.read_gui_rpc_password(
        tmp_path / "cwd", platform="linux", config_file="/nonexistent", dirs=[str(tmp_path / "data")]
    )
    assert found == "here"


def test_only_the_first_line_up_to_255_characters(tmp_path: Path) -> None:
    _write(tmp_path, "x" * 300 + "\nsecond\n")
    assert P.read_password_file(tmp_path / "gui_rpc_auth.cfg") == "x" * 255
    _write(tmp_path, "pw\r\nsecond\n")
    assert P.read_password_file(tmp_path / "gui_rpc_auth.cfg") == "pw"
    _write(tmp_path, "")
    assert P.read_password_file(tmp_path / "gui_rpc_auth.cfg") == ""


def test_then_the_data_dirs_in_order(tmp_path: Path) -> None:
    _write(tmp_path / "new", "new")
    dirs = [str(tmp_path / "debian"), str(tmp_path / "new")]
    found = P.read_gui_rpc_password(tmp_path / "empty", platform="linux", config_file="/nonexistent", dirs=dirs)
    assert found == "new"
    _write(tmp_path / "debian", "debian")
    found = P.read_gui_rpc_password(tmp_path / "empty", platform="linux", config_file="/nonexistent", dirs=dirs)
    assert found == "debian"


def test_config_properties_names_the_data_dir(tmp_path: Path) -> None:
    _write(tmp_path / "custom", "custom")
    config = tmp_path / "config.properties"
    config.write_text(f"# comment\n  data_dir={tmp_path / 'custom'}  \nother=1\n")
    found = P.read_gui_rpc_password(tmp_path / "empty", platform="linux", config_file=str(config), dirs=[])
    assert found == "custom"


def test_config_properties_without_data_dir_is_an_error(tmp_path: Path) -> None:
    config = tmp_path / "config.properties"
    config.write_text("nothing=here\n")
    with pytest.raises(P.PasswordFileError, match=r"^No data_dir= found in .*config\.properties\.  See https://"):
        P.read_gui_rpc_password(tmp_path / "empty", platform="linux", config_file=str(config), dirs=[])


def test_config_properties_naming_a_dir_without_the_file(tmp_path: Path) -> None:
    config = tmp_path / "config.properties"
    config.write_text(f"data_dir={tmp_path / 'nope'}\n")
    with pytest.raises(P.PasswordFileError, match=r"nope/gui_rpc_auth\.cfg not found\.  See "):
        P.read_gui_rpc_password(tmp_path / "empty", platform="linux", config_file=str(config), dirs=[])


def test_nothing_found_gives_boinccmds_messages(tmp_path: Path) -> None:
    with pytest.raises(P.PasswordFileError, match=r"^gui_rpc_auth\.cfg not found\.  See https://boinc"):
        P.read_gui_rpc_password(tmp_path, platform="linux", config_file="/nonexistent", dirs=[])
    with pytest.raises(P.PasswordFileError, match=r"not found\.  Try reinstalling BOINC\.$"):
        P.read_gui_rpc_password(tmp_path, platform="darwin", dirs=[])


def test_an_unreadable_file_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, "pw")

    def refuse(path: object) -> str:
        raise PermissionError(13, "denied")

    monkeypatch.setattr(P, "read_password_file", refuse)
    with pytest.raises(P.PasswordFileError, match=r"^gui_rpc_auth\.cfg exists but can't be read\.  See "):
        P.read_gui_rpc_password(tmp_path, platform="linux")
    with pytest.raises(P.PasswordFileError, match=r"exists but can't be read\.  Make sure your account"):
        P.read_gui_rpc_password(tmp_path / "empty", platform="win32", dirs=[str(tmp_path)])


def test_platform_data_dirs() -> None:
    assert P.data_dirs("linux") == ["/var/lib/boinc-client", "/var/lib/boinc"]
    assert P.data_dirs("darwin") == ["/Library/Application Support/BOINC Data"]
    assert all(d.endswith("BOINC") or "BOINC" in d for d in P.data_dirs("win32"))


def test_find_password_prefers_argument_then_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOINC_PASSWORD", "from-env")
    assert find_password("given") == "given"
    assert find_password() == "from-env"
    monkeypatch.delenv("BOINC_PASSWORD")
    _write(tmp_path, "from-file")
    assert find_password() == "from-file"
