"""The sans-IO real-time protocol: every message, timeouts, routing, auth headers."""

from __future__ import annotations

import base64
import hashlib
import json
import math
import random
from typing import Any, ClassVar, cast
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appsync_runtime import ApiKeyAuth, AuthMode, AuthRequest, AuthStrategy, CognitoUserPoolsAuth
from appsync_runtime._backoff import backoff_delay
from appsync_runtime._endpoints import parse_endpoint
from appsync_runtime._graphql_ws import ConnectionState
from appsync_runtime._graphql_ws import GraphQLWsProtocol as RealtimeProtocol
from appsync_runtime._realtime_auth import (
    CONNECT_HEADERS,
    authorization_payload,
    connect_auth_request,
    connect_target,
    resolve_connect_form,
    start_auth_request,
)
from appsync_runtime._realtime_protocol import (
    KEEPALIVE_TIMEOUT_MAX,
    KEEPALIVE_TIMEOUT_MIN,
    AckTimeout,
    Complete,
    ConnectionAck,
    ConnectionFailed,
    Data,
    DataWithErrors,
    Ignored,
    KeepAlive,
    KeepAliveTimeout,
    ProtocolError,
    StartAck,
    StartAckTimeout,
    SubscriptionFailed,
)
from tests.support.connect_auth import decode_connect_auth

KEY = "da2-protocoltestsecret000000000"
GRAPHQL = "https://abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com/graphql"
HOST = "abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com"
REALTIME = "wss://abcdefghijklmnopqrstuvwxyz.appsync-realtime-api.eu-west-1.amazonaws.com/graphql"


def opened(now: float = 0.0, timeout_ms: int = 300_000, **kwargs: Any) -> RealtimeProtocol:
    proto = RealtimeProtocol(**kwargs)
    proto.connection_init(now)
    event = proto.receive(
        json.dumps({"type": "connection_ack", "payload": {"connectionTimeoutMs": timeout_ms}}),
        now,
    )
    assert event == ConnectionAck(timeout_ms / 1000)
    return proto


def started(proto: RealtimeProtocol, sub_id: str = "s1", now: float = 0.0) -> str:
    frame = proto.start(sub_id, '{"query":"subscription { x }"}', {"host": HOST}, now)
    assert proto.receive(json.dumps({"type": "start_ack", "id": sub_id}), now) == StartAck(sub_id)
    return frame


# --------------------------------------------------------------------------- messages


def test_connection_init_and_ack() -> None:
    proto = RealtimeProtocol()
    assert proto.state.value == "idle"
    assert json.loads(proto.connection_init(10.0)) == {"type": "connection_init"}
    assert proto.state.value == "connecting"
    event = proto.receive('{"type":"connection_ack","payload":{"connectionTimeoutMs":120000}}', 11)
    assert isinstance(event, ConnectionAck)
    assert event.keepalive_timeout == 120.0
    assert proto.state is ConnectionState.OPEN
    with pytest.raises(RuntimeError):
        proto.connection_init(12.0)


@pytest.mark.parametrize(
    ("payload", "expected", "adjusted"),
    [
        ({"connectionTimeoutMs": 3000}, 3.0, False),
        ({"connectionTimeoutMs": 2500.5}, 2.5005, False),
        ({"connectionTimeout": 300000}, 300.0, False),  # the Amplify simulator's spelling
        ({}, 300.0, False),
        (None, 300.0, False),
        # out of range: clamped into [1 s, 600 s]
        ({"connectionTimeoutMs": 300}, 1.0, True),
        ({"connectionTimeoutMs": 10**15}, 600.0, True),
        ({"connectionTimeoutMs": 10**400}, 600.0, True),  # beyond any float
        ({"connectionTimeoutMs": 1e300}, 600.0, True),
        ({"connectionTimeoutMs": 5e-324}, 1.0, True),
        # garbage: the default
        ({"connectionTimeoutMs": "soon"}, 300.0, True),
        ({"connectionTimeoutMs": "300000"}, 300.0, True),
        ({"connectionTimeoutMs": -5}, 300.0, True),
        ({"connectionTimeoutMs": 0}, 300.0, True),
        ({"connectionTimeoutMs": True}, 300.0, True),
        ({"connectionTimeoutMs": None}, 300.0, True),
        ({"connectionTimeoutMs": [300000]}, 300.0, True),
        ({"connectionTimeoutMs": float("inf")}, 300.0, True),
        ({"connectionTimeoutMs": float("-inf")}, 300.0, True),
        ({"connectionTimeoutMs": float("nan")}, 300.0, True),
        # a garbage spelling does not hide a good one
        ({"connectionTimeoutMs": "x", "connectionTimeout": 20000}, 20.0, False),
    ],
)
def test_ack_timeout_value(payload: Any, expected: float, adjusted: bool) -> None:
    proto = RealtimeProtocol()
    proto.connection_init(0)
    message: dict[str, Any] = {"type": "connection_ack"}
    if payload is not None:
        message["payload"] = payload
    event = proto.receive(json.dumps(message), 0)  # NaN, Infinity: Python's JSON extension
    assert isinstance(event, ConnectionAck)
    assert event.keepalive_timeout == pytest.approx(expected)
    assert proto.keepalive_timeout == event.keepalive_timeout
    # the event says when the announced value was not taken as is
    assert (event.adjusted is not None) is adjusted


_JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.integers(min_value=1, max_value=10**4000)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
)
_JSON_VALUES = st.recursive(
    _JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=5,
)


def _expected_keepalive(value: object, default: float) -> float | None:
    """The timeout one announced value stands for, None when it is unusable."""
    if type(value) not in (int, float):
        return None
    assert isinstance(value, (int, float))
    if (isinstance(value, float) and not math.isfinite(value)) or value <= 0:
        return None
    if value < KEEPALIVE_TIMEOUT_MIN * 1000:
        return KEEPALIVE_TIMEOUT_MIN
    if value > KEEPALIVE_TIMEOUT_MAX * 1000:
        return KEEPALIVE_TIMEOUT_MAX
    return value / 1000.0


@settings(max_examples=300, deadline=None)
@given(
    announced=st.dictionaries(
        st.sampled_from(["connectionTimeoutMs", "connectionTimeout", "other"]), _JSON_VALUES
    )
    | _JSON_VALUES,
    default=st.floats(min_value=0.001, max_value=1e6),
    as_text=st.booleans(),
    now=st.floats(min_value=0, max_value=1e9),
)
def test_any_announced_keepalive_is_clamped_or_ignored(
    announced: Any, default: float, as_text: bool, now: float
) -> None:
    """Whatever a hostile server announces, the watchdog gets a sane finite timeout:
    the announced one clamped into [1 s, 600 s], or the configured default."""
    proto = RealtimeProtocol(default_keepalive_timeout=default)
    proto.connection_init(now)
    message = {"type": "connection_ack", "payload": announced}
    if as_text:
        try:
            text = json.dumps(message)  # NaN and Infinity as Python writes them
        except ValueError:  # an int too long for str(): send its digits by hand
            text = json.dumps(message, default=str)
        event = proto.receive(text, now)
    else:
        event = proto.receive_message(message, now)
    if isinstance(event, ProtocolError):  # e.g. more digits than Python parses
        assert as_text
        return
    assert isinstance(event, ConnectionAck)
    timeout = event.keepalive_timeout
    assert math.isfinite(timeout)
    expected = default
    if isinstance(announced, dict):
        fields = cast("dict[str, object]", announced)
        for key in ("connectionTimeoutMs", "connectionTimeout"):
            found = _expected_keepalive(fields[key], default) if key in fields else None
            if found is not None:
                expected = found
                break
    assert timeout == pytest.approx(expected)
    assert timeout == default or KEEPALIVE_TIMEOUT_MIN <= timeout <= KEEPALIVE_TIMEOUT_MAX
    deadline = proto.next_deadline()
    assert deadline is not None and math.isfinite(deadline)
    assert proto.check_timeouts(now) == []


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Infinity", 300.0),
        ("-Infinity", 300.0),
        ("NaN", 300.0),
        ("1e400", 300.0),  # parses to inf
        ("1" + "0" * 400, 600.0),  # a 401-digit integer
        ("-0", 300.0),
        ("0.0001", 1.0),
    ],
)
def test_announced_keepalive_edge_texts(raw: str, expected: float) -> None:
    proto = RealtimeProtocol()
    proto.connection_init(0)
    text = '{"type":"connection_ack","payload":{"connectionTimeoutMs":' + raw + "}}"
    event = proto.receive(text, 0)
    assert isinstance(event, ConnectionAck)
    assert event.keepalive_timeout == expected
    assert event.adjusted is not None


