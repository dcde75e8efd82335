"""The example of the guide "Watching a cluster", section "The JSON API": read the overview, pause hosts.

Run it: ``python cluster_api.py http://127.0.0.1:8080/ TOKEN``. It prints every host's state and
task counts, then suspends computing for an hour on every host that is up.
"""

from __future__ import annotations

import json
import sys
import urllib.request
from typing import Any


def call(base: str, token: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """GET ``path`` (or POST ``body`` as JSON) with the bearer token; the reply's JSON."""
    request = urllib.request.Request(
        base.rstrip("/") + path,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as reply:
        return json.load(reply)


def main(base: str, token: str) -> None:
    overview = call(base, token, "/api/overview")
    for host in overview["hosts"]:
        state = "up" if host["up"] else f"down ({host['reason']})"
        counts = ", ".join(f"{n} {state}" for state, n in host["counts"].items() if n)
        print(f"{host['name']}: {state}; {counts or 'no tasks'}")
    up = [host["name"] for host in overview["hosts"] if host["up"]]
    if not up:
        print("no host is up")
        return
    outcome = call(base, token, "/api/control/modes", {"hosts": up, "kind": "run", "mode": "never", "duration": 3600})
    for name, error in outcome["results"].items():
        print(f"{name}: {'paused for an hour' if error is None else error}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
