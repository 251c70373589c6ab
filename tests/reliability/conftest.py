"""Shared pieces of the reliability tests: the fake server, fast retry policies."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from appsync_runtime import RetryPolicy
from tests.support.fake_appsync import FakeAppSync

KEY = "da2-reliabilitytestsecret0000000"

FAST = RetryPolicy(attempts=3, wait_initial=0.001, wait_max=0.005, retry_after_max=0.02)
"""The default policy's logic with waits short enough for tests."""


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeAppSync]:
    with FakeAppSync() as server:
        yield server


@pytest.fixture(autouse=True)
def _fresh(request: pytest.FixtureRequest) -> None:
    if "fake" in request.fixturenames:
        server: FakeAppSync = request.getfixturevalue("fake")
        server.replies.clear()
        server.handler = None
        server.reset_counts()


def free_port() -> int:
    """A local port with nothing listening on it (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def dead_url() -> str:
    return f"http://127.0.0.1:{free_port()}/graphql"