def test_ack_twice_is_ignored() -> None:
    proto = opened()
    assert isinstance(proto.receive('{"type":"connection_ack"}', 1), Ignored)


def test_start_frame_shape() -> None:
    proto = opened()
    data = json.dumps({"query": "subscription S { onX { id } }", "variables": {"a": 1}})
    frame = json.loads(proto.start("id-1", data, {"host": HOST, "x-api-key": KEY}, 1.0))
    assert frame == {
        "id": "id-1",
        "type": "start",
        "payload": {
            "data": data,  # a JSON string, not an object
            "extensions": {"authorization": {"host": HOST, "x-api-key": KEY}},
        },
    }
    with pytest.raises(RuntimeError):
        proto.start("id-1", data, {}, 1.0)


def test_start_before_ack_is_refused() -> None:
    proto = RealtimeProtocol()
    with pytest.raises(RuntimeError):
        proto.start("x", "{}", {}, 0)
    proto.connection_init(0)
    with pytest.raises(RuntimeError):
        proto.start("x", "{}", {}, 0)


def test_ka_data_stop_complete() -> None:
    proto = opened()
    started(proto)
    assert proto.receive('{"type":"ka"}', 1) == KeepAlive()
    event = proto.receive('{"type":"data","id":"s1","payload":{"data":{"onX":{"id":"1"}}}}', 2)
    assert event == Data("s1", {"onX": {"id": "1"}})
    assert proto.is_active("s1")
    assert json.loads(proto.stop("s1") or "") == {"type": "stop", "id": "s1"}
    assert proto.stop("s1") is None  # already stopping
    # data racing the stop is dropped, not delivered
    assert isinstance(proto.receive('{"type":"data","id":"s1","payload":{"data":{}}}', 3), Ignored)
    assert proto.receive('{"type":"complete","id":"s1"}', 4) == Complete("s1")
    assert not proto.knows("s1")
    assert isinstance(proto.receive('{"type":"complete","id":"s1"}', 5), Ignored)


def test_server_side_complete_without_stop() -> None:
    proto = opened()
    started(proto)
    assert proto.receive('{"type":"complete","id":"s1"}', 1) == Complete("s1")
    assert proto.subscription_count == 0


def test_data_before_start_ack_counts_as_ack() -> None:
    proto = opened()
    proto.start("s1", "{}", {}, 0)
    event = proto.receive('{"type":"data","id":"s1","payload":{"data":{"a":1}}}', 1)
    assert event == Data("s1", {"a": 1})
    assert proto.is_active("s1")
    assert isinstance(proto.receive('{"type":"start_ack","id":"s1"}', 2), Ignored)


def test_data_with_errors() -> None:
    proto = opened()
    started(proto)
    frame = {
        "type": "data",
        "id": "s1",
        "payload": {
            "data": {"onX": None},
            "errors": [{"message": "Cannot return null", "errorType": "MappingTemplate"}],
        },
    }
    event = proto.receive(json.dumps(frame), 1)
    assert isinstance(event, DataWithErrors)
    assert event.data == {"onX": None}
    assert event.errors[0].error_type == "MappingTemplate"
    assert proto.is_active("s1")  # the subscription lives on until the client stops it


def test_data_for_unknown_subscription_is_ignored() -> None:
    proto = opened()
    assert isinstance(proto.receive('{"type":"data","id":"zz","payload":{"data":{}}}', 1), Ignored)
    assert isinstance(proto.receive('{"type":"start_ack","id":"zz"}', 1), Ignored)


# --------------------------------------------------------------------------- errors


def test_error_with_id_fails_only_that_subscription() -> None:
    proto = opened()
    started(proto, "a")
    started(proto, "b")
    frame = {
        "type": "error",
        "id": "a",
        "payload": {"errors": [{"errorType": "MaxSubscriptionsReachedError", "message": "max"}]},
    }
    event = proto.receive(json.dumps(frame), 1)
    assert isinstance(event, SubscriptionFailed)
    assert event.id == "a"
    assert event.errors[0].error_type == "MaxSubscriptionsReachedError"
    assert not proto.knows("a")
    assert proto.is_active("b")
    assert proto.state is ConnectionState.OPEN


def test_error_for_unknown_id_is_ignored() -> None:
    proto = opened()
    assert isinstance(proto.receive('{"type":"error","id":"nope","payload":{}}', 1), Ignored)


