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


def test_history_holds_the_clients_old_results(web_fleet: WebFleet, web_server: WebServer) -> None:
    expected = {}
    for name in REAL:
        with rpc(web_fleet.clients[name]) as client:
            for old in client.get_old_results():
                expected[(name, old.result_name)] = old
    assert len(expected) == 12  # six per seeded client

    def recorded() -> Any:
        data = get_json(web_server, "/api/history?hours=744&limit=1000")
        return data if {(t["host"], t["name"]) for t in data["recent"]} >= set(expected) else None

    data = wait_for("the history to hold every old result", recorded, timeout=60)
    assert len(data["recent"]) == len(expected)
    for task in data["recent"]:
        old = expected[(task["host"], task["name"])]
        assert task["completed"] == old.completed_time and task["elapsed"] == old.elapsed_time
    hours = {}
    for old in expected.values():
        hour = old.completed_time // 3600 * 3600
        hours[hour] = hours.get(hour, 0) + 1
    assert {p["hour"]: p["count"] for p in data["per_hour"] if p["count"]} == hours
    status, html = get(web_server, "/history?hours=744")
    assert status == 200 and html.count('class="bar"') == 744
    for _host, name in expected:
        assert name in html


def test_metrics_of_the_clients(web_fleet: WebFleet, web_server: WebServer) -> None:
    status, body = get(web_server, "/metrics")
    assert status == 200
    for name in REAL:
        assert f'boinc_up{{host="{name}"}} 1.0' in body
    for name in ("refused", "silent", "wrong-password"):
        assert f'boinc_up{{host="{name}"}} 0.0' in body
    with rpc(web_fleet.clients["plain"]) as client:
        counts = TaskCounts.of(client.get_results())
    assert f'boinc_tasks{{host="plain",state="waiting"}} {float(counts.waiting)}' in body


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
