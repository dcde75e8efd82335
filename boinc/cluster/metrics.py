"""Prometheus metrics of a cluster, read from the poller's latest snapshot.

Needs ``prometheus_client`` (the ``web`` extra). :class:`ClusterCollector`
is a custom collector: each scrape reads one
:class:`~boinc.cluster.model.ClusterSnapshot` and turns it into these
gauges (every series has a ``host`` label, the host's name):

``boinc_up``
    1 if the last contact succeeded, else 0.
``boinc_down_reason{reason}``
    1 for a host that is down, with why (``refused``, ``timed out``, ``not a
    BOINC client``, ``wrong password``, ``no password``, ``other``).
``boinc_seconds_since_contact``
    seconds since the host last answered (hosts that never did have none).
``boinc_poll_failures``
    consecutive failed contacts.
``boinc_tasks{state}``
    tasks by state: ``running``, ``waiting``, ``suspended``, ``ready_to_report``, ``error``.
``boinc_task_fraction_done{project,task}``
    fraction done (0 to 1) of each running task.
``boinc_mode{kind,mode}``
    1 for the current ``task``, ``gpu`` and ``network`` mode (``always``, ``auto``, ``never``).
``boinc_deadline_margin_seconds``
    over the unfinished tasks, the least of ``report_deadline - now -
    estimated time remaining``: negative means a task will miss its deadline.
``boinc_snapshot_timestamp_seconds`` (no host label)
    when the snapshot was taken.

:func:`render` returns the text exposition and its content type, for a web
framework; :func:`make_wsgi_app` is a WSGI app serving it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from ..gui_rpc.enums import ResultState
from .model import ClusterSnapshot, TaskStatus, task_status

__all__ = ["ClusterCollector", "make_wsgi_app", "render"]

_MODES = (("task", "task_mode"), ("gpu", "gpu_mode"), ("network", "network_mode"))


class ClusterCollector(Collector):
    """A Prometheus collector reading the snapshot ``source()`` returns at each scrape.

    Args:
        source: returns the latest snapshot (e.g. ``lambda: poller.snapshot``).
        clock: the Unix-time clock for ages and deadline margins.
    """

    def __init__(self, source: Callable[[], ClusterSnapshot], clock: Callable[[], float] = time.time) -> None:
        self._source = source
        self._clock = clock

    def describe(self) -> Iterable[Metric]:
        """Nothing up front: the series depend on the snapshot."""
        return []

    def collect(self) -> Iterator[Metric]:
        """The gauges of the current snapshot."""
        snapshot = self._source()
        now = self._clock()
        up = GaugeMetricFamily("boinc_up", "Whether the host answered its last poll", labels=["host"])
        reason = GaugeMetricFamily(
            "boinc_down_reason", "Why a host is down (1 per down host)", labels=["host", "reason"]
        )
        age = GaugeMetricFamily("boinc_seconds_since_contact", "Seconds since the host last answered", labels=["host"])
        failures = GaugeMetricFamily("boinc_poll_failures", "Consecutive failed contacts", labels=["host"])
        tasks = GaugeMetricFamily("boinc_tasks", "Tasks by state", labels=["host", "state"])
        done = GaugeMetricFamily(
            "boinc_task_fraction_done", "Fraction done of each running task", labels=["host", "project", "task"]
        )
        modes = GaugeMetricFamily("boinc_mode", "The current run modes (1 per kind)", labels=["host", "kind", "mode"])
        margin = GaugeMetricFamily(
            "boinc_deadline_margin_seconds",
            "Least report_deadline - now - estimated remaining time over the unfinished tasks",
            labels=["host"],
        )
        states = [s.name.lower() for s in TaskStatus]
        for name, host in snapshot.hosts.items():
            up.add_metric([name], 1.0 if host.up else 0.0)
            if not host.up and host.reason is not None:
                reason.add_metric([name, host.reason.value], 1.0)
            if host.last_contact is not None:
                age.add_metric([name], max(0.0, now - host.last_contact))
            failures.add_metric([name], float(host.failures))
            counts = host.counts.as_dict()
            for state in states:
                tasks.add_metric([name, state], float(counts[state]))
            least: float | None = None
            for result in host.results:
                active = result.active_task
                if active is not None and task_status(result) is TaskStatus.RUNNING:
                    done.add_metric([name, result.project_url, result.name], active.fraction_done)
                if result.state <= ResultState.FILES_DOWNLOADED:  # not computed yet
                    left = result.report_deadline - now - result.estimated_cpu_time_remaining
                    least = left if least is None else min(least, left)
            if least is not None:
                margin.add_metric([name], least)
            cc = host.cc_status
            if cc is not None:
                for kind, field in _MODES:
                    mode = getattr(cc, field)
                    if mode.value > 0:
                        modes.add_metric([name, kind, mode.name.lower()], 1.0)
        stamp = GaugeMetricFamily("boinc_snapshot_timestamp_seconds", "When the snapshot was taken (Unix time)")
        stamp.add_metric([], snapshot.taken_at)
        yield from (up, reason, age, failures, tasks, done, modes, margin, stamp)


def render(source: Callable[[], ClusterSnapshot] | ClusterSnapshot) -> tuple[bytes, str]:
    """The Prometheus text exposition of a snapshot (or of what ``source()`` returns), and its content type."""
    getter = source if callable(source) else (lambda: source)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(ClusterCollector(getter))
    return generate_latest(registry), CONTENT_TYPE_LATEST


def make_wsgi_app(poller: Any) -> Callable[[dict[str, Any], Callable[..., Any]], list[bytes]]:
    """A WSGI app answering every request with the metrics of ``poller.snapshot``."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        body, content_type = render(lambda: poller.snapshot)
        start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))])
        return [body]

    return app
