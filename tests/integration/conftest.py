"""Fixtures for tests against the local AWS AppSync simulator (Node.js).

``simulator`` starts the example API (``example_schema/simulator.json``) once per
session and stops it by PID at the end. Tests using it are marked ``simulator`` and are
skipped, with the reason, when ``node`` or ``simulator/node_modules`` is missing
(install with ``npm ci --prefix simulator``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from appsync_runtime.testing import AppSyncSimulator, simulator_unavailable_reason

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_SCHEMA_DIR = REPO_ROOT / "example_schema"
EXAMPLE_SIMULATOR_CONFIG = EXAMPLE_SCHEMA_DIR / "simulator.json"
SIMULATOR_DIR = REPO_ROOT / "simulator"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses the ``simulator`` fixture with ``simulator``."""
    for item in items:
        if "simulator" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.simulator)


def skip_unless_simulator_available() -> None:
    """Skip the calling test or fixture if the simulator cannot run here."""
    reason = simulator_unavailable_reason(simulator_dir=SIMULATOR_DIR)
    if reason is not None:
        pytest.skip(f"AppSync simulator unavailable: {reason}")


@pytest.fixture(scope="session")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppSyncSimulator]:
    """The example notes API running in the simulator for the whole session.

    Its state is shared: tests create their own notes rather than change the seeded
    ones (``note-1`` to ``note-3``). Logs are kept in pytest's temporary folder.
    """
    skip_unless_simulator_available()
    sim = AppSyncSimulator(
        EXAMPLE_SIMULATOR_CONFIG,
        simulator_dir=SIMULATOR_DIR,
        log_dir=tmp_path_factory.mktemp("appsync-simulator"),
    )
    sim.start()
    try:
        yield sim
    finally:
        sim.stop()
