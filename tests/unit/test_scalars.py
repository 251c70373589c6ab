"""AppSync scalars: parse, serialize, round trips, pydantic use, codegen settings.

Round-trip rule under test: a date, time or datetime parsed from any valid wire text
serializes back to the byte-identical text; a value made in Python serializes to the
canonical form (seconds written, 0, 6 or 9 fractional digits, ``Z`` for a zero offset,
``±hh:mm`` or ``±hh:mm:ss``), which parses back to an equal value.
"""

from __future__ import annotations

import copy
import importlib
import json
import pickle
import re
import sys
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from ipaddress import (
    IPv4Address,
    IPv4Interface,
    IPv4Network,
    IPv6Address,
    IPv6Interface,
    IPv6Network,
    ip_address,
    ip_interface,
)
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from pydantic_core import PydanticSerializationError

from appsync_codegen.scalars import SCALAR_TYPES
from appsync_runtime import scalars
from appsync_runtime.model import UNSET, BaseModel
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
    NanoDateTime,
    NanoTime,
    OffsetDate,
    parse_aws_date,
    parse_aws_datetime,
    parse_aws_email,
    parse_aws_ip_address,
    parse_aws_json,
    parse_aws_phone,
    parse_aws_time,
    parse_aws_timestamp,
    parse_aws_url,
    serialize_aws_date,
    serialize_aws_datetime,
    serialize_aws_email,
    serialize_aws_ip_address,
    serialize_aws_json,
    serialize_aws_json_list,
    serialize_aws_phone,
    serialize_aws_time,
    serialize_aws_timestamp,
    serialize_aws_url,
)

UTC = timezone.utc


def tz(hours: int = 0, minutes: int = 0, seconds: int = 0) -> timezone:
    return timezone(timedelta(hours=hours, minutes=minutes, seconds=seconds))


class NoFixedOffset(tzinfo):
    """A zone whose offset depends on the date, like a ZoneInfo: none for a bare time."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None if dt is None else timedelta(hours=1)

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None

    def tzname(self, dt: datetime | None) -> str | None:
        return "Nowhere"


def parse_slow_path(parse: Any, text: str) -> Any:
    """Parse as on Python 3.10, whose fromisoformat cannot read AppSync's forms."""
    with mock.patch.object(scalars, "_FULL_FROMISOFORMAT", False):
        return parse(text)


# --------------------------------------------------------------------------- AWSDate


def test_plain_date_is_a_date_and_round_trips() -> None:
    value = parse_aws_date("2024-05-01")
    assert type(value) is date
    assert value == date(2024, 5, 1)
    assert serialize_aws_date(value) == "2024-05-01"


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("2024-05-01Z", timedelta(0)),
        ("2024-05-01z", timedelta(0)),
        ("2024-05-01-00:00", timedelta(0)),
        ("2024-05-01+05:30", timedelta(hours=5, minutes=30)),
        ("1970-01-01-07:00", timedelta(hours=-7)),
        ("2024-05-01+05:30:10", timedelta(hours=5, minutes=30, seconds=10)),
        ("2024-05-01-23:59:59", -timedelta(hours=23, minutes=59, seconds=59)),
    ],
)
def test_date_with_offset_keeps_it_exactly(text: str, offset: timedelta) -> None:
    value = parse_aws_date(text)
    assert isinstance(value, OffsetDate)
    assert value == date(int(text[:4]), int(text[5:7]), int(text[8:10]))
    assert value.utcoffset() == offset
    assert value.tzinfo is not None
    assert value.tzinfo.utcoffset(None) == offset
    assert serialize_aws_date(value) == text


def test_offset_date_made_in_python_serializes_canonically() -> None:
    assert serialize_aws_date(OffsetDate(2024, 5, 1, tzinfo=UTC)) == "2024-05-01Z"
    assert serialize_aws_date(OffsetDate(2024, 5, 1, tzinfo=tz(-7))) == "2024-05-01-07:00"
    assert serialize_aws_date(OffsetDate(2024, 5, 1, tzinfo=tz(5, 30, 10))) == (
        "2024-05-01+05:30:10"
    )
    assert serialize_aws_date(OffsetDate(2024, 5, 1)) == "2024-05-01"


def test_offset_date_needs_a_fixed_whole_second_offset() -> None:
    with pytest.raises(ValueError, match="fixed UTC offset"):
        OffsetDate(2024, 5, 1, tzinfo=NoFixedOffset())
    with pytest.raises(ValueError, match="whole seconds"):
        OffsetDate(2024, 5, 1, tzinfo=timezone(timedelta(microseconds=5)))


def test_offset_date_replace_copy_and_pickle_keep_the_offset() -> None:
    value = parse_aws_date("2024-05-01+05:30:00")
    assert isinstance(value, OffsetDate)
    moved = value.replace(day=2)
    assert serialize_aws_date(moved) == "2024-05-02+05:30:00"
    assert serialize_aws_date(value.replace(tzinfo=None)) == "2024-05-01"
    assert serialize_aws_date(value.replace(tzinfo=UTC)) == "2024-05-01Z"
    for clone in (copy.copy(value), copy.deepcopy(value), pickle.loads(pickle.dumps(value))):
        assert type(clone) is OffsetDate
        assert serialize_aws_date(clone) == "2024-05-01+05:30:00"


def test_offset_date_arithmetic_gives_a_date_without_offset() -> None:
    value = parse_aws_date("2024-05-01Z")
    later = value + timedelta(days=1)
    assert later == date(2024, 5, 2)
    assert serialize_aws_date(later) == "2024-05-02"


@pytest.mark.parametrize(
    "text",
    [
        "2024-5-01",
        "20240501",
        "2024-05-01T00:00Z",
        "2024-05-01 ",
        "2024-05-01+0530",
        "2024-05-01+24:00",
        "2024-05-01+05:60",
        "2024-W18-3",
        "\uff12\uff10\uff12\uff14-05-01",  # full-width digits
        "",
    ],
)
def test_malformed_date_is_rejected(text: str) -> None:
    with pytest.raises(ValueError, match="invalid AWSDate") as info:
        parse_aws_date(text)
    assert repr(text) in str(info.value)


@pytest.mark.parametrize("text", ["2024-13-01", "2024-02-30", "2023-02-29Z"])
def test_impossible_date_is_rejected(text: str) -> None:
    with pytest.raises(ValueError, match=f"invalid AWSDate '{text}': .*(month|day)"):
        parse_aws_date(text)


@pytest.mark.parametrize("text", ["-0001-01-01", "0000-01-01", "+10000-01-01", "12345-01-01Z"])
def test_date_years_python_cannot_hold_are_rejected(text: str) -> None:
    with pytest.raises(ValueError, match=r"invalid AWSDate .*year .* 0001 to 9999"):
        parse_aws_date(text)


def test_parse_date_passes_dates_through_and_refuses_other_types() -> None:
    today = date(2024, 5, 1)
    assert parse_aws_date(today) is today
    with pytest.raises(ValueError, match="invalid AWSDate"):
        parse_aws_date(datetime(2024, 5, 1))
    with pytest.raises(ValueError, match="invalid AWSDate"):
        parse_aws_date(20240501)  # type: ignore[arg-type]


def test_serialize_date_refuses_datetimes_and_strings() -> None:
    with pytest.raises(TypeError, match=r"AWSDate .*value\.date\(\)"):
        serialize_aws_date(datetime(2024, 5, 1, tzinfo=UTC))
    with pytest.raises(TypeError, match=r"AWSDate expects a datetime\.date, got str"):
        serialize_aws_date("2024-05-01")


