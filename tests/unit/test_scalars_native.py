"""AppSync scalars read by pydantic's own parsers: the same values as the exact parsers.

Generated models (subclasses of :class:`appsync_runtime.model.BaseModel`) read dates,
times, datetimes, timestamps and AWSJSON texts of the common shapes in pydantic's Rust
code (datetimes and times the native parser would change, such as a datetime's ``:00Z``
without fraction, through a shape checked in Rust and ``fromisoformat``) and fall back
to the exact Python parsers for every other text. These properties compare the paths
on generated wire text, valid and near-miss alike: the same value, offset and wire
text back, or both refusing with the exact parser's error; and each path really taken
where it may.
"""

from __future__ import annotations

import json
import math
import re
import struct
import sys
from collections.abc import Callable
from datetime import date, datetime, time
from ipaddress import IPv4Address, IPv6Address, ip_interface
from typing import Any, cast

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import ValidationError
from pydantic_core import from_json

from appsync_runtime import scalars
from appsync_runtime.model import BaseModel
from appsync_runtime.scalars import (
    AWSDateField,
    AWSDateTimeField,
    AWSIPAddressField,
    AWSJSONField,
    AWSTimeField,
    AWSTimestampField,
    NanoDateTime,
    NanoTime,
    parse_aws_date,
    parse_aws_datetime,
    parse_aws_ip_address,
    parse_aws_json,
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

ISO = {
    name: re.compile(pattern)
    for name, pattern in scalars._ISO_PATTERNS.items()  # pyright: ignore[reportPrivateUsage]
}
ISO_READERS = {"AWSTime": "_nano_time", "AWSDateTime": "_nano_datetime"}


def _python_calls(read: Callable[[], Any]) -> tuple[Any, set[str]]:
    """``read()``'s result (or the ``ValidationError`` it raised) and the names of the
    functions of :mod:`appsync_runtime.scalars` it called: which path was taken."""
    called: set[str] = set()

    def profile(frame: Any, event: str, arg: Any) -> None:
        if event == "call" and frame.f_code.co_filename == scalars.__file__:
            called.add(frame.f_code.co_name)

    sys.setprofile(profile)
    try:
        result = read()
    except ValidationError as error:
        result = error
    finally:
        sys.setprofile(None)
    return result, called


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
    _, called = _python_calls(lambda: Fields.model_validate({field: text}))
    if isinstance(exact, ValueError):
        assert not readings, (text, readings)
        assert parse.__name__ in called
        return
    iso = scalars._FULL_FROMISOFORMAT and scalar in ISO and ISO[scalar].fullmatch(text)  # pyright: ignore[reportPrivateUsage]
    if NATIVE[scalar].fullmatch(text):
        assert called == set(), called  # no Python at all
    elif iso:
        assert called == {ISO_READERS[scalar]}, called  # checked in Rust, read by fromisoformat
    else:
        assert parse.__name__ in called
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
@example("2024-05-01T12:00:00.000Z")  # a whole second as AppSync writes it: native
@example("2024-05-01T12:00:00.000+05:30")
@example("2024-05-01T12:00:00.000-00:00")
@example("2024-05-01T12:00:00Z")  # no fraction: fromisoformat, the text kept
@example("2024-05-01T12:00:00.100Z")
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


# --------------------------------------------------------------------------- AWSJSON


class Documents(BaseModel):
    doc: AWSJSONField | None = None
    docs: list[AWSJSONField] | None = None


class Holder(BaseModel):
    inner: Documents


def _same_json(ours: Any, theirs: Any) -> bool:
    """Identical decoded JSON: the same types all the way down (``True`` is not ``1``,
    ``1`` is not ``1.0``), the same float bits (``-0.0``, NaN), keys in the same order."""
    if type(ours) is not type(theirs):
        return False
    if isinstance(ours, float):
        return struct.pack("<d", ours) == struct.pack("<d", theirs) or (
            math.isnan(ours) and math.isnan(theirs)
        )
    if isinstance(ours, dict):
        mine, other = cast("dict[str, Any]", ours), cast("dict[str, Any]", theirs)
        return list(mine) == list(other) and all(_same_json(mine[k], other[k]) for k in mine)
    if isinstance(ours, list):
        mine_list, other_list = cast("list[Any]", ours), cast("list[Any]", theirs)
        return len(mine_list) == len(other_list) and all(
            _same_json(a, b) for a, b in zip(mine_list, other_list, strict=True)
        )
    return bool(ours == theirs)


def _readable_outer(document: str) -> bool:
    """Whether pydantic's parser reads the outer JSON document at all (a lone surrogate
    escape in it fails before any field is read, whichever path the field takes)."""
    try:
        from_json(document)
    except (ValueError, TypeError):  # TypeError: a lone surrogate in the str itself
        return False
    return True


def _first_document(model: Documents) -> Any:
    return model.docs[0] if model.docs else model.doc


def _same_document(text: str) -> None:
    """``text`` as an AWSJSON field, in Python and JSON mode, alone, in a list and in a
    nested model: exactly what :func:`parse_aws_json` gives, or its error; read without
    Python exactly where pydantic's parser reads the text and it is short enough."""
    exact = _exact(parse_aws_json, text)
    reads: list[Callable[[], Any]] = [
        lambda: Documents.model_validate({"doc": text}).doc,
        lambda: Documents.model_validate({"docs": ["1", text]}).docs[1],  # type: ignore[index]
        lambda: Holder.model_validate({"inner": {"doc": text}}).inner.doc,
    ]
    for document in (
        json.dumps({"doc": text}),
        json.dumps({"doc": text}, ensure_ascii=False),
        json.dumps({"docs": [text, "{}"]}),
    ):
        if _readable_outer(document):
            reads.append(lambda d=document: _first_document(Documents.model_validate_json(d)))
    for read in reads:
        try:
            value = read()
        except ValidationError as error:
            assert isinstance(exact, ValueError), (text, error)
            problems = [p for p in error.errors() if p["type"] != scalars._NATIVE_ERROR]  # pyright: ignore[reportPrivateUsage]
            assert len(problems) == 1, error
            assert problems[0]["loc"][-1] == "AWSJSON"
            assert problems[0]["msg"] == f"Value error, {exact}"
        else:
            assert not isinstance(exact, ValueError), (text, value)
            assert _same_json(value, exact), (text, value, exact)
    _, called = _python_calls(lambda: Documents.model_validate({"doc": text}))
    native = len(text) <= scalars._JSON_NATIVE_MAX_LENGTH and _readable_outer(text)  # pyright: ignore[reportPrivateUsage]
    if native:
        assert called == set(), (text, called)  # no Python at all
    else:
        assert "parse_aws_json" in called, (text, called)


leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**63 - 3, max_value=2**64 + 3).map(lambda n: n * (-1) ** n)
    | st.floats()  # NaN and infinities included: json.loads reads NaN and Infinity
    | st.floats(min_value=-1e-300, max_value=1e-300)
    | st.text()
    | st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF) | st.characters())
)
json_values = st.recursive(
    leaves,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=3), children, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def json_texts(draw: st.DrawFn) -> str:
    """JSON texts as services write them: compact or spaced, ASCII or not, indented."""
    value = draw(json_values)
    return json.dumps(
        value,
        ensure_ascii=draw(st.booleans()),
        separators=draw(st.sampled_from([(",", ":"), (", ", ": ")])),
        indent=draw(st.sampled_from([None, 2, "\t"])),
    )


