"""Configuration for the whole suite: hypothesis profiles, shared fixtures, markers.

Hypothesis profiles, chosen with ``HYPOTHESIS_PROFILE``:

- ``fast`` (default): a quarter of hypothesis's usual number of examples, for the
  developer's run;
- ``thorough`` (``.ci/run``): twice the usual number.

Tests asking for a number of examples of their own write ``examples(n)``
(``tests/support/examples.py``), which scales ``n`` by the active profile. No profile
has a deadline: tests never fail on timing.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from tests.support.examples import PROFILES

pytest_plugins = ["tests.support.fixtures"]

for _name, _examples in PROFILES.items():
    settings.register_profile(_name, max_examples=_examples, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))


def pytest_report_header() -> str:
    """Name the hypothesis profile in the run's header."""
    active = os.environ.get("HYPOTHESIS_PROFILE", "fast")
    return f"hypothesis profile: {active} (max_examples={settings.default.max_examples})"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses the ``simulator`` fixture with ``simulator``."""
    for item in items:
        if "simulator" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.simulator)