# --------------------------------------------------------------------------- AWSTime


@pytest.mark.parametrize(
    ("text", "fields", "offset"),
    [
        ("12:30", (12, 30, 0, 0, 0), None),
        ("00:00:00", (0, 0, 0, 0, 0), None),
        ("23:59:59.1", (23, 59, 59, 100000, 0), None),
        ("12:30:45.12", (12, 30, 45, 120000, 0), None),
        ("12:30:45.123", (12, 30, 45, 123000, 0), None),
        ("12:30:45.123456", (12, 30, 45, 123456, 0), None),
        ("12:30:45.1234567", (12, 30, 45, 123456, 700), None),
        ("12:30:45.12345678", (12, 30, 45, 123456, 780), None),
        ("12:30:45.123456789", (12, 30, 45, 123456, 789), None),
        ("12:30:45.000000001Z", (12, 30, 45, 0, 1), timedelta(0)),
        ("12:30z", (12, 30, 0, 0, 0), timedelta(0)),
        ("12:30:45-08:00", (12, 30, 45, 0, 0), timedelta(hours=-8)),
        ("12:30:45.5+05:30:10", (12, 30, 45, 500000, 0), timedelta(seconds=19810)),
        ("12:30:45.500-00:00", (12, 30, 45, 500000, 0), timedelta(0)),
    ],
)
def test_time_parses_and_round_trips_exactly(
    text: str, fields: tuple[int, ...], offset: timedelta | None
) -> None:
    for value in (parse_aws_time(text), parse_slow_path(parse_aws_time, text)):
        assert isinstance(value, NanoTime)
        assert (value.hour, value.minute, value.second, value.microsecond) == fields[:4]
        assert value.nanosecond == fields[4]
        assert value.utcoffset() == offset
        assert serialize_aws_time(value) == text


def test_time_made_in_python_serializes_canonically() -> None:
    assert serialize_aws_time(time(9, 5)) == "09:05:00"
    # whole milliseconds are written as 3 digits (AppSync's own form), others as 6
    assert serialize_aws_time(time(9, 5, 7, 120000, tzinfo=UTC)) == "09:05:07.120Z"
    assert serialize_aws_time(time(9, 5, 7, 120001, tzinfo=UTC)) == "09:05:07.120001Z"
    assert serialize_aws_time(time(9, 5, tzinfo=tz(-3, -30))) == "09:05:00-03:30"
    assert serialize_aws_time(time(9, 5, tzinfo=tz(1, 2, 3))) == "09:05:00+01:02:03"
    assert serialize_aws_time(NanoTime(9, 5, 7).replace(nanosecond=5)) == "09:05:07.000000005"


def test_time_without_a_fixed_offset_is_refused() -> None:
    with pytest.raises(ValueError, match="AWSTime needs a fixed UTC offset"):
        serialize_aws_time(time(9, 5, tzinfo=NoFixedOffset()))
    with pytest.raises(ValueError, match="whole seconds"):
        serialize_aws_time(time(9, 5, tzinfo=timezone(timedelta(microseconds=1))))


def test_time_nanoseconds_take_part_in_equality_order_and_hash() -> None:
    a = parse_aws_time("12:00:00.123456789")
    b = parse_aws_time("12:00:00.123456788")
    same = parse_aws_time("12:00:00.123456789")
    plain = time(12, 0, 0, 123456)
    assert a != b
    assert a == same
    assert hash(a) == hash(same)
    assert b < a
    assert a > b
    assert b <= a
    assert a >= b
    assert plain < b
    assert b > plain
    assert a != plain
    assert parse_aws_time("12:00:00.123456") == plain
    assert hash(parse_aws_time("12:00:00.123456")) == hash(plain)
    assert sorted([a, plain, b]) == [plain, b, a]


def test_time_replace_copy_and_pickle_keep_nanoseconds() -> None:
    value = parse_aws_time("12:00:00.123456789+01:00")
    assert isinstance(value, NanoTime)
    later = value.replace(hour=13)
    assert later.nanosecond == 789
    assert serialize_aws_time(later) == "13:00:00.123456789+01:00"
    assert value.replace(microsecond=0).nanosecond == 0
    assert value.replace(nanosecond=1).nanosecond == 1
    with pytest.raises(ValueError, match="nanosecond"):
        value.replace(nanosecond=1000)
    for clone in (copy.copy(value), copy.deepcopy(value), pickle.loads(pickle.dumps(value))):
        assert type(clone) is NanoTime
        assert clone == value
        assert serialize_aws_time(clone) == "12:00:00.123456789+01:00"


@pytest.mark.parametrize(
    "text",
    [
        "24:00",
        "12:60",
        "12:00:60",
        "12",
        "1:00",
        "12:00:00.",
        "12:00:00.1234567890",
        "12:00.5",
        "12:00:00,5",
        "12:00:00+5:30",
        "12:00:00+0530",
        "12:00:00 Z",
        "T12:00",
    ],
)
def test_malformed_time_is_rejected(text: str) -> None:
    with pytest.raises(ValueError, match=f"invalid AWSTime {re.escape(repr(text))}"):
        parse_aws_time(text)


def test_parse_time_passes_times_through() -> None:
    value = time(1, 2, tzinfo=UTC)
    assert parse_aws_time(value) is value
    with pytest.raises(ValueError, match="invalid AWSTime"):
        parse_aws_time(3600)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- AWSDateTime


@pytest.mark.parametrize(
    ("text", "fields", "offset"),
    [
        ("2024-05-01T12:30Z", (2024, 5, 1, 12, 30, 0, 0, 0), timedelta(0)),
        ("2024-05-01T12:30:45Z", (2024, 5, 1, 12, 30, 45, 0, 0), timedelta(0)),
        ("2018-02-06T19:01:35.749Z", (2018, 2, 6, 19, 1, 35, 749000, 0), timedelta(0)),
        ("1970-01-01T12:00:00.2Z", (1970, 1, 1, 12, 0, 0, 200000, 0), timedelta(0)),
        (
            "1970-01-01T12:00:00.123456789Z",
            (1970, 1, 1, 12, 0, 0, 123456, 789),
            timedelta(0),
        ),
        (
            "2024-05-01T00:00:00.1234567+01:00",
            (2024, 5, 1, 0, 0, 0, 123456, 700),
            timedelta(hours=1),
        ),
        ("2024-05-01T00:00:00.99999999-00:00", (2024, 5, 1, 0, 0, 0, 999999, 990), timedelta(0)),
        ("2024-05-01t00:00:00z", (2024, 5, 1, 0, 0, 0, 0, 0), timedelta(0)),
        ("2024-02-29T23:59:59+05:30:10", (2024, 2, 29, 23, 59, 59, 0, 0), timedelta(seconds=19810)),
        ("0001-01-01T00:00:00+01:00", (1, 1, 1, 0, 0, 0, 0, 0), timedelta(hours=1)),
        (
            "9999-12-31T23:59:59.999999999-23:59:59",
            (9999, 12, 31, 23, 59, 59, 999999, 999),
            -timedelta(seconds=86399),
        ),
    ],
)  # fmt: skip
def test_datetime_parses_and_round_trips_exactly(
    text: str, fields: tuple[int, ...], offset: timedelta
) -> None:
    for value in (parse_aws_datetime(text), parse_slow_path(parse_aws_datetime, text)):
        assert isinstance(value, NanoDateTime)
        assert value.timetuple()[:6] == fields[:6]
        assert (value.microsecond, value.nanosecond) == fields[6:]
        assert value.utcoffset() == offset
        assert serialize_aws_datetime(value) == text


