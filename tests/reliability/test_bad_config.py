"""Bad configuration gives one clear error at the first use: construction, or the
first call, never a retry storm or an exception from deep inside a library."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from appsync_runtime import (
    ApiKeyAuth,
    AppSyncAuthError,
    AppSyncClient,
    AppSyncConfigError,
    AppSyncError,
    AsyncAppSyncClient,
    AuthFailureReason,
    CallHooks,
    CognitoUserPoolsAuth,
    Credentials,
    IAMAuth,
    LambdaAuth,
    RetryPolicy,
    Timeout,
)
from tests.reliability.conftest import FAST, KEY
from tests.support.fake_appsync import FakeAppSync

GOOD_URL = "https://abcdefghijklmnopqrstuvwxyz.appsync-api.us-east-1.amazonaws.com/graphql"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"url": ""}, "url"),
        ({"url": "not a url"}, "url"),
        ({"url": "ftp://api.example.com/graphql"}, "https"),
        ({"url": "http://api.example.com/graphql"}, "https"),
        ({"url": "https:///graphql"}, "host"),
        ({"url": "https://api.example.com/graphql\n"}, "control"),
        ({"url": "https://user:pw@api.example.com/graphql"}, "credentials"),
        ({"url": "https://api.example.com:99999/graphql"}, "URL"),
        ({"url": 42}, "url"),
        ({"url": GOOD_URL, "region": "us east 1"}, "region"),
        ({"url": GOOD_URL, "region": "US-EAST-1"}, "region"),
        ({"url": GOOD_URL, "host": "a/b"}, "host"),
        ({"url": GOOD_URL, "headers": {"x-a": "line\r\nbreak"}}, "line break"),
        ({"url": GOOD_URL, "headers": {"x-a": 5}}, "string"),
        ({"url": GOOD_URL, "headers": {"bad name": "v"}}, "header name"),
        ({"url": GOOD_URL, "headers": {"Content-Length": "1"}}, "set by the client"),
        ({"url": GOOD_URL, "headers": {"x-a": " padded "}}, "whitespace"),
        ({"url": GOOD_URL, "auth": "da2-key"}, "auth"),
        ({"url": GOOD_URL, "auth": [ApiKeyAuth(KEY), "x"]}, "not an auth strategy"),
        ({"url": GOOD_URL, "timeout": "5"}, "timeout"),
        ({"url": GOOD_URL, "timeout": -1}, "timeout"),
        ({"url": GOOD_URL, "retry": 3}, "RetryPolicy"),
        ({"url": GOOD_URL, "retry": True}, "RetryPolicy"),
        ({"url": GOOD_URL, "hooks": "log"}, "CallHooks"),
    ],
)
def test_bad_client_settings_fail_at_construction(kwargs: dict[str, Any], match: str) -> None:
    for cls in (AppSyncClient, AsyncAppSyncClient):
        with pytest.raises(AppSyncConfigError, match=match) as info:
            cls(**kwargs)
        assert "\n" not in str(info.value) or "line" in match


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: RetryPolicy(attempts=0), "attempts"),
        (lambda: RetryPolicy(attempts=2.5), "attempts"),  # type: ignore[arg-type]
        (lambda: RetryPolicy(attempts=True), "attempts"),
        (lambda: RetryPolicy(wait_initial=-1), "wait_initial"),
        (lambda: RetryPolicy(wait_max=float("inf")), "wait_max"),
        (lambda: RetryPolicy(wait_exp_base=0.5), "wait_exp_base"),
        (lambda: RetryPolicy(wait_jitter=2), "wait_jitter"),
        (lambda: RetryPolicy(retry_after_max="10"), "retry_after_max"),  # type: ignore[arg-type]
        (lambda: RetryPolicy(on_retry=5), "on_retry"),  # type: ignore[arg-type]
        (lambda: RetryPolicy(on_retry=[print, "x"]), "on_retry"),  # type: ignore[list-item]
        (lambda: RetryPolicy(retry_on="5xx"), "retry_on"),  # type: ignore[arg-type]
        (lambda: Timeout(read=0), "read"),
        (lambda: Timeout(connect=float("nan")), "connect"),
        (lambda: Timeout(total=float("inf")), "total"),
        (lambda: Timeout(total=True), "total"),
        (lambda: CallHooks(on_request=5), "on_request"),  # type: ignore[arg-type]
        (lambda: ApiKeyAuth(""), "empty"),
        (lambda: ApiKeyAuth(None), "string"),  # type: ignore[arg-type]
        (lambda: CognitoUserPoolsAuth("Bearer\nx"), "line break"),
        (lambda: IAMAuth(region=" us-east-1"), "region"),
        (lambda: IAMAuth(region="us-east-1/x"), "region"),
        (lambda: IAMAuth(credentials=42), "credentials"),
        (lambda: Credentials("", "secret"), "access_key_id"),
    ],
)
def test_bad_settings_objects_fail_at_construction(build: Callable[[], Any], match: str) -> None:
    with pytest.raises(AppSyncConfigError, match=match):
        build()


def _call_both(fake: FakeAppSync, auth: Any, **call: Any) -> list[BaseException | None]:
    outcomes: list[BaseException | None] = []
    with AppSyncClient(fake.url, auth=auth, retry=FAST) as client:
        try:
            client.execute("query { a }", **call)
            outcomes.append(None)
        except BaseException as exc:
            outcomes.append(exc)

    async def go() -> None:
        async with AsyncAppSyncClient(fake.url, auth=auth, retry=FAST) as client:
            try:
                await client.execute("query { a }", **call)
                outcomes.append(None)
            except BaseException as exc:
                outcomes.append(exc)

    asyncio.run(go())
    return outcomes


class Counting:
    """A credentials or token callable that counts its calls."""

    def __init__(self, result: Callable[[], Any]) -> None:
        self.calls = 0
        self._result = result

    def __call__(self) -> Any:
        self.calls += 1
        return self._result()


def boom() -> Any:
    raise RuntimeError("the vault is sealed")


EXPIRED = Credentials(
    "AKIDEXAMPLE000000001", "s" * 40, expiration=datetime(2000, 1, 1, tzinfo=timezone.utc)
)


@pytest.mark.parametrize(
    ("make", "error", "reason", "match"),
    [
        (
            lambda f: IAMAuth(credentials=f, region="us-east-1"),
            AppSyncAuthError,
            AuthFailureReason.NO_CREDENTIALS,
            "vault is sealed",
        ),
        (
            lambda f: CognitoUserPoolsAuth(f),
            AppSyncAuthError,
            AuthFailureReason.NO_CREDENTIALS,
            "CognitoUserPoolsAuth could not authorize",
        ),
        (
            lambda f: LambdaAuth(f),
            AppSyncAuthError,
            AuthFailureReason.NO_CREDENTIALS,
            "RuntimeError",
        ),
    ],
)
def test_a_callable_that_raises_is_one_clear_error_on_the_first_call(
    fake: FakeAppSync, make: Any, error: type[AppSyncError], reason: str, match: str
) -> None:
    source = Counting(boom)
    outcomes = _call_both(fake, make(source))
    for outcome in outcomes:
        assert isinstance(outcome, error), repr(outcome)
        assert getattr(outcome, "reason", None) == reason
        assert match in str(outcome) and outcome.attempts == 1
        assert isinstance(outcome.__cause__, RuntimeError)
    assert fake.received == [] and source.calls == 2  # once per client: no retries


@pytest.mark.parametrize(
    ("make", "garbage", "match"),
    [
        (
            lambda f: IAMAuth(credentials=f, region="us-east-1"),
            lambda: "AKID:secret",
            "returned str, not Credentials",
        ),
        (lambda f: IAMAuth(credentials=f, region="us-east-1"), lambda: None, "returned NoneType"),
        (lambda f: IAMAuth(credentials=f, region="us-east-1"), lambda: EXPIRED, "expired"),
        (lambda f: CognitoUserPoolsAuth(f), lambda: None, "must be a string"),
        (lambda f: CognitoUserPoolsAuth(f), lambda: "", "empty"),
        (lambda f: LambdaAuth(f), lambda: "tok\r\nen", "line break"),
        (lambda f: ApiKeyAuth(f), lambda: 12345, "must be a string"),
    ],
)
def test_a_callable_returning_garbage_is_one_clear_error(
    fake: FakeAppSync, make: Any, garbage: Callable[[], Any], match: str
) -> None:
    source = Counting(garbage)
    for outcome in _call_both(fake, make(source)):
        assert isinstance(outcome, (AppSyncConfigError, AppSyncAuthError)), repr(outcome)
        assert match in str(outcome) and outcome.attempts == 1
    assert fake.received == [] and source.calls == 2


def test_iam_on_a_custom_domain_without_region_fails_on_the_first_call() -> None:
    client = AppSyncClient(
        "https://api.example.com/graphql",
        auth=IAMAuth(Credentials("AKIDEXAMPLE000000001", "s" * 40)),
    )
    with pytest.raises(AppSyncConfigError, match="region"):
        client.execute("query { a }")


@pytest.mark.parametrize(
    ("call", "match"),
    [
        ({"idempotent": "yes"}, "idempotent"),
        ({"operation_type": "read"}, "operation_type"),
        ({"retry": 3}, "RetryPolicy"),
        ({"timeout": "soon"}, "timeout"),
        ({"headers": {"x": "a\nb"}}, "line break"),
        ({"auth_modes": ["AWS_IAM"]}, "auth modes"),
        ({"variables": {"x": float("nan")}}, "JSON"),
        ({"variables": {"x": object()}}, "JSON"),
    ],
)
def test_bad_call_arguments_fail_before_sending(
    fake: FakeAppSync, call: dict[str, Any], match: str
) -> None:
    for outcome in _call_both(fake, ApiKeyAuth(KEY), **call):
        assert isinstance(outcome, AppSyncConfigError), repr(outcome)
        assert match in str(outcome)
    assert fake.received == []


def test_no_auth_at_all() -> None:
    with pytest.raises(AppSyncConfigError, match="no auth strategy"):
        AppSyncClient(GOOD_URL).execute("query { a }")


def test_expiring_soon_credentials_still_work(fake: FakeAppSync) -> None:
    soon = Credentials(
        "AKIDEXAMPLE000000001",
        "s" * 40,
        "token",
        expiration=datetime.now(timezone.utc) + timedelta(minutes=2),
    )
    with AppSyncClient(fake.url, auth=IAMAuth(soon, region="us-east-1")) as client:
        assert client.execute("query { a }").data == {"ok": True}
