"""Micro-benchmark of the sync call path's own cost (no network).

Two measures, both printed in microseconds per call (best of several rounds):

- ``runtime only``: the client's own work per call (body encoding, auth, the call
  flow with its retry, deadline and logging bookkeeping, response parsing) over a
  stub transport that returns a canned response: what this project controls;
- ``over httpx``: the whole client against ``httpx.MockTransport`` beside a raw
  ``httpx.Client.post`` plus ``json.loads`` against the same mock (the floor).

Run ``.venv/bin/python -m tests.reliability.bench_overhead``; it never fails on a time.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import httpx

from appsync_runtime import ApiKeyAuth, AppSyncClient

URL = "https://abcdefghijklmnopqrstuvwxyz.appsync-api.us-east-1.amazonaws.com/graphql"
QUERY = "query GetNote($id: ID!) { getNote(id: $id) { id title } }"
BODY = b'{"data":{"getNote":{"id":"n1","title":"hello"}}}'
KEY = "da2-benchmarkkey000000000000000"
RESPONSE_HEADERS = {"content-type": "application/json", "x-amzn-RequestId": "r-1"}


def _mock() -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=BODY, headers=RESPONSE_HEADERS)

    return httpx.MockTransport(handler)


class _Canned:
    """A transport that answers every request with the same response."""

    def __init__(self) -> None:
        from appsync_runtime._response import HttpResponse

        self.response = HttpResponse(200, httpx.Headers(RESPONSE_HEADERS), BODY)

    def send(self, request: object) -> object:
        return self.response

    def close(self) -> None:
        pass


def _rounds(fns: dict[str, Callable[[], object]], n: int, rounds: int) -> dict[str, float]:
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(rounds):  # interleaved, so drift in machine load hits all alike
        for name, fn in fns.items():
            start = time.perf_counter()
            for _ in range(n):
                fn()
            best[name] = min(best[name], (time.perf_counter() - start) / n * 1e6)
    return best


def main(n: int = 2000, rounds: int = 15) -> dict[str, float]:
    raw = httpx.Client(transport=_mock())
    headers = {"content-type": "application/json; charset=UTF-8", "x-api-key": KEY}

    def raw_call() -> object:
        body = json.dumps(
            {"query": QUERY, "variables": {"id": "n1"}, "operationName": "GetNote"}
        ).encode()
        return json.loads(raw.post(URL, content=body, headers=headers).content)["data"]

    over_httpx = AppSyncClient(
        URL, auth=ApiKeyAuth(KEY), http_client=httpx.Client(transport=_mock())
    )
    stubbed = AppSyncClient(URL, auth=ApiKeyAuth(KEY))
    stubbed._transport = _Canned()  # type: ignore[assignment]

    def client_call() -> object:
        return over_httpx.execute(QUERY, "GetNote", {"id": "n1"}).data

    def runtime_only() -> object:
        return stubbed.execute(QUERY, "GetNote", {"id": "n1"}).data

    fns = {"raw httpx": raw_call, "client over httpx": client_call, "runtime only": runtime_only}
    for fn in fns.values():
        fn()
    best = _rounds(fns, n, rounds)
    floor = best["raw httpx"]
    print(f"runtime only:      {best['runtime only']:7.2f} us/call")
    print(f"raw httpx floor:   {floor:7.2f} us/call")
    client = best["client over httpx"]
    print(f"client over httpx: {client:7.2f} us/call ({client / floor:.3f}x the floor)")
    return best


if __name__ == "__main__":
    main()
