"""A closed client refuses every later call with a typed error and sends nothing.

Before, a closed client quietly opened a new connection pool (the async one leaked an
unclosed aiohttp session) or a new real-time thread that nothing would ever close.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from appsync_runtime import (
    ApiKeyAuth,
    AppSyncClient,
    AppSyncConfigError,
    AsyncAppSyncClient,
    AsyncEventsClient,
    EventsClient,
)
from appsync_runtime.testing import AppSyncFake
from tests.support.fake_events import FakeEvents
from tests.support.fake_realtime import FAST, SUBSCRIPTION, FakeRealtime
from tests.support.ports import free_port
from tests.support.simulator import EXAMPLE_SCHEMA_DIR

sys.path.insert(0, str(EXAMPLE_SCHEMA_DIR))

from example_client import Client

QUERY = "query Q { ping }"
KEY = "da2-closedclientkey000000000000"


def counting_handler(seen: list[httpx.Request]) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"data": {"ping": "pong"}})

    return handler


def nowhere() -> str:
    """A loopback URL nothing listens on: a send would fail with a network error."""
    return f"http://127.0.0.1:{free_port()}/graphql"


@pytest.mark.parametrize("own", [True, False], ids=["owned-pool", "users-http-client"])
def test_sync_execute_after_close(own: bool) -> None:
    seen: list[httpx.Request] = []
    user_client = (
        None if own else httpx.Client(transport=httpx.MockTransport(counting_handler(seen)))
    )
    client = AppSyncClient(nowhere(), auth=ApiKeyAuth(KEY), http_client=user_client)
    if user_client is not None:
        assert client.execute(QUERY).data == {"ping": "pong"}
    client.close()
    client.close()  # idempotent
    for _ in range(2):
        with pytest.raises(AppSyncConfigError, match="client is closed: nothing was sent"):
            client.execute(QUERY)
    assert len(seen) == (0 if own else 1)
    if user_client is not None:
        assert not user_client.is_closed  # the user's own client stays theirs
        user_client.close()


@pytest.mark.parametrize("own", [True, False], ids=["owned-session", "users-http-client"])
async def test_async_execute_after_close(own: bool) -> None:
    seen: list[httpx.Request] = []
    user_client = (
        None if own else httpx.AsyncClient(transport=httpx.MockTransport(counting_handler(seen)))
    )
    client = AsyncAppSyncClient(nowhere(), auth=ApiKeyAuth(KEY), http_client=user_client)
    if user_client is not None:
        assert (await client.execute(QUERY)).data == {"ping": "pong"}
    await client.close()
    await client.aclose()
    with pytest.raises(AppSyncConfigError, match="client is closed"):
        await client.execute(QUERY)
    assert len(seen) == (0 if own else 1)
    if user_client is not None:
        await user_client.aclose()


def test_sync_subscribe_after_close_starts_no_thread() -> None:
    with FakeRealtime() as rt:
        client = AppSyncClient(rt.url, auth=ApiKeyAuth(rt.api_key), realtime=FAST)
        client.close()
        with pytest.raises(AppSyncConfigError, match="client is closed"):
            client.subscribe(SUBSCRIPTION)
        assert rt.connections == []


async def test_async_subscribe_after_close_opens_nothing() -> None:
    with FakeRealtime() as rt:
        client = AsyncAppSyncClient(rt.url, auth=ApiKeyAuth(rt.api_key), realtime=FAST)
        await client.aclose()
        with pytest.raises(AppSyncConfigError, match="client is closed"):
            client.subscribe(SUBSCRIPTION)
        await asyncio.sleep(0.05)
        assert rt.connections == []


def test_closed_generated_client_refuses_under_the_test_kit_too() -> None:
    fake = AppSyncFake()
    fake.on(Client.get_note, required=False).reply({"getNote": None})
    with fake:
        client = Client(
            "https://example.appsync-api.us-east-1.amazonaws.com/graphql", auth=ApiKeyAuth(KEY)
        )
        assert client.get_note(id="n1").get_note is None
        client.close()
        with pytest.raises(AppSyncConfigError, match="client is closed"):
            client.get_note(id="n1")


@pytest.mark.parametrize("via", ["http", "websocket"])
def test_sync_events_client_after_close(via: Any) -> None:
    with FakeEvents() as ev:
        client = EventsClient(ev.url, auth=ApiKeyAuth(ev.api_key))
        assert client.publish("/default/a", {"n": 1}, via=via).ok
        client.close()
        with pytest.raises(AppSyncConfigError, match="client is closed"):
            client.publish("/default/a", {"n": 2}, via=via)
        with pytest.raises(AppSyncConfigError, match="client is closed"):
            client.subscribe("/default/*")
        assert len(ev.http_publishes) + len(ev.ws_publishes) == 1


@pytest.mark.parametrize("via", ["http", "websocket"])
async def test_async_events_client_after_close(via: Any) -> None:
    with FakeEvents() as ev:
        client = AsyncEventsClient(ev.url, auth=ApiKeyAuth(ev.api_key))
        assert (await client.publish("/default/a", {"n": 1}, via=via)).ok
        await client.close()
        with pytest.raises(AppSyncConfigError, match="client is closed"):
            await client.publish("/default/a", {"n": 2}, via=via)
        with pytest.raises(AppSyncConfigError, match="client is closed"):
            client.subscribe("/default/*")
        assert len(ev.http_publishes) + len(ev.ws_publishes) == 1
