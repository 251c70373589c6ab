"""Response bytes to data or one typed error."""

from __future__ import annotations

import json

import pytest

from appsync_runtime import (
    AppSyncAuthError,
    AppSyncError,
    AppSyncErrorPageError,
    AppSyncGraphQLError,
    AppSyncHTTPError,
    AppSyncResponseError,
    AppSyncThrottledError,
    AuthFailureReason,
)
from appsync_runtime._response import HttpResponse, parse_response, redact


def resp(status: int, body: object, **headers: str) -> HttpResponse:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return HttpResponse(status, {k.replace("_", "-"): v for k, v in headers.items()}, content)


def test_success_returns_data_and_request_id() -> None:
    result = parse_response(resp(200, {"data": {"a": 1}}, **{"x-amzn-RequestId": "r1"}))
    assert result.data == {"a": 1}
    assert result.request_id == "r1"


def test_partial_data_with_field_level_unauthorized() -> None:
    body = {
        "data": {"getNote": {"id": "1", "secret": None}},
        "errors": [
            {
                "path": ["getNote", "secret"],
                "data": None,
                "errorType": "Unauthorized",
                "errorInfo": None,
                "locations": [{"line": 1, "column": 20}],
                "message": "Not Authorized to access secret on type Note",
            }
        ],
    }
    with pytest.raises(AppSyncGraphQLError) as info:
        parse_response(resp(200, body), "GetNote")
    err = info.value
    assert err.error_type == "Unauthorized"
    assert err.data == {"getNote": {"id": "1", "secret": None}}
    assert err.errors[0].path == ("getNote", "secret")
    assert err.errors[0].locations == ({"line": 1, "column": 20},)
    assert err.operation_name == "GetNote"
    assert "Unauthorized" in str(err) and "GetNote" in str(err)


def test_resolver_error_keeps_type_info_and_data() -> None:
    body = {
        "data": None,
        "errors": [
            {
                "message": "version conflict",
                "errorType": "ConflictError",
                "errorInfo": {"current": 3},
                "data": {"id": "n1"},
            },
            {"message": "second"},
        ],
    }
    with pytest.raises(AppSyncGraphQLError) as info:
        parse_response(resp(200, body))
    err = info.value
    assert (err.error_type, err.errors[0].error_info, err.errors[0].data) == (
        "ConflictError",
        {"current": 3},
        {"id": "n1"},
    )
    assert err.data is None and len(err.errors) == 2
    assert "(+1 more)" in str(err)


def test_errors_as_object_counts_as_one_entry() -> None:
    with pytest.raises(AppSyncGraphQLError) as info:
        parse_response(resp(200, {"errors": {"errorType": "LimitExceededError", "message": "x"}}))
    assert info.value.error_type == "LimitExceededError"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"<html><body>oops</body></html>", "bytes of"),
        (b"", "empty body"),
        (b'{"data": {"a": 1', "bytes of"),
        (b"\xff\xfe\x00garbage", "bytes of"),
        (b"[1, 2]", "JSON list"),
        (b'{"data": [1]}', "'data' must be an object"),
        (b'{"foo": 1}', "neither 'data' nor 'errors'"),
        (b'{"data": null}', "neither 'data' nor 'errors'"),
        (b"[" * 100_000 + b"]" * 100_000, "bytes of"),
    ],
)
def test_not_a_graphql_response(body: bytes, fragment: str) -> None:
    with pytest.raises(AppSyncResponseError) as info:
        parse_response(HttpResponse(200, {"content-type": "text/html"}, body))
    assert fragment in str(info.value)
    assert info.value.status == 200


def test_html_502_is_error_page_with_status() -> None:
    page = b"<html><head><title>502 Bad Gateway</title></head></html>"
    with pytest.raises(AppSyncErrorPageError) as info:
        parse_response(HttpResponse(502, {"content-type": "text/html"}, page))
    err = info.value
    assert isinstance(err, AppSyncHTTPError) and isinstance(err, AppSyncResponseError)
    assert err.status == 502 and err.body == page


def test_json_5xx_is_http_error() -> None:
    with pytest.raises(AppSyncHTTPError) as info:
        parse_response(resp(500, {"errors": [{"errorType": "InternalFailure", "message": "x"}]}))
    assert not isinstance(info.value, AppSyncResponseError)
    assert (info.value.status, info.value.error_type) == (500, "InternalFailure")


def test_401_unauthorized() -> None:
    body = {
        "errors": [{"errorType": "UnauthorizedException", "message": "You are not authorized."}]
    }
    with pytest.raises(AppSyncAuthError) as info:
        parse_response(resp(401, body, **{"x-amzn-ErrorType": "UnauthorizedException:http://x"}))
    assert info.value.reason == AuthFailureReason.UNAUTHORIZED
    assert info.value.error_type == "UnauthorizedException"


@pytest.mark.parametrize(
    ("message", "error_type", "reason"),
    [
        (
            "Signature expired: 20240101T000000Z is now earlier than 20240101T001000Z",
            "InvalidSignatureException",
            AuthFailureReason.CLOCK_SKEW,
        ),
        (
            "Signature not yet current: 20240101T002000Z is still later than ...",
            "InvalidSignatureException",
            AuthFailureReason.CLOCK_SKEW,
        ),
        (
            "The security token included in the request is invalid.",
            "UnrecognizedClientException",
            AuthFailureReason.EXPIRED_CREDENTIALS,
        ),
        (
            "The request signature we calculated does not match the signature you provided.",
            "InvalidSignatureException",
            AuthFailureReason.SIGNATURE_MISMATCH,
        ),
        (
            "User: arn:aws:iam::1:user/x is not authorized to perform: appsync:GraphQL",
            "AccessDeniedException",
            AuthFailureReason.ACCESS_DENIED,
        ),
        ("Forbidden", None, AuthFailureReason.FORBIDDEN),
    ],
)
def test_403_reasons(message: str, error_type: str | None, reason: str) -> None:
    headers = {"x-amzn-ErrorType": error_type} if error_type else {}
    with pytest.raises(AppSyncAuthError) as info:
        parse_response(resp(403, {"message": message}, **headers))
    assert info.value.reason == reason
    assert info.value.status == 403
    assert "likely cause" in str(info.value)


def test_429_throttled_with_retry_after() -> None:
    with pytest.raises(AppSyncThrottledError) as info:
        parse_response(resp(429, b"slow down", **{"Retry-After": "2.5"}))
    assert info.value.retry_after == 2.5


def test_secret_text_from_server_is_redacted() -> None:
    token = "IQoJb3JpZ2luX2VjEXAMPLETOKEN"
    message = (
        "The request signature we calculated does not match the signature you provided. "
        "The Canonical String for this request should have been\n'POST\n/graphql\n\n"
        f"host:x\nx-amz-security-token:{token}\n'"
    )
    with pytest.raises(AppSyncAuthError) as info:
        parse_response(resp(403, {"errors": [{"message": message}]}))
    assert token not in str(info.value)
    assert info.value.reason == AuthFailureReason.SIGNATURE_MISMATCH


def test_redact_patterns() -> None:
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
    text = redact(
        f"token {jwt} key da2-abcdefghijklmnopqrstuvwxyz "
        "Signature=0123abcd x-amz-security-token: SECRET"
    )
    for secret in (jwt, "abcdefghijklmnopqrstuvwxyz", "0123abcd", "SECRET"):
        assert secret not in text


def test_every_error_is_an_appsync_error() -> None:
    for cls in (AppSyncAuthError, AppSyncErrorPageError, AppSyncGraphQLError):
        assert issubclass(cls, AppSyncError)
