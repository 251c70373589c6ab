"""Token strategies, their httpx.Auth face, and strategy selection."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from appsync_runtime import (
    ApiKeyAuth,
    AppSyncConfigError,
    AuthMode,
    AuthRequest,
    CognitoUserPoolsAuth,
    LambdaAuth,
    OIDCAuth,
)
from appsync_runtime._auth import select_strategy

REQ = AuthRequest(method="POST", url="https://x/graphql", host="x", body=b"{}")
SECRET = "da2-supersecretapikey0123456789"


def test_headers_per_mode() -> None:
    assert ApiKeyAuth(SECRET).auth_headers(REQ) == {"x-api-key": SECRET}
    for cls in (CognitoUserPoolsAuth, OIDCAuth, LambdaAuth):
        assert cls("tok").auth_headers(REQ) == {"Authorization": "tok"}
    assert [c.mode for c in (ApiKeyAuth, CognitoUserPoolsAuth, OIDCAuth, LambdaAuth)] == [
        AuthMode.API_KEY,
        AuthMode.AMAZON_COGNITO_USER_POOLS,
        AuthMode.OPENID_CONNECT,
        AuthMode.AWS_LAMBDA,
    ]


def test_callable_token_called_per_request() -> None:
    tokens = iter(["t1", "t2"])
    auth = CognitoUserPoolsAuth(lambda: next(tokens))
    assert auth.auth_headers(REQ)["Authorization"] == "t1"
    assert auth.auth_headers(REQ)["Authorization"] == "t2"


def test_async_callable_token() -> None:
    async def token() -> str:
        return "async-token"

    auth = OIDCAuth(token)
    assert asyncio.run(auth.async_auth_headers(REQ)) == {"Authorization": "async-token"}
    with pytest.raises(AppSyncConfigError, match="async client"):
        auth.auth_headers(REQ)


@pytest.mark.parametrize("bad", ["", "   ", "a\r\nb", " zq9secret", "a\x00"])
def test_bad_tokens_rejected_without_echo(bad: str) -> None:
    with pytest.raises(AppSyncConfigError) as info:
        ApiKeyAuth(bad)
    assert bad.strip() == "" or bad.strip() not in str(info.value)


def test_bad_token_from_callable() -> None:
    auth = LambdaAuth(lambda: "x\ny")
    with pytest.raises(AppSyncConfigError, match="line break"):
        auth.auth_headers(REQ)
    with pytest.raises(AppSyncConfigError, match="must be a string"):
        LambdaAuth(lambda: 42).auth_headers(REQ)  # type: ignore[arg-type,return-value]


def test_repr_hides_secret() -> None:
    assert SECRET not in repr(ApiKeyAuth(SECRET))
    assert SECRET not in str(ApiKeyAuth(SECRET))


def test_strategy_is_an_httpx_auth() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"data": {}})

    with httpx.Client(auth=ApiKeyAuth(SECRET), transport=httpx.MockTransport(handler)) as client:
        client.post("https://example.com/graphql", json={"query": "{a}"})
    assert seen[0].headers["x-api-key"] == SECRET


def test_select_strategy() -> None:
    key, jwt = ApiKeyAuth(SECRET), CognitoUserPoolsAuth("t")
    assert select_strategy([key, jwt], None, "Q") is key
    assert select_strategy([key, jwt], ["AMAZON_COGNITO_USER_POOLS"], "Q") is jwt
    with pytest.raises(AppSyncConfigError, match=r"allows auth modes \[AWS_IAM\]"):
        select_strategy([key, jwt], [AuthMode.AWS_IAM], "Q")
    with pytest.raises(AppSyncConfigError, match="no auth strategy"):
        select_strategy([], None, "Q")


# ------------------------------------------------------------ httpx header setting


_HEADER_NAMES = st.sampled_from(
    ["Authorization", "authorization", "X-Amz-Date", "x-api-key", "Accept", "Host", "X-Ümlaut"]
)
_HEADER_VALUES = st.text(alphabet=st.characters(min_codepoint=9, max_codepoint=0xFF), max_size=12)


@given(
    present=st.lists(st.tuples(_HEADER_NAMES, _HEADER_VALUES.filter(str.isascii)), max_size=5),
    added=st.dictionaries(_HEADER_NAMES, _HEADER_VALUES, max_size=4),
)
def test_setting_auth_headers_on_an_httpx_request_is_update(
    present: list[tuple[str, str]], added: dict[str, str]
) -> None:
    from appsync_runtime._auth import set_headers_on

    def request() -> httpx.Request:
        built = httpx.Request("POST", "https://example.com/graphql", content=b"{}")
        for name, value in present:
            built.headers[name] = value
        return built

    expected: Any
    try:
        reference = request()
        reference.headers.update(added)
        expected = reference.headers.raw
    except Exception as exc:  # httpx refuses it: so must we, alike
        expected = type(exc)
    got: Any
    try:
        ours = request()
        set_headers_on(ours, added)
        got = ours.headers.raw
    except Exception as exc:
        got = type(exc)
    assert got == expected
