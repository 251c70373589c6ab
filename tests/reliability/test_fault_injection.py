"""Fault injection: thousands of calls through a seeded mix of every failure.

The fake server picks each answer at random (seeded): success, GraphQL errors, a TCP
reset before the request is read, a reset after the mutation executed, HTML
500/502/503, 429 with ``Retry-After``, responses slower than the read timeout, and
truncated bodies. On the client side some connections are refused by the kernel (a
dead local port) and some calls go to a URL where nothing listens at all.

Half the calls are mutations carrying a unique ``clientMutationId``; the fake counts
how often it executed each. Two numbers must be zero: mutations executed twice, and
calls that ended in anything but a result or a typed :class:`AppSyncError`.

Run it alone, with the figures printed::

    .venv/bin/pytest -q -s tests/reliability/test_fault_injection.py
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx

from appsync_runtime import (
    ApiKeyAuth,
    AppSyncClient,
    AppSyncError,
    AppSyncNetworkError,
    AsyncAppSyncClient,
    AttemptRecord,
    CallHooks,
    RetryPolicy,
    Timeout,
)
from tests.reliability.conftest import KEY
from tests.reliability.flaky import Coin, RefusingTransport, refusing_session
from tests.support.fake_appsync import FakeAppSync, Received, Reply
from tests.support.ports import dead_url

SEED = 20240611
CALLS_PER_CLIENT = 2000  # sync and async each, plus the dead-URL calls
DEAD_URL_CALLS = 50  # per client kind
REFUSE_P = 0.04  # share of new connections refused by the kernel

QUERY = "query GetNote($id: ID!) { getNote(id: $id) { id title } }"
MUTATION = (
    "# creates a note\n"
    "mutation CreateNote($input: CreateNoteInput!) { createNote(input: $input) { id } }"
)
JSON = {"content-type": "application/json"}
HTML = {"content-type": "text/html; charset=utf-8"}
PAGE = b"<!DOCTYPE html><html><body><h1>%d</h1>upstream trouble</body></html>"

# (weight, name, reply); delays and Retry-After are tiny so the run stays short
MIX: list[tuple[float, str, Reply]] = [
    (50, "ok", Reply(200, {"data": {"createNote": {"id": "n"}}}, JSON)),
    (4, "graphql_error", Reply(200, {"data": None, "errors": [{"message": "no"}]}, JSON)),
    (6, "reset_before", Reply(fault="reset_before")),
    (6, "reset_after", Reply(fault="reset_after")),
    (5, "html_500", Reply(500, PAGE % 500, HTML)),
    (5, "html_502", Reply(502, PAGE % 502, HTML)),
    (5, "html_503", Reply(503, PAGE % 503, HTML)),
    (5, "throttled_429", Reply(429, {"message": "Rate exceeded"}, {**JSON, "Retry-After": "0.01"})),
    (3, "slow", Reply(200, {"data": {"ok": True}}, JSON, delay=0.3)),
    (
        5,
        "truncated",
        Reply(200, {"data": {"createNote": {"id": "n" * 64}}}, JSON, fault="truncate"),
    ),
]
POLICY = RetryPolicy(attempts=3, wait_initial=0.001, wait_max=0.01, retry_after_max=0.02)
TIMEOUT = Timeout(connect=2, read=0.15, total=5)


class FaultMix:
    """The fake's handler: a seeded random fault per request, tallied."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)
        self._weights = [weight for weight, _, _ in MIX]
        self.served: Counter[str] = Counter()

    def __call__(self, received: Received) -> Reply:
        _, name, reply = self._random.choices(MIX, self._weights)[0]
        self.served[name] += 1
        return reply


@dataclass
class Tally:
    """Outcomes of a run."""

    results: Counter[str] = field(default_factory=Counter)
    untyped: list[BaseException] = field(default_factory=list)
    # mutation id -> ("ok" | error class name, sent) for every mutation call
    mutations: dict[str, tuple[str, bool | None]] = field(default_factory=dict)
    retries: Counter[str] = field(default_factory=Counter)
    attempts: Counter[int] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, label: str, mid: str | None, outcome: Any) -> None:
        with self.lock:
            if isinstance(outcome, AppSyncError):
                name = type(outcome).__name__
                self.results[f"{label} error {name}"] += 1
                self.attempts[outcome.attempts] += 1
                sent = outcome.sent if isinstance(outcome, AppSyncNetworkError) else True
                if mid is not None:
                    self.mutations[mid] = (name, sent)
            elif isinstance(outcome, BaseException):
                self.untyped.append(outcome)
                self.results[f"{label} UNTYPED {type(outcome).__name__}"] += 1
            else:
                self.results[f"{label} ok"] += 1
                if mid is not None:
                    self.mutations[mid] = ("ok", None)

    def on_error(self, record: AttemptRecord) -> None:
        if not record.will_retry:
            return
        with self.lock:
            self.retries[f"{record.operation_type} after {type(record.error).__name__}"] += 1


def plan(seed: int, prefix: str, count: int) -> list[tuple[str, dict[str, Any], str | None]]:
    """(query, variables, mutation id) for ``count`` calls: half mutations."""
    rng = random.Random(seed)
    calls: list[tuple[str, dict[str, Any], str | None]] = []
    for index in range(count):
        if rng.random() < 0.5:
            mid = f"{prefix}-{index}"
            calls.append((MUTATION, {"input": {"clientMutationId": mid, "title": "t"}}, mid))
        else:
            calls.append((QUERY, {"id": f"n{index}"}, None))
    return calls


