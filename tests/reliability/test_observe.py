"""Logging and per-attempt hooks."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from appsync_runtime import (
    ApiKeyAuth,
    AppSyncClient,
    AppSyncErrorPageError,
    AppSyncNetworkError,
    AsyncAppSyncClient,
    AttemptRecord,
    CallHooks,
)
from tests.reliability.conftest import FAST, KEY
from tests.support.fake_appsync import FakeAppSync, Reply
from tests.support.ports import dead_url

QUERY = "query GetNote { getNote { id } }"
PAGE = Reply(503, b"<html/>", {"content-type": "text/html"})


def test_debug_line_per_attempt_and_warning_per_retry(
    fake: FakeAppSync, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="appsync_runtime")
    fake.reply(PAGE)
    with AppSyncClient(fake.url, auth=ApiKeyAuth(KEY), retry=FAST) as client:
        client.execute(QUERY, "GetNote")
    ours = [r for r in caplog.records if r.name == "appsync_runtime"]
    debug = [r.getMessage() for r in ours if r.levelno == logging.DEBUG]
    warnings = [r.getMessage() for r in ours if r.levelno == logging.WARNING]
    assert len(debug) == 2 and len(warnings) == 1
    assert debug[0].startswith("query GetNote: attempt 1 got HTTP 503 in ")
    assert debug[0].endswith("ms, request id req-1")
    assert debug[1].startswith("query GetNote: attempt 2 got HTTP 200 in ")
    assert warnings[0].startswith(
        "query GetNote: attempt 1 failed (AppSyncErrorPageError: HTTP 503"
    )
    assert "retry 1 of 2 in 0.00" in warnings[0]


def test_network_failures_are_logged_with_duration(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="appsync_runtime")

    async def go() -> None:
        async with AsyncAppSyncClient(dead_url(), auth=ApiKeyAuth(KEY), retry=FAST) as c:
            with pytest.raises(AppSyncNetworkError):
                await c.execute(QUERY, "GetNote")

    asyncio.run(go())
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert len(debug) == 3
    assert all(" failed after " in line and "cannot connect" in line for line in debug)


def test_quiet_at_info_when_calls_succeed(
    fake: FakeAppSync, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="appsync_runtime")
    with AppSyncClient(fake.url, auth=ApiKeyAuth(KEY)) as client:
        client.execute(QUERY)
    assert [r for r in caplog.records if r.name.startswith("appsync_runtime")] == []


def test_hooks_see_each_attempt(fake: FakeAppSync) -> None:
    events: list[tuple[str, AttemptRecord]] = []

    def hook(name: str) -> Any:
        return lambda record: events.append((name, record))

    hooks = CallHooks(
        on_request=hook("request"), on_response=hook("response"), on_error=hook("error")
    )
    fake.reply(PAGE, PAGE, PAGE)
    client = AppSyncClient(fake.url, auth=ApiKeyAuth(KEY), retry=FAST, hooks=hooks)
    with client, pytest.raises(AppSyncErrorPageError):
        client.execute(QUERY, "GetNote")
    assert [name for name, _ in events] == ["request", "response", "error"] * 3
    errors = [record for name, record in events if name == "error"]
    assert [r.will_retry for r in errors] == [True, True, False]
    assert [r.attempt for r in errors] == [1, 2, 3]
    assert all(r.status == 503 and r.elapsed is not None and r.request_id for r in errors)
    assert all(isinstance(r.error, AppSyncErrorPageError) for r in errors)
    first = events[0][1]
    assert first.operation_name == "GetNote" and first.operation_type == "query"
    assert first.method == "POST" and first.url == fake.url and first.status is None


def test_network_error_reaches_on_error(fake: FakeAppSync) -> None:
    seen: list[AttemptRecord] = []
    fake.reply(Reply(fault="reset_before"))
    with (
        AppSyncClient(
            fake.url, auth=ApiKeyAuth(KEY), retry=None, hooks=CallHooks(on_error=seen.append)
        ) as client,
        pytest.raises(AppSyncNetworkError),
    ):
        client.execute(QUERY)
    assert len(seen) == 1 and seen[0].status is None and seen[0].elapsed is not None


def test_a_failing_hook_never_breaks_the_call(
    fake: FakeAppSync, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(record: AttemptRecord) -> None:
        raise RuntimeError("hook bug")

    hooks = CallHooks(on_request=broken, on_response=broken)
    with AppSyncClient(fake.url, auth=ApiKeyAuth(KEY), hooks=hooks) as client:
        assert client.execute(QUERY).data == {"ok": True}
    assert sum("raised; ignored" in r.getMessage() for r in caplog.records) == 2
