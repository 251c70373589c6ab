"""AppSync scalars read by pydantic's own parsers: the same values as the exact parsers.

Generated models (subclasses of :class:`appsync_runtime.model.BaseModel`) read dates,
times, datetimes and timestamps of the common shapes in pydantic's Rust code and fall
back to the exact Python parsers for every other text. These properties compare the
two paths on generated wire text, valid and near-miss alike: the same value, offset
and wire text back, or both refusing; and the native path really taken where it may.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import ValidationError

from appsync_runtime import scalars
from appsync_runtime.model import BaseModel
from appsync_runtime.scalars import (
    AWSDateField,
    AWSDateTimeField,
    AWSTimeField,
    AWSTimestampField,
    NanoDateTime,
    NanoTime,
    parse_aws_date,
    parse_aws_datetime,
    parse_aws_time,
    parse_aws_timestamp,
    serialize_aws_date,
    serialize_aws_datetime,
    serialize_aws_time,
)

NATIVE = {
    name: re.compile(pattern)
    for name, pattern in scalars._NATIVE_PATTERNS.items()  # pyright: ignore[reportPrivateUsage]
}


class Fields(BaseModel):
    on: AWSDateField | None = None
    at: AWSTimeField | None = None
    when: AWSDateTimeField | None = None
    ts: AWSTimestampField | None = None
    many: list[AWSDateTimeField] | None = None


class Outer(BaseModel):
    inner: Fields
    also: list[Fields] | None = None


SCALARS: dict[str, tuple[str, Callable[[Any], Any], Callable[[Any], Any], type[Any]]] = {
    "on": ("AWSDate", parse_aws_date, serialize_aws_date, date),
    "at": ("AWSTime", parse_aws_time, serialize_aws_time, time),
    "when": ("AWSDateTime", parse_aws_datetime, serialize_aws_datetime, datetime),
}


def _exact(parse: Callable[[Any], Any], text: str) -> Any:
    try:
        return parse(text)
    except ValueError as exc:
        return exc


def _same(field: str, text: str) -> None:
    """``text`` as field ``field``: JSON mode, Python mode and a nested model all
    agree with the exact parser, and take the native path exactly where allowed."""
    scalar, parse, serialize, plain = SCALARS[field]
    exact = _exact(parse, text)
    readings: list[Any] = []
    for read in (
        lambda: Fields.model_validate_json(json.dumps({field: text})),
        lambda: Fields.model_validate({field: text}),
        lambda: Outer.model_validate_json(json.dumps({"inner": {field: text}})).inner,
        lambda: Outer.model_validate({"also": [{}, {field: text}], "inner": {}}).also[1],  # type: ignore[index]
    ):
        try:
            readings.append(getattr(read(), field))
        except ValidationError as error:
            assert isinstance(exact, ValueError), (text, error)
            problems = [p for p in error.errors() if p["type"] != scalars._NATIVE_ERROR]  # pyright: ignore[reportPrivateUsage]
            assert len(problems) == 1, error
            assert problems[0]["loc"][-1] == scalar
            assert str(exact) in problems[0]["msg"]
    if isinstance(exact, ValueError):
        assert not readings, (text, readings)
        return
    for value in readings:
        assert value == exact
        assert exact == value
        assert hash(value) == hash(exact)
        if plain is not date:
            assert value.utcoffset() == exact.utcoffset()
            assert getattr(value, "nanosecond", 0) == getattr(exact, "nanosecond", 0)
        assert serialize(value) == serialize(exact) == text
        if NATIVE[scalar].fullmatch(text):
            assert type(value) is plain  # read natively: no subclass was built
        elif plain is not date:
            assert type(value) in (NanoTime, NanoDateTime)


DIGITS = "0123456789"


@st.composite
def canonical_datetimes(draw: st.DrawFn) -> str:
    """Texts in (or near) the shapes read natively: what AppSync sends most."""
    day = draw(st.dates()).isoformat()
    hms = draw(st.times()).isoformat(timespec="seconds")
    fraction = draw(st.sampled_from(["", "3", "6", "other"]))
    if fraction == "other":
        fraction = "." + draw(st.text(DIGITS, min_size=1, max_size=9))
    elif fraction:
        fraction = "." + draw(st.text(DIGITS, min_size=int(fraction), max_size=int(fraction)))
    offset = draw(
        st.sampled_from(["Z", "+00:00", "-00:00"])
        | st.builds(
            lambda sign, h, m: f"{sign}{h:02d}:{m:02d}",
            st.sampled_from("+-"),
            st.integers(0, 23),
            st.integers(0, 59),
        )
    )
    return f"{day}T{hms}{fraction}{offset}"


@st.composite
def near_misses(draw: st.DrawFn, base: st.SearchStrategy[str]) -> str:
    """A valid-looking text with one character replaced, inserted or removed."""
    text = draw(base)
    index = draw(st.integers(0, len(text) - 1))
    char = draw(st.sampled_from(DIGITS + "-:T.Zzt+ 9"))
    how = draw(st.sampled_from(["replace", "insert", "delete"]))
    if how == "replace":
        return text[:index] + char + text[index + 1 :]
    if how == "insert":
        return text[:index] + char + text[index:]
    return text[:index] + text[index + 1 :]


@given(canonical_datetimes() | near_misses(canonical_datetimes()))
@example("2024-05-01T12:00:00.123Z")
@example("2024-05-01T12:00:00.123456Z")
@example("2024-05-01T12:00:00.123000Z")  # 6 digits ending in 000: the exact path
@example("2024-05-01T12:00:00.000Z")
@example("2024-05-01T12:00:00.1234567Z")  # 7 digits: pydantic would truncate
@example("2024-05-01T12:00:00+00:00")
@example("2024-02-30T12:00:00Z")
@example("0000-01-01T00:00:00Z")
@example("2024-05-01t12:00:00z")
def test_property_datetime_native_and_exact_agree(text: str) -> None:
    _same("when", text)


@given(
    (st.builds(lambda d, t: d + t[10:], canonical_datetimes(), st.just("x" * 10)))
    | near_misses(st.builds(lambda d: d[11:], canonical_datetimes()))
    | st.builds(lambda d: d[11:].rstrip("Z"), canonical_datetimes())
)
@example("12:00:00.120Z")
@example("12:00:00")
@example("12:00")
@example("24:00:00Z")
def test_property_time_native_and_exact_agree(text: str) -> None:
    _same("at", text)


@given(st.dates().map(date.isoformat) | near_misses(st.dates().map(date.isoformat)))
@example("2024-05-01+05:30")
@example("0000-01-01")
def test_property_date_native_and_exact_agree(text: str) -> None:
    _same("on", text)


@given(st.integers() | st.floats(allow_nan=False) | st.booleans() | st.text(DIGITS, max_size=3))
def test_property_timestamp_native_and_exact_agree(value: int | float | bool | str) -> None:
    try:
        exact: Any = parse_aws_timestamp(value)  # type: ignore[arg-type]
    except ValueError as exc:
        exact = exc
    for read in (
        lambda: Fields.model_validate_json(json.dumps({"ts": value})),
        lambda: Fields.model_validate({"ts": value}),
    ):
        if isinstance(exact, ValueError):
            with pytest.raises(ValidationError, match="invalid AWSTimestamp"):
                read()
        else:
            got = read().ts
            assert got == exact
            assert type(got) is int


def test_python_values_pass_through_unchanged() -> None:
    nano = parse_aws_datetime("2024-05-01T12:00:00.123456789Z")
    plain = datetime(2024, 5, 1, tzinfo=scalars.timezone.utc)
    assert Fields(when=nano).when is nano
    assert Fields(when=plain).when is plain
    assert Fields(many=[plain, nano]).many == [plain, nano]


def test_lists_of_scalars_are_read_natively_too() -> None:
    texts = ["2024-05-01T12:00:00.123Z", "2024-05-01T12:00:00.123456789Z"]
    many = Fields.model_validate_json(json.dumps({"many": texts})).many
    assert many is not None
    assert [type(value) for value in many] == [datetime, NanoDateTime]
    assert [serialize_aws_datetime(value) for value in many] == texts
    assert json.loads(Fields(many=many).model_dump_json())["many"] == texts


def test_the_client_reports_the_exact_parsers_error() -> None:
    from appsync_runtime import AppSyncClient, AppSyncResponseError
    from appsync_runtime._response import NATIVE_SCALAR_ERROR

    assert NATIVE_SCALAR_ERROR == scalars._NATIVE_ERROR  # pyright: ignore[reportPrivateUsage]
    client = AppSyncClient("https://example.appsync-api.us-east-1.amazonaws.com/graphql")
    with pytest.raises(AppSyncResponseError) as caught:
        client.validate_result(Outer, {"inner": {"when": "2024-02-30T12:00:00Z"}})
    assert str(caught.value) == (
        "the response does not fit Outer: 1 problem(s), first at inner.when.AWSDateTime: "
        "Value error, invalid AWSDateTime '2024-02-30T12:00:00Z': day is out of range "
        "for month"
    )
    client.close()
