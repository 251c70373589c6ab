"""Hostile responses: whatever comes back, a call returns data or raises one of the
documented :class:`AppSyncError` classes, and nothing else escapes.

Each body goes straight through :func:`parse_response` and through the real clients
(sync and async) against the fake server; results that parse are also validated into
a generated-model-like pydantic model with AppSync scalars (``validate_result``).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import appsync_runtime.errors as errors_module
from appsync_runtime import (
    ApiKeyAuth,
    AppSyncAuthError,
    AppSyncClient,
    AppSyncError,
    AppSyncErrorPageError,
    AppSyncGraphQLError,
    AppSyncHTTPError,
    AppSyncNetworkError,
    AppSyncResponseError,
    AppSyncThrottledError,
    AsyncAppSyncClient,
    BaseModel,
    GraphQLResponse,
)
from appsync_runtime._response import HttpResponse, parse_response
from appsync_runtime.scalars import (
    AWSDateField,
    AWSDateTimeField,
    AWSEmailField,
    AWSIPAddressField,
    AWSJSONField,
    AWSPhoneField,
    AWSTimeField,
    AWSTimestampField,
    AWSURLField,
)
from tests.reliability.conftest import FAST, KEY
from tests.support.examples import examples
from tests.support.fake_appsync import FakeAppSync, Reply

DOCUMENTED = {
    cls
    for name, cls in vars(errors_module).items()
    if name in errors_module.__all__ and inspect.isclass(cls) and issubclass(cls, AppSyncError)
}
OK = "ok"
JSON = {"content-type": "application/json"}
HTML = {"content-type": "text/html"}
MB = 1024 * 1024
CANONICAL = (
    "The request signature we calculated does not match the signature you provided. "
    "The Canonical String for this request should have been\n'POST\n/graphql\n\n"
    "host:x.appsync-api.us-east-1.amazonaws.com\nx-amz-date:20240101T000000Z\n"
    "x-amz-security-token:IQoJb3JpZ2luX2VjEXAMPLETOKEN\n'"
)


def deep(levels: int, opener: str = "[", closer: str = "]") -> bytes:
    return (opener * levels + closer * levels).encode()


# (id, status, headers, body, expected outcome: OK or an error class)
CORPUS: list[tuple[str, int, dict[str, str], bytes, Any]] = [
    ("empty", 200, JSON, b"", AppSyncResponseError),
    ("whitespace", 200, JSON, b" \n\t ", AppSyncResponseError),
    ("null", 200, JSON, b"null", AppSyncResponseError),
    ("list", 200, JSON, b"[]", AppSyncResponseError),
    ("string", 200, JSON, b'"data"', AppSyncResponseError),
    ("number", 200, JSON, b"42", AppSyncResponseError),
    ("true", 200, JSON, b"true", AppSyncResponseError),
    ("open brace", 200, JSON, b"{", AppSyncResponseError),
    ("truncated", 200, JSON, b'{"data": {"a": 1}', AppSyncResponseError),
    ("html 200", 200, HTML, b"<html><body>captive portal</body></html>", AppSyncResponseError),
    ("data list", 200, JSON, b'{"data": []}', AppSyncResponseError),
    ("data string", 200, JSON, b'{"data": "x"}', AppSyncResponseError),
    ("data number", 200, JSON, b'{"data": 5}', AppSyncResponseError),
    ("data true", 200, JSON, b'{"data": true}', AppSyncResponseError),
    ("no data no errors", 200, JSON, b"{}", AppSyncResponseError),
    ("data null alone", 200, JSON, b'{"data": null}', AppSyncResponseError),
    ("errors object", 200, JSON, b'{"errors": {"message": "obj"}}', AppSyncGraphQLError),
    ("errors string", 200, JSON, b'{"errors": "a string"}', AppSyncGraphQLError),
    ("errors number", 200, JSON, b'{"errors": 7}', AppSyncGraphQLError),
    ("errors scalars", 200, JSON, b'{"errors": [1, null, true]}', AppSyncGraphQLError),
    ("message object", 200, JSON, b'{"errors": [{"message": {"n": [1]}}]}', AppSyncGraphQLError),
    (
        "entry fields mistyped",
        200,
        JSON,
        b'{"errors": [{"message": null, "errorType": 5, "path": "x", "locations": 3,'
        b' "extensions": [1]}]}',
        AppSyncGraphQLError,
    ),
    ("errors empty data null", 200, JSON, b'{"errors": [], "data": null}', AppSyncResponseError),
    ("errors empty data ok", 200, JSON, b'{"errors": [], "data": {"a": 1}}', OK),
    ("errors null", 200, JSON, b'{"data": {"a": 1}, "errors": null}', OK),
    ("extensions string", 200, JSON, b'{"data": {"a": 1}, "extensions": "weird"}', OK),
    (
        "partial data",
        200,
        JSON,
        b'{"data": {"a": null}, "errors": [{"path": ["a"]}]}',
        AppSyncGraphQLError,
    ),
    ("nan", 200, JSON, b'{"data": {"a": NaN, "b": -Infinity}}', AppSyncResponseError),
    ("huge exponent", 200, JSON, b'{"data": {"a": 1e999}}', OK),
    ("5000 digits", 200, JSON, b'{"data": {"a": ' + b"9" * 5000 + b"}}", AppSyncResponseError),
    ("invalid utf-8", 200, JSON, b'{"data": {"a": "\xff\xfe\xfd"}}', AppSyncResponseError),
    ("overlong utf-8", 200, JSON, b'{"data": {"a": "\xc0\xaf"}}', AppSyncResponseError),
    ("lone surrogate escape", 200, JSON, b'{"data": {"a": "\\ud800"}}', OK),
    ("bom", 200, JSON, b'\xef\xbb\xbf{"data": {"a": 1}}', OK),
    ("utf-16", 200, JSON, '{"data": {"a": "é"}}'.encode("utf-16"), OK),
    ("nul bytes", 200, JSON, b"\x00\x00\x00\x00", AppSyncResponseError),
    ("trailing garbage", 200, JSON, b'{"data": {"a": 1}} trailing', AppSyncResponseError),
    ("two documents", 200, JSON, b'{"data": {}}{"data": {}}', AppSyncResponseError),
    ("duplicate keys", 200, JSON, b'{"data": {"a": 1}, "data": {"a": 2}}', OK),
    ("deep list 100k", 200, JSON, deep(100_000), AppSyncResponseError),
    (
        "deep data 100k",
        200,
        JSON,
        b'{"data": ' + b'{"a": ' * 100_000 + b"1" + b"}" * 100_001,
        AppSyncResponseError,
    ),
    (
        "deep message 900",
        200,
        JSON,
        b'{"errors": [{"message": ' + deep(900) + b"}]}",
        AppSyncGraphQLError,
    ),
    ("deep data 900", 200, JSON, b'{"data": {"a": ' + deep(900) + b"}}", OK),
    ("20 MB valid", 200, JSON, b'{"data": {"blob": "' + b"x" * (20 * MB) + b'"}}', OK),
    ("20 MB garbage", 200, JSON, b"\x9d" * (20 * MB), AppSyncResponseError),
    (
        "1M errors",
        200,
        JSON,
        b'{"errors": [' + b'{"message": "m"},' * MB + b"1]}",
        AppSyncGraphQLError,
    ),
    ("201 with data", 201, JSON, b'{"data": {"a": 1}}', OK),
    ("200 as html type", 200, HTML, b'{"data": {"a": 1}}', OK),
    (
        "400 malformed",
        400,
        JSON,
        b'{"errors": [{"errorType": "MalformedHttpRequestException",'
        b' "message": "Request body is empty."}]}',
        AppSyncHTTPError,
    ),
    ("401 empty", 401, {}, b"", AppSyncAuthError),
    ("401 html", 401, HTML, b"<html>denied</html>", AppSyncAuthError),
    (
        "403 canonical string",
        403,
        {**JSON, "x-amzn-ErrorType": "InvalidSignatureException"},
        json.dumps({"message": CANONICAL}).encode(),
        AppSyncAuthError,
    ),
    (
        "403 header only",
        403,
        {"x-amzn-ErrorType": "AccessDeniedException:http://x/"},
        b"",
        AppSyncAuthError,
    ),
    (
        "403 errors object",
        403,
        JSON,
        b'{"errors": {"errorType": "UnauthorizedException"}}',
        AppSyncAuthError,
    ),
    ("404 html", 404, HTML, b"<html>not found</html>", AppSyncErrorPageError),
    ("413 empty", 413, {}, b"", AppSyncErrorPageError),
    ("429 bad retry-after", 429, {"Retry-After": "soon"}, b"", AppSyncThrottledError),
    (
        "429 date -0000",
        429,
        {"Retry-After": "Wed, 21 Oct 2015 07:28:00 -0000"},
        b"",
        AppSyncThrottledError,
    ),
    ("429 nan", 429, {"Retry-After": "nan"}, b"{}", AppSyncThrottledError),
    ("429 huge", 429, {"Retry-After": "1e400"}, b"[]", AppSyncThrottledError),
    ("429 negative", 429, {"Retry-After": "-5"}, b"null", AppSyncThrottledError),
    ("500 html", 500, HTML, b"<html>oops</html>", AppSyncErrorPageError),
    (
        "500 json errors",
        500,
        JSON,
        b'{"errors": [{"errorType": "InternalFailure"}]}',
        AppSyncHTTPError,
    ),
    ("502 empty", 502, {}, b"", AppSyncErrorPageError),
    ("503 json list", 503, JSON, b"[]", AppSyncHTTPError),
    ("504 20 MB html", 504, HTML, b"<html>" + b"x" * (20 * MB) + b"</html>", AppSyncErrorPageError),
    ("599 odd", 599, {}, b"x", AppSyncErrorPageError),
    ("302 redirect", 302, {"Location": "http://127.0.0.1:9/elsewhere"}, b"", AppSyncErrorPageError),
    (
        "jwt echoed",
        200,
        JSON,
        b'{"errors": [{"message": "token eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl"}]}',
        AppSyncGraphQLError,
    ),
]
assert len(CORPUS) >= 50


def check(outcome: Any, expected: Any = None) -> None:
    """``outcome`` is a GraphQLResponse or a documented AppSyncError (``expected``)."""
    if isinstance(outcome, GraphQLResponse):
        assert expected in (None, OK), f"expected {expected}, got data"
        assert isinstance(outcome.data, dict)
        return
    assert isinstance(outcome, AppSyncError), f"{type(outcome).__name__}: {outcome!r}"[:300]
    assert type(outcome) in DOCUMENTED, type(outcome)
    str(outcome), repr(outcome)  # both must work
    if expected not in (None, OK):
        assert isinstance(outcome, expected), f"expected {expected.__name__}, got {outcome!r}"


def through_parse(status: int, headers: dict[str, str], body: bytes) -> Any:
    try:
        return parse_response(HttpResponse(status, headers, body), "Op")
    except BaseException as exc:  # anything at all is checked by check()
        return exc


def through_clients(fake: FakeAppSync, reply: Reply) -> list[Any]:
    """The reply through both clients (every attempt gets it; retries included)."""
    fake.handler = lambda received: reply
    outcomes: list[Any] = []
    with AppSyncClient(fake.url, auth=ApiKeyAuth(KEY), retry=FAST) as client:
        try:
            outcomes.append(client.execute("query Op { a }", "Op"))
        except BaseException as exc:
            outcomes.append(exc)

    async def go() -> None:
        async with AsyncAppSyncClient(fake.url, auth=ApiKeyAuth(KEY), retry=FAST) as client:
            try:
                outcomes.append(await client.execute("query Op { a }", "Op"))
            except BaseException as exc:
                outcomes.append(exc)

    asyncio.run(go())
    return outcomes


@pytest.mark.parametrize(
    ("status", "headers", "body", "expected"),
    [case[1:] for case in CORPUS],
    ids=[case[0] for case in CORPUS],
)
def test_hand_picked_corpus(
    fake: FakeAppSync, status: int, headers: dict[str, str], body: bytes, expected: Any
) -> None:
    check(through_parse(status, headers, body), expected)
    for outcome in through_clients(fake, Reply(status, body, headers)):
        check(outcome, expected)


@pytest.mark.parametrize(
    "reply",
    [
        Reply(200, b'{"data": {"a": 1}}', {"Content-Encoding": "gzip"}),
        Reply(200, b'{"data": {"a": 1}}', {"Content-Encoding": "br"}),
        Reply(200, b'{"data": {"a": 1}}', {**JSON}, fault="truncate"),
        Reply(fault="reset_after"),
        Reply(fault="reset_before"),
    ],
    ids=["bad gzip", "bad brotli", "truncated", "reset after", "reset before"],
)
def test_broken_transfers(fake: FakeAppSync, reply: Reply) -> None:
    # httpx passes an encoding it cannot decode (brotli not installed) through as is
    unknown_encoding = reply.headers.get("Content-Encoding") == "br"
    for outcome in through_clients(fake, reply):
        check(outcome, None if unknown_encoding else AppSyncNetworkError)


# ------------------------------------------------------------- hypothesis bodies

_json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
)
_json = st.recursive(
    _json_leaf,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
_entry = st.one_of(
    _json,
    st.fixed_dictionaries(
        {},
        optional={
            "message": _json,
            "errorType": _json,
            "errorInfo": _json,
            "path": _json,
            "locations": _json,
            "data": _json,
            "extensions": _json,
        },
    ),
)
_payload = st.one_of(
    _json,
    st.fixed_dictionaries(
        {},
        optional={
            "data": _json,
            "errors": st.one_of(_json, st.lists(_entry, max_size=3), _entry),
            "extensions": _json,
        },
    ),
)


def _encode(value: Any) -> bytes:
    return json.dumps(value, allow_nan=True).encode()


@st.composite
def _spliced(draw: st.DrawFn) -> bytes:
    body = _encode(draw(_payload))
    at = draw(st.integers(0, len(body)))
    return body[:at] + draw(st.binary(max_size=8)) + body[at + draw(st.integers(0, 4)) :]


bodies = st.one_of(st.binary(max_size=300), _payload.map(_encode), _spliced())
headers = st.fixed_dictionaries(
    {},
    optional={
        "Retry-After": st.one_of(st.text(max_size=30), st.floats().map(str)),
        "x-amzn-ErrorType": st.text(max_size=40),
        "content-type": st.sampled_from(["application/json", "text/html", "", "x/y; a=b"]),
        "x-amzn-RequestId": st.text(max_size=20),
    },
)


@settings(max_examples=examples(1500), deadline=None)
@given(status=st.integers(100, 599), headers=headers, body=bodies)
def test_any_body_parses_to_data_or_a_documented_error(
    status: int, headers: dict[str, str], body: bytes
) -> None:
    check(through_parse(status, headers, body))


_wire_statuses = st.sampled_from([200, 200, 200, 201, 400, 401, 403, 404, 429, 500, 502, 503])
_wire_headers = st.fixed_dictionaries(
    {},
    optional={
        "Retry-After": st.sampled_from(["0", "0.001", "-1", "nan", "soon", "1e400"]),
        "x-amzn-ErrorType": st.from_regex(r"[A-Za-z:/.]{0,30}", fullmatch=True),
        "content-type": st.sampled_from(["application/json", "text/html"]),
    },
)


@settings(
    max_examples=examples(120),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(status=_wire_statuses, headers=_wire_headers, body=bodies)
def test_any_body_through_both_clients(
    fake: FakeAppSync, status: int, headers: dict[str, str], body: bytes
) -> None:
    for outcome in through_clients(fake, Reply(status, body, headers)):
        check(outcome)


# ---------------------------------------------------- scalars through a model


class Item(BaseModel):
    when: AWSDateTimeField
    day: AWSDateField
    at: AWSTimeField
    ts: AWSTimestampField
    email: AWSEmailField
    phone: AWSPhoneField
    url: AWSURLField
    blob: AWSJSONField
    ip: AWSIPAddressField


class Result(BaseModel):
    item: Item | None
    items: list[Item]


GOOD = {
    "when": "2024-05-01T12:30:00.123456789Z",
    "day": "2024-05-01",
    "at": "12:30:00",
    "ts": 1714566600,
    "email": "a@example.com",
    "phone": "+1 555 0100",
    "url": "https://example.com/x",
    "blob": '{"a": [1]}',
    "ip": "10.0.0.0/8",
}
BAD_SCALARS = [
    ("when", "2024-13-01T00:00:00Z"),
    ("when", "2024-01-01T00:00:00"),
    ("when", "2024-01-01T00:00:00.1234567891Z"),
    ("when", "9999999999-01-01T00:00:00Z"),
    ("when", 1714566600),
    ("day", "2024-02-30"),
    ("day", "24-1-1"),
    ("day", ["2024-01-01"]),
    ("at", "25:00"),
    ("at", "12:30:00.1234567890"),
    ("ts", "1714566600"),
    ("ts", 1.5),
    ("ts", True),
    ("ts", [1]),
    ("email", 5),  # AWSEmail, AWSPhone and AWSURL are kept as the strings sent
    ("phone", ["call me"]),
    ("url", {"no": "scheme"}),
    ("blob", "{not json"),
    ("blob", "[" * 100_000 + "]" * 100_000),
    ("blob", "9" * 5000),
    ("ip", "999.1.1.1"),
    ("ip", "10.0.0.0/99"),
    ("when", None),
    ("email", {"a": 1}),
]


def _data(field: str, value: Any) -> dict[str, Any]:
    return {"item": {**GOOD, field: value}, "items": [GOOD]}


def test_good_scalars_validate(fake: FakeAppSync) -> None:
    with AppSyncClient(fake.url, auth=ApiKeyAuth(KEY)) as client:
        result = client.validate_result(Result, {"item": GOOD, "items": [GOOD, GOOD]})
    assert result.item is not None and result.item.ts == 1714566600


@pytest.mark.parametrize(("field", "value"), BAD_SCALARS)
def test_bad_scalars_are_response_errors(fake: FakeAppSync, field: str, value: Any) -> None:
    body = json.dumps({"data": _data(field, value)}).encode()
    fake.handler = lambda received: Reply(200, body, JSON)
    with AppSyncClient(fake.url, auth=ApiKeyAuth(KEY)) as client:
        data = client.execute("query Op { item { when } }").data
        with pytest.raises(AppSyncResponseError, match="does not fit Result"):
            client.validate_result(Result, data)

    async def go() -> None:
        async with AsyncAppSyncClient(fake.url, auth=ApiKeyAuth(KEY)) as client:
            data = (await client.execute("query Op { item { when } }")).data
            with pytest.raises(AppSyncResponseError):
                client.validate_result(Result, data)

    asyncio.run(go())


@settings(max_examples=examples(400), deadline=None)
@given(st.sampled_from(sorted(GOOD)), _json)
def test_any_scalar_value_validates_or_is_a_response_error(field: str, value: Any) -> None:
    client = AppSyncClient("https://api.example.com/graphql")
    with contextlib.suppress(AppSyncResponseError):
        client.validate_result(Result, _data(field, value))
    with contextlib.suppress(AppSyncResponseError):
        client.validate_result(Result, {"item": value, "items": value})


def test_a_million_errors_keep_the_first_thousand() -> None:
    body = b'{"errors": [' + b'{"message": "m"},' * MB + b'{"message": "last"}]}'
    error = through_parse(200, JSON, body)
    assert isinstance(error, AppSyncGraphQLError)
    assert len(error.errors) == 1000 and error.total == MB + 1
    assert str(error).endswith(f"(+{MB} more) (operation=Op)")
