"""Running the same calls through every HTTP transport the clients have.

``KINDS``: the sync client over its own pool (``sync``) and over a user's
``httpx.Client`` (``sync-httpx``); the async client over aiohttp (``async``) and over
a user's ``httpx.AsyncClient`` (``async-httpx``). Each call is the query ``Echo`` with
``variables.id`` set to a per-call marker, which the hostile servers echo back.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Sequence
from typing import Any

import httpx

from appsync_runtime import ApiKeyAuth, AppSyncClient, AsyncAppSyncClient, GraphQLResponse
from tests.reliability.conftest import KEY

KINDS = ("sync", "sync-httpx", "async", "async-httpx")
DEFAULT_KINDS = ("sync", "async")
QUERY = "query Echo($id: ID!) { echo(id: $id) }"


def echoed(outcome: Any) -> Any:
    """The id a successful call got back; the exception otherwise."""
    if isinstance(outcome, GraphQLResponse):
        return outcome.data["echo"]
    return outcome


def _sync_http(kind: str) -> Any:
    return httpx.Client() if kind == "sync-httpx" else contextlib.nullcontext()


def _async_http(kind: str) -> Any:
    return httpx.AsyncClient() if kind == "async-httpx" else contextlib.nullcontext()


def sync_client(kind: str, url: str, http: httpx.Client | None, **kwargs: Any) -> AppSyncClient:
    return AppSyncClient(url, http_client=http, **_with_auth(kwargs))


def _with_auth(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The client arguments, with the test API key unless ``auth`` is given."""
    return {"auth": ApiKeyAuth(KEY), **kwargs}


def calls(
    kind: str, url: str, ids: Sequence[str], *, pause: float = 0.0, **kwargs: Any
) -> list[Any]:
    """One client of ``kind`` makes the calls one after another (``pause`` seconds
    apart); the outcome of each (response or exception), in order."""
    if kind.startswith("sync"):
        with _sync_http(kind) as http, sync_client(kind, url, http, **kwargs) as client:
            outcomes: list[Any] = []
            for number, call_id in enumerate(ids):
                if number and pause:
                    threading.Event().wait(pause)
                try:
                    outcomes.append(client.execute(QUERY, "Echo", {"id": call_id}))
                except Exception as exc:
                    outcomes.append(exc)
            return outcomes

    async def go() -> list[Any]:
        async with (
            _async_http(kind) as http,
            AsyncAppSyncClient(url, http_client=http, **_with_auth(kwargs)) as client,
        ):
            outcomes: list[Any] = []
            for number, call_id in enumerate(ids):
                if number and pause:
                    await asyncio.sleep(pause)
                try:
                    outcomes.append(await client.execute(QUERY, "Echo", {"id": call_id}))
                except Exception as exc:
                    outcomes.append(exc)
            return outcomes

    return asyncio.run(go())


def concurrent_calls(
    kind: str, url: str, ids: Sequence[str], *, workers: int, **kwargs: Any
) -> dict[str, Any]:
    """One client of ``kind`` shared by ``workers`` threads (sync) or tasks (async),
    making every call once; the outcome of each call by its id."""
    results: dict[str, Any] = {}
    if kind.startswith("sync"):
        with _sync_http(kind) as http, sync_client(kind, url, http, **kwargs) as client:
            queue = list(ids)
            lock = threading.Lock()

            def worker() -> None:
                while True:
                    with lock:
                        if not queue:
                            return
                        call_id = queue.pop()
                    try:
                        outcome: Any = client.execute(QUERY, "Echo", {"id": call_id})
                    except Exception as exc:
                        outcome = exc
                    with lock:
                        results[call_id] = outcome

            threads = [threading.Thread(target=worker) for _ in range(workers)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        return results

    async def go() -> None:
        async with (
            _async_http(kind) as http,
            AsyncAppSyncClient(url, http_client=http, **_with_auth(kwargs)) as client,
        ):
            gate = asyncio.Semaphore(workers)

            async def one(call_id: str) -> None:
                async with gate:
                    try:
                        outcome: Any = await client.execute(QUERY, "Echo", {"id": call_id})
                    except Exception as exc:
                        outcome = exc
                    results[call_id] = outcome

            await asyncio.gather(*(one(call_id) for call_id in ids))

    asyncio.run(go())
    return results