def test_datetime_made_in_python_serializes_canonically() -> None:
    cases = {
        datetime(2024, 5, 1, 12, 0, tzinfo=UTC): "2024-05-01T12:00:00.000Z",
        datetime(2024, 5, 1, 12, 0, 0, 123, tzinfo=UTC): "2024-05-01T12:00:00.000123Z",
        datetime(2024, 5, 1, 12, 0, 0, 123000, tzinfo=UTC): "2024-05-01T12:00:00.123Z",
        datetime(2024, 5, 1, 12, 0, 0, 120000, tzinfo=tz(1)): "2024-05-01T12:00:00.120+01:00",
        datetime(2024, 5, 1, 12, tzinfo=tz(-7)): "2024-05-01T12:00:00.000-07:00",
        datetime(2024, 5, 1, 12, tzinfo=tz(5, 30, 10)): "2024-05-01T12:00:00.000+05:30:10",
        datetime(999, 1, 2, 3, 4, 5, tzinfo=tz(0)): "0999-01-02T03:04:05.000Z",
        NanoDateTime(2024, 5, 1, tzinfo=UTC).replace(nanosecond=7): (
            "2024-05-01T00:00:00.000000007Z"
        ),
        NanoDateTime(2024, 5, 1, 0, 0, 0, 5, tzinfo=tz(2)).replace(nanosecond=40): (
            "2024-05-01T00:00:00.000005040+02:00"
        ),
    }
    for value, text in cases.items():
        assert serialize_aws_datetime(value) == text


def test_naive_datetime_is_refused_with_advice() -> None:
    with pytest.raises(ValueError, match=r"AWSDateTime needs a UTC offset.*aware datetime"):
        serialize_aws_datetime(datetime(2024, 5, 1, 12))
    with pytest.raises(ValueError, match="needs a UTC offset"):
        serialize_aws_datetime([datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 5, 1)])


def test_sub_second_offsets_are_refused() -> None:
    value = datetime(2024, 5, 1, tzinfo=timezone(timedelta(seconds=1, microseconds=5)))
    with pytest.raises(ValueError, match="whole seconds"):
        serialize_aws_datetime(value)


@pytest.mark.parametrize(
    "text",
    [
        "-2017-01-01T00:00Z",
        "-9999-01-01T00:00Z",
        "0000-01-01T00:00Z",
        "0000-12-31T23:59:59.5+01:00",
        "+10000-01-01T00:00Z",
        "10000-01-01T00:00Z",
    ],
)
def test_datetime_years_python_cannot_hold_are_rejected(text: str) -> None:
    for parse in (parse_aws_datetime, lambda t: parse_slow_path(parse_aws_datetime, t)):
        with pytest.raises(ValueError, match=r"invalid AWSDateTime .*year .* 0001 to 9999"):
            parse(text)


@pytest.mark.parametrize(
    "text",
    [
        "2024-05-01T12:00",  # no offset
        "2024-05-01T12:00:00",
        "2024-05-01",
        "2024-05-01 12:00Z",
        "2024-05-01T12Z",
        "2024-05-01T24:00Z",
        "2024-05-01T12:00:60Z",
        "2024-05-01T12:00:00.1234567890Z",
        "2024-05-01T12:00:00+0530",
        "2024-05-01T12:00:00+05",
        "20240501T120000Z",
        "2024-05-01T12:00:00ZZ",
        "2024-05-01T12:00:00.Z",
    ],
)
def test_malformed_datetime_is_rejected(text: str) -> None:
    with pytest.raises(ValueError, match=f"invalid AWSDateTime {re.escape(repr(text))}: expected"):
        parse_aws_datetime(text)


@pytest.mark.parametrize("text", ["2024-02-30T00:00Z", "2024-13-01T00:00Z", "2023-02-29t00:00z"])
def test_impossible_datetime_is_rejected(text: str) -> None:
    for parse in (parse_aws_datetime, lambda t: parse_slow_path(parse_aws_datetime, t)):
        with pytest.raises(ValueError, match=f"invalid AWSDateTime '{text}': .*(month|day)"):
            parse(text)


def test_long_bad_text_is_shortened_in_the_message() -> None:
    with pytest.raises(ValueError, match=r"invalid AWSDateTime '2024x{72}\.\.\.: expected"):
        parse_aws_datetime("2024" + "x" * 500)


def test_datetime_nanoseconds_take_part_in_equality_order_and_hash() -> None:
    a = parse_aws_datetime("2024-05-01T12:00:00.123456789Z")
    b = parse_aws_datetime("2024-05-01T14:00:00.123456788+02:00")  # same µs instant
    same = parse_aws_datetime("2024-05-01T07:00:00.123456789-05:00")
    plain = datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)
    assert a != b
    assert a == same
    assert hash(a) == hash(same)
    assert b < a
    assert a > b
    assert b <= a
    assert a >= same
    assert plain < b
    assert b > plain
    assert plain != a
    assert parse_aws_datetime("2024-05-01T12:00:00.123456Z") == plain
    assert hash(parse_aws_datetime("2024-05-01T12:00:00.123456Z")) == hash(plain)
    assert sorted([a, plain, b]) == [plain, b, a]
    with pytest.raises(TypeError):
        _ = a < datetime(2024, 5, 1)  # aware vs naive, as with datetime


def test_datetime_replace_astimezone_copy_and_pickle_keep_nanoseconds() -> None:
    text = "2024-05-01T12:00:00.123456789+01:00"
    value = parse_aws_datetime(text)
    assert isinstance(value, NanoDateTime)
    utc = value.astimezone(UTC)
    assert utc == value
    assert serialize_aws_datetime(utc) == "2024-05-01T11:00:00.123456789Z"
    assert value.astimezone(value.tzinfo) is value
    assert serialize_aws_datetime(value.replace(hour=13)) == "2024-05-01T13:00:00.123456789+01:00"
    assert value.replace(microsecond=0).nanosecond == 0
    assert value.replace(nanosecond=0) < value
    for clone in (copy.copy(value), copy.deepcopy(value), pickle.loads(pickle.dumps(value))):
        assert type(clone) is NanoDateTime
        assert clone == value
        assert serialize_aws_datetime(clone) == text


def test_datetime_arithmetic_works_in_microseconds() -> None:
    value = parse_aws_datetime("2024-05-01T12:00:00.123456789Z")
    later = value + timedelta(seconds=1)
    assert later == datetime(2024, 5, 1, 12, 0, 1, 123456, tzinfo=UTC)
    assert serialize_aws_datetime(later) == "2024-05-01T12:00:01.123456Z"


def test_parse_datetime_passes_datetimes_through() -> None:
    value = datetime(2024, 5, 1, tzinfo=UTC)
    assert parse_aws_datetime(value) is value
    with pytest.raises(ValueError, match="invalid AWSDateTime"):
        parse_aws_datetime(date(2024, 5, 1))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="invalid AWSDateTime"):
        parse_aws_datetime(1714521600)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- AWSTimestamp


def test_timestamp_parse_keeps_ints_and_refuses_the_rest() -> None:
    assert parse_aws_timestamp(1714521600) == 1714521600
    assert parse_aws_timestamp(-86400) == -86400
    assert parse_aws_timestamp(0) == 0
    for bad in (True, 1.5, 1714521600.0, "1714521600", None):
        with pytest.raises(ValueError, match="invalid AWSTimestamp"):
            parse_aws_timestamp(bad)  # type: ignore[arg-type]


