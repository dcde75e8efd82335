"""WebServer: waitress and the poller in one process, and what binding a non-loopback address changes.

``serve()`` itself (its start-up lines, Ctrl-C) is run by tests/web/test_guide_examples.py.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from boinc.cluster.hosts import hash_password
from boinc.cluster.poller import Poller
from boinc.cluster.web import WebServer


def _post(url: str, body: dict[str, object]) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, json.load(reply)
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, json.load(exc)


def test_a_non_loopback_bind_without_a_login_refuses_control_and_says_so() -> None:
    with WebServer(Poller([]), host="0.0.0.0", port=0) as server:
        assert any("control is refused" in n for n in server.notes)
        assert any("0.0.0.0" in n for n in server.notes)
        url = f"http://127.0.0.1:{server.port}/"
        status, body = _post(url + "api/control/modes", {"hosts": [], "kind": "run", "mode": "never"})
        assert status == 403 and "no login is configured" in str(body["error"])
        with urllib.request.urlopen(url, timeout=30) as reply:
            assert "no login is configured" in reply.read().decode()


def test_a_non_loopback_bind_with_a_login_guards_the_pages_too() -> None:
    with WebServer(Poller([]), host="0.0.0.0", port=0, password_hash=hash_password("pw")) as server:
        assert server.notes == ["binding 0.0.0.0: pages, the JSON API and /metrics need a login or the bearer token"]
        url = f"http://127.0.0.1:{server.port}/"
        with urllib.request.urlopen(url + "hosts/x", timeout=30) as reply:  # redirected to the login form
            assert reply.url.startswith(url + "login?next=") and 'id="login-form"' in reply.read().decode()
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url + "api/overview", timeout=30)
        assert refused.value.code == 401
        refused.value.close()
