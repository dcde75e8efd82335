"""Watching and steering many BOINC hosts: :mod:`boinc.cluster`.

One :class:`~boinc.cluster.poller.Poller` keeps an authenticated
:class:`~boinc.gui_rpc.AsyncRpcClient` connection per host and polls each
kind of data at its own cadence. It publishes immutable snapshots
(:mod:`boinc.cluster.model`) that the web app (:mod:`boinc.cluster.web`), the
``boinc-cluster`` command (:mod:`boinc.cluster.cli`) and the Prometheus
metrics (:mod:`boinc.cluster.metrics`) all read::

    from boinc.cluster import Poller, load_hosts

    poller = Poller(load_hosts("hosts.toml"))
    await poller.refresh()            # or: await poller.run() until cancelled
    for name, host in poller.snapshot.hosts.items():
        print(name, host.up, host.reason, host.counts.running)

The hosts file is read by :mod:`boinc.cluster.hosts`; finished tasks are kept
in SQLite by :mod:`boinc.cluster.history`. Importing this package needs
neither Flask nor ``prometheus_client`` (the ``web`` extra): only
:mod:`boinc.cluster.web` and :mod:`boinc.cluster.metrics` do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from .history import *  # noqa: F403
    from .hosts import *  # noqa: F403
    from .model import *  # noqa: F403
    from .poller import *  # noqa: F403
else:
    __getattr__ = attach(__name__, globals(), ("model", "hosts", "poller", "history"))