def test_timestamp_serialize_from_int_and_aware_datetime() -> None:
    assert serialize_aws_timestamp(1714521600) == 1714521600
    assert serialize_aws_timestamp(-1) == -1
    assert serialize_aws_timestamp(datetime(2024, 5, 1, tzinfo=UTC)) == 1714521600
    assert serialize_aws_timestamp(datetime(2024, 5, 1, 2, tzinfo=tz(2))) == 1714521600
    assert serialize_aws_timestamp(datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC)) == -1
    assert serialize_aws_timestamp(datetime(1, 1, 1, tzinfo=UTC)) == -62135596800
    assert serialize_aws_timestamp([1, None, [datetime(1970, 1, 1, 0, 0, 2, tzinfo=UTC)]]) == [
        1,
        None,
        [2],
    ]


def test_timestamp_refuses_fractions_naive_datetimes_bools_and_floats() -> None:
    with pytest.raises(ValueError, match=r"whole seconds.*replace\(microsecond=0\)"):
        serialize_aws_timestamp(datetime(2024, 5, 1, 0, 0, 0, 1, tzinfo=UTC))
    with pytest.raises(ValueError, match="whole seconds"):
        serialize_aws_timestamp(parse_aws_datetime("2024-05-01T00:00:00.000000001Z"))
    with pytest.raises(ValueError, match="whole seconds"):
        serialize_aws_timestamp(datetime(2024, 5, 1, tzinfo=timezone(timedelta(microseconds=1))))
    with pytest.raises(ValueError, match="naive"):
        serialize_aws_timestamp(datetime(2024, 5, 1))
    with pytest.raises(TypeError, match="AWSTimestamp expects an int or an aware datetime"):
        serialize_aws_timestamp(True)
    with pytest.raises(TypeError, match="got float"):
        serialize_aws_timestamp(1.0)


# --------------------------------------------------------------------------- strings


STRING_SCALARS = [
    ("AWSEmail", parse_aws_email, serialize_aws_email, "Jane.Doe+tag@example.co.uk"),
    ("AWSPhone", parse_aws_phone, serialize_aws_phone, "+1 (206) 555-0100"),
    ("AWSURL", parse_aws_url, serialize_aws_url, "https://example.com/a%20b?q=1#frag"),
]


@pytest.mark.parametrize(("name", "parse", "serialize", "text"), STRING_SCALARS)
def test_string_scalars_keep_the_text(name: str, parse: Any, serialize: Any, text: str) -> None:
    assert parse(text) is text
    assert parse(" odd but from the server ") == " odd but from the server "
    assert serialize(text) is text
    assert serialize([text, None, (text,)]) == [text, None, [text]]
    with pytest.raises(ValueError, match=f"invalid {name} 5: expected a str"):
        parse(5)
    with pytest.raises(TypeError, match=f"{name} expects a str, got int"):
        serialize(5)


# --------------------------------------------------------------------------- AWSJSON


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('{"upvotes":10}', {"upvotes": 10}),
        ("[1,2,3]", [1, 2, 3]),
        ('"AWSJSON example string"', "AWSJSON example string"),
        ("1", 1),
        ("true", True),
        ("false", False),
        ('{"name":"Zoë","nested":{"a":[1.5,null]}}', {"name": "Zoë", "nested": {"a": [1.5, None]}}),
    ],
)  # fmt: skip
def test_json_round_trips(text: str, value: Any) -> None:
    assert parse_aws_json(text) == value
    assert serialize_aws_json(value) == text


def test_json_parse_passes_decoded_values_through() -> None:
    for value in ({"a": 1}, [1, 2], 3, 1.5, True):
        assert parse_aws_json(value) is value


@pytest.mark.parametrize("text", ["{a: 1}", "{'a': 1}", "", "[1,", "Unquoted string"])
def test_bad_json_is_rejected(text: str) -> None:
    with pytest.raises(ValueError, match=f"invalid AWSJSON {re.escape(repr(text))}: .* position"):
        parse_aws_json(text)


def test_json_serialize_is_one_document_per_value() -> None:
    assert serialize_aws_json([{"a": 1}, {"b": 2}]) == '[{"a":1},{"b":2}]'
    assert serialize_aws_json(("x", "y")) == '["x","y"]'
    assert serialize_aws_json("a string") == '"a string"'
    assert serialize_aws_json({"emoji": "☃"}) == '{"emoji":"☃"}'
    assert serialize_aws_json(None) is None
    assert serialize_aws_json(UNSET) is UNSET


def test_json_serialize_refuses_what_json_cannot_carry() -> None:
    with pytest.raises(ValueError, match="AWSJSON cannot encode"):
        serialize_aws_json({"x": float("nan")})
    with pytest.raises(TypeError, match="AWSJSON cannot encode"):
        serialize_aws_json({"when": datetime(2024, 5, 1)})


def test_json_list_argument_holds_one_json_string_per_element() -> None:
    assert serialize_aws_json_list([{"a": 1}, [1, 2], None, "s"]) == [
        '{"a":1}',
        "[1,2]",
        None,
        '"s"',
    ]
    assert serialize_aws_json_list(({"a": 1},)) == ['{"a":1}']
    assert serialize_aws_json_list([[{"a": 1}], None, [[1]]], depth=2) == [
        ['{"a":1}'],
        None,
        ["[1]"],
    ]
    assert serialize_aws_json_list({"single": True}) == '{"single":true}'
    assert serialize_aws_json_list(None) is None
    assert serialize_aws_json_list(UNSET) is UNSET
    assert serialize_aws_json_list([]) == []
    assert [parse_aws_json(item) for item in serialize_aws_json_list([{"a": 1}, [1, 2]])] == [
        {"a": 1},
        [1, 2],
    ]  # fmt: skip


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
)


@given(json_values)
def test_json_property_serialize_then_parse_is_identity(value: Any) -> None:
    text = serialize_aws_json(value)
    if value is None:
        assert text is None
        return
    assert isinstance(text, str)
    assert parse_aws_json(text) == value


# --------------------------------------------------------------------------- AWSIPAddress


@pytest.mark.parametrize(
    ("text", "cls"),
    [
        ("192.168.0.1", IPv4Address),
        ("0.0.0.0", IPv4Address),
        ("10.0.0.1/8", IPv4Interface),
        ("192.168.0.0/24", IPv4Interface),
        ("2001:db8::1", IPv6Address),
        ("::1", IPv6Address),
        ("2001:db8::/32", IPv6Interface),
        ("2001:db8::1/64", IPv6Interface),
        ("fe80::1%eth0", IPv6Address),
    ],
)
def test_ip_addresses_round_trip(text: str, cls: type[Any]) -> None:
    value = parse_aws_ip_address(text)
    assert type(value) is cls
    assert str(value) == text
    assert serialize_aws_ip_address(value) == text


def test_ip_non_canonical_spelling_is_normalised_not_changed() -> None:
    value = parse_aws_ip_address("2001:0DB8:0:0::1/64")
    assert value == ip_interface("2001:db8::1/64")
    assert serialize_aws_ip_address(value) == "2001:db8::1/64"
    assert serialize_aws_ip_address(parse_aws_ip_address("10.0.0.1/255.0.0.0")) == "10.0.0.1/8"


@pytest.mark.parametrize("text", ["256.0.0.1", "1.2.3.4/33", "2001:db8::1/129", "not-an-ip", ""])
def test_bad_ip_is_rejected(text: str) -> None:
    with pytest.raises(ValueError, match=f"invalid AWSIPAddress {re.escape(repr(text))}"):
        parse_aws_ip_address(text)


