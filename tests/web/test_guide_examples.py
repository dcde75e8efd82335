"""The guide's web examples, run as users run them: serving_a_cluster.py serves, cluster_api.py steers a real client."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

from boinc.cluster.hosts import hash_password
from boinc.gui_rpc import RpcClient
from boinc.gui_rpc.enums import RunMode
from tests.realclient import HOST, RealClient, prepare_data_dir
from tests.web_rig import require_boinc, wait_for

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
TOKEN = "guide-token-Wq3"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def test_serve_then_steer_with_the_json_api(tmp_path: Path) -> None:
    require_boinc()
    prepare_data_dir(tmp_path / "data", "guide-gui-rpc-pw-5")
    with RealClient(tmp_path / "data", password="guide-gui-rpc-pw-5") as client:
        (tmp_path / "hosts.toml").write_text(
            f'[[host]]\nname = "node1"\naddress = "{HOST}:{client.port}"\npassword_file = "node1.cfg"\n'
            '[[host]]\nname = "gone"\naddress = "127.0.0.1:9"\n',
            encoding="utf-8",
        )
        (tmp_path / "node1.cfg").write_text(client.password + "\n", encoding="utf-8")
        port = _free_port()
        env = {
            **os.environ,
            "BOINC_CLUSTER_LOGIN_HASH": hash_password("x"),
            "BOINC_CLUSTER_TOKEN_HASH": hash_password(TOKEN),
        }
        server = subprocess.Popen(
            [sys.executable, str(EXAMPLES / "serving_a_cluster.py"), "hosts.toml", str(port)],
            cwd=tmp_path,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(server.stderr or ()), daemon=True)
        reader.start()
        try:
            url = f"http://{HOST}:{port}/"
            wait_for("the server's start-up line", lambda: any(url in line for line in lines), timeout=60)

            def polled() -> str | None:
                out = subprocess.run(
                    [sys.executable, str(EXAMPLES / "cluster_api.py"), url, TOKEN],
                    capture_output=True,
                    text=True,
                    timeout=120,
                    check=True,
                ).stdout
                return out if "node1: up" in out and "gone: down (refused)" in out else None

            out = wait_for("both hosts polled", polled, timeout=60, pause=0.5)
            assert re.search(r"^node1: paused for an hour$", out, re.M), out
            with RpcClient(HOST, client.port) as rpc:
                rpc.authorize(client.password)
                status = rpc.get_cc_status()
            assert status.task_mode == RunMode.NEVER and status.task_mode_delay > 3000
        finally:
            server.send_signal(signal.SIGINT)
            try:
                code = server.wait(60)
            except subprocess.TimeoutExpired:
                server.kill()  # leave no server behind for later tests
                server.wait()
                raise
            assert code == 0
            reader.join(10)
            if server.stderr is not None:
                server.stderr.close()
    assert (tmp_path / "history.sqlite").exists()
