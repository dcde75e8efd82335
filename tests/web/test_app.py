"""The web app on a hand-made snapshot: pages, JSON API, login, CSRF, control and escaping (no sockets)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from boinc.cluster.history import FinishedTask, History, Outcome
from boinc.cluster.web import create_app, is_loopback, startup_notes
from boinc.gui_rpc.enums import RunMode
from tests.web.fake import EVIL, SECRET, URL_A, URL_EVIL, FakePoller, InlineRunner, verify

PASSWORD = "login-pw"
TOKEN = "api-token-123"


def make_app(poller: FakePoller | None = None, **options: Any) -> Flask:
    options.setdefault("password_hash", "plain:" + PASSWORD)
    options.setdefault("token_hash", "plain:" + TOKEN)
    app = create_app(poller or FakePoller(), runner=InlineRunner(), verify_password=verify, **options)
    app.testing = True
    return app


@pytest.fixture
def poller() -> FakePoller:
    return FakePoller()


@pytest.fixture
def client(poller: FakePoller) -> FlaskClient:
    return make_app(poller).test_client()


def csrf(client: FlaskClient, path: str = "/") -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert match is not None
    return match.group(1)


def log_in(client: FlaskClient) -> str:
    reply = client.post("/login", data={"password": PASSWORD, "csrf_token": csrf(client, "/login")})
    assert reply.status_code == 302
    return csrf(client)


# -- pages and their JSON ----------------------------------------------------------------------


def test_overview_shows_every_host_with_its_state_counts_and_attention(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    for name in ("node1", "node2", "node3"):
        assert f'data-host="{name}"' in html
    assert re.search(r'data-host="node3">.*?<span class="down">down</span> <span class="reason">refused', html, re.S)
    data = client.get("/api/overview").get_json()
    assert [h["name"] for h in data["hosts"]] == ["node1", "node2", "node3"]
    node1 = data["hosts"][0]
    assert node1["counts"] == {"running": 2, "waiting": 2, "suspended": 1, "ready_to_report": 1, "error": 1}
    assert node1["modes"]["run"]["mode"] == "auto"
    assert node1["modes"]["gpu"] == {"mode": "never", "perm": "auto", "delay": 1800.0, "suspended": "user request"}
    assert data["hosts"][2]["up"] is False and data["hosts"][2]["reason"] == "refused"
    kinds = {(a["kind"], a["host"]) for a in data["attention"]}
    assert kinds == {("host_down", "node3"), ("task_errors", "node1"), ("deadline", "node1"), ("backoff", "node1")}
    late = next(a for a in data["attention"] if a["kind"] == "deadline")
    assert [t["name"] for t in late["tasks"]] == ["task_late"]


def test_host_page_and_json(client: FlaskClient) -> None:
    html = client.get("/hosts/node1").get_data(as_text=True)
    assert "<progress" in html and "task_running" in html and "in_1.dat" in html and "Fine news" in html
    data = client.get("/api/hosts/node1").get_json()
    assert {t["name"] for t in data["tasks"]} >= {"task_running", "task_late", "task_error"}
    running = next(t for t in data["tasks"] if t["name"] == "task_running")
    assert running["fraction_done"] == 0.25 and running["time_left"] == pytest.approx(3 * 3600)
    assert [p["name"] for p in data["projects"]] == ["Alpha@Lab", EVIL]
    assert data["transfers"][0]["direction"] == "download"
    assert client.get("/hosts/nope").status_code == 404
    assert client.get("/api/hosts/nope").get_json()["code"] == 404


def test_history_without_a_database_says_so(client: FlaskClient) -> None:
    assert "No task history" in client.get("/history").get_data(as_text=True)
    assert client.get("/api/history").get_json()["available"] is False


def test_history_chart_counts_per_hour(poller: FakePoller) -> None:
    hour = (poller.snapshot.taken_at // 3600) * 3600
    history = History(":memory:", retention=None)
    history.add(
        FinishedTask(host="node1", project_url=URL_A, name=f"t{i}", completed_time=hour + i, elapsed_time=100.0)
        for i in range(7)
    )
    history.add(
        FinishedTask(
            host="node2",
            project_url=URL_EVIL,
            name=f"{EVIL}{i}",
            completed_time=hour - 3600 + i,
            outcome=Outcome.ERROR,
            exit_status=-1,
        )
        for i in range(3)
    )
    client = make_app(poller, history=history).test_client()
    data = client.get("/api/history?hours=24").get_json()
    assert len(data["per_hour"]) == 24 and data["total"] == 10
    assert [p["count"] for p in data["per_hour"][-2:]] == [3, 7]
    assert data["recent"][0] == {
        "host": "node1",
        "project": "Alpha@Lab",
        "project_url": URL_A,
        "name": "t6",
        "app": "",
        "completed": hour + 6,
        "elapsed": 100.0,
        "cpu_time": 0.0,
        "exit_status": 0,
        "outcome": "success",
        "reported": False,
    }
    only = client.get("/api/history?hours=24&host=node2").get_json()
    assert only["total"] == 3 and {t["host"] for t in only["recent"]} == {"node2"}
    assert only["recent"][0]["project"] == EVIL
    html = client.get("/history?hours=24").get_data(as_text=True)
    assert html.count('class="bar"') == 24 and "<svg" in html
    assert "<script>document" not in html and "&lt;script&gt;document" in html


# -- untrusted text ----------------------------------------------------------------------------


def test_host_strings_are_text_everywhere(client: FlaskClient) -> None:
    log_in(client)
    for path in ("/", "/hosts/node1", "/history"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>document" not in html, path
        assert "<b>bold</b>" not in html
        assert 'href="javascript:' not in html
    html = client.get("/hosts/node1").get_data(as_text=True)
    assert "&lt;script&gt;document.title" in html
    assert 'href="https://alpha.example/news"' in html
    notices = client.get("/api/hosts/node1").get_json()["notices"]
    assert notices[0]["title"] == EVIL and notices[0]["link"] == ""


def test_security_headers(client: FlaskClient) -> None:
    reply = client.get("/")
    assert "script-src 'self'" in reply.headers["Content-Security-Policy"]
    assert reply.headers["X-Frame-Options"] == "DENY"
    assert reply.headers["Cache-Control"] == "no-store"


# -- login and control -------------------------------------------------------------------------


def test_control_without_login_is_refused(client: FlaskClient, poller: FakePoller) -> None:
    token = csrf(client)
    form = {"csrf_token": token, "hosts": "node1", "action": "mode", "kind": "run", "mode": "never"}
    reply = client.post("/control/hosts", data=form)
    assert reply.status_code == 403 and "Log in" in reply.get_data(as_text=True)
    reply = client.post("/api/control/modes", json={"hosts": ["node1"], "kind": "run", "mode": "never"})
    assert reply.status_code == 401 and reply.headers["WWW-Authenticate"].startswith("Bearer")
    reply = client.post(
        "/api/control/modes",
        json={"hosts": ["node1"], "kind": "run", "mode": "never"},
        headers={"Authorization": "Bearer wrong"},
    )
    assert reply.status_code == 401
    assert poller.calls == []


def test_wrong_password_and_forms_without_csrf_are_refused(client: FlaskClient, poller: FakePoller) -> None:
    reply = client.post("/login", data={"password": "nope", "csrf_token": csrf(client, "/login")})
    assert reply.status_code == 403 and "Wrong password" in reply.get_data(as_text=True)
    assert client.post("/login", data={"password": PASSWORD}).status_code == 400
    log_in(client)
    form = {"hosts": "node1", "action": "mode", "kind": "run", "mode": "never"}
    assert client.post("/control/hosts", data=form).status_code == 400
    assert client.post("/control/hosts", data={**form, "csrf_token": "forged"}).status_code == 400
    # the session cookie alone does not do for the API: it needs the CSRF header too
    assert client.post("/api/control/modes", json={**form, "hosts": ["node1"]}).status_code == 401
    assert poller.calls == []


def test_logged_in_mode_change_on_selected_hosts(client: FlaskClient, poller: FakePoller) -> None:
    token = log_in(client)
    form = {
        "csrf_token": token,
        "hosts": ["node1", "node3"],
        "action": "mode",
        "kind": "gpu",
        "mode": "never",
        "duration": "600",
    }
    reply = client.post("/control/hosts", data=form, follow_redirects=True)
    assert poller.calls == [("set_gpu_mode", ["node1", "node3"], RunMode.NEVER, 600.0)]
    html = reply.get_data(as_text=True)
    assert "Done: gpu mode never for 600 s on 1 host." in html and "node3: " in html
    reply = client.post(
        "/api/control/modes",
        json={"hosts": ["node2"], "kind": "run", "mode": "always"},
        headers={"X-CSRF-Token": token},
    )
    assert reply.get_json() == {"ok": True, "action": "run mode always", "results": {"node2": None}}


def test_project_and_checkpoint_actions(client: FlaskClient, poller: FakePoller) -> None:
    token = log_in(client)
    client.post(
        "/control/hosts",
        data={
            "csrf_token": token,
            "hosts": "node1",
            "action": "project",
            "project_url": URL_A,
            "op": "nomorework",
            "next": "/hosts/node1",
        },
    )
    client.post("/control/hosts", data={"csrf_token": token, "hosts": ["node1", "node2"], "action": "checkpoint"})
    assert poller.calls == [
        ("project_op", ["node1"], URL_A, "nomorework"),
        ("suspend_at_checkpoint", ["node1", "node2"], None),
    ]


def test_abort_asks_for_a_confirmation(client: FlaskClient, poller: FakePoller) -> None:
    token = log_in(client)
    fields = {"csrf_token": token, "host": "node1", "project_url": URL_A, "name": "task_waiting", "op": "abort"}
    html = client.post("/control/task", data=fields).get_data(as_text=True)
    assert "Abort this task?" in html and poller.calls == []
    reply = client.post("/control/task", data={**fields, "confirm": "yes"})
    assert reply.status_code == 302 and reply.headers["Location"].endswith("/hosts/node1")
    assert poller.calls == [("result_op", "node1", URL_A, "task_waiting", "abort")]
    client.post("/control/task", data={**fields, "op": "suspend_at_checkpoint"})
    assert poller.calls[-1] == ("suspend_at_checkpoint", ["node1"], [(URL_A, "task_waiting")])


def test_bearer_token_api(client: FlaskClient, poller: FakePoller) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    body = {"host": "node1", "project_url": URL_A, "name": "task_waiting", "op": "abort"}
    assert client.post("/api/control/tasks", json=body, headers=auth).status_code == 400  # no confirm
    reply = client.post("/api/control/tasks", json={**body, "confirm": True}, headers=auth)
    assert reply.get_json()["ok"] is True
    bad = client.post(
        "/api/control/projects", json={"hosts": ["ghost"], "project_url": URL_A, "op": "update"}, headers=auth
    )
    assert bad.status_code == 400 and "no such host: ghost" in bad.get_json()["error"]
    bad = client.post("/api/control/modes", json={"hosts": ["node1"], "kind": "run", "mode": "sometimes"}, headers=auth)
    assert bad.status_code == 400 and "unknown mode" in bad.get_json()["error"]
    assert len(poller.calls) == 1


def test_no_login_configured_refuses_control() -> None:
    poller = FakePoller()
    client = make_app(poller, password_hash=None, token_hash=None).test_client()
    html = client.get("/").get_data(as_text=True)
    assert "no login is configured" in html
    reply = client.post("/api/control/modes", json={"hosts": ["node1"], "kind": "run", "mode": "never"})
    assert reply.status_code == 403 and "no login is configured" in reply.get_json()["error"]
    form = {"csrf_token": csrf(client), "hosts": "node1", "action": "mode", "kind": "run", "mode": "never"}
    assert client.post("/control/hosts", data=form).status_code == 403
    assert poller.calls == []


def _metrics(environ: Any, start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"m 1\n"]


def test_login_to_view_guards_pages_api_and_metrics() -> None:
    client = make_app(login_to_view=True, metrics=_metrics).test_client()
    reply = client.get("/hosts/node1")
    assert reply.status_code == 302 and "/login" in reply.headers["Location"]
    assert client.get("/api/overview").status_code == 401
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).data == b"m 1\n"
    log_in(client)
    assert client.get("/hosts/node1").status_code == 200


def test_login_redirects_only_within_the_site(client: FlaskClient) -> None:
    for target, expected in (("/hosts/node1", "/hosts/node1"), ("//evil.example/x", "/"), ("http://evil/", "/")):
        token = csrf(client, "/login")
        reply = client.post("/login", data={"password": PASSWORD, "csrf_token": token, "next": target})
        assert reply.headers["Location"] == expected


def test_startup_notes() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0")
    assert startup_notes("127.0.0.1", password_hash="h", token_hash=None) == []
    notes = startup_notes("0.0.0.0", password_hash=None, token_hash=None)
    assert any("control is refused" in n for n in notes) and any("0.0.0.0" in n for n in notes)


def test_attention_puts_hosts_down_first_and_the_page_lists_a_bounded_number() -> None:
    from boinc.cluster.model import ClusterSnapshot, HostSnapshot, Reason
    from boinc.cluster.web._app import ATTENTION_SHOWN

    base = FakePoller().snapshot
    hosts = dict(base.hosts)
    for i in range(ATTENTION_SHOWN + 50):
        hosts[f"dead{i}"] = HostSnapshot(name=f"dead{i}", up=False, reason=Reason.TIMED_OUT)
    client = make_app(FakePoller(ClusterSnapshot(hosts=hosts, taken_at=base.taken_at))).test_client()
    items = client.get("/api/overview").get_json()["attention"]
    kinds = [a["kind"] for a in items]
    assert kinds == ["host_down"] * (ATTENTION_SHOWN + 51) + ["deadline", "task_errors", "backoff"]
    html = client.get("/").get_data(as_text=True)
    assert html.count('<li class="host_down">') == ATTENTION_SHOWN
    assert f"… and {len(items) - ATTENTION_SHOWN} more" in html


def test_every_asset_ships_in_the_package_and_none_comes_from_elsewhere(client: FlaskClient) -> None:
    import fnmatch
    import sys
    from pathlib import Path

    import boinc.cluster.web as web

    toml = pytest.importorskip("tomllib" if sys.version_info >= (3, 11) else "tomli")

    root = Path(web.__file__).parent
    pyproject = toml.loads((Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    globs = pyproject["tool"]["setuptools"]["package-data"]["boinc.cluster.web"]
    assets = [p.relative_to(root).as_posix() for d in ("templates", "static") for p in (root / d).iterdir()]
    assert assets and all(any(fnmatch.fnmatch(a, g) for g in globs) for a in assets), (assets, globs)
    html = client.get("/hosts/node1").get_data(as_text=True)
    for url in re.findall(r'(?:src|<link[^>]*href)="([^"]*)"', html):
        assert url.startswith("/static/"), url
    for asset in ("style.css", "app.js"):
        reply = client.get(f"/static/{asset}")
        assert reply.status_code == 200
        reply.close()


def test_failed_logins_throttle_logins() -> None:
    from boinc.cluster.web._auth import FAILED_LOGIN_WINDOW, MAX_FAILED_LOGINS, Login

    now = [1000.0]
    login = Login("plain:pw", None, verify, clock=lambda: now[0])
    for _ in range(MAX_FAILED_LOGINS):
        assert not login.throttled()
        assert not login.check_password("guess")
    assert login.throttled()
    now[0] += FAILED_LOGIN_WINDOW + 1
    assert not login.throttled() and login.check_password("pw")
    client = make_app().test_client()
    for _ in range(MAX_FAILED_LOGINS):
        assert (
            client.post("/login", data={"password": "guess", "csrf_token": csrf(client, "/login")}).status_code == 403
        )
    reply = client.post("/login", data={"password": PASSWORD, "csrf_token": csrf(client, "/login")})
    assert reply.status_code == 429 and "Too many failed logins" in reply.get_data(as_text=True)


def test_groups_select_hosts_to_show_and_to_control(client: FlaskClient, poller: FakePoller) -> None:
    data = client.get("/api/overview?group=lab").get_json()
    assert [h["name"] for h in data["hosts"]] == ["node1"] and data["group"] == "lab" and data["groups"] == ["lab"]
    assert {a["host"] for a in data["attention"]} == {"node1"}
    assert client.get("/api/overview?group=nope").status_code == 404
    html = client.get("/").get_data(as_text=True)
    assert 'href="/?group=lab"' in html and 'id="bulk-group"' in html
    auth = {"Authorization": f"Bearer {TOKEN}"}
    body = {"groups": ["lab"], "hosts": ["node2"], "kind": "network", "mode": "never"}
    assert client.post("/api/control/modes", json=body, headers=auth).get_json()["ok"] is True
    bad = client.post("/api/control/modes", json={**body, "groups": ["nope"]}, headers=auth)
    assert bad.status_code == 400 and "no such group: nope" in bad.get_json()["error"]
    token = log_in(client)
    form = {"csrf_token": token, "groups": "lab", "action": "checkpoint"}
    client.post("/control/hosts", data=form)
    assert poller.calls == [
        ("set_network_mode", ["node1", "node2"], RunMode.NEVER, 0.0),
        ("suspend_at_checkpoint", ["node1"], None),
    ]


class _DeadRunner:
    def call(self, coro: Any, timeout: float | None = None) -> Any:
        coro.close()
        raise RuntimeError("the poller thread is not running")


def test_control_while_the_poller_is_down_reports_it_per_host(poller: FakePoller) -> None:
    app = create_app(poller, runner=_DeadRunner(), verify_password=verify, token_hash="plain:" + TOKEN)
    reply = app.test_client().post(
        "/api/control/modes",
        json={"hosts": ["node1"], "kind": "run", "mode": "never"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert reply.get_json()["results"] == {"node1": "the poller thread is not running"}


class _Exploding:
    @property
    def snapshot(self) -> Any:
        raise KeyError(f"password={SECRET}")


def test_an_internal_error_shows_nothing_of_the_exception() -> None:
    client = create_app(_Exploding(), verify_password=verify).test_client()
    for path in ("/", "/api/overview"):
        reply = client.get(path)
        assert reply.status_code == 500
        assert SECRET not in reply.get_data(as_text=True) and "KeyError" not in reply.get_data(as_text=True)
    assert client.get("/api/overview").get_json() == {"error": "internal error", "code": 500}


def test_transfer_retry_and_abort_after_a_confirmation(client: FlaskClient, poller: FakePoller) -> None:
    token = log_in(client)
    fields = {"csrf_token": token, "what": "transfer", "host": "node1", "project_url": URL_A, "name": "in_1.dat"}
    assert 'value="transfer"' in client.get("/hosts/node1").get_data(as_text=True)
    client.post("/control/task", data={**fields, "op": "retry"})
    html = client.post("/control/task", data={**fields, "op": "abort"}).get_data(as_text=True)
    assert "Abort this transfer?" in html and "the task that needs the file fails" in html
    assert poller.calls == [("file_transfer_op", "node1", URL_A, "in_1.dat", "retry")]
    client.post("/control/task", data={**fields, "op": "abort", "confirm": "yes"})
    assert poller.calls[-1] == ("file_transfer_op", "node1", URL_A, "in_1.dat", "abort")
    auth = {"Authorization": f"Bearer {TOKEN}"}
    body = {"host": "node1", "project_url": URL_A, "name": "in_1.dat", "op": "abort"}
    assert client.post("/api/control/transfers", json=body, headers=auth).status_code == 400
    assert client.post("/api/control/transfers", json={**body, "confirm": True}, headers=auth).get_json()["ok"]
    assert client.post("/api/control/nope", json=body, headers=auth).status_code == 404