def test_ip_parse_passes_addresses_through_and_serialize_takes_networks() -> None:
    address = ip_address("::1")
    assert parse_aws_ip_address(address) is address
    assert serialize_aws_ip_address(IPv4Network("10.0.0.0/8")) == "10.0.0.0/8"
    assert serialize_aws_ip_address(IPv6Network("2001:db8::/32")) == "2001:db8::/32"
    assert serialize_aws_ip_address([address, None, (ip_interface("1.2.3.4/24"),)]) == [
        "::1",
        None,
        ["1.2.3.4/24"],
    ]
    with pytest.raises(ValueError, match="invalid AWSIPAddress"):
        parse_aws_ip_address(3232235521)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="AWSIPAddress expects"):
        serialize_aws_ip_address("10.0.0.1")


# --------------------------------------------------------------------------- serializers


SERIALIZERS_AND_VALUES = [
    (serialize_aws_date, date(2024, 5, 1), "2024-05-01"),
    (serialize_aws_time, time(1, 2, 3), "01:02:03"),
    (serialize_aws_datetime, datetime(2024, 5, 1, tzinfo=UTC), "2024-05-01T00:00:00.000Z"),
    (serialize_aws_timestamp, 7, 7),
    (serialize_aws_email, "a@example.com", "a@example.com"),
    (serialize_aws_phone, "206-555-0100", "206-555-0100"),
    (serialize_aws_url, "https://example.com", "https://example.com"),
    (serialize_aws_ip_address, ip_address("10.0.0.1"), "10.0.0.1"),
]


@pytest.mark.parametrize(("serialize", "value", "wire"), SERIALIZERS_AND_VALUES)
def test_serializers_keep_none_and_unset_and_map_nested_lists(
    serialize: Any, value: Any, wire: Any
) -> None:
    assert serialize(None) is None
    assert serialize(UNSET) is UNSET
    assert serialize(value) == wire
    assert serialize([]) == []
    assert serialize([value, None]) == [wire, None]
    assert serialize((value, [value, (value,)], None)) == [wire, [wire, [wire]], None]
    assert type(serialize((value,))) is list


@pytest.mark.parametrize("serialize", [s for s, _, _ in SERIALIZERS_AND_VALUES])
def test_serializers_refuse_a_wrong_type(serialize: Any) -> None:
    with pytest.raises(TypeError, match="expects"):
        serialize(object())
    with pytest.raises(TypeError, match="expects"):
        serialize([{"a": 1}])


# --------------------------------------------------------------------------- properties


@st.composite
def wire_offsets(draw: st.DrawFn) -> tuple[str, timedelta]:
    kind = draw(st.sampled_from(["Z", "z", "hh:mm", "hh:mm:ss"]))
    if kind in ("Z", "z"):
        return kind, timedelta(0)
    sign = draw(st.sampled_from("+-"))
    hours, minutes = draw(st.integers(0, 23)), draw(st.integers(0, 59))
    text = f"{sign}{hours:02d}:{minutes:02d}"
    seconds = 0
    if kind == "hh:mm:ss":
        seconds = draw(st.integers(0, 59))
        text += f":{seconds:02d}"
    size = timedelta(hours=hours, minutes=minutes, seconds=seconds)
    return text, -size if sign == "-" else size


@st.composite
def wire_times(draw: st.DrawFn) -> tuple[str, tuple[int, int, int, int, int]]:
    """``hh:mm[:ss[.1-9 digits]]`` and (hour, minute, second, microsecond, nanosecond)."""
    hour, minute = draw(st.integers(0, 23)), draw(st.integers(0, 59))
    text = f"{hour:02d}:{minute:02d}"
    second = nanoseconds = 0
    if draw(st.booleans()):
        second = draw(st.integers(0, 59))
        text += f":{second:02d}"
        if draw(st.booleans()):
            digits = draw(st.text("0123456789", min_size=1, max_size=9))
            text += f".{digits}"
            nanoseconds = int(digits) * 10 ** (9 - len(digits))
    microsecond, nanosecond = divmod(nanoseconds, 1000)
    return text, (hour, minute, second, microsecond, nanosecond)


@st.composite
def wire_datetimes(draw: st.DrawFn) -> tuple[str, tuple[int, ...], timedelta]:
    day = draw(st.dates())
    time_text, time_fields = draw(wire_times())
    offset_text, offset = draw(wire_offsets())
    separator = draw(st.sampled_from("Tt"))
    text = f"{day.isoformat()}{separator}{time_text}{offset_text}"
    return text, (day.year, day.month, day.day, *time_fields), offset


def datetime_fields(value: datetime) -> tuple[int, ...]:
    nanosecond = value.nanosecond if isinstance(value, NanoDateTime) else 0
    return (*value.timetuple()[:6], value.microsecond, nanosecond)


def time_fields(value: time) -> tuple[int, ...]:
    nanosecond = value.nanosecond if isinstance(value, NanoTime) else 0
    return (value.hour, value.minute, value.second, value.microsecond, nanosecond)


CANONICAL_OFFSET = r"(Z|[+-]\d\d:\d\d(:(0[1-9]|[1-5]\d))?)"
# whole milliseconds as 3 digits, other microseconds as 6, nanoseconds as 9
# (a time on a whole second has no fraction, a datetime ".000", as AppSync writes it)
CANONICAL_HMS = r"\d\d:\d\d:\d\d"
CANONICAL_FRACTION = r"\.\d{3}(?!000)\d{3}|\.\d{9}"
CANONICAL_TIME = rf"{CANONICAL_HMS}(\.(?!000)\d{{3}}|{CANONICAL_FRACTION})?"
CANONICAL_DATETIME = re.compile(
    rf"\d{{4}}-\d\d-\d\dT{CANONICAL_HMS}(\.\d{{3}}|{CANONICAL_FRACTION}){CANONICAL_OFFSET}"
)
CANONICAL_TIME_RE = re.compile(rf"{CANONICAL_TIME}{CANONICAL_OFFSET}?")


@given(wire_datetimes())
def test_property_datetime_wire_text_round_trips_byte_identical(
    case: tuple[str, tuple[int, ...], timedelta],
) -> None:
    text, fields, offset = case
    value = parse_aws_datetime(text)
    assert serialize_aws_datetime(value) == text
    assert datetime_fields(value) == fields
    assert value.utcoffset() == offset
    # The 3.10 path reads the same value.
    slow = parse_slow_path(parse_aws_datetime, text)
    assert (datetime_fields(slow), slow.utcoffset()) == (fields, offset)
    assert serialize_aws_datetime(slow) == text
    # Without its wire text the value serializes canonically and reads back the same.
    canonical = serialize_aws_datetime(value.replace())
    assert CANONICAL_DATETIME.fullmatch(canonical), canonical
    again = parse_aws_datetime(canonical)
    assert (datetime_fields(again), again.utcoffset()) == (fields, offset)
    assert serialize_aws_datetime(again) == canonical


@given(wire_times(), st.none() | wire_offsets())
def test_property_time_wire_text_round_trips_byte_identical(
    case: tuple[str, tuple[int, ...]], offset_case: tuple[str, timedelta] | None
) -> None:
    time_text, fields = case
    text = time_text + (offset_case[0] if offset_case else "")
    offset = offset_case[1] if offset_case else None
    value = parse_aws_time(text)
    assert serialize_aws_time(value) == text
    assert (time_fields(value), value.utcoffset()) == (fields, offset)
    slow = parse_slow_path(parse_aws_time, text)
    assert (time_fields(slow), slow.utcoffset()) == (fields, offset)
    canonical = serialize_aws_time(value.replace())
    assert CANONICAL_TIME_RE.fullmatch(canonical), canonical
    again = parse_aws_time(canonical)
    assert (time_fields(again), again.utcoffset()) == (fields, offset)


