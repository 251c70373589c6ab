"""Every error class survives pickle (process pools, task queues), copy.copy and
copy.deepcopy with its class, message, arguments and attributes, scrubbed as it was."""

from __future__ import annotations

import copy
import pickle
import sys
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appsync_runtime import FailedEvent, PublishedEvent, PublishResult, errors
from appsync_runtime._redaction import Scrubber
from appsync_runtime.errors import (
    AppSyncError,
    AppSyncSubscriptionError,
    AppSyncSubscriptionOverflowError,
    GraphQLErrorEntry,
)
from appsync_runtime.testing import FakeSetupError  # the test kit's own error pickles too
from tests.support.examples import examples

text = st.text(max_size=40)
maybe_text = st.none() | text
json_leaf = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text
json_value = st.recursive(
    json_leaf,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)
entries = st.lists(
    st.builds(
        GraphQLErrorEntry,
        message=text,
        error_type=maybe_text,
        error_info=json_value,
        path=st.none() | st.tuples(text, st.integers()),
        locations=st.none() | st.tuples(st.fixed_dictionaries({"line": st.integers()})),
        data=json_value,
        extensions=st.none() | st.dictionaries(text, json_value, max_size=3),
    ),
    max_size=3,
)
common = {
    "request_id": maybe_text,
    "operation_name": maybe_text,
    "attempts": st.integers(1, 10),
}
http = {
    **common,
    "status": st.none() | st.integers(100, 599),
    "error_type": maybe_text,
    "body": st.binary(max_size=64),
    "retry_after": st.none() | st.floats(0, 100),
}
graphql = {
    **common,
    "data": st.none() | st.dictionaries(text, json_value, max_size=3),
    "status": st.integers(100, 599),
    "total": st.none() | st.integers(0, 5000),
}

# Every class, and how to build one with every constructor argument.
BUILDERS: dict[type[AppSyncError], Callable[[], st.SearchStrategy[AppSyncError]]] = {
    errors.AppSyncError: lambda: st.builds(errors.AppSyncError, text, **common),
    errors.AppSyncConfigError: lambda: st.builds(errors.AppSyncConfigError, text, **common),
    FakeSetupError: lambda: st.builds(FakeSetupError, text, **common),
    errors.AppSyncNetworkError: lambda: st.builds(
        errors.AppSyncNetworkError, text, sent=st.booleans(), **common
    ),
    errors.AppSyncTimeoutError: lambda: st.builds(
        errors.AppSyncTimeoutError, text, deadline=st.booleans(), sent=st.booleans(), **common
    ),
    errors.AppSyncHTTPError: lambda: st.builds(errors.AppSyncHTTPError, text, **http),
    errors.AppSyncAuthError: lambda: st.builds(
        errors.AppSyncAuthError,
        text,
        reason=st.sampled_from(["unauthorized", "clock_skew", "no_credentials"]),
        **http,
    ),
    errors.AppSyncThrottledError: lambda: st.builds(
        errors.AppSyncThrottledError,
        text,
        **{k: v for k, v in http.items() if k != "status"},
    ),
    errors.AppSyncErrorPageError: lambda: st.builds(errors.AppSyncErrorPageError, text, **http),
    errors.AppSyncResponseError: lambda: st.builds(
        errors.AppSyncResponseError,
        text,
        status=st.none() | st.integers(100, 599),
        body=st.binary(max_size=64),
        **common,
    ),
    errors.AppSyncResponseTooLargeError: lambda: st.builds(
        errors.AppSyncResponseTooLargeError,
        text,
        status=st.none() | st.integers(100, 599),
        body=st.binary(max_size=64),
        **common,
    ),
    errors.AppSyncGraphQLError: lambda: st.builds(errors.AppSyncGraphQLError, entries, **graphql),
    AppSyncSubscriptionOverflowError: lambda: st.builds(
        AppSyncSubscriptionOverflowError,
        text,
        lost_from=st.floats(0, 2e9),
        max_buffered_events=st.integers(1, 10**6),
        max_buffered_bytes=st.integers(1, 10**9),
        **common,
    ),
    errors.AppSyncPartialPublishError: lambda: st.builds(
        errors.AppSyncPartialPublishError,
        text,
        published=st.builds(
            PublishResult,
            successful=st.lists(st.builds(PublishedEvent, st.integers(0, 9), maybe_text)).map(
                tuple
            ),
            failed=st.lists(st.builds(FailedEvent, st.integers(0, 9), st.none(), maybe_text)).map(
                tuple
            ),
            unacknowledged=st.lists(st.integers(0, 9)).map(tuple),
        ),
        unsent=st.lists(st.integers(0, 99)),
        **common,
    ),
    AppSyncSubscriptionError: lambda: st.builds(
        AppSyncSubscriptionError,
        entries,
        subscription_id=maybe_text,
        connection_wide=st.booleans(),
        error_code=st.none() | st.integers(),
        **graphql,
    ),
}


def all_error_classes() -> set[type[AppSyncError]]:
    found: set[type[AppSyncError]] = set()
    pending: list[type[AppSyncError]] = [AppSyncError]
    while pending:
        cls = pending.pop()
        if cls.__module__.startswith("appsync_runtime") and cls not in found:
            found.add(cls)
            pending += cls.__subclasses__()
    return found


def test_every_error_class_is_covered() -> None:
    assert all_error_classes() == set(BUILDERS)


def same(a: AppSyncError, b: AppSyncError) -> None:
    assert type(a) is type(b)
    assert a.args == b.args
    assert str(a) == str(b) and repr(a) == repr(b)
    assert vars(a) == vars(b)


def _name(cls: type[AppSyncError]) -> str:
    return cls.__name__


@pytest.mark.parametrize("cls", sorted(BUILDERS, key=_name))
def test_round_trips(cls: type[AppSyncError]) -> None:
    @settings(max_examples=examples(60), deadline=None)
    @given(error=BUILDERS[cls](), note=maybe_text)
    def check(error: AppSyncError, note: str | None) -> None:
        if note is not None:
            if sys.version_info >= (3, 11):
                error.add_note(note)
            else:  # what add_note does, as the exceptiongroup backport does it
                error.__notes__ = [*getattr(error, "__notes__", []), note]  # type: ignore[attr-defined]
        for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
            same(error, pickle.loads(pickle.dumps(error, protocol)))
        same(error, copy.copy(error))
        deep = copy.deepcopy(error)
        same(error, deep)
        if vars(error).get("data"):
            assert deep.data is not error.data  # type: ignore[attr-defined]

    check()


def test_scrubbed_errors_stay_scrubbed_through_pickle() -> None:
    token = "pickled-token-0123456789abcdef"
    error = AppSyncSubscriptionError(
        [GraphQLErrorEntry(f"bad {token}", extensions={"t": token})],
        data={"echo": token},
        subscription_id="s1",
        error_code=401,
        request_id=token,
    )
    Scrubber([token]).error(error)
    for blob in (pickle.dumps(error), pickle.dumps(copy.deepcopy(error), 0)):
        assert token[:12].encode() not in blob
    restored: Any = pickle.loads(pickle.dumps(error))
    assert (restored.subscription_id, restored.error_code, restored.data) == (
        "s1",
        401,
        {"echo": "***"},
    )
