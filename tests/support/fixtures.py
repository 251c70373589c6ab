"""Fixtures shared by every test folder (loaded by ``tests/conftest.py``).

- ``simulator``: the example notes API in the AWS AppSync simulator, started once per
  session for every folder that asks for it (integration, drift, ...).
- ``fake``: a :class:`FakeAppSync` server, one per test module, reset before each test.
  A module may define its own ``fake`` (e.g. with a handler of its own) instead.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.fake_appsync import FakeAppSync
from tests.support.simulator import EXAMPLE_SIMULATOR_CONFIG, start_simulators
from tests.support.simulator_launcher import AppSyncSimulator


@pytest.fixture(scope="session")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppSyncSimulator]:
    """The example notes API running in the simulator for the whole session.

    Its state is shared by every test of the session: tests create their own notes
    rather than change the seeded ones (``note-1`` to ``note-3``). Logs are kept in
    pytest's temporary folder. Skipped, with the reason, when ``node`` or
    ``simulator/node_modules`` is missing (``npm ci --prefix simulator``).
    """
    logs = tmp_path_factory.mktemp("appsync-simulator")
    with start_simulators({"example": EXAMPLE_SIMULATOR_CONFIG}, logs) as running:
        yield running["example"]


@pytest.fixture(scope="module")
def fake_server() -> Iterator[FakeAppSync]:
    """The module's fake AppSync server, as the previous test left it."""
    with FakeAppSync() as server:
        yield server


@pytest.fixture
def fake(fake_server: FakeAppSync) -> FakeAppSync:
    """The module's fake AppSync server with nothing staged, seen or counted yet."""
    fake_server.reset()
    return fake_server
