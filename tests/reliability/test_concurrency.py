"""One async client, 1,000 concurrent calls, one pool; one sync client, many threads;
and users' own tracing (aiohttp ``trace_configs``, httpx ``event_hooks``) alongside."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any

import aiohttp
import httpx

from appsync_runtime import (
    ApiKeyAuth,
    AppSyncClient,
    AsyncAppSyncClient,
    AttemptRecord,
    CallHooks,
)
from tests.reliability.conftest import FAST, KEY
from tests.support.fake_appsync import FakeAppSync, Received, Reply

QUERY = "query GetNote($id: ID!) { getNote(id: $id) { id } }"
JSON = {"content-type": "application/json"}


def echo(delay: float = 0.0) -> Any:
    def handle(received: Received) -> Reply:
        return Reply(200, {"data": {"id": received.json()["variables"]["id"]}}, JSON, delay=delay)

    return handle


def test_one_async_client_serves_1000_concurrent_calls_over_one_pool(fake: FakeAppSync) -> None:
    fake.handler = echo(delay=0.005)
    limit = 20

    async def go() -> list[Any]:
        async with AsyncAppSyncClient(
            fake.url, auth=ApiKeyAuth(KEY), connection_limit=limit
        ) as client:
            return await asyncio.gather(
                *(client.execute(QUERY, variables={"id": str(n)}) for n in range(1000))
            )

    started = time.monotonic()
    results = asyncio.run(asyncio.wait_for(go(), timeout=30))
    elapsed = time.monotonic() - started
    assert [r.data["id"] for r in results] == [str(n) for n in range(1000)]
    print(
        f"\n1000 concurrent async calls: {elapsed:.2f} s, {len(fake.peers)} connections "
        f"opened (limit {limit}), at most {fake.max_in_flight} requests in flight"
    )
    assert len(fake.received) == 1000
    assert len(fake.peers) <= limit and fake.max_in_flight <= limit
    assert elapsed < 20


def test_default_connection_limit_bounds_the_pool(fake: FakeAppSync) -> None:
    fake.handler = echo(delay=0.01)

    async def go() -> None:
        async with AsyncAppSyncClient(fake.url, auth=ApiKeyAuth(KEY)) as client:
            await asyncio.gather(
                *(client.execute(QUERY, variables={"id": str(n)}) for n in range(1000))
            )

    asyncio.run(asyncio.wait_for(go(), timeout=30))
    assert len(fake.peers) <= 100


def test_one_sync_client_is_safe_across_threads(fake: FakeAppSync) -> None:
    fake.handler = echo(delay=0.001)
    records: list[AttemptRecord] = []
    lock = threading.Lock()

    def keep(record: AttemptRecord) -> None:
        with lock:
            records.append(record)

    client = AppSyncClient(
        fake.url, auth=ApiKeyAuth(KEY), retry=FAST, hooks=CallHooks(on_response=keep)
    )

    def call(n: int) -> str:
        result: str = client.execute(QUERY, variables={"id": str(n)}).data["id"]
        return result

    started = time.monotonic()
    with client, ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(call, range(800)))
    elapsed = time.monotonic() - started
    assert answers == [str(n) for n in range(800)]  # no answer went to the wrong caller
    assert len(records) == 800 and {r.status for r in records} == {200}
    print(
        f"\n800 calls from 16 threads on one sync client: {elapsed:.2f} s, "
        f"{len(fake.peers)} connections"
    )
    assert len(fake.peers) <= 20  # httpx keeps up to 20 idle connections: no churn
    assert elapsed < 30


def test_aiohttp_trace_configs_on_a_users_session_see_every_attempt(fake: FakeAppSync) -> None:
    fake.reply(Reply(503, b"<html/>", {"content-type": "text/html"}))
    seen: list[str] = []

    async def on_start(session: Any, context: SimpleNamespace, params: Any) -> None:
        seen.append(f"start {params.method}")

    async def on_end(session: Any, context: SimpleNamespace, params: Any) -> None:
        seen.append(f"end {params.response.status}")

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(on_start)
    trace.on_request_end.append(on_end)
    hooked: list[str] = []

    async def go() -> Any:
        async with aiohttp.ClientSession(trace_configs=[trace]) as session:
            client = AsyncAppSyncClient(
                fake.url,
                auth=ApiKeyAuth(KEY),
                session=session,
                retry=FAST,
                hooks=CallHooks(on_response=lambda r: hooked.append(f"hook {r.status}")),
            )
            result = await client.execute(QUERY, variables={"id": "1"})
            await client.close()
            assert not session.closed  # the user's session stays open
            return result

    assert asyncio.run(go()).data == {"ok": True}
    assert seen == ["start POST", "end 503", "start POST", "end 200"]
    assert hooked == ["hook 503", "hook 200"]


def test_httpx_event_hooks_on_a_users_client_see_every_attempt(fake: FakeAppSync) -> None:
    fake.reply(Reply(502, b"<html/>", {"content-type": "text/html"}))
    seen: list[str] = []
    own = httpx.Client(
        event_hooks={
            "request": [lambda request: seen.append(f"request {request.method}")],
            "response": [lambda response: seen.append(f"response {response.status_code}")],
        }
    )
    with AppSyncClient(fake.url, auth=ApiKeyAuth(KEY), http_client=own, retry=FAST) as client:
        assert client.execute(QUERY, variables={"id": "1"}).data == {"ok": True}
    assert seen == ["request POST", "response 502", "request POST", "response 200"]
    assert not own.is_closed
    own.close()