@st.composite
def duplicate_keys(draw: st.DrawFn) -> str:
    """An object naming some keys twice or more (the last value wins, in the first
    key's place, in ``json.loads``)."""
    keys = draw(st.lists(st.sampled_from(["a", "b", "\\u0061", "c"]), min_size=1, max_size=6))
    values = draw(st.lists(json_texts(), min_size=len(keys), max_size=len(keys)))
    return "{" + ",".join(f'"{key}":{value}' for key, value in zip(keys, values, strict=True)) + "}"


@st.composite
def numbers(draw: st.DrawFn) -> str:
    """Numbers written every way JSON allows, and some ways it does not."""
    sign = draw(st.sampled_from(["", "-", "+", "--"]))
    whole = draw(st.text("0123456789", min_size=0, max_size=30))
    digits = st.text("0123456789", max_size=25).map(".{}".format)
    fraction = draw(st.sampled_from(["", "."]) | digits)
    exponent = draw(
        st.sampled_from(["", "e", "E+", "e-"]).flatmap(
            lambda e: st.just(e) if not e else st.integers(0, 400).map(lambda n: f"{e}{n}")
        )
    )
    return f"{sign}{whole}{fraction}{exponent}"


@st.composite
def nested(draw: st.DrawFn) -> str:
    depth = draw(st.integers(1, 320))
    opener = draw(st.sampled_from(["[", '{"k":']))
    inside = draw(st.sampled_from(["", "1", '"x"']))
    closer = "]" if opener == "[" else "}"
    return opener * depth + inside + closer * depth


HOSTILE = '"\\u{}[],:0123456789.eE+-NaIfnityrulsTF \t\n\r\x0b\x00\x1f\x7f\ufeff\ud800\udc00é'


