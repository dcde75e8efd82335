"""The web app over HTTP (waitress) on real 7.20.5 clients and dead hosts: pages and JSON hold what the clients hold."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from typing import Any

import pytest

from boinc.cluster.model import TaskCounts
from boinc.cluster.web import WebServer
from boinc.gui_rpc import RpcClient
from tests.realclient import HOST, RealClient
from tests.web_rig import EVIL, LOGIN, WebFleet, wait_for

REAL = ("fresh", "evil", "plain")


def get(server: WebServer, path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(server.url + path.lstrip("/"), headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def get_json(server: WebServer, path: str) -> Any:
    status, body = get(server, path)
    assert status == 200, body
    return json.loads(body)


def rpc(client: RealClient) -> RpcClient:
    rpc = RpcClient(HOST, client.port, timeout=30)
    rpc.authorize(client.password)
    return rpc


def test_overview_holds_what_the_clients_hold(web_fleet: WebFleet, web_server: WebServer) -> None:
    data = get_json(web_server, "/api/overview")
    rows = {h["name"]: h for h in data["hosts"]}
    assert list(rows) == ["fresh", "evil", "plain", "refused", "silent", "wrong-password"]
    assert {n: rows[n]["reason"] for n in rows if not rows[n]["up"]} == {
        "refused": "refused",
        "silent": "timed out",
        "wrong-password": "wrong password",
    }
    for name in REAL:
        with rpc(web_fleet.clients[name]) as client:
            results = client.get_results()
            projects = client.get_project_status()
            status = client.get_cc_status()
        row = rows[name]
        assert row["up"] is True
        assert row["counts"] == TaskCounts.of(results).as_dict()
        assert sum(row["counts"].values()) == len(results)
        assert row["projects"] == [p.project_name for p in projects]
        assert row["modes"]["run"]["mode"] == {1: "always", 2: "auto", 3: "never"}[int(status.task_mode)]
    assert rows["evil"]["projects"][0] == EVIL
    down = {a["host"] for a in data["attention"] if a["kind"] == "host_down"}
    assert down == {"refused", "silent", "wrong-password"}
    errored = {a["host"]: a["count"] for a in data["attention"] if a["kind"] == "task_errors"}
    assert errored == {n: rows[n]["counts"]["error"] for n in REAL if rows[n]["counts"]["error"]}


def test_host_page_holds_the_clients_tasks_and_projects(web_fleet: WebFleet, web_server: WebServer) -> None:
    for name in ("evil", "plain"):
        with rpc(web_fleet.clients[name]) as client:
            results = client.get_results()
            transfers = client.get_file_transfers()
        data = get_json(web_server, f"/api/hosts/{name}")
        assert [t["name"] for t in data["tasks"]] == [r.name for r in results]
        assert sorted(t["name"] for t in data["transfers"]) == sorted(t.name for t in transfers)
        status, html = get(web_server, f"/hosts/{name}")
        assert status == 200
        for result in results:
            assert result.name in html
    status, html = get(web_server, "/hosts/evil")
    assert "&lt;script&gt;document.title=" in html and EVIL not in html
    status, html = get(web_server, "/hosts/silent")
    assert status == 200 and "timed out" in html


def test_history_page_and_metrics(web_server: WebServer) -> None:
    assert get(web_server, "/history")[0] == 200
    status, body = get(web_server, "/metrics")
    if web_server.app.extensions["boinc_cluster"].metrics is None:
        pytest.skip("no metrics module yet")
    assert status == 200 and "fresh" in body


def _every_response(server: WebServer, names: list[str]) -> list[str]:
    paths = ["/", "/history", "/login", "/api/overview", "/api/history", "/metrics", "/nope", "/api/nope"]
    for name in names:
        paths += [f"/hosts/{name}", f"/api/hosts/{name}"]
    return [get(server, p)[1] for p in paths]


def test_gui_rpc_passwords_never_reach_a_page_json_or_log(
    web_fleet: WebFleet, web_server: WebServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    names = [c.name for c in web_fleet.configs]
    bodies = _every_response(web_server, names)
    # control outcomes too (errors from dead hosts), through the API with a logged-in session's CSRF header
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    page = opener.open(web_server.url + "login").read().decode()
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    form = urllib.parse.urlencode({"password": LOGIN, "csrf_token": token}).encode()
    bodies.append(opener.open(web_server.url + "login", data=form).read().decode())
    csrf = bodies[-1].split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    request = urllib.request.Request(
        web_server.url + "api/control/projects",
        data=json.dumps({"hosts": names, "project_url": "http://127.0.0.1:9/alpha/", "op": "update"}).encode(),
        headers={"Content-Type": "application/json", "X-CSRF-Token": csrf},
    )
    outcome = opener.open(request).read().decode()
    bodies.append(outcome)
    assert json.loads(outcome)["results"]["refused"]
    text = "\n".join(bodies) + "\n".join(r.getMessage() for r in caplog.records)
    for password in web_fleet.passwords:
        assert password not in text
    wait_for(
        "the poller to settle again",
        lambda: all(h.up or h.reason is not None for h in web_server.poller.snapshot.hosts.values()),
        timeout=60,
    )
