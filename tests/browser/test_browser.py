"""A real browser (Debian's headless Chromium, driven by selenium) on the web app polling real 7.20.5 clients.

Under ``CI=true`` these tests run, never skip: ``.ci/run`` installs ``chromium`` and
``chromium-driver``.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from boinc.cluster.web import WebServer
from boinc.gui_rpc import RpcClient
from boinc.gui_rpc.enums import RunMode
from tests.realclient import HOST
from tests.web_rig import EVIL, LOGIN, WebFleet, wait_for

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
OPTIONS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def _require_chromium() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if importlib.util.find_spec("selenium") is None:
        missing.append("selenium (pip install -e '.[test]')")
    if not missing:
        return
    message = f"missing {', '.join(missing)} (apt-get install chromium chromium-driver)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}. CI=true requires the browser tests.", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    _require_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for option in OPTIONS:
        options.add_argument(option)
    profile: Path = tmp_path_factory.mktemp("chromium-profile")
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _left(browser: Any) -> bool:
    """Whether the page marked by :func:`_follow` has been replaced by a new, fully loaded one."""
    return bool(browser.execute_script(
        "return window.__before_click === undefined && document.readyState === 'complete'"))  # fmt: skip


def _follow(browser: Any, element: Any) -> None:
    """Click ``element`` and wait until the page it leads to has loaded (a click returns before that).

    The page is marked before the click (a variable of its window); a navigation brings a new
    window object without it. While the old document goes away, chromedriver may answer the click
    or a script with an "unhandled inspector error" instead of a result: the wait asks again, and
    a click that never happened ends in the wait's timeout.
    """
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    browser.execute_script("window.__before_click = true")
    try:
        element.click()
    except WebDriverException:
        pass  # the node went away under the click: the navigation is under way (never click twice: a form posts once)
    WebDriverWait(browser, 60, ignored_exceptions=(WebDriverException,)).until(_left)


def _row(driver: Any, name: str) -> object:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, f'tr[data-host="{name}"]')


def _text(driver: Any, css: str) -> str:
    from selenium.webdriver.common.by import By

    return str(driver.find_element(By.CSS_SELECTOR, css).text)


def test_overview_shows_every_host_with_its_state(browser: Any, web_server: WebServer) -> None:
    from selenium.webdriver.common.by import By

    browser.get(web_server.url)
    states = {
        row.get_attribute("data-host"): row.find_element(By.CSS_SELECTOR, "td.state").text
        for row in browser.find_elements(By.CSS_SELECTOR, "#hosts tbody tr")
    }
    assert states == {
        "fresh": "up",
        "evil": "up",
        "plain": "up",
        "refused": "down refused",
        "silent": "down timed out",
        "wrong-password": "down wrong password",
    }
    attention = _text(browser, "#attention")
    for name in ("refused", "silent", "wrong-password"):
        assert f"{name}: down" in attention
    snapshot = web_server.poller.snapshot.hosts["plain"]
    assert _text(_row(browser, "plain"), "td.error") == str(snapshot.counts.error)
    assert _text(_row(browser, "plain"), "td.waiting") == str(snapshot.counts.waiting)


def test_the_shipped_script_runs_under_the_content_security_policy(browser: Any, web_server: WebServer) -> None:
    from selenium.webdriver.common.by import By

    browser.get(web_server.url)
    boxes = browser.find_elements(By.CSS_SELECTOR, "input.select-host")
    assert len(boxes) == 6 and not any(b.is_selected() for b in boxes)
    browser.find_element(By.ID, "select-all").click()
    assert all(b.is_selected() for b in boxes)
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] if hasattr(browser, "get_log") else []
    assert errors == []


def test_open_a_host(browser: Any, web_fleet: WebFleet, web_server: WebServer) -> None:
    from selenium.webdriver.common.by import By

    browser.get(web_server.url)
    _follow(browser, _row(browser, "plain").find_element(By.CSS_SELECTOR, "a.host-link"))
    assert _text(browser, "#host-name") == "plain"
    with RpcClient(HOST, web_fleet.clients["plain"].port) as rpc:
        rpc.authorize(web_fleet.clients["plain"].password)
        names = [r.name for r in rpc.get_results()]
    shown = [c.text for c in browser.find_elements(By.CSS_SELECTOR, "#tasks td.task-name")]
    assert shown == names
    assert len(browser.find_elements(By.CSS_SELECTOR, "#tasks progress")) == len(names)


def test_a_script_in_a_project_name_is_text(browser: Any, web_server: WebServer) -> None:
    from selenium.webdriver.common.by import By

    for path in ("", "hosts/evil"):
        browser.get(web_server.url + path)
        assert browser.execute_script("return window.pwned === undefined")
        assert "pwned" not in browser.title
        page_text = browser.find_element(By.TAG_NAME, "body").text
        assert EVIL in page_text
    assert EVIL in _text(browser, "#projects td.project-name")


def _run_mode(web_fleet: WebFleet) -> RunMode:
    client = web_fleet.clients["fresh"]
    with RpcClient(HOST, client.port) as rpc:
        rpc.authorize(client.password)
        return rpc.get_cc_status().task_mode


def _set_run_mode_never(browser: Any, web_server: WebServer) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(web_server.url + "hosts/fresh")
    Select(browser.find_element(By.ID, "host-kind")).select_by_value("run")
    Select(browser.find_element(By.ID, "host-mode")).select_by_value("never")
    _follow(browser, browser.find_element(By.ID, "host-set-mode"))


def test_an_action_without_login_is_refused(browser: Any, web_fleet: WebFleet, web_server: WebServer) -> None:
    browser.delete_all_cookies()
    before = _run_mode(web_fleet)
    assert before != RunMode.NEVER
    _set_run_mode_never(browser, web_server)
    assert "403" in browser.title and "Log in to control hosts" in _text(browser, "main")
    assert _run_mode(web_fleet) == before


def test_log_in_and_change_a_clients_run_mode(browser: Any, web_fleet: WebFleet, web_server: WebServer) -> None:
    from selenium.webdriver.common.by import By

    browser.delete_all_cookies()
    browser.get(web_server.url + "hosts/fresh")
    _follow(browser, browser.find_element(By.ID, "login-link"))
    browser.find_element(By.ID, "password").send_keys(LOGIN)
    _follow(browser, browser.find_element(By.ID, "login-submit"))
    assert _text(browser, "#host-name") == "fresh"  # back where the login started
    _set_run_mode_never(browser, web_server)
    assert "Done: run mode never on 1 host." in _text(browser, "main")
    wait_for("the client's run mode to be never", lambda: _run_mode(web_fleet) == RunMode.NEVER, timeout=30)

    def shown() -> bool:
        browser.get(web_server.url + "hosts/fresh")
        return _text(browser, "#run-mode").startswith("never")

    wait_for("the page to show run mode never", shown, timeout=60, pause=0.5)


def _logged_in(browser: Any, web_server: WebServer) -> None:
    from selenium.webdriver.common.by import By

    browser.get(web_server.url)
    if browser.find_elements(By.ID, "logout"):
        return
    _follow(browser, browser.find_element(By.ID, "login-link"))
    browser.find_element(By.ID, "password").send_keys(LOGIN)
    _follow(browser, browser.find_element(By.ID, "login-submit"))
    assert browser.find_elements(By.ID, "logout")


def _rpc(web_fleet: WebFleet, name: str) -> RpcClient:
    client = web_fleet.clients[name]
    rpc = RpcClient(HOST, client.port)
    rpc.authorize(client.password)
    return rpc


def test_bulk_mode_change_on_selected_hosts(browser: Any, web_fleet: WebFleet, web_server: WebServer) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    _logged_in(browser, web_server)
    for name in ("fresh", "refused"):
        _row(browser, name).find_element(By.CSS_SELECTOR, "input.select-host").click()
    Select(browser.find_element(By.ID, "bulk-kind")).select_by_value("gpu")
    Select(browser.find_element(By.ID, "bulk-mode")).select_by_value("never")
    duration = browser.find_element(By.ID, "bulk-duration")
    duration.clear()
    duration.send_keys("600")
    _follow(browser, browser.find_element(By.ID, "bulk-set-mode"))
    flashes = [p.text for p in browser.find_elements(By.CSS_SELECTOR, "p.flash")]
    assert flashes[0] == "Done: gpu mode never for 600 s on 1 host."
    assert flashes[1].startswith("refused: ")

    def gpu_never() -> bool:
        with _rpc(web_fleet, "fresh") as rpc:
            status = rpc.get_cc_status()
        return status.gpu_mode == RunMode.NEVER and 0 < status.gpu_mode_delay <= 600

    wait_for("the client's GPU mode to be never for 600 s", gpu_never, timeout=30)


def test_suspend_a_project(browser: Any, web_fleet: WebFleet, web_server: WebServer) -> None:
    from selenium.webdriver.common.by import By

    _logged_in(browser, web_server)
    browser.get(web_server.url + "hosts/plain")
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#projects tbody tr") if "Beta Lab" in r.text)
    _follow(browser, row.find_element(By.CSS_SELECTOR, 'button[value="suspend"]'))
    assert "Done: project suspend" in _text(browser, "main")

    def suspended() -> bool:
        with _rpc(web_fleet, "plain") as rpc:
            return any(p.project_name == "Beta Lab" and p.suspended_via_gui for p in rpc.get_project_status())

    wait_for("Beta Lab to be suspended", suspended, timeout=30)


def test_abort_a_task_after_a_confirmation(browser: Any, web_fleet: WebFleet, web_server: WebServer) -> None:
    from selenium.webdriver.common.by import By

    from boinc.gui_rpc.enums import ResultState

    _logged_in(browser, web_server)
    browser.get(web_server.url + "hosts/plain")
    row = browser.find_elements(By.CSS_SELECTOR, "#tasks tbody tr")[0]
    name = row.find_element(By.CSS_SELECTOR, "td.task-name").text
    _follow(browser, row.find_element(By.CSS_SELECTOR, 'button[value="abort"]'))
    assert _text(browser, "#confirm-task") == name  # asked first: nothing happened yet
    with _rpc(web_fleet, "plain") as rpc:
        assert next(r for r in rpc.get_results() if r.name == name).state != ResultState.ABORTED
    _follow(browser, browser.find_element(By.ID, "confirm-abort"))
    assert f"Done: task abort ({name}) on 1 host." in _text(browser, "main")

    def aborted() -> bool:
        with _rpc(web_fleet, "plain") as rpc:
            return any(r.name == name and r.state == ResultState.ABORTED for r in rpc.get_results())

    wait_for(f"task {name} to be aborted", aborted, timeout=30)


def test_abort_a_file_transfer_after_a_confirmation(browser: Any, web_fleet: WebFleet, web_server: WebServer) -> None:
    from selenium.webdriver.common.by import By

    _logged_in(browser, web_server)
    browser.get(web_server.url + "hosts/evil")
    row = browser.find_elements(By.CSS_SELECTOR, "#transfers tbody tr")[0]
    name = row.find_elements(By.TAG_NAME, "td")[0].text
    _follow(browser, row.find_element(By.CSS_SELECTOR, 'button[value="abort"]'))
    assert _text(browser, "h1") == "Abort this transfer?" and _text(browser, "#confirm-task") == name
    with _rpc(web_fleet, "evil") as rpc:
        assert name in [t.name for t in rpc.get_file_transfers()]
    _follow(browser, browser.find_element(By.ID, "confirm-abort"))
    assert f"Done: transfer abort ({name}) on 1 host." in _text(browser, "main")

    def gone() -> bool:
        with _rpc(web_fleet, "evil") as rpc:
            return name not in [t.name for t in rpc.get_file_transfers()]

    wait_for(f"the transfer of {name} to be aborted", gone, timeout=30)