@given(st.dates(), st.none() | wire_offsets())
def test_property_date_wire_text_round_trips_byte_identical(
    day: date, offset_case: tuple[str, timedelta] | None
) -> None:
    text = day.isoformat() + (offset_case[0] if offset_case else "")
    value = parse_aws_date(text)
    assert serialize_aws_date(value) == text
    assert value == day
    if offset_case is None:
        assert type(value) is date
    else:
        assert isinstance(value, OffsetDate)
        assert value.utcoffset() == offset_case[1]
        canonical = serialize_aws_date(
            OffsetDate(day.year, day.month, day.day, tzinfo=value.tzinfo)
        )
        again = parse_aws_date(canonical)
        assert again == day
        assert again.utcoffset() == offset_case[1]  # type: ignore[attr-defined]


fixed_zones = st.integers(-86399, 86399).map(lambda s: timezone(timedelta(seconds=s)))


@given(st.datetimes(timezones=fixed_zones), st.integers(0, 999))
def test_property_python_datetimes_serialize_canonically_and_read_back(
    value: datetime, nanosecond: int
) -> None:
    for made in (
        value,
        NanoDateTime.combine(value.date(), value.timetz()).replace(nanosecond=nanosecond),
    ):
        text = serialize_aws_datetime(made)
        assert CANONICAL_DATETIME.fullmatch(text), text
        back = parse_aws_datetime(text)
        assert datetime_fields(back) == datetime_fields(made)
        assert back.utcoffset() == made.utcoffset()


@given(st.times(timezones=st.none() | fixed_zones))
def test_property_python_times_serialize_canonically_and_read_back(value: time) -> None:
    text = serialize_aws_time(value)
    assert CANONICAL_TIME_RE.fullmatch(text), text
    back = parse_aws_time(text)
    assert time_fields(back) == time_fields(value)
    assert back.utcoffset() == value.utcoffset()


@given(st.integers(-62135596800, 253402300799))
def test_property_timestamp_from_datetime_matches_the_int(seconds: int) -> None:
    value = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
    assert serialize_aws_timestamp(value) == seconds
    assert parse_aws_timestamp(serialize_aws_timestamp(seconds)) == seconds


# --------------------------------------------------------------------------- fast paths
#
# Dates, times and datetimes in the common shapes go straight to fromisoformat (3.11+)
# after a check of their punctuation; AWSJSON to json's C scanner; an AWSIPAddress
# without a prefix to the C library's inet_pton. Each must read exactly what the
# exact path reads, and refuse exactly what it refuses.

NEVER = re.compile(r"(?!)")


def exact_pattern_off(name: str) -> Any:
    """Patch the exact parser's pattern ``name`` (``_DATETIME_PATTERN``...) to match
    nothing: a text parsed meanwhile took the fast path."""
    pattern = getattr(scalars, name)
    real = scalars._compiled  # pyright: ignore[reportPrivateUsage]
    return mock.patch.object(
        scalars, "_compiled", lambda text: NEVER if text == pattern else real(text)
    )


@pytest.mark.skipif(sys.version_info < (3, 11), reason="the fast path needs 3.11's fromisoformat")
@pytest.mark.parametrize(
    "text",
    [
        "2026-08-02T15:30:45.123Z",
        "2026-08-02T15:30:45Z",
        "2026-08-02T15:30Z",
        "2026-08-02T15:30:45.1+05:30",
        "2026-08-02T15:30:45.123456-00:00",
        "2026-08-02T23:59:59.999999-23:59:59",
    ],
)
def test_datetime_fast_path_reads_the_common_shapes(text: str) -> None:
    with exact_pattern_off("_DATETIME_PATTERN"):  # the exact path is off
        fast = parse_aws_datetime(text)
    assert isinstance(fast, NanoDateTime)
    assert serialize_aws_datetime(fast) == text
    assert same_value(fast, parse_slow_path(parse_aws_datetime, text))


@pytest.mark.skipif(sys.version_info < (3, 11), reason="the fast path needs 3.11's fromisoformat")
@pytest.mark.parametrize(
    "text",
    ["09:30", "09:30:00", "09:30:00Z", "23:59:59.123456", "00:00:00.5-08:00", "12:00+05:30:10"],
)
def test_time_fast_path_reads_the_common_shapes(text: str) -> None:
    with exact_pattern_off("_TIME_PATTERN"):
        fast = parse_aws_time(text)
    assert isinstance(fast, NanoTime)
    assert serialize_aws_time(fast) == text
    assert same_value(fast, parse_slow_path(parse_aws_time, text))


def test_date_fast_path_reads_plain_dates() -> None:
    with exact_pattern_off("_DATE_PATTERN"):
        value = parse_aws_date("2024-02-29")
    assert type(value) is date and value == date(2024, 2, 29)


@pytest.mark.parametrize(
    "text",
    [
        # forms Python 3.11+'s fromisoformat reads that AppSync's format does not allow
        "2024-05-01T12:00+05:75",
        "2024-05-01T12:00+05:30:75",
        "2024-05-01T12:00:00,5Z",
        "2024-05-01T12:00:00.Z",
        "2024-05-01T12:00:00.+05:00",
        "2024-05-01T12:00:00+05",
        "2024-05-01T12:00:00+0530",
        "2024-05-01T12:00:00+05:30:00.5",
        "2024-05-01T1230Z",
        "2024-05-01T12Z",
        "2024-05-01X12:00Z",
        "2024-05-01 12:00:00Z",
        "2024-W18-3T12:00Z",
        "20240501T12:00Z",
        "2024-05-01T24:00Z",
        "2024-05-01T12:00:00.1+05+05:30",
        "2024-05-01T12:00:00.1-0530Z",
        "2024-05-01T12:00:00.123",
        "2024-05-01T12:00:00.1234567",
        "\uff12\uff10\uff12\uff14-05-01T12:00Z",  # fullwidth digits
    ],
)
def test_datetime_fast_path_refuses_what_appsync_does_not_allow(text: str) -> None:
    with pytest.raises(ValueError, match=r"invalid AWSDateTime"):
        parse_aws_datetime(text)


@pytest.mark.parametrize(
    "text",
    [
        "12",
        "1230",
        "123045",
        "12:30:45,5",
        "12:30:45.",
        "12:30:45.12+05",
        "12:30:45.1+0530",
        "12:30+05",
        "12:30+05:75",
        "12:30:45-05:30:61",
        "T12:30",
        "24:00",
        "12:30:45.1234567890",
        "12:3\uff10",  # a fullwidth digit
    ],
)
def test_time_fast_path_refuses_what_appsync_does_not_allow(text: str) -> None:
    with pytest.raises(ValueError, match=r"invalid AWSTime"):
        parse_aws_time(text)


@pytest.mark.parametrize(
    "text", ["2024-W18-3", "20240501", "2024-05-0\u0661", "0000-01-01", "2024-02-30"]
)
def test_date_fast_path_refuses_what_appsync_does_not_allow(text: str) -> None:
    with pytest.raises(ValueError, match=r"invalid AWSDate"):
        parse_aws_date(text)


def same_value(a: Any, b: Any) -> bool:
    """Same type, fields, nanoseconds, offset and wire text."""
    if type(a) is not type(b) or a != b:
        return False
    if isinstance(a, (time, datetime)) and a.utcoffset() != b.utcoffset():
        return False
    return getattr(a, "_wire", None) == getattr(b, "_wire", None) and getattr(
        a, "nanosecond", 0
    ) == getattr(b, "nanosecond", 0)


