"""Where the AWS AppSync simulator and the example API live, and starting simulators.

The session-wide ``simulator`` fixture (``tests/support/fixtures.py``) serves the
example API; tests with their own schemas (the codegen corpus) start theirs with
:func:`start_simulators`, side by side.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.simulator_launcher import AppSyncSimulator, simulator_unavailable_reason

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_SCHEMA_DIR = REPO_ROOT / "example_schema"
EXAMPLE_SIMULATOR_CONFIG = EXAMPLE_SCHEMA_DIR / "simulator.json"
SIMULATOR_DIR = REPO_ROOT / "simulator"


def skip_unless_simulator_available() -> None:
    """Skip the calling test or fixture, with the reason, if the simulator cannot run here."""
    reason = simulator_unavailable_reason(simulator_dir=SIMULATOR_DIR)
    if reason is not None:
        pytest.skip(f"AppSync simulator unavailable: {reason}")


@contextmanager
def start_simulators(
    configs: Mapping[str, Path], log_root: Path
) -> Iterator[dict[str, AppSyncSimulator]]:
    """One simulator per config (by name), started in parallel, all stopped by PID at exit.

    Skips when the simulator cannot run here; if any fails to start, the others are
    stopped and the first failure is raised. Logs go to ``log_root / <name>``.
    """
    skip_unless_simulator_available()
    running = {
        name: AppSyncSimulator(config, simulator_dir=SIMULATOR_DIR, log_dir=log_root / name)
        for name, config in configs.items()
    }
    failures: list[BaseException] = []

    def start(simulator: AppSyncSimulator) -> None:
        try:
            simulator.start()
        except BaseException as exc:  # raised below, once every thread has ended
            failures.append(exc)

    threads = [threading.Thread(target=start, args=(s,)) for s in running.values()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        if failures:
            raise failures[0]
        yield running
    finally:
        for simulator in running.values():
            simulator.stop()
