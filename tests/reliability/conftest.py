"""Shared pieces of the reliability tests: the API key, fast retry policies.

The ``fake`` server fixture and ``dead_url`` come from ``tests/support``.
"""

from __future__ import annotations

from appsync_runtime import RetryPolicy

KEY = "da2-reliabilitytestsecret0000000"

FAST = RetryPolicy(attempts=3, wait_initial=0.001, wait_max=0.005, retry_after_max=0.02)
"""The default policy's logic with waits short enough for tests."""