@pytest.mark.parametrize(
    "errors",
    [
        {"errorType": "LimitExceededError", "message": "Rate limit exceeded"},  # an object
        [{"errorType": "LimitExceededError", "message": "Rate limit exceeded"}],  # a list
    ],
)
def test_error_without_id_concerns_the_connection(errors: Any) -> None:
    proto = opened()
    started(proto)
    event = proto.receive(json.dumps({"type": "error", "payload": {"errors": errors}}), 1)
    assert isinstance(event, ConnectionFailed)
    assert event.kind == "error"
    assert len(event.errors) == 1
    assert event.error_type == "LimitExceededError"
    assert not event.is_auth_failure


def test_error_with_empty_id_is_connection_wide() -> None:
    # the simulator sends id "" for connection-level errors
    proto = opened()
    event = proto.receive('{"type":"error","id":"","payload":{"errors":[{"message":"bad"}]}}', 1)
    assert isinstance(event, ConnectionFailed)


def test_connection_error_auth() -> None:
    proto = RealtimeProtocol()
    proto.connection_init(0)
    frame = {
        "type": "connection_error",
        "payload": {
            "errors": [
                {
                    "errorType": "UnauthorizedException",
                    "message": "You are not authorized to make this call.",
                    "errorCode": 401,
                }
            ]
        },
    }
    event = proto.receive(json.dumps(frame), 1)
    assert isinstance(event, ConnectionFailed)
    assert event.kind == "connection_error"
    assert event.error_code == 401
    assert event.is_auth_failure
    assert proto.state is ConnectionState.CLOSED
    assert proto.next_deadline() is None


@pytest.mark.parametrize(
    ("entry", "auth"),
    [
        ({"errorType": "BadRequestException", "message": "sig"}, True),
        ({"message": "x", "errorCode": 403}, True),
        ({"message": "x", "errorCode": "400"}, True),
        ({"errorType": "InternalFailure", "message": "x", "errorCode": 500}, False),
    ],
)
def test_connection_error_classification(entry: dict[str, Any], auth: bool) -> None:
    proto = RealtimeProtocol()
    proto.connection_init(0)
    event = proto.receive(json.dumps({"type": "connection_error", "payload": {"errors": entry}}), 1)
    assert isinstance(event, ConnectionFailed)
    assert event.is_auth_failure is auth


def test_error_messages_are_redacted() -> None:
    proto = opened()
    started(proto)
    secret = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
    frame = {"type": "error", "id": "s1", "payload": {"errors": [{"message": f"bad {secret}"}]}}
    event = proto.receive(json.dumps(frame), 1)
    assert isinstance(event, SubscriptionFailed)
    assert secret not in event.errors[0].message


# --------------------------------------------------------------------------- garbage


@pytest.mark.parametrize(
    "frame",
    [
        "not json",
        "",
        "[1,2]",
        "42",
        "null",
        '{"no":"type"}',
        '{"type":7}',
        '{"type":"mystery"}',
        '{"type":"data","id":"s1"}',
        '{"type":"data","id":"s1","payload":"x"}',
        '{"type":"data","id":"s1","payload":{"data":[1]}}',
        '{"type":"start_ack"}',
        "[" * 100_000,
        b"\xff\xfe",
    ],
)
def test_garbage_never_raises(frame: str | bytes) -> None:
    proto = opened()
    started(proto)
    event = proto.receive(frame, 1)
    assert isinstance(event, (ProtocolError, Ignored))
    assert proto.state is ConnectionState.OPEN
    assert proto.is_active("s1")


def test_receive_message_takes_decoded_frames() -> None:
    proto = opened()
    assert proto.receive_message({"type": "ka"}, 1) == KeepAlive()
    assert isinstance(proto.receive_message("ka", 1), ProtocolError)


def test_events_repr_and_equality() -> None:
    assert repr(StartAck("x")) == "StartAck(id='x')"
    assert Data("a", {}) != Data("b", {})
    assert KeepAlive() == KeepAlive()


# --------------------------------------------------------------------------- time


def test_ack_timeout() -> None:
    proto = RealtimeProtocol(ack_timeout=2.0)
    proto.connection_init(100.0)
    assert proto.next_deadline() == 102.0
    assert proto.check_timeouts(101.9) == []
    assert proto.check_timeouts(102.0) == [AckTimeout()]
    assert proto.state is ConnectionState.CLOSED
    assert proto.check_timeouts(103.0) == []


