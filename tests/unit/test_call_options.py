"""One definition of the per-call options, and one name to subscribe with."""

from __future__ import annotations

import asyncio
import inspect
import warnings
from collections.abc import AsyncGenerator
from typing import Any

import pytest

from appsync_runtime import (
    ApiKeyAuth,
    AppSyncClient,
    AppSyncConfigError,
    AsyncAppSyncClient,
    AuthOptions,
    CallOptions,
    RetryPolicy,
)

URL = "https://example123.appsync-api.us-east-1.amazonaws.com/graphql"
KEY = "da2-abcdefghijklmnopqrstuvwxyz"
SUBSCRIPTION = "subscription OnNote { onNote { id } }"


def test_the_options_are_one_typed_dict_shared_by_every_call_method() -> None:
    assert AuthOptions.__optional_keys__ == {"auth", "auth_modes"}
    assert CallOptions.__optional_keys__ == {
        "auth",
        "auth_modes",
        "headers",
        "timeout",
        "retry",
        "idempotent",
        "operation_type",
    }
    for cls in (AppSyncClient, AsyncAppSyncClient):
        for name in ("execute", "execute_validated", "subscribe"):
            options = inspect.signature(getattr(cls, name)).parameters["options"]
            assert options.kind is inspect.Parameter.VAR_KEYWORD


def test_each_option_reaches_the_call() -> None:
    client = AppSyncClient(URL, auth=ApiKeyAuth(KEY))
    other = ApiKeyAuth(KEY + "x")
    policy = RetryPolicy(attempts=5)
    options: CallOptions = {
        "auth": other,
        "auth_modes": ("API_KEY",),
        "headers": {"x-trace": "1"},
        "timeout": 7.0,
        "retry": policy,
        "idempotent": True,
        "operation_type": "mutation",
    }
    call = client._prepare("mutation M { m }", "M", None, options)
    assert call.strategy is other
    assert call.headers["x-trace"] == "1"
    assert call.timeout.read == 7.0
    assert call.retry is policy
    assert call.idempotent is True
    assert call.operation_type == "mutation"
    defaults = client._prepare("query Q { q }", "Q", None, {})
    assert defaults.retry is client.retry and defaults.idempotent is False
    assert client._prepare("query Q { q }", "Q", None, {"retry": None}).retry is None
    client.close()


@pytest.mark.parametrize("method", ["execute", "execute_validated"])
def test_an_unknown_option_is_a_config_error_naming_the_valid_ones(method: str) -> None:
    client = AppSyncClient(URL, auth=ApiKeyAuth(KEY))
    args: tuple[Any, ...] = ("query Q { q }", "Q")
    if method == "execute_validated":
        args = (dict, *args)
    with pytest.raises(AppSyncConfigError) as caught:
        getattr(client, method)(*args, bogus=1, retries=2)
    message = str(caught.value)
    assert message.startswith("Q: unknown options 'bogus', 'retries' (did you mean 'retry'?)")
    assert message.endswith(
        "the options are auth, auth_modes, headers, idempotent, operation_type, retry, timeout"
    )
    client.close()


def test_a_subscription_takes_only_the_auth_and_subscription_options() -> None:
    client = AppSyncClient(URL, auth=ApiKeyAuth(KEY))
    for option in ("headers", "timeout", "retry", "idempotent", "operation_type"):
        with pytest.raises(AppSyncConfigError, match=f"'{option}'.*auth, auth_modes, on_gap"):
            client.subscribe(SUBSCRIPTION, **{option: None})
    client.close()


def test_async_subscribe_is_an_async_iterator_and_execute_ws_its_deprecated_alias() -> None:
    async def main() -> None:
        client = AsyncAppSyncClient(URL, auth=ApiKeyAuth(KEY))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            events = client.subscribe(SUBSCRIPTION, "OnNote")  # no warning
        assert isinstance(events, AsyncGenerator)
        await events.aclose()
        with pytest.warns(DeprecationWarning, match="use subscribe"):
            old = client.execute_ws(SUBSCRIPTION, "OnNote")
        assert isinstance(old, AsyncGenerator)
        await old.aclose()
        with pytest.raises(AppSyncConfigError, match="headers"):
            client.subscribe(SUBSCRIPTION, headers={})  # type: ignore[call-arg]
        await client.close()

    asyncio.run(main())
