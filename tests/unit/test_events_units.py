"""Events without I/O: channel rules, what is sent and signed, publish results, the
endpoints, and the ``aws-appsync-event-ws`` state machine against hostile frames.

The channel oracle is the facts sheet's regular expressions (as the fake server
writes them), not the client's own code."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appsync_runtime import AppSyncConfigError, AppSyncResponseError, PublishResult
from appsync_runtime._events import (
    channel_path,
    encode_events,
    events_endpoint,
    publish_body,
    publish_result,
    subscribe_body,
)
from appsync_runtime._events_ws import EVENTS_WS, EventsWsProtocol
from appsync_runtime._realtime_protocol import (
    BadData,
    Complete,
    ConnectionAck,
    ConnectionFailed,
    Data,
    DeliveryFailed,
    Event,
    Ignored,
    ProtocolError,
    RequestDone,
    RequestFailed,
    RequestTimeout,
    StartAck,
    SubscriptionFailed,
)
from tests.support.examples import examples
from tests.support.fake_events import PUBLISH_CHANNEL, SUBSCRIBE_CHANNEL

# --------------------------------------------------------------------------- channels

_ALNUM = "abcXYZ019"
segment = st.builds(
    lambda first, middle, last: first + (middle + last if last else ""),
    st.sampled_from(_ALNUM),
    st.text(alphabet=_ALNUM + "-", max_size=48),
    st.sampled_from(["", *_ALNUM]),
)
valid = st.lists(segment, min_size=1, max_size=5).map("/".join)
hostile = st.text(alphabet="ab-_/*. 9\u00e9\x00", max_size=70) | st.text(max_size=30)


@given(path=valid, lead=st.booleans(), trail=st.booleans())
@settings(max_examples=examples(200))
def test_valid_channels_are_accepted_in_one_written_form(
    path: str, lead: bool, trail: bool
) -> None:
    written = ("/" if lead else "") + path + ("/" if trail else "")
    assert channel_path(written) == "/" + path
    assert channel_path(written, subscribe=True) == "/" + path
    assert channel_path(written + ("" if trail else "/") + "*", subscribe=True) == f"/{path}/*"


@given(text=hostile | valid.map(lambda p: p + "/*") | valid)
@settings(max_examples=examples(400))
def test_channels_are_accepted_exactly_when_the_documented_rules_allow(text: str) -> None:
    for subscribe, oracle in ((False, PUBLISH_CHANNEL), (True, SUBSCRIBE_CHANNEL)):
        allowed = oracle.fullmatch(text) is not None
        try:
            written = channel_path(text, subscribe=subscribe)
        except AppSyncConfigError as exc:
            assert not allowed, (text, subscribe, exc)
            assert "rule" in str(exc)
            continue
        assert allowed, (text, subscribe, written)
        assert oracle.fullmatch(written)


@pytest.mark.parametrize(
    ("channel", "rule"),
    [
        ("", "empty"),
        ("/", "empty"),
        ("default//a", "no '//'"),
        ("default/a_b", "[A-Za-z0-9-]"),
        ("default/-a", "starts and ends"),
        ("default/" + "a" * 51, "1 to 50 characters"),
        ("default/1/2/3/4/5", "1 to 5 segments"),
        ("default/a*", "whole last segment"),
        ("default/*/a", "whole last segment"),
        ("/*", "namespace before it"),
    ],
)
def test_a_bad_channel_names_the_rule_it_breaks(channel: str, rule: str) -> None:
    with pytest.raises(AppSyncConfigError) as raised:
        channel_path(channel, subscribe=True)
    assert rule in str(raised.value)


def test_the_wildcard_is_for_subscribing_only() -> None:
    with pytest.raises(AppSyncConfigError, match="only for subscribing"):
        channel_path("/default/*")
    assert channel_path("/default/*", subscribe=True) == "/default/*"
    with pytest.raises(AppSyncConfigError, match="a channel is text"):
        channel_path(42)


# --------------------------------------------------------------------------- bodies


def test_bodies_are_compact_with_slashes_and_non_ascii_as_javascript_writes_them() -> None:
    texts = encode_events(["a/b", {"é": 1.5}, [True, None]])
    assert texts == ('"a/b"', '{"é":1.5}', "[true,null]")
    body = publish_body("/default/x", texts)
    assert (
        body
        == '{"channel":"/default/x","events":["\\"a/b\\"","{\\"é\\":1.5}","[true,null]"]}'.encode()
    )
    assert subscribe_body("/default/*") == b'{"channel":"/default/*"}'


@pytest.mark.parametrize(
    ("value", "where"),
    [
        (float("nan"), "events[1]"),
        ({"a": [1, float("inf")]}, "events[1].a[1]"),
        (object(), "events[1]"),
        ({1: "x"}, "events[1]"),
        ("\ud800", "events[1]"),
    ],
)
def test_an_event_without_a_json_form_is_refused_where_it_sits(value: Any, where: str) -> None:
    with pytest.raises(AppSyncConfigError) as raised:
        encode_events(["fine", value])
    assert where in str(raised.value)


def test_pydantic_models_are_sent_by_alias() -> None:
    from pydantic import BaseModel, Field

    class Message(BaseModel):
        text: str
        sent_by: str = Field(alias="sentBy")

    assert encode_events([Message(text="hi", sentBy="me")]) == ('{"text":"hi","sentBy":"me"}',)


# --------------------------------------------------------------------------- results


def test_results_are_indexed_in_the_callers_list_and_nothing_is_dropped() -> None:
    answer = {
        "successful": [{"identifier": "u1", "index": 2}, {"identifier": "u0", "index": 0}],
        "failed": [{"index": 1, "errorCode": 400, "errorMessage": "bad"}],
    }
    result = publish_result(answer, 4, offset=5)
    assert [(e.index, e.identifier) for e in result.successful] == [(5, "u0"), (7, "u1")]
    assert [(e.index, e.code, e.message) for e in result.failed] == [(6, 400, "bad")]
    assert result.unacknowledged == (8,)
    assert not result.ok
    android = publish_result({"failed": [{"index": 0, "code": 7, "message": "m"}]}, 1)
    assert (android.failed[0].code, android.failed[0].message) == (7, "m")
    merged = PublishResult.merge([publish_result({"successful": [{"index": 0}]}, 1), result])
    assert [e.index for e in merged.successful] == [0, 5, 7]


@given(
    answer=st.recursive(
        st.none() | st.booleans() | st.integers(-3, 8) | st.text(max_size=5),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.sampled_from(["successful", "failed", "index", "identifier", "code", "message"]),
                inner,
                max_size=4,
            )
        ),
        max_leaves=12,
    ),
    count=st.integers(1, 5),
)
@settings(max_examples=examples(300))
def test_a_hostile_publish_answer_is_a_result_that_accounts_for_every_event_or_refused(
    answer: Any, count: int
) -> None:
    try:
        result = publish_result(answer, count)
    except ValueError:
        return
    indexes = [e.index for e in result.successful] + [e.index for e in result.failed]
    indexes += list(result.unacknowledged)
    assert sorted(indexes) == list(range(count))


# --------------------------------------------------------------------------- endpoints


def test_endpoints_derive_the_realtime_url_and_the_region() -> None:
    standard = events_endpoint(
        "https://abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com/event"
    )
    assert standard.realtime_url == (
        "wss://abcdefghijklmnopqrstuvwxyz.appsync-realtime-api.eu-west-1.amazonaws.com"
        "/event/realtime"
    )
    assert standard.region == "eu-west-1"
    assert standard.host == "abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com"
    custom = events_endpoint("https://api.example.com", region="us-east-2")
    assert custom.url == "https://api.example.com/event"
    assert custom.realtime_url == "wss://api.example.com/event/realtime"
    assert custom.region == "us-east-2"
    assert events_endpoint("https://api.example.com/event/", region="us-east-2").url == (
        "https://api.example.com/event"
    )
    with pytest.raises(AppSyncConfigError, match="AppSyncClient"):
        events_endpoint("https://api.example.com/graphql")


# --------------------------------------------------------------------------- the protocol


def _open(**kwargs: float) -> EventsWsProtocol:
    proto = EventsWsProtocol(**kwargs)
    assert json.loads(proto.connection_init(0.0)) == {"type": "connection_init"}
    return proto


def test_connection_ack_carries_its_timeout_at_the_top_level_or_under_payload() -> None:
    top = _open()
    assert top.receive('{"type":"connection_ack","connectionTimeoutMs":120000}', 1.0) == (
        ConnectionAck(120.0)
    )
    nested = _open()
    nested.receive('{"type":"connection_ack","payload":{"connectionTimeoutMs":90000}}', 1.0)
    assert nested.keepalive_timeout == 90.0
    plain = _open()
    plain.receive('{"type":"connection_ack"}', 1.0)
    assert plain.keepalive_timeout == 300.0


def test_a_subscription_and_a_publish_on_the_wire() -> None:
    proto = _open(start_ack_timeout=5.0)
    proto.receive('{"type":"connection_ack","connectionTimeoutMs":60000}', 0.0)
    frame = json.loads(proto.start("s1", '{"channel":"/default/*"}', {"x-api-key": "k"}, 1.0))
    assert frame == {
        "type": "subscribe",
        "id": "s1",
        "channel": "/default/*",
        "authorization": {"x-api-key": "k"},
    }
    assert proto.receive('{"type":"subscribe_success","id":"s1"}', 2.0) == StartAck("s1")
    assert proto.receive('{"type":"data","id":"s1","event":"{\\"a\\":1}"}', 3.0) == Data(
        "s1", {"a": 1}
    )
    assert proto.receive('{"type":"data","id":"s1","event":["[1]"]}', 3.0) == Data("s1", [1])
    assert type(proto.receive('{"type":"data","id":"s1","event":"{nope"}', 3.0)) is BadData
    assert type(proto.receive('{"type":"broadcast_error","id":"s1","errors":[]}', 3.0)) is (
        DeliveryFailed
    )
    body = '{"channel":"/default/a","events":["1","\\"x\\""]}'
    publish = json.loads(proto.request("p1", body, {"x-api-key": "k"}, 4.0, 2.0))
    assert publish == {
        "type": "publish",
        "id": "p1",
        "channel": "/default/a",
        "events": ["1", '"x"'],
        "authorization": {"x-api-key": "k"},
    }
    done = proto.receive('{"type":"publish_success","id":"p1","successful":[],"failed":[]}', 5.0)
    assert type(done) is RequestDone
    proto.request("p2", body, {}, 5.0, 2.0)
    assert proto.check_timeouts(7.5) == [RequestTimeout("p2")]
    proto.request("p3", body, {}, 8.0, 2.0)
    refused = proto.receive('{"type":"publish_error","errors":[{"errorType":"X"}]}', 8.5)
    assert type(refused) is RequestFailed and refused.id == "p3"  # no id: the one waiting
    assert json.loads(proto.stop("s1") or "") == {"type": "unsubscribe", "id": "s1"}
    assert proto.receive('{"type":"unsubscribe_success","id":"s1"}', 9.0) == Complete("s1")
    assert type(proto.receive('{"type":"data","id":"s1","event":"1"}', 9.0)) is Ignored


def test_errors_are_scoped_as_the_protocol_says() -> None:
    proto = _open()
    proto.receive('{"type":"connection_ack"}', 0.0)
    proto.start("s1", '{"channel":"/default/a"}', {}, 0.0)
    failed = proto.receive(
        '{"type":"subscribe_error","id":"s1","errors":[{"errorType":"Unauthorized"}]}', 1.0
    )
    assert type(failed) is SubscriptionFailed and failed.errors[0].error_type == "Unauthorized"
    wide = proto.receive('{"type":"error","errors":[{"errorType":"X","message":"m"}]}', 1.0)
    assert type(wide) is ConnectionFailed
    closing = _open()
    refused = closing.receive(
        '{"type":"connection_error","errors":[{"errorType":"UnauthorizedException"}]}', 1.0
    )
    assert type(refused) is ConnectionFailed and refused.is_auth_failure
    assert type(closing.receive('{"type":"shiny_new_type"}', 1.0)) is Ignored


frames = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["type", "id", "event", "errors", "payload", "connectionTimeoutMs"]),
            inner,
            max_size=4,
        )
    ),
    max_leaves=10,
)
types = st.sampled_from(
    [
        "connection_ack",
        "ka",
        "data",
        "subscribe_success",
        "subscribe_error",
        "unsubscribe_success",
        "unsubscribe_error",
        "publish_success",
        "publish_error",
        "broadcast_error",
        "connection_error",
        "error",
    ]
)
ids = st.sampled_from(["s1", "p1", "zz", ""]) | st.integers()


@given(
    messages=st.lists(
        st.one_of(
            frames.map(lambda f: json.dumps(f, allow_nan=True)),
            st.builds(
                lambda kind, id, extra: json.dumps({"type": kind, "id": id, **extra}),
                types,
                ids,
                st.dictionaries(
                    st.sampled_from(["event", "errors", "connectionTimeoutMs"]), frames, max_size=2
                ),
            ),
            st.binary(max_size=20).map(lambda b: b.decode("latin-1")),
        ),
        max_size=12,
    )
)
@settings(max_examples=examples(300))
def test_hostile_frames_never_raise_and_always_mean_one_event(messages: list[str]) -> None:
    proto = _open()
    now = 0.0
    for text in messages:
        now += 0.5
        if proto.state.value == "open" and not proto.knows("s1"):
            proto.start("s1", '{"channel":"/default/a"}', {}, now)
        event = proto.receive(text, now)
        assert isinstance(event, Event)
        if isinstance(event, Data):
            assert event.id == "s1"
        deadline = proto.next_deadline()
        if deadline is not None:
            for timed_out in proto.check_timeouts(deadline + 1):
                assert isinstance(timed_out, Event)
        assert not isinstance(event, ProtocolError) or "secret" not in event.reason


def test_the_spec_signs_post_event_on_the_http_host() -> None:
    endpoint = events_endpoint("http://127.0.0.1:9/event")
    connect = EVENTS_WS.connect_request(endpoint)
    assert (connect.method, connect.url, connect.host, connect.body) == (
        "POST",
        "http://127.0.0.1:9/event",
        "127.0.0.1:9",
        b"{}",
    )
    assert EVENTS_WS.request_request is not None
    assert EVENTS_WS.request_request(endpoint, b"x").body == b"x"
    assert EVENTS_WS.subprotocol == "aws-appsync-event-ws" and not EVENTS_WS.query_form


def test_unusable_http_answers_are_typed() -> None:
    from appsync_runtime._events import parse_publish_response
    from appsync_runtime._response import HttpResponse

    with pytest.raises(AppSyncResponseError):
        parse_publish_response(HttpResponse(200, {}, b"<html>"), 1)
    with pytest.raises(AppSyncResponseError, match="outside"):
        parse_publish_response(HttpResponse(200, {}, b'{"successful":[{"index":3}]}'), 1)


@given(
    status=st.sampled_from([200, 201, 204, 400, 401, 403, 404, 429, 500, 502, 503]),
    body=st.binary(max_size=60)
    | st.recursive(
        st.none() | st.integers(-2, 6) | st.text(max_size=5),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    ["successful", "failed", "errors", "index", "errorType", "message", "code"]
                ),
                inner,
                max_size=4,
            )
        ),
        max_leaves=10,
    ).map(lambda value: json.dumps(value).encode()),
    count=st.integers(1, 5),
)
@settings(max_examples=examples(300))
def test_any_http_publish_answer_is_a_full_result_or_one_typed_error(
    status: int, body: bytes, count: int
) -> None:
    from appsync_runtime import AppSyncError
    from appsync_runtime._events import parse_publish_response
    from appsync_runtime._response import HttpResponse

    try:
        result = parse_publish_response(HttpResponse(status, {}, body), count, offset=10)
    except AppSyncError:
        return
    assert 200 <= status < 300
    indexes = [e.index for e in result.successful] + [e.index for e in result.failed]
    assert sorted([*indexes, *result.unacknowledged]) == list(range(10, 10 + count))
