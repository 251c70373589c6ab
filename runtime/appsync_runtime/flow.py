"""The call flow: written once, free of I/O, driven by a sync or an async driver.

:func:`call_flow` is a generator. It yields *steps* (authorize this request, send this
request) and receives their results; it returns the :class:`GraphQLResponse` or raises
one :class:`AppSyncError`. The drivers :func:`run_sync` and :func:`run_async` perform
the steps, and are the only code that differs between the sync and async clients.
An exception raised while performing a step is thrown back into the flow, so recovery
logic lives here too.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, Protocol

from .auth import AuthRequest, AuthStrategy
from .request import HttpRequest, Timeout
from .response import GraphQLResponse, HttpResponse, describe_rejection, parse_response

__all__ = [
    "AsyncTransport",
    "AuthStep",
    "Call",
    "SendStep",
    "SyncTransport",
    "call_flow",
    "run_async",
    "run_sync",
]


@dataclass(frozen=True)
class Call:
    """Everything one GraphQL call needs, prepared by the client."""

    url: str
    host: str
    region: str | None
    headers: dict[str, str]
    body: bytes
    strategy: AuthStrategy
    timeout: Timeout
    operation_name: str | None


@dataclass(frozen=True)
class AuthStep:
    """Ask the strategy for the headers that authorize ``request``."""

    strategy: AuthStrategy
    request: AuthRequest


@dataclass(frozen=True)
class SendStep:
    """Send ``request``; the driver answers with an :class:`HttpResponse`."""

    request: HttpRequest


Step = AuthStep | SendStep
Flow = Generator[Step, Any, GraphQLResponse]


class SyncTransport(Protocol):
    """Sends one request and returns the whole response, raising only
    :class:`AppSyncNetworkError`."""

    def send(self, request: HttpRequest) -> HttpResponse: ...

    def close(self) -> None: ...


class AsyncTransport(Protocol):
    """The async twin of :class:`SyncTransport`."""

    async def send(self, request: HttpRequest) -> HttpResponse: ...

    async def aclose(self) -> None: ...


def call_flow(call: Call) -> Flow:
    """One GraphQL call: authorize, send, recover once from a fixable auth rejection,
    parse."""
    auth_request = AuthRequest(
        method="POST",
        url=call.url,
        host=call.host,
        body=call.body,
        headers=call.headers,
        region=call.region,
    )
    recovered = False
    while True:
        auth_headers: dict[str, str] = yield AuthStep(call.strategy, auth_request)
        response: HttpResponse = yield SendStep(
            HttpRequest(
                method="POST",
                url=call.url,
                headers={**call.headers, **auth_headers},
                content=call.body,
                timeout=call.timeout,
            )
        )
        if response.status in (401, 403) and not recovered:
            rejection = describe_rejection(response.status, response.headers, response.content)
            if call.strategy.should_retry(rejection):
                recovered = True
                continue
        return parse_response(response, call.operation_name)


def run_sync(flow: Flow, transport: SyncTransport) -> GraphQLResponse:
    """Drive ``flow`` with blocking I/O."""
    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            step = flow.throw(error) if error is not None else flow.send(value)
        except StopIteration as stop:
            result: GraphQLResponse = stop.value
            return result
        error = None
        try:
            if isinstance(step, SendStep):
                value = transport.send(step.request)
            else:
                value = step.strategy.auth_headers(step.request)
        except Exception as exc:
            error = exc


async def run_async(flow: Flow, transport: AsyncTransport) -> GraphQLResponse:
    """Drive ``flow`` with asyncio I/O."""
    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            step = flow.throw(error) if error is not None else flow.send(value)
        except StopIteration as stop:
            result: GraphQLResponse = stop.value
            return result
        error = None
        try:
            if isinstance(step, SendStep):
                value = await transport.send(step.request)
            else:
                value = await step.strategy.async_auth_headers(step.request)
        except Exception as exc:
            error = exc
