"""The lean path of the call drivers gives what the full flow gives, in every case.

With no hooks and no debug logging, ``run_sync``/``run_async`` make the first attempt
without the flow's generator and hand anything but a parsed 2xx success over to
``call_flow`` as that attempt's outcome. These properties run generated sequences of
strategy and transport outcomes both ways (lean, and the flow alone, which debug
logging forces) and compare everything observable: the result or error, the
requests sent and the auth calls made.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from appsync_runtime import AppSyncError, AppSyncNetworkError, RetryPolicy, Timeout
from appsync_runtime._auth import AuthRejection, AuthRequest, AuthStrategy
from appsync_runtime._flow import Call, run_async, run_sync
from appsync_runtime._request import HttpRequest
from appsync_runtime._response import GraphQLResponse, HttpResponse, Validated

BODIES = [
    b'{"data":{"n":1}}',
    b'{"data":{"n":"x"}}',  # does not fit the model: the ordinary path
    b'{"data":null,"errors":[{"message":"boom","errorType":"Unauthorized"}]}',
    b'{"errors":[{"message":"throttled","errorType":"Throttling"}]}',
    b"not json",
    b'{"data":{"n":2},"errors":[]}',
]


class Result(BaseModel):
    n: int


Outcome = tuple[str, int, bytes]  # ("status", code, body) or ("raise", 0, b"")


class Strategy(AuthStrategy):
    def __init__(self, fail_first: bool, fix_rejection: bool) -> None:
        self.fail_first = fail_first
        self.fix_rejection = fix_rejection
        self.calls = 0

    def auth_headers(self, request: AuthRequest) -> dict[str, str]:
        self.calls += 1
        if self.fail_first and self.calls == 1:
            raise RuntimeError("no credentials yet")
        return {"x-api-key": f"key-{self.calls}"}

    async def async_auth_headers(self, request: AuthRequest) -> dict[str, str]:
        return self.auth_headers(request)

    def should_retry(self, rejection: AuthRejection) -> bool:
        return self.fix_rejection

    def secret_values(self) -> tuple[str, ...]:
        return tuple(f"key-{n}" for n in range(1, self.calls + 1))


class Transport:
    def __init__(self, outcomes: list[Outcome]) -> None:
        self.outcomes = list(outcomes)
        self.sent: list[tuple[dict[str, str], float | None]] = []

    def _next(self, request: HttpRequest) -> HttpResponse:
        self.sent.append((dict(request.headers), request.deadline))
        kind, status, body = self.outcomes.pop(0) if self.outcomes else ("status", 200, BODIES[0])
        if kind == "raise":
            raise AppSyncNetworkError("connection reset", sent=True)
        return HttpResponse(status, {"x-amzn-RequestId": "r-1"}, body)

    def send(self, request: HttpRequest) -> HttpResponse:
        return self._next(request)

    async def asend(self, request: HttpRequest) -> HttpResponse:
        return self._next(request)

    def close(self) -> None:
        pass


class AsyncTransport:
    def __init__(self, inner: Transport) -> None:
        self.inner = inner

    async def send(self, request: HttpRequest) -> HttpResponse:
        return await self.inner.asend(request)

    async def aclose(self) -> None:
        pass


@contextmanager
def full_flow() -> Iterator[None]:
    """Debug logging on: the drivers take the flow from the first attempt."""
    log = logging.getLogger("appsync_runtime")
    level = log.level
    log.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        log.setLevel(level)


def observe(outcomes: list[Outcome], fail_first: bool, fix: bool, model: bool, mode: str) -> Any:
    strategy = Strategy(fail_first, fix)
    transport = Transport(outcomes)
    call = Call(
        url="https://example.appsync-api.us-east-1.amazonaws.com/graphql",
        host="example.appsync-api.us-east-1.amazonaws.com",
        region="us-east-1",
        headers={"content-type": "application/json"},
        body=b'{"query":"{ n }"}',
        strategy=strategy,
        timeout=Timeout(total=None),
        operation_name="N",
        operation_type="query",
        retry=RetryPolicy(attempts=3, wait_initial=0.0001, wait_max=0.0001, wait_jitter=0),
        model=Result if model else None,
    )
    result: Any
    try:
        if mode == "sync":
            result = run_sync(call, transport)
        else:
            result = asyncio.run(run_async(call, AsyncTransport(transport)))
    except AppSyncError as exc:
        cause = exc.__cause__
        result = (type(exc), str(exc), exc.attempts, type(cause), str(cause))
    else:
        if isinstance(result, Validated):
            result = ("validated", result.value)
        else:
            assert isinstance(result, GraphQLResponse)
            result = ("response", result.data)
    return result, [headers for headers, _ in transport.sent], strategy.calls


outcome = st.one_of(
    st.tuples(st.just("raise"), st.just(0), st.just(b"")),
    st.tuples(
        st.just("status"), st.sampled_from([200, 204, 401, 403, 429, 500]), st.sampled_from(BODIES)
    ),
)


@pytest.mark.parametrize("mode", ["sync", "async"])
@given(
    outcomes=st.lists(outcome, max_size=4),
    fail_first=st.booleans(),
    fix=st.booleans(),
    model=st.booleans(),
)
def test_lean_path_and_full_flow_agree(
    mode: str, outcomes: list[Outcome], fail_first: bool, fix: bool, model: bool
) -> None:
    lean = observe(outcomes, fail_first, fix, model, mode)
    with full_flow():
        full = observe(outcomes, fail_first, fix, model, mode)
    assert lean == full
