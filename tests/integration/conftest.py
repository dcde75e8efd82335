"""Fixtures that run Debian's real BOINC client on loopback (see ``tests/realclient.py``).

Fixtures (every test using one is marked ``realclient`` automatically):

``real_client``      module scope: a fresh client (no projects). Read-only: do not change it.
``real_client_rw``   function scope: a fresh client of its own, change it freely.
``seeded_client``    module scope: 50 seeded tasks (``client.seed`` is the :class:`SeedInfo`).
                     Read-only: do not change it.
``seeded_client_rw`` function scope: 50 seeded tasks of its own, change it freely.
``make_client``      function scope factory: ``make_client(n_tasks=50, seeded=True, seed=0, **seed_kwargs)``
                     starts a client; all of them stop at teardown.

Each client has its own data dir (from ``tmp_path_factory``) and a free port; none touches the
system service, port 31416 or ``/var/lib/boinc-client``. At teardown a client is asked to quit
and the session waits for every exit at its end (each takes about a second). Without ``boinc``/``boinccmd`` these
fixtures skip, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from tests.realclient import BOINC, BOINCCMD, RealClient, boinc_installed, reap_clients, seed_state

REALCLIENT_FIXTURES = frozenset({"real_client", "real_client_rw", "seeded_client", "seeded_client_rw", "make_client"})

MakeClient = Callable[..., RealClient]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if REALCLIENT_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.realclient)


def require_boinc() -> None:
    """Skip (fail under ``CI=true``) when the real client is not installed."""
    if boinc_installed():
        return
    msg = f"Debian's boinc-client is not installed ({BOINC}, {BOINCCMD}); apt-get install boinc-client"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{msg}. CI=true requires the real client.", pytrace=False)
    pytest.skip(msg)


def _starter(factory: pytest.TempPathFactory, stack: ExitStack) -> MakeClient:
    def make(n_tasks: int = 50, *, seeded: bool = True, seed: int = 0, **seed_kwargs: Any) -> RealClient:
        require_boinc()
        data_dir = factory.mktemp("boinc") / "data"
        info = seed_state(data_dir, n_tasks=n_tasks, seed=seed, **seed_kwargs) if seeded else None
        client = RealClient(data_dir, seed=info)
        # ask it to quit at teardown without waiting the second it takes; _reap waits at the end
        stack.callback(client.stop, wait=False)
        return client.start()

    return make


@pytest.fixture(scope="session", autouse=True)
def _reap() -> Iterator[None]:
    yield
    reap_clients()


@pytest.fixture
def make_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MakeClient]:
    with ExitStack() as stack:
        yield _starter(tmp_path_factory, stack)


@pytest.fixture(scope="module")
def real_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealClient]:
    with ExitStack() as stack:
        yield _starter(tmp_path_factory, stack)(seeded=False)


@pytest.fixture
def real_client_rw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealClient]:
    with ExitStack() as stack:
        yield _starter(tmp_path_factory, stack)(seeded=False)


@pytest.fixture(scope="module")
def seeded_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealClient]:
    with ExitStack() as stack:
        yield _starter(tmp_path_factory, stack)(50)


@pytest.fixture
def seeded_client_rw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealClient]:
    with ExitStack() as stack:
        yield _starter(tmp_path_factory, stack)(50)