@st.composite
def json_near_misses(draw: st.DrawFn) -> str:
    """A valid text with a few characters replaced, inserted or removed, or cut short."""
    text = draw(json_texts() | duplicate_keys() | numbers())
    for _ in range(draw(st.integers(1, 3))):
        if not text:
            break
        index = draw(st.integers(0, len(text) - 1))
        how = draw(st.sampled_from(["replace", "insert", "delete", "cut"]))
        char = draw(st.sampled_from(HOSTILE))
        if how == "replace":
            text = text[:index] + char + text[index + 1 :]
        elif how == "insert":
            text = text[:index] + char + text[index:]
        elif how == "delete":
            text = text[:index] + text[index + 1 :]
        else:
            text = text[:index]
    return text


@given(json_texts() | duplicate_keys() | numbers() | nested() | json_near_misses())
@example('{"hours":3,"owners":["ana","li"]}')
@example('{"a":1,"b":2,"a":3}')
@example("NaN")
@example("-Infinity")
@example("-NaN")
@example("1e400")
@example("-0")
@example("-0.0")
@example("18446744073709551616")
@example("2.4703282292062328e-324")
@example('"\\ud800"')  # a lone surrogate escape: json.loads reads it, pydantic's parser does not
@example('"\ud800"')  # a lone surrogate in the text itself
@example('"\\ud83d\\ude00"')
@example('\ufeff{"a":1}')
@example(" [1] \n")
@example("[1,]")
@example("01")
@example('"\x01"')
@example("[" * 201 + "]" * 201)  # deeper than pydantic's parser goes: json.loads reads it
@example("1" * 640)
@example("1" * 641)
@example("")
def test_property_json_native_and_exact_agree(text: str) -> None:
    _same_document(text)


@pytest.mark.parametrize("limit", [640, 641, 4300, 0])
def test_json_integers_past_the_interpreters_digit_limit(limit: int) -> None:
    """Python refuses to read integers longer than ``sys.get_int_max_str_digits()``;
    pydantic's parser has its own, fixed limit: a text long enough to differ is never
    read natively, whatever the interpreter's limit is now."""
    before = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(limit)
    try:
        for digits in (639, 640, 641, 700, 4300, 4301):
            for text in ("1" * digits, f"[{'7' * digits}]", f'{{"n":-{"9" * digits}}}'):
                _same_document(text)
    finally:
        sys.set_int_max_str_digits(before)


def test_json_values_of_other_types_pass_through() -> None:
    for value in ({"a": 1}, [1], 3, 1.5, True, b"[1]", bytearray(b"[1]")):
        got = Documents.model_validate({"doc": value}).doc
        assert got is value


class Awkward(BaseModel):
    """Fields named like the keys of pydantic's schema nodes."""

    metadata: AWSJSONField | None = None
    default: AWSDateTimeField | None = None
    ref: AWSTimeField | None = None
    serialization: AWSDateField | None = None
    type: AWSJSONField | None = None


def test_fields_named_like_schema_keys_are_read_natively_too() -> None:
    wire = {
        "metadata": '{"hours":3}',
        "default": "2024-05-01T12:00:00.123Z",
        "ref": "12:00:00Z",
        "serialization": "2024-05-01",
        "type": "[1]",
    }
    for read in (
        lambda: Awkward.model_validate(wire),
        lambda: Awkward.model_validate_json(json.dumps(wire)),
    ):
        model, called = _python_calls(read)
        assert called == set()  # every field read without Python
        assert isinstance(model, Awkward)
        assert model.metadata == {"hours": 3}
        assert model.type == [1]
        assert model.default == parse_aws_datetime(wire["default"])


# --------------------------------------------------------------------------- AWSIPAddress


class Addresses(BaseModel):
    ip: AWSIPAddressField | None = None
    ips: list[AWSIPAddressField] | None = None


class AddressHolder(BaseModel):
    inner: Addresses


def _exact_ip(value: Any) -> Any:
    try:
        return parse_aws_ip_address(value)
    except ValueError as exc:
        return exc


