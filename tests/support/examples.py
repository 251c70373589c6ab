"""How many hypothesis examples a test runs, by profile (see ``tests/conftest.py``)."""

from __future__ import annotations

from hypothesis import settings

BASELINE = 100
"""Hypothesis's own default number of examples: ``examples(n)`` is ``n`` at this level."""

PROFILES = {"fast": 25, "thorough": 200}
"""Examples per test for each profile (where a test asks for no number of its own)."""


def examples(wanted: int) -> int:
    """``wanted`` examples scaled by the active profile (never fewer than 5).

    ``wanted`` is the number a test needs at hypothesis's default level; the ``fast``
    profile runs a quarter of it, ``thorough`` twice as many.
    """
    return max(5, round(wanted * settings.default.max_examples / BASELINE))
