"""The pytest plugin of :mod:`appsync_runtime.testing`, registered through the
``pytest11`` entry point (installing appsync-typed is enough; ``-p no:appsync`` turns
it off).

The ``appsync_fake`` fixture gives each test an installed
:class:`~appsync_runtime.testing.AppSyncFake`: every client of the process, created
before or during the test, talks to it until the test ends. At the end, when the test
itself passed, :meth:`~appsync_runtime.testing.AppSyncFake.verify` fails it for
unexpected calls (even ones the code under test caught), calls AppSync would refuse,
and registered answers or scripted subscription items never used.

This module imports pytest and nothing of the runtime until the fixture is used.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .testing import AppSyncFake

__all__ = ["appsync_fake"]

_PASSED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Note whether the test body passed (the fixture verifies only then)."""
    report = yield
    if report.when == "call":
        item.stash[_PASSED] = report.passed
    return report


@pytest.fixture
def appsync_fake(request: pytest.FixtureRequest) -> Generator[AppSyncFake, None, None]:
    """An installed :class:`~appsync_runtime.testing.AppSyncFake`, verified when the
    test passed."""
    from .testing import AppSyncFake

    fake = AppSyncFake()
    fake.install()
    try:
        yield fake
    finally:
        fake.uninstall()
    if request.node.stash.get(_PASSED, False):
        fake.verify()
