"""The hosts file: good files, every kind of mistake on one line with its line number, permissions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from boinc import errors
from boinc.cluster.hosts import load_hosts, local_hosts, parse_address, parse_hosts

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "hosts.toml"


def test_the_guide_example_parses() -> None:
    hosts = parse_hosts(EXAMPLE.read_text(), str(EXAMPLE))
    assert [h.name for h in hosts] == ["node1", "node2", "laptop"]
    assert (hosts[0].host, hosts[0].port, hosts[0].groups) == ("node1.lab.example", 31416, ("lab", "gpu"))
    assert hosts[0].password_file == str(EXAMPLE.parent / "secrets" / "node1.cfg")
    assert (hosts[2].host, hosts[2].port, hosts[2].password) == ("2001:db8::5", 31416, "an inline password")
    assert "an inline password" not in repr(hosts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("node", ("node", 31416)),
        ("node:1234", ("node", 1234)),
        ("10.0.0.1:5", ("10.0.0.1", 5)),
        ("[::1]:31417", ("::1", 31417)),
        ("[fe80::1]", ("fe80::1", 31416)),
        ("::1", ("::1", 31416)),
    ],
)
def test_addresses(text: str, expected: tuple[str, int]) -> None:
    assert parse_address(text) == expected


@pytest.mark.parametrize("text", ["", "host:0", "host:70000", "host:x", "[::1", ":5"])
def test_bad_addresses(text: str) -> None:
    with pytest.raises(ValueError, match="address"):
        parse_address(text)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('[[host]]\naddress = "a"\n[[host]\n', 3, "not valid TOML"),
        ('[[host]]\nname = "a"\naddress = "a"\n\n[[host]]\naddress = "b"\nname = "a"\n', 7, "duplicate name 'a'"),
        ('[[host]]\nname = "a"\naddress = "a:99999"\n', 3, "bad address"),
        ('[[host]]\nname = "a"\n', 1, "needs an address"),
        ('[[host]]\naddress = "a"\npasword = "x"\n', 3, "unknown key 'pasword'"),
        ('[[host]]\naddress = "a"\npassword = "x"\npassword_file = "y"\n', 4, "not both"),
        ('[[host]]\naddress = "a"\ngroups = "gpu"\n', 3, "groups must be a list"),
        ("[[host]]\naddress = 5\n", 2, "address must be a string"),
        ('[[host]]\naddress = "a"\nname = "x/y"\n', 3, "bad name"),
    ],
)
def test_mistakes_name_file_and_line(text: str, line: int, words: str) -> None:
    with pytest.raises(errors.HostsFileError) as info:
        parse_hosts(text, "cluster.toml")
    message = str(info.value)
    assert message.startswith(f"cluster.toml:{line}: ")
    assert words in message
    assert "\n" not in message
    assert (info.value.path, info.value.line) == ("cluster.toml", line)


@pytest.mark.parametrize("text", ["", 'title = "x"\n', "host = 5\n"])
def test_files_without_hosts(text: str) -> None:
    with pytest.raises(errors.HostsFileError, match=r"^cluster.toml: "):
        parse_hosts(text, "cluster.toml")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(errors.HostsFileError, match="no such file"):
        load_hosts(tmp_path / "nope.toml")


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_a_file_with_passwords_must_be_private(tmp_path: Path) -> None:
    path = tmp_path / "hosts.toml"
    path.write_text('[[host]]\naddress = "a"\npassword = "pw"\n')
    path.chmod(0o644)
    with pytest.raises(errors.HostsFileError) as info:
        load_hosts(path)
    assert f"chmod 600 {path}" in str(info.value) and "-rw-r--r--" in str(info.value)
    assert "pw" not in str(info.value).replace("passwords", "")
    path.chmod(0o600)
    assert load_hosts(path)[0].password == "pw"
    # without inline passwords the mode does not matter
    path.write_text('[[host]]\naddress = "a"\npassword_file = "pw.cfg"\n')
    path.chmod(0o644)
    assert load_hosts(path)[0].password_file == str(tmp_path / "pw.cfg")


def test_without_a_hosts_file_the_local_client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOINC_HOST", "127.0.0.1:31999")
    monkeypatch.setenv("BOINC_PASSWORD", "from-env")
    [host] = local_hosts()
    assert (host.host, host.port, host.password) == ("127.0.0.1", 31999, "from-env")
    monkeypatch.delenv("BOINC_HOST")
    monkeypatch.delenv("BOINC_PASSWORD")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "gui_rpc_auth.cfg").write_text("from-file\n")
    [host] = local_hosts()
    assert (host.host, host.port, host.password) == ("localhost", 31416, "from-file")
