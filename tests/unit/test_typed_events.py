"""Typed subscription events: each event's data read into the operation's model.

Where neither the client's ``validate_result`` nor the model's ``model_validate`` is
overridden, the clients call the model's core validator directly; these tests compare
that with ``validate_result`` on generated events, valid and not: the same models, or
the same :class:`AppSyncResponseError`, and overrides still honoured.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ConfigDict, field_validator

from appsync_runtime import ApiKeyAuth, AppSyncClient, AppSyncResponseError, AsyncAppSyncClient
from appsync_runtime.model import BaseModel
from appsync_runtime.scalars import (
    AWSDateTimeField,
    AWSIPAddressField,
    AWSJSONField,
    AWSTimeField,
)

URL = "https://example123.appsync-api.us-east-1.amazonaws.com/graphql"
KEY = "da2-typedeventssecretkey0000000"


class Author(BaseModel):
    id: str
    joined_at: AWSDateTimeField | None = None


class Changed(BaseModel):
    model_config: ClassVar[ConfigDict] = ConfigDict(defer_build=True)

    id: str
    at: AWSDateTimeField
    remind: AWSTimeField | None = None
    ip: AWSIPAddressField | None = None
    meta: AWSJSONField | None = None
    author: Author | None = None
    version: int = 0


def _outcome(read: Any) -> Any:
    """The model ``read()`` gives (as its JSON dump and type), or the error's class
    and message."""
    try:
        value = read()
    except AppSyncResponseError as exc:
        return ("error", type(exc), str(exc))
    return ("model", type(value), value.model_dump(mode="json"), value)


def _typed_sync(client: AppSyncClient, model: type[Any], events: list[Any]) -> list[Any]:
    def feed() -> Iterator[Any]:
        yield from events

    outcomes: list[Any] = []
    typed = client._typed_events(model, feed())  # pyright: ignore[reportPrivateUsage]
    while True:
        outcome = _outcome(lambda: next(typed))
        if outcome[0] == "error":
            outcomes.append(outcome)
            break
        outcomes.append(outcome)
        if len(outcomes) == len(events):
            break
    typed.close()
    return outcomes


def _typed_async(model: type[Any], events: list[Any], client_type: type[Any]) -> list[Any]:
    async def run() -> list[Any]:
        async def feed() -> AsyncIterator[Any]:
            for event in events:
                yield event

        outcomes: list[Any] = []
        async with client_type(URL, auth=ApiKeyAuth(KEY)) as client:
            typed = client._typed_events(model, feed())  # pyright: ignore[reportPrivateUsage]
            for _ in events:
                try:
                    value = await typed.__anext__()
                except AppSyncResponseError as exc:
                    outcomes.append(("error", type(exc), str(exc)))
                    break
                outcomes.append(("model", type(value), value.model_dump(mode="json"), value))
            await typed.aclose()
        return outcomes

    return asyncio.run(run())


def _expected(client: AppSyncClient, model: type[Any], events: list[Any]) -> list[Any]:
    """What ``validate_result`` gives event by event, up to the first error."""
    outcomes: list[Any] = []
    for event in events:
        outcomes.append(_outcome(lambda e=event: client.validate_result(model, e)))
        if outcomes[-1][0] == "error":
            break
    return outcomes


def _same(ours: list[Any], expected: list[Any]) -> None:
    assert [o[:3] for o in ours] == [e[:3] for e in expected]
    for mine, theirs in zip(ours, expected, strict=True):
        if mine[0] == "model":
            assert mine[3] == theirs[3]


datetimes = st.sampled_from(
    [
        "2026-08-02T15:30:45.123Z",
        "2026-08-01T12:00:00.000Z",
        "2026-08-01T12:00:00Z",
        "2026-08-01T12:00:00.123456789+05:30",
        "2026-02-30T12:00:00.000Z",
        "2026-08-01T12:00",
        "",
    ]
) | st.text(max_size=30)
values = st.fixed_dictionaries(
    {
        "id": st.text(max_size=5) | st.integers(),
        "at": datetimes,
    },
    optional={
        "remind": st.sampled_from(["09:30:00Z", "09:30", "25:00:00", "09:30:00.120+01:00"]),
        "ip": st.sampled_from(["192.0.2.10", "2001:db8::1", "10.0.0.1/8", "300.1.1.1", "::g"]),
        "meta": st.sampled_from(['{"a":1}', "[1,", "null", '"\\ud800"']),
        "author": st.none()
        | st.fixed_dictionaries({"id": st.just("a1")}, optional={"joined_at": datetimes})
        | st.just("not an author"),
        "version": st.integers() | st.text(max_size=3),
    },
) | st.sampled_from([None, [], "data", {"at": KEY}])


@given(st.lists(values, min_size=1, max_size=4))
def test_property_typed_events_are_what_validate_result_gives(events: list[Any]) -> None:
    with AppSyncClient(URL, auth=ApiKeyAuth(KEY)) as client:
        expected = _expected(client, Changed, events)
        _same(_typed_sync(client, Changed, events), expected)
    _same(_typed_async(Changed, events, AsyncAppSyncClient), expected)


def test_the_core_validator_is_called_directly_only_where_nothing_is_overridden() -> None:
    with AppSyncClient(URL, auth=ApiKeyAuth(KEY)) as client:
        direct = client._event_validator(Changed)  # pyright: ignore[reportPrivateUsage]
        assert direct is not None
        assert direct == Changed.__pydantic_validator__.validate_python  # built on demand
        assert client._event_validator(Counting) is None  # pyright: ignore[reportPrivateUsage]
    with OwnSync(URL, auth=ApiKeyAuth(KEY)) as own:
        assert own._event_validator(Changed) is None  # pyright: ignore[reportPrivateUsage]


def test_the_secret_is_scrubbed_from_an_event_error() -> None:
    with AppSyncClient(URL, auth=ApiKeyAuth(KEY)) as client:
        [outcome] = _typed_sync(client, Changed, [{"id": "1", "at": KEY}])
    assert outcome[0] == "error"
    assert KEY not in outcome[2]
    assert "does not fit Changed" in outcome[2]


class Raising(BaseModel):
    value: int

    @field_validator("value")
    @classmethod
    def _raise(cls, value: int) -> int:
        if value == 13:
            raise TypeError("thirteen")  # not one pydantic turns into a ValidationError
        if value == 14:
            raise ArithmeticError("fourteen")
        return value


def test_a_validator_raising_outside_pydantic_is_reported_alike() -> None:
    for bad in (13, 14):
        events = [{"value": 1}, {"value": bad}]
        with AppSyncClient(URL, auth=ApiKeyAuth(KEY)) as client:
            expected = _expected(client, Raising, events)
            assert expected[-1][2].endswith(("TypeError", "ArithmeticError"))
            _same(_typed_sync(client, Raising, events), expected)
        _same(_typed_async(Raising, events, AsyncAppSyncClient), expected)


class Counting(BaseModel):
    calls: ClassVar[list[Any]] = []
    id: str

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> Counting:
        cls.calls.append(obj)
        return super().model_validate(obj, **kwargs)


def test_a_models_own_model_validate_is_called() -> None:
    Counting.calls.clear()
    events = [{"id": "1"}, {"id": "2"}]
    with AppSyncClient(URL, auth=ApiKeyAuth(KEY)) as client:
        assert [o[2] for o in _typed_sync(client, Counting, events)] == events
    assert [o[2] for o in _typed_async(Counting, events, AsyncAppSyncClient)] == events
    assert Counting.calls == events * 2


class OwnSync(AppSyncClient):
    seen: ClassVar[list[Any]] = []

    def validate_result(self, model: type[Any], data: dict[str, Any]) -> Any:
        self.seen.append(data)
        return super().validate_result(model, {**data, "id": "mine"})


class OwnAsync(AsyncAppSyncClient):
    seen: ClassVar[list[Any]] = []

    def validate_result(self, model: type[Any], data: dict[str, Any]) -> Any:
        self.seen.append(data)
        return super().validate_result(model, {**data, "id": "mine"})


@pytest.mark.parametrize("model", [Changed, Author])
def test_a_clients_own_validate_result_is_called(model: type[Any]) -> None:
    OwnSync.seen.clear()
    OwnAsync.seen.clear()
    event = {"id": "1", "at": "2026-08-02T15:30:45.123Z"}
    with OwnSync(URL, auth=ApiKeyAuth(KEY)) as client:
        [outcome] = _typed_sync(client, model, [event])
    assert outcome[3].id == "mine" and OwnSync.seen == [event]
    [outcome] = _typed_async(model, [event], OwnAsync)
    assert outcome[3].id == "mine" and OwnAsync.seen == [event]