def test_keepalive_watchdog_arithmetic() -> None:
    proto = opened(now=100.0, timeout_ms=3000)
    assert proto.keepalive_timeout == 3.0
    assert proto.next_deadline() == pytest.approx(103.0)
    assert proto.check_timeouts(102.9) == []
    # any message restarts the watchdog, not only ka
    proto.receive('{"type":"ka"}', 102.0)
    assert proto.next_deadline() == pytest.approx(105.0)
    proto.receive("garbage", 104.0)
    assert proto.next_deadline() == pytest.approx(107.0)
    assert proto.last_message_at == 104.0  # where a gap would begin
    assert proto.check_timeouts(106.9) == []
    assert proto.check_timeouts(107.0) == [KeepAliveTimeout()]
    assert proto.state is ConnectionState.CLOSED


def test_start_ack_timeout() -> None:
    proto = opened(now=0.0, start_ack_timeout=5.0, timeout_ms=60_000)
    proto.start("slow", "{}", {}, 10.0)
    proto.start("fast", "{}", {}, 11.0)
    assert proto.next_deadline() == 15.0
    proto.receive('{"type":"start_ack","id":"fast"}', 12.0)
    assert proto.check_timeouts(14.9) == []
    assert proto.check_timeouts(15.0) == [StartAckTimeout("slow")]
    assert not proto.knows("slow")
    assert proto.is_active("fast")
    assert proto.next_deadline() == 72.0  # back to the keep-alive deadline
    assert proto.state is ConnectionState.OPEN


def test_connection_lost_forgets_everything() -> None:
    proto = opened()
    started(proto)
    proto.connection_lost()
    assert proto.state is ConnectionState.CLOSED
    assert proto.subscription_count == 0
    assert proto.next_deadline() is None
    assert proto.stop("s1") is None


def test_forget_drops_without_stop() -> None:
    proto = opened()
    proto.start("p", "{}", {}, 0)
    proto.forget("p")
    assert not proto.knows("p")
    assert proto.next_deadline() == 300.0


def test_backoff_is_capped_full_jitter() -> None:
    rand = random.Random(7)
    assert backoff_delay(0, initial=1, maximum=30) == 0.0
    for attempt in range(1, 12):
        ceiling = min(30.0, 2.0 ** (attempt - 1))
        samples = [backoff_delay(attempt, initial=1, maximum=30, rand=rand) for _ in range(200)]
        assert all(0 <= s <= ceiling for s in samples)
        assert max(samples) > ceiling * 0.8  # spread over the whole range
    assert backoff_delay(10_000, initial=1, maximum=30, rand=rand) <= 30


# --------------------------------------------------------------------------- auth


class RecordingIAM(AuthStrategy):
    """An IAM-style stub: 'signs' the request it is given, and remembers it."""

    mode: ClassVar[AuthMode] = AuthMode.AWS_IAM

    def __init__(self) -> None:
        self.requests: list[AuthRequest] = []

    def auth_headers(self, request: AuthRequest) -> dict[str, str]:
        self.requests.append(request)
        digest = hashlib.sha256(request.method.encode() + request.url.encode() + request.body)
        return {
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/eu-west-1/"
            "appsync/aws4_request, SignedHeaders=accept;content-encoding;content-type;host;"
            f"x-amz-date, Signature={digest.hexdigest()}",
            "X-Amz-Date": "20240101T000000Z",
            "X-Amz-Security-Token": "session-token",
        }


def test_connect_auth_request_for_iam() -> None:
    iam = RecordingIAM()
    endpoint = parse_endpoint(GRAPHQL)
    request = connect_auth_request(endpoint.url, endpoint.host, endpoint.region)
    headers = iam.auth_headers(request)
    [seen] = iam.requests
    assert seen.method == "POST"
    assert seen.url == GRAPHQL + "/connect"
    assert urlsplit(seen.url).path == "/graphql/connect"
    assert seen.body == b"{}"
    assert seen.host == HOST
    assert seen.region == "eu-west-1"
    assert dict(seen.headers) == {
        "accept": "application/json, text/javascript",
        "content-encoding": "amz-1.0",
        "content-type": "application/json; charset=UTF-8",
    }
    payload = authorization_payload(request, iam.mode, headers)
    # AppSync rebuilds the signed request from this object: signed headers travel too
    assert payload == {"host": HOST, **CONNECT_HEADERS, **headers}


