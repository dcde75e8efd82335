"""The example of the guide "Watching a cluster", section "The web app": poll and serve a cluster.

Run it: ``python serving_a_cluster.py hosts.toml PORT`` with the hashes of the login password and
of the API token in the environment (``BOINC_CLUSTER_LOGIN_HASH``, ``BOINC_CLUSTER_TOKEN_HASH``,
each made by ``boinc-cluster hash-password``). Stop it with Ctrl-C.
"""

from __future__ import annotations

import os
import sys

from boinc.cluster.history import History
from boinc.cluster.hosts import load_hosts
from boinc.cluster.poller import Poller
from boinc.cluster.web import serve


def main(hosts_file: str, port: int) -> None:
    history = History("history.sqlite")  # finished tasks, kept 30 days
    poller = Poller(load_hosts(hosts_file), observer=history)
    serve(
        poller,
        port=port,  # on 127.0.0.1 only: put a TLS proxy in front to reach it from elsewhere
        history=history,
        password_hash=os.environ.get("BOINC_CLUSTER_LOGIN_HASH"),
        token_hash=os.environ.get("BOINC_CLUSTER_TOKEN_HASH"),
    )
    history.close()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