def _same_address(value: Any) -> None:
    """``value`` as an AWSIPAddress field, in Python and JSON mode, alone, in a list and
    in a nested model: what :func:`parse_aws_ip_address` gives (type, value, text), or
    its error at ``<field>.AWSIPAddress``; an address read before is the same object."""
    cache = scalars._ADDRESSES  # pyright: ignore[reportPrivateUsage]
    cache.clear()  # (far from its bound: nothing is dropped while this runs)
    exact = _exact_ip(value)
    reads: list[Callable[[], Any]] = [
        lambda: Addresses.model_validate({"ip": value}).ip,
        lambda: Addresses.model_validate({"ips": ["10.0.0.1", value]}).ips[1],  # type: ignore[index]
        lambda: AddressHolder.model_validate({"inner": {"ip": value}}).inner.ip,
    ]
    if isinstance(value, str):
        document = json.dumps({"ip": value})
        if _readable_outer(document):
            reads.append(lambda: Addresses.model_validate_json(document).ip)
            reads.append(
                lambda: (
                    AddressHolder.model_validate_json(json.dumps({"inner": {"ip": value}})).inner.ip
                )
            )
    results: list[Any] = []
    for read in reads:
        try:
            got = read()
        except ValidationError as error:
            assert isinstance(exact, ValueError), (value, error)
            problems = [p for p in error.errors() if p["type"] != scalars._NATIVE_ERROR]  # pyright: ignore[reportPrivateUsage]
            assert len(problems) == 1, error
            assert problems[0]["loc"][-1] == "AWSIPAddress"
            assert problems[0]["msg"] == f"Value error, {exact}"
        else:
            assert not isinstance(exact, ValueError), (value, got)
            assert type(got) is type(exact)
            assert got == exact and hash(got) == hash(exact)
            assert str(got) == str(exact)
            assert getattr(got, "scope_id", None) == getattr(exact, "scope_id", None)
            results.append(got)
    kept = type(exact) in (IPv4Address, IPv6Address) and type(value) is str and "%" not in value
    if type(value) is not str:
        assert not cache or list(cache) == ["10.0.0.1"]  # only the list's other text
        return
    assert (value in cache) is (kept and bool(results))  # a scope is read by ipaddress: not kept
    if value in cache:
        assert all(got is cache[value] for got in results)  # read once, then found


ipv4_texts = st.ip_addresses(v=4).map(str)
ipv6_texts = (
    st.ip_addresses(v=6).map(str)
    | st.ip_addresses(v=6).map(lambda a: a.exploded.upper())
    | st.ip_addresses(v=6).map(lambda a: f"{a}%eth0")
)
prefixes = st.builds(lambda a, n: f"{a}/{n}", ipv4_texts | ipv6_texts, st.integers(0, 130))


@st.composite
def address_near_misses(draw: st.DrawFn) -> str:
    """A valid address text with a few characters replaced, inserted or removed."""
    text = draw(ipv4_texts | ipv6_texts | prefixes)
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, max(len(text) - 1, 0)))
        char = draw(st.sampled_from("0123456789abcdefABCDEF:./% \x00\u0661"))
        how = draw(st.sampled_from(["replace", "insert", "delete"]))
        if how == "replace":
            text = text[:index] + char + text[index + 1 :]
        elif how == "insert":
            text = text[:index] + char + text[index:]
        else:
            text = text[:index] + text[index + 1 :]
    return text


@given(ipv4_texts | ipv6_texts | prefixes | address_near_misses())
@example("192.0.2.10")
@example("2001:0DB8::1")
@example("fe80::1%eth0")
@example("10.0.0.1/8")
@example("10.0.0.1/255.0.0.0")
@example("01.2.3.4")
@example("1.2.3.4\x00")
@example("")
def test_property_ip_native_and_exact_agree(text: str) -> None:
    _same_address(text)
    _same_address(text)  # found in the cache the second time


@pytest.mark.parametrize(
    "value",
    [
        IPv4Address("10.0.0.1"),
        IPv6Address("::1"),
        ip_interface("10.0.0.1/8"),
        3232235521,
        None,
        ["10.0.0.1"],
        {"a": 1},
        b"10.0.0.1",
    ],
)
def test_ip_values_of_other_types_are_what_the_exact_parser_makes_of_them(value: Any) -> None:
    if value is None:
        assert Addresses.model_validate({"ip": None}).ip is None
        return
    _same_address(value)
    if not isinstance(_exact_ip(value), ValueError):
        assert Addresses.model_validate({"ip": value}).ip is value  # passed through


def test_ip_addresses_are_kept_up_to_a_bound_and_interfaces_not_at_all() -> None:
    cache = scalars._ADDRESSES  # pyright: ignore[reportPrivateUsage]
    limit = scalars._ADDRESS_CACHE_LIMIT  # pyright: ignore[reportPrivateUsage]
    cache.clear()
    Addresses.model_validate({"ip": "10.0.0.1/8"})
    Addresses.model_validate({"ip": "fe80::1%eth0"})
    assert "10.0.0.1/8" not in cache
    for i in range(limit + 10):
        Addresses.model_validate({"ip": f"10.{i // 65536}.{i // 256 % 256}.{i % 256}"})
        assert len(cache) <= limit
    first = Addresses.model_validate({"ips": ["192.0.2.1", "192.0.2.1"]}).ips
    assert first is not None and first[0] is first[1]
    _, called = _python_calls(lambda: Addresses.model_validate({"ip": "192.0.2.1"}))
    assert called == set()  # found without Python
    _, called = _python_calls(lambda: Addresses.model_validate({"ip": "192.0.2.2"}))
    assert called == {"__missing__"}  # read once