def test_start_auth_request_signs_the_exact_data() -> None:
    iam = RecordingIAM()
    data = json.dumps({"query": "subscription { onX { id } }", "variables": {"é": "ü"}})
    request = start_auth_request(GRAPHQL, HOST, "eu-west-1", data.encode())
    headers = iam.auth_headers(request)
    [seen] = iam.requests
    assert seen.method == "POST"
    assert seen.url == GRAPHQL
    assert seen.body == data.encode("utf-8")
    assert seen.body.decode() == data
    proto = opened()
    frame = json.loads(proto.start("s", data, authorization_payload(request, iam.mode, headers), 0))
    assert frame["payload"]["data"] == data
    auth = frame["payload"]["extensions"]["authorization"]
    assert auth["host"] == HOST
    assert auth["Authorization"] == headers["Authorization"]
    assert auth["content-type"] == "application/json; charset=UTF-8"


def test_token_modes_send_host_and_their_header_only() -> None:
    request = connect_auth_request(GRAPHQL, HOST, None)
    api = ApiKeyAuth(KEY)
    assert authorization_payload(request, api.mode, api.auth_headers(request)) == {
        "host": HOST,
        "x-api-key": KEY,
    }
    jwt = CognitoUserPoolsAuth("jwt-token")
    assert authorization_payload(request, jwt.mode, jwt.auth_headers(request)) == {
        "host": HOST,
        "Authorization": "jwt-token",
    }


def test_connect_url_keeps_its_path_when_given_a_query() -> None:
    request = connect_auth_request("https://api.example.com/graphql?x=1", "api.example.com", None)
    assert request.url == "https://api.example.com/graphql/connect"


AUTH = {"host": HOST, "x-api-key": KEY}


def test_subprotocol_form() -> None:
    target = connect_target(REALTIME, AUTH, "subprotocol")
    assert target.url == REALTIME
    assert target.protocols[0] == "graphql-ws"
    assert target.protocols[1].startswith("header-")
    token = target.protocols[1][len("header-") :]
    assert "=" not in token and "+" not in token and "/" not in token
    decoded = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    assert decoded == AUTH
    assert target.headers == {}
    assert decode_connect_auth(target.url, target.protocols) == AUTH
    assert KEY not in repr(target) and "header-" not in repr(target)


def test_query_form() -> None:
    auth = {"host": HOST, "Authorization": "a+b/c==?&"}  # base64 that needs escaping
    target = connect_target(REALTIME, auth, "query")
    assert target.protocols == ("graphql-ws",)
    query = parse_qs(urlsplit(target.url).query)
    assert query["payload"] == ["e30="]
    assert json.loads(base64.b64decode(query["header"][0], validate=True)) == auth
    assert target.url.startswith(REALTIME + "?header=")
    assert decode_connect_auth(target.url, target.protocols) == auth
    assert "header=" not in repr(target)


def test_headers_form() -> None:
    target = connect_target(REALTIME, AUTH, "headers")
    assert target.url == REALTIME
    assert target.protocols == ("graphql-ws",)
    assert dict(target.headers) == AUTH


def test_auto_form_picks_query_for_loopback_only() -> None:
    assert resolve_connect_form("auto", REALTIME) == "subprotocol"
    assert resolve_connect_form("auto", "wss://api.example.com/graphql/realtime") == "subprotocol"
    assert resolve_connect_form("auto", "ws://127.0.0.1:4000/graphql/realtime") == "query"
    assert resolve_connect_form("auto", "ws://localhost:4000/graphql/realtime") == "query"
    assert resolve_connect_form("subprotocol", "ws://127.0.0.1:1/x") == "subprotocol"
    assert connect_target(REALTIME, AUTH).protocols[1].startswith("header-")


def test_realtime_urls_from_endpoints() -> None:
    assert parse_endpoint(GRAPHQL).realtime_url == REALTIME
    assert (
        parse_endpoint("https://api.example.com/graphql").realtime_url
        == "wss://api.example.com/graphql/realtime"
    )
    explicit = "wss://proxy.example.com/rt"
    assert parse_endpoint(GRAPHQL, realtime_url=explicit).realtime_url == explicit
