"""The seams of the real-time core: the protocol plugged into a connection, the one
ready/gap dispatch, the stop after a ``start_ack`` timeout, the one backoff."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import random
from decimal import Context, Decimal
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from appsync_runtime import ApiKeyAuth, RetryPolicy, SubscriptionGap
from appsync_runtime._auth import AuthRequest
from appsync_runtime._backoff import backoff_delay
from appsync_runtime._connection_manager import RealtimeManager
from appsync_runtime._endpoints import Endpoint, parse_endpoint
from appsync_runtime._graphql_ws import GRAPHQL_WS, GraphQLWsProtocol
from appsync_runtime._realtime_protocol import (
    Ignored,
    ProtocolSpec,
    StartAckTimeout,
    WireProtocol,
)
from appsync_runtime._subscription import READY, deliver_signal
from tests.support.fake_realtime import FAST, SUBSCRIPTION, FakeRealtime

# --------------------------------------------------------------------------- protocol seam


async def test_a_connection_speaks_only_through_its_protocol_spec() -> None:
    """Every protocol-specific step (new state machine, connect auth, start auth) goes
    through the manager's ProtocolSpec: a second protocol plugs in there."""
    calls: list[str] = []

    def new(ack: float, start_ack: float, keepalive: float) -> WireProtocol:
        calls.append("new")
        return GRAPHQL_WS.new(ack, start_ack, keepalive)

    def connect_request(endpoint: Endpoint) -> AuthRequest:
        calls.append("connect")
        return GRAPHQL_WS.connect_request(endpoint)

    def start_request(endpoint: Endpoint, body: bytes) -> AuthRequest:
        calls.append("start")
        return GRAPHQL_WS.start_request(endpoint, body)

    spec: ProtocolSpec = dataclasses.replace(
        GRAPHQL_WS,
        name="spied",
        new=new,
        connect_request=connect_request,
        start_request=start_request,
    )
    with FakeRealtime(connection_timeout_ms=2000, ka_interval=0.05) as rt:
        manager = RealtimeManager(parse_endpoint(rt.url), FAST, protocol=spec)
        ready = asyncio.Event()
        body = json.dumps({"query": SUBSCRIPTION, "variables": {"id": "1"}}).encode()
        items = manager.iterate(body, ApiKeyAuth(rt.api_key), "OnNote", ready.set, None, hooks=True)
        received: list[dict[str, Any]] = []

        async def consume() -> None:
            async for item in items:
                received.append(item)
                break

        task = asyncio.ensure_future(consume())
        await asyncio.wait_for(ready.wait(), 5)
        rt.publish({"onNote": {"id": "1", "title": "t"}})
        await asyncio.wait_for(task, 5)
        await items.aclose()
        await manager.aclose()
        assert received == [{"onNote": {"id": "1", "title": "t"}}]
        assert calls == ["connect", "new", "start"]
        await rt.wait_for(lambda: rt.connections[0].stops, what="stop through the protocol")
        assert rt.violations == []


def test_graphql_ws_meets_the_wire_protocol_interface() -> None:
    proto: WireProtocol = GraphQLWsProtocol()
    assert proto.next_deadline() is None
    assert GRAPHQL_WS.subprotocol == "graphql-ws"


def test_a_start_ack_timeout_is_stopped_once_through_the_protocol() -> None:
    proto = GraphQLWsProtocol(start_ack_timeout=5.0)
    proto.connection_init(0.0)
    proto.receive('{"type":"connection_ack","payload":{"connectionTimeoutMs":60000}}', 0.0)
    proto.start("slow", "{}", {}, 1.0)
    assert proto.check_timeouts(6.0) == [StartAckTimeout("slow")]
    assert not proto.knows("slow")
    frame = proto.stop("slow")
    assert frame is not None and json.loads(frame) == {"type": "stop", "id": "slow"}
    assert proto.stop("slow") is None  # once
    assert type(proto.receive('{"type":"start_ack","id":"slow"}', 7.0)) is Ignored


def test_a_timed_out_start_is_not_stopped_on_a_lost_connection() -> None:
    proto = GraphQLWsProtocol(start_ack_timeout=5.0)
    proto.connection_init(0.0)
    proto.receive('{"type":"connection_ack"}', 0.0)
    proto.start("slow", "{}", {}, 1.0)
    proto.check_timeouts(6.0)
    proto.connection_lost()
    assert proto.stop("slow") is None


# --------------------------------------------------------------------------- one dispatch


def _gap() -> SubscriptionGap:
    return SubscriptionGap("sub-1", "OnNote", 10.0, 12.5, "no keep-alive within 300 s")


def test_deliver_signal_calls_the_callbacks_and_passes_their_result_on() -> None:
    seen: list[object] = []
    marker = object()

    def on_ready() -> object:
        seen.append("ready")
        return marker

    assert deliver_signal(READY, "OnNote", on_ready, seen.append) is marker
    gap = _gap()
    assert deliver_signal(gap, "OnNote", on_ready, seen.append) is None
    assert seen == ["ready", gap]
    assert deliver_signal(READY, "OnNote", None, None) is None


def test_a_gap_nobody_listens_to_is_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="appsync_runtime.realtime"):
        deliver_signal(_gap(), None, None, None)
    [record] = caplog.records
    assert "subscription sub-1 lost the events of 2.5 s" in record.getMessage()
    assert "on_gap=" in record.getMessage()


# --------------------------------------------------------------------------- one backoff


@given(
    attempt=st.integers(min_value=-3, max_value=10_000),
    initial=st.floats(min_value=0, max_value=100),
    maximum=st.floats(min_value=0.001, max_value=1000),
    base=st.floats(min_value=1, max_value=1e6),
    jitter=st.floats(min_value=0, max_value=1),
    seed=st.integers(min_value=0, max_value=2**32),
)
# a tiny start that only reaches a nanosecond after 1,352 steps of 1.5 (the power
# alone was once cut at 1,100 steps, which left the delay 5e-54 s)
@example(attempt=1353, initial=1.0654254641219496e-247, maximum=1.0, base=1.5, jitter=0.0, seed=0)
# the power overflows a float, but the tiny start brings the step back under the cap
@example(attempt=1800, initial=1e-320, maximum=1000.0, base=1.5, jitter=0.0, seed=0)
def test_backoff_is_capped_and_jittered_within_its_step(
    attempt: int, initial: float, maximum: float, base: float, jitter: float, seed: int
) -> None:
    delay = backoff_delay(
        attempt,
        initial=initial,
        maximum=maximum,
        base=base,
        jitter=jitter,
        rand=random.Random(seed),
    )
    if attempt < 1:
        assert delay == 0.0
        return
    # the step in decimal arithmetic, whose exponents do not overflow
    exact = _WIDE.multiply(Decimal(initial), _WIDE.power(Decimal(base), attempt - 1))
    step = maximum if exact >= Decimal(maximum) else float(exact)
    assert step * (1 - jitter) - 1e-9 <= delay <= step + 1e-9


_WIDE = Context(prec=40, Emax=10**9, Emin=-(10**9))


def test_retry_policy_waits_by_the_same_backoff() -> None:
    policy = RetryPolicy(wait_initial=0.5, wait_max=3.0, wait_exp_base=3.0, wait_jitter=0.25)
    for retry in range(1, 8):
        random.seed(retry)
        expected = backoff_delay(retry, initial=0.5, maximum=3.0, base=3.0, jitter=0.25)
        random.seed(retry)
        assert policy.wait(retry) == expected