def run_sync_calls(url: str, tally: Tally, prefix: str, count: int, refuse: Coin | None) -> None:
    own = httpx.Client(transport=RefusingTransport(refuse)) if refuse is not None else None
    client = AppSyncClient(
        url,
        auth=ApiKeyAuth(KEY),
        retry=POLICY,
        hooks=CallHooks(on_error=tally.on_error),
        timeout=TIMEOUT,
        http_client=own,
    )

    def one(call: tuple[str, dict[str, Any], str | None]) -> None:
        query, variables, mid = call
        label = "sync mutation" if mid else "sync query"
        try:
            outcome: Any = client.execute(query, variables=variables)
        except BaseException as exc:  # counted: anything untyped fails the test
            outcome = exc
        tally.record(label, mid, outcome)

    with client, ThreadPoolExecutor(max_workers=8) as pool:  # one client, many threads
        list(pool.map(one, plan(SEED + len(prefix), prefix, count)))
    if own is not None:
        own.close()


async def run_async_calls(
    url: str, tally: Tally, prefix: str, count: int, refuse: Coin | None
) -> None:
    session = refusing_session(refuse) if refuse is not None else None
    client = AsyncAppSyncClient(
        url,
        auth=ApiKeyAuth(KEY),
        retry=POLICY,
        hooks=CallHooks(on_error=tally.on_error),
        timeout=TIMEOUT,
        session=session,
    )
    gate = asyncio.Semaphore(64)

    async def one(call: tuple[str, dict[str, Any], str | None]) -> None:
        query, variables, mid = call
        label = "async mutation" if mid else "async query"
        async with gate:
            try:
                outcome: Any = await client.execute(query, variables=variables)
            except BaseException as exc:  # counted: anything untyped fails the test
                outcome = exc
        tally.record(label, mid, outcome)

    async with client:
        await asyncio.gather(*(one(call) for call in plan(SEED + 7 * len(prefix), prefix, count)))
    if session is not None:
        await session.close()


def test_fault_injection_never_duplicates_a_mutation(fake: FakeAppSync) -> None:
    mix = FaultMix(SEED)
    fake.handler = mix
    tally = Tally()
    sync_refusals = Coin(REFUSE_P, SEED + 1)
    async_refusals = Coin(REFUSE_P * 5, SEED + 2)  # per new connection: rarer than requests
    started = time.monotonic()

    run_sync_calls(fake.url, tally, "s", CALLS_PER_CLIENT, sync_refusals)
    run_sync_calls(dead_url(), tally, "sd", DEAD_URL_CALLS, None)
    localhost = fake.url.replace("127.0.0.1", "localhost")
    asyncio.run(run_async_calls(localhost, tally, "a", CALLS_PER_CLIENT, async_refusals))
    asyncio.run(run_async_calls(dead_url(), tally, "ad", DEAD_URL_CALLS, None))
    elapsed = time.monotonic() - started

    total = sum(tally.results.values())
    succeeded = sum(n for key, n in tally.results.items() if key.endswith(" ok"))
    typed = sum(n for key, n in tally.results.items() if " error " in key)
    twice = fake.executed_twice
    mutation_calls = len(tally.mutations)
    # A mutation that failed with sent=False must never have run; one that succeeded
    # must have run exactly once; one that failed after being sent ran 0 or 1 times.
    unsent_but_ran = [
        mid
        for mid, (result, sent) in tally.mutations.items()
        if sent is False and fake.executions[mid]
    ]
    ok_not_once = [
        mid
        for mid, (result, _) in tally.mutations.items()
        if result == "ok" and fake.executions[mid] != 1
    ]
    ran_but_failed = sum(
        1 for mid, (result, _) in tally.mutations.items() if result != "ok" and fake.executions[mid]
    )

    print(f"\n=== fault injection: {total} calls in {elapsed:.1f} s (seed {SEED}) ===")
    print(f"server answers: {dict(sorted(mix.served.items()))}")
    print(
        f"kernel-refused connections: sync {sync_refusals.heads}/{sync_refusals.flips} "
        f"requests, async {async_refusals.heads}/{async_refusals.flips} new connections; "
        f"{2 * DEAD_URL_CALLS} calls to a dead URL"
    )
    for key, count in sorted(tally.results.items()):
        print(f"  {key}: {count}")
    print(f"retries: {dict(sorted(tally.retries.items()))}")
    print(f"attempts of failed calls: {dict(sorted(tally.attempts.items()))}")
    print(f"succeeded: {succeeded}; typed AppSyncError: {typed}; untyped: {len(tally.untyped)}")
    print(
        f"mutations: {mutation_calls} calls, {sum(fake.executions.values())} executions, "
        f"executed twice: {len(twice)}; failed after the server ran them (reported, not "
        f"resent): {ran_but_failed}"
    )

    assert total == 2 * (CALLS_PER_CLIENT + DEAD_URL_CALLS)
    assert not tally.untyped, tally.untyped[:3]
    assert twice == {}
    assert unsent_but_ran == [] and ok_not_once == []
    assert succeeded + typed == total
    # The mix really exercised what it claims to.
    assert all(mix.served[name] > 10 for _, name, _ in MIX)
    assert sync_refusals.heads > 10 and async_refusals.heads > 5
    assert any("query" in key for key in tally.retries) and tally.retries
    assert elapsed < 60