def outcome(parse: Any, text: str) -> Any:
    try:
        value = parse(text)
    except ValueError:
        return "refused"
    return (type(value), value, getattr(value, "utcoffset", lambda: None)(), str(value))


NEAR_MISS_CHARACTERS = "0123456789:+-.,TtZzW /\u0661"  # and an Arabic-Indic digit


@st.composite
def near_misses(draw: st.DrawFn, valid: st.SearchStrategy[str]) -> str:
    """A valid text with up to three characters replaced, inserted or deleted."""
    text = draw(valid)
    for _ in range(draw(st.integers(0, 3))):
        where = draw(st.integers(0, len(text)))
        char = draw(st.sampled_from(NEAR_MISS_CHARACTERS))
        edit = draw(st.sampled_from(["replace", "insert", "delete"]))
        if edit == "insert" or where == len(text):
            text = text[:where] + char + text[where:]
        elif edit == "replace":
            text = text[:where] + char + text[where + 1 :]
        else:
            text = text[:where] + text[where + 1 :]
    return text


@given(near_misses(wire_datetimes().map(lambda case: case[0])))
def test_property_datetime_fast_path_agrees_with_the_exact_path(text: str) -> None:
    fast = outcome(parse_aws_datetime, text)
    assert fast == outcome(lambda t: parse_slow_path(parse_aws_datetime, t), text)
    if fast != "refused":
        assert same_value(parse_aws_datetime(text), parse_slow_path(parse_aws_datetime, text))


@given(near_misses(st.tuples(wire_times(), st.none() | wire_offsets()).map(
    lambda case: case[0][0] + (case[1][0] if case[1] else "")
)))  # fmt: skip
def test_property_time_fast_path_agrees_with_the_exact_path(text: str) -> None:
    fast = outcome(parse_aws_time, text)
    assert fast == outcome(lambda t: parse_slow_path(parse_aws_time, t), text)
    if fast != "refused":
        assert same_value(parse_aws_time(text), parse_slow_path(parse_aws_time, text))


def exact_date(text: str) -> Any:
    """AWSDate without an offset by its definition: four, two and two ASCII digits."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return "refused"
    try:
        value = date(int(text[:4]), int(text[5:7]), int(text[8:]))
    except ValueError:
        return "refused"
    return (date, value, None, str(value))


@given(near_misses(st.dates().map(date.isoformat)))
def test_property_date_fast_path_agrees_with_the_definition(text: str) -> None:
    if len(text) == 10:  # with an offset the text is longer and goes the exact way
        assert outcome(parse_aws_date, text) == exact_date(text)


@pytest.mark.parametrize(
    "text",
    [
        ' {"a": 1}',
        '{"a": 1} ',
        "\n[1]\t",
        '\ufeff{"a": 1}',
        '{"a": 1}x',
        '{"a": 1}{"b": 2}',
        "NaN",
        "-Infinity",
        "1e400",
        '"\\ud800"',
        '{"a": 1, "a": 2}',
    ],
)
def test_json_fast_path_reads_what_json_loads_reads(text: str) -> None:
    try:
        expected: Any = json.loads(text)
    except ValueError:
        with pytest.raises(ValueError, match="invalid AWSJSON"):
            parse_aws_json(text)
    else:
        assert json.dumps(parse_aws_json(text)) == json.dumps(expected)  # NaN, 1 vs 1.0, True


@given(
    near_misses(json_values.map(lambda value: json.dumps(value, separators=(",", ":"))))
    | st.text(max_size=20)
)
def test_property_json_fast_path_agrees_with_json_loads(text: str) -> None:
    try:
        expected: Any = json.loads(text)
    except ValueError:
        with pytest.raises(ValueError):
            parse_aws_json(text)
        return
    assert json.dumps(parse_aws_json(text)) == json.dumps(expected)  # NaN, 1 vs 1.0, True


def exact_ip(text: str) -> Any:
    try:
        value = ip_interface(text) if "/" in text else ip_address(text)
    except ValueError:
        return "refused"
    return (type(value), value, None, str(value))


@pytest.mark.parametrize(
    "text",
    [
        "01.2.3.4",
        "1.2.3.04",
        "1.2.3",
        "1.2.3.4.5",
        "1.2.3.256",
        " 1.2.3.4",
        "1.2.3.4\x00",
        "::ffff:1.2.3.4",
        "::ffff:1.2.3.04",
        "1::2::3",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7::",
        "12345::",
        "fe80::1%eth0",
        "FE80::A",
        "::",
        "\u0661.2.3.4",  # an Arabic-Indic digit
    ],
)
def test_ip_fast_path_reads_what_ipaddress_reads(text: str) -> None:
    assert outcome(parse_aws_ip_address, text) == exact_ip(text)


ipv4_texts = st.ip_addresses(v=4).map(str)
ipv6_texts = st.ip_addresses(v=6).map(str) | st.ip_addresses(v=6).map(lambda a: a.exploded.upper())


@given(near_misses(ipv4_texts) | near_misses(ipv6_texts))
def test_property_ip_fast_path_agrees_with_ipaddress(text: str) -> None:
    assert outcome(parse_aws_ip_address, text) == exact_ip(text)


# --------------------------------------------------------------------------- pydantic


class Event(BaseModel):
    on: AWSDateField
    at: AWSTimeField
    when: AWSDateTimeField
    ts: AWSTimestampField
    email: AWSEmailField
    phone: AWSPhoneField
    url: AWSURLField
    data: AWSJSONField
    tags: list[AWSJSONField]
    ip: AWSIPAddressField
    maybe: AWSDateTimeField | None = None


WIRE: dict[str, Any] = {
    "on": "2024-05-01+05:30",
    "at": "12:30:45.123456789-08:00",
    "when": "2024-05-01T12:30:45.1234567Z",
    "ts": -5,
    "email": "a@example.com",
    "phone": "+1 206 555 0100",
    "url": "https://example.com/x",
    "data": '{"a":[1,2],"b":"é"}',
    "tags": ['"x"', "[1]", "{}"],
    "ip": "2001:db8::1/64",
    "maybe": None,
}


def test_pydantic_model_reads_wire_values_into_python_types() -> None:
    event = Event.model_validate(WIRE)
    assert isinstance(event.on, OffsetDate)
    assert event.on.utcoffset() == timedelta(hours=5, minutes=30)
    assert isinstance(event.at, NanoTime)
    assert event.at.nanosecond == 789
    assert isinstance(event.when, NanoDateTime)
    assert event.when.nanosecond == 700
    assert event.ts == -5
    assert event.data == {"a": [1, 2], "b": "é"}
    assert event.tags == ["x", [1], {}]
    assert event.ip == IPv6Interface("2001:db8::1/64")


def test_pydantic_model_dumps_the_exact_wire_values() -> None:
    event = Event.model_validate(WIRE)
    assert event.model_dump(mode="json") == WIRE
    assert Event.model_validate_json(json.dumps(WIRE)).model_dump(mode="json") == WIRE
    assert json.loads(event.model_dump_json()) == WIRE
    assert Event.model_validate(event.model_dump()).model_dump(mode="json") == WIRE
    assert event.model_copy(deep=True).model_dump(mode="json") == WIRE


def test_pydantic_model_takes_python_values_and_dumps_canonical_text() -> None:
    event = Event(
        on=date(2024, 5, 1),
        at=time(12, 30, tzinfo=UTC),
        when=datetime(2024, 5, 1, 12, 30, tzinfo=tz(2)),
        ts=1714521600,
        email="a@example.com",
        phone="206-555-0100",
        url="https://example.com",
        data=[1, {"k": None}],
        tags=[{"a": 1}, None],
        ip=ip_address("10.0.0.1"),
        maybe=datetime(2024, 5, 1, tzinfo=UTC),
    )
    dumped = event.model_dump(mode="json")
    assert dumped["on"] == "2024-05-01"
    assert dumped["at"] == "12:30:00Z"
    assert dumped["when"] == "2024-05-01T12:30:00.000+02:00"
    assert dumped["data"] == '[1,{"k":null}]'
    assert dumped["tags"] == ['{"a":1}', None]  # None is GraphQL null
    assert dumped["ip"] == "10.0.0.1"
    assert dumped["maybe"] == "2024-05-01T00:00:00.000Z"
    event.when = "2024-05-01T00:00:00.000000001Z"  # type: ignore[assignment]  # validate_assignment
    assert isinstance(event.when, NanoDateTime)
    assert event.model_dump(mode="json")["when"] == "2024-05-01T00:00:00.000000001Z"


def test_pydantic_model_reports_bad_values_with_the_scalar_name() -> None:
    # the field's location, then the scalar (pydantic's own parser, tried first, is the
    # union's other member: its line only points here)
    with pytest.raises(
        ValidationError, match=r"when\.AWSDateTime\n.*invalid AWSDateTime '2024-05-01T12:00'"
    ):
        Event.model_validate({**WIRE, "when": "2024-05-01T12:00"})
    with pytest.raises(ValidationError, match=r"invalid AWSDateTime .*year -0001"):
        Event.model_validate({**WIRE, "when": "-0001-01-01T00:00Z"})
    with pytest.raises(ValidationError, match=r"invalid AWSJSON"):
        Event.model_validate({**WIRE, "tags": ["{bad"]})
    with pytest.raises(ValidationError, match=r"invalid AWSTimestamp"):
        Event.model_validate({**WIRE, "ts": "5"})
    naive = Event.model_validate({**WIRE, "when": datetime(2024, 5, 1)})
    with pytest.raises(PydanticSerializationError, match="needs a UTC offset"):
        naive.model_dump(mode="json")


# --------------------------------------------------------------------------- codegen


def test_scalar_types_cover_the_nine_scalars_with_importable_names() -> None:
    assert set(SCALAR_TYPES) == {
        "AWSDate",
        "AWSTime",
        "AWSDateTime",
        "AWSTimestamp",
        "AWSEmail",
        "AWSPhone",
        "AWSURL",
        "AWSJSON",
        "AWSIPAddress",
    }
    expected_types = {
        "AWSDate": date,
        "AWSTime": time,
        "AWSDateTime": datetime,
        "AWSTimestamp": int,
        "AWSEmail": str,
        "AWSPhone": str,
        "AWSURL": str,
        "AWSJSON": Any,
        "AWSIPAddress": IPv4Address | IPv6Address | IPv4Interface | IPv6Interface,
    }
    plain_strings = {"AWSEmail", "AWSPhone", "AWSURL"}  # pydantic checks a str itself
    for name, hooks in SCALAR_TYPES.items():
        assert set(hooks) == ({"type"} if name in plain_strings else {"type", "parse", "serialize"})
        resolved = {}
        for key, dotted in hooks.items():
            module, _, attr = dotted.rpartition(".")
            assert module == "appsync_runtime.scalars"
            resolved[key] = getattr(importlib.import_module(module), attr)
        assert resolved["type"] == expected_types[name]
        # The type's bare name is what ariadne imports: it must not be a likely field name.
        assert dotted_name(hooks["type"]) == name
        if name not in plain_strings:
            assert callable(resolved["parse"])
            assert callable(resolved["serialize"])
    assert SCALAR_TYPES["AWSDateTime"]["parse"] == "appsync_runtime.scalars.parse_aws_datetime"
    assert SCALAR_TYPES["AWSJSON"]["serialize"] == "appsync_runtime.scalars.serialize_aws_json"


def dotted_name(dotted: str) -> str:
    return dotted.rpartition(".")[2]


SCHEMA = """
scalar AWSDate
scalar AWSTime
scalar AWSDateTime
scalar AWSTimestamp
scalar AWSEmail
scalar AWSPhone
scalar AWSURL
scalar AWSJSON
scalar AWSIPAddress
type Event {
  date: AWSDate, time: AWSTime, datetime: AWSDateTime!, ts: AWSTimestamp, email: AWSEmail,
  phone: AWSPhone, url: AWSURL, json: AWSJSON, ip: AWSIPAddress, dates: [AWSDate]
}
input EventInput { date: AWSDate, time: AWSTime, datetime: AWSDateTime, ip: AWSIPAddress }
type Query { event(at: AWSDateTime, times: [AWSTime!]): Event }
type Mutation { put(input: EventInput!): Event }
"""
QUERIES = """
query GetEvent($at: AWSDateTime, $times: [AWSTime!]) {
  event(at: $at, times: $times) { date time datetime ts email phone url json ip dates }
}
mutation Put($input: EventInput!) { put(input: $input) { datetime } }
"""


def test_ariadne_codegen_with_scalar_types_makes_working_models(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Generated fields named ``date``/``time``/``datetime`` must not shadow their types."""
    codegen = pytest.importorskip("ariadne_codegen.main")
    (tmp_path / "schema.graphql").write_text(SCHEMA)
    (tmp_path / "queries.graphql").write_text(QUERIES)
    package = "scalars_codegen_check"
    codegen.client(
        {
            "tool": {
                "ariadne-codegen": {
                    "schema_path": str(tmp_path / "schema.graphql"),
                    "queries_path": str(tmp_path / "queries.graphql"),
                    "target_package_name": package,
                    "target_package_path": str(tmp_path),
                    "scalars": {name: dict(hooks) for name, hooks in SCALAR_TYPES.items()},
                }
            }
        }
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        result_module = importlib.import_module(f"{package}.get_event")
        inputs = importlib.import_module(f"{package}.input_types")
        wire = {
            "event": {
                "date": "2024-05-01Z",
                "time": "12:00:00.123456789",
                "datetime": "2024-05-01T12:00:00.1234567+01:00",
                "ts": 5,
                "email": "a@example.com",
                "phone": "206-555-0100",
                "url": "https://example.com",
                "json": '{"a":1}',
                "ip": "10.0.0.1/8",
                "dates": ["2024-05-01", None],
            }
        }
        event = result_module.GetEvent.model_validate(wire).event
        assert serialize_aws_datetime(event.datetime) == "2024-05-01T12:00:00.1234567+01:00"
        assert serialize_aws_time(event.time) == "12:00:00.123456789"
        assert serialize_aws_date(event.date) == "2024-05-01Z"
        assert event.json_ == {"a": 1}
        assert event.ip == IPv4Interface("10.0.0.1/8")
        given_input = inputs.EventInput(
            date=date(2024, 5, 1),
            time=time(1, 2),
            datetime=datetime(2024, 5, 1, tzinfo=UTC),
            ip=ip_address("::1"),
        )
        assert given_input.model_dump(mode="json") == {
            "date": "2024-05-01",
            "time": "01:02:00",
            "datetime": "2024-05-01T00:00:00.000Z",
            "ip": "::1",
        }
    finally:
        for name in [m for m in sys.modules if m.split(".")[0] == package]:
            del sys.modules[name]
