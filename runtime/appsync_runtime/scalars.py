"""The nine AWS AppSync scalars, as natural Python values.

Generated code uses these functions through ariadne-codegen's scalar hooks:
``parse_*`` are pydantic ``PlainValidator`` s on result
models (their result is final: pydantic does not validate it again, in Python or JSON
mode), ``serialize_*`` are ``PlainSerializer`` s on input models and are also called
directly on client method arguments. AWSEmail, AWSPhone and AWSURL are plain ``str``
in models, which pydantic checks without a Python call. The ``*Field`` aliases bundle
both for people writing their own models.

============  ============================================  ======================================
scalar        Python value (``parse``)                      wire value (``serialize``)
============  ============================================  ======================================
AWSDate       ``date``, or :class:`OffsetDate` (a ``date``  ``YYYY-MM-DD`` (an :class:`OffsetDate`
              with ``tzinfo``) when there is an offset      adds its offset)
AWSTime       :class:`NanoTime`, a ``time``, aware when     its exact wire text, else
              there is an offset (in models: see below)     ``hh:mm:ss[.fff|.ffffff]`` and offset
AWSDateTime   :class:`NanoDateTime`, an aware ``datetime``  its exact wire text, else ISO 8601
              (in models: see below)                        with ``Z`` for UTC; naive: ValueError
AWSTimestamp  ``int`` seconds since the epoch               ``int``; an aware ``datetime`` on a
                                                            whole second is converted
AWSEmail      ``str``, exactly as sent                      the ``str``, unchanged
AWSPhone      ``str``, exactly as sent                      the ``str``, unchanged
AWSURL        ``str``, exactly as sent                      the ``str``, unchanged
AWSJSON       the decoded JSON value (``Any``)              compact ``json.dumps`` text
AWSIPAddress  ``IPv4Address``/``IPv6Address``, or           ``str(value)``
              ``IPv4Interface``/``IPv6Interface``
              when there is a ``/prefix``
============  ============================================  ======================================

Decisions:

- **Round trip.** A date, time or datetime parsed from the wire serializes back to the
  byte-identical text (seconds left out, 1 to 9 fractional digits, ``Z``/``z``,
  ``-00:00``, ``+hh:mm:ss`` offsets, lowercase ``t``: all kept). :class:`NanoTime` and
  :class:`NanoDateTime` remember their wire text and keep digits past microseconds in
  ``nanosecond`` (0 to 999, as in pandas); they compare and hash with it. A value made
  in Python serializes in one canonical form: seconds always written; fractional
  digits 3 for whole milliseconds (AppSync's own form; a datetime on a whole second
  is written ``.000`` too, as AppSync and JavaScript write it, a time with none), 6,
  or (with nanoseconds) 9; ``Z`` for a zero offset, ``+hh:mm``, or ``+hh:mm:ss`` when
  the offset has seconds.
  Copy, pickle, ``replace()`` and ``astimezone()`` keep nanoseconds; arithmetic works
  in microseconds, like ``datetime`` (the result has ``nanosecond == 0``).
- **Dates with an offset** (``2024-05-01+05:30``, which ``date.fromisoformat`` rejects)
  become an :class:`OffsetDate`: equal to the plain ``date``, with ``tzinfo`` and
  ``utcoffset()`` for the offset, which serializes back exactly. Date arithmetic gives
  a date without the offset.
- **Years** must be 0001 to 9999: AppSync allows negative and 5-digit years, Python
  cannot hold them, so parsing one raises ``ValueError`` rather than guessing.
- **Validation on parse** follows AppSync's documented format exactly (offset hours
  00-23, ``T`` and ``Z`` in either case since AppSync's ISO parser ignores case); a
  value outside it raises ``ValueError`` naming the scalar and quoting the text, which
  pydantic reports as a validation error. A value of the Python type already
  (``datetime`` for AWSDateTime, ...) passes through unchanged; any other type is a
  ``ValueError``. AWSJSON passes every non-``str`` through (it is decoded already).
- **AWSTimestamp** from a ``datetime``: the datetime must be aware and on a whole
  second; fractional seconds raise ``ValueError`` instead of being silently truncated
  (use ``value.replace(microsecond=0)``). ``bool`` and ``float`` are refused.
- **Native reading in models.** In models built on :class:`appsync_runtime.model.BaseModel`
  (every generated model), a date, time, datetime or timestamp whose text is already
  in that canonical form (``2024-05-01T12:00:00.123Z``, ``...:00.000Z``: what AppSync
  itself writes) is read by pydantic's own Rust parser, which gives exactly the same
  value, and is a plain ``date``, ``time`` or ``datetime`` (its ``tzinfo`` pydantic's
  ``TzInfo``): it serializes back to the same text, so nothing needs remembering. Any
  other text (no fraction on a datetime, more than 6 fractional digits, ``-00:00``,
  lowercase ``t``...) takes the parsers here and gives a :class:`NanoTime` or
  :class:`NanoDateTime` (on Python 3.11+, the shapes ``fromisoformat`` reads exactly,
  ``...:00Z`` among them, are checked in Rust and skip the parsers' Python checks).
  An AWSJSON text of up to 640 characters is decoded by pydantic's JSON parser where
  it reads it (the value ``json.loads`` gives; lone surrogates, nesting deeper than
  200 and longer texts, which could hold an integer past the interpreter's digit
  limit, take :func:`parse_aws_json`). An AWSIPAddress address (no ``/prefix``) read
  before is found by its text without a Python call: ``ipaddress`` addresses are
  immutable, so events repeating an address share one object (up to 1,024 texts
  kept; interfaces, scoped addresses and texts it refuses are read by
  :func:`parse_aws_ip_address` every time). A value that neither reads fails with two
  errors on its field: a pointer from the native half (``appsync_scalar_not_native``)
  and the exact parser's own, at ``<field>.<scalar>``. The ``parse_*`` functions
  called directly always give the types in the table.
- **Speed.** Parsing is on the hot path of every typed result. The common shapes take
  fast paths that give the same values and errors as the exact ones (tests compare
  them on near-miss texts): a date, time or datetime whose punctuation is checked
  goes straight to ``fromisoformat`` (3.11+; at most 6 fractional digits, uppercase
  ``T``/``Z``), AWSJSON to ``json``'s C scanner, an address without a prefix to
  ``inet_pton``.
- **AWSEmail, AWSPhone, AWSURL** are not checked beyond being ``str``: AppSync's rules
  are loosely documented, and a client-side check could only reject values the server
  would take.
- **AWSJSON**: ``serialize_aws_json`` turns the whole value into one JSON document, so a
  Python ``list`` becomes one JSON array; ``NaN`` and infinities are refused (not JSON).
  An argument of GraphQL type ``[AWSJSON]`` holds one JSON string per element: use
  :func:`serialize_aws_json_list` for it (``depth`` = list nesting).
- **AWSIPAddress** keeps the ``/prefix``; ``str()`` gives back the wire text except that
  IPv6 is written in Python's canonical form (lowercase, zeros compressed) and a
  netmask suffix as a prefix length: the same address, spelt the standard way.
- **Serializers** return ``None`` and ``UNSET`` unchanged, turn lists and tuples (nested
  to any depth) into lists, and convert each value; a value of the wrong type raises
  ``TypeError``, an unrepresentable one ``ValueError``.
- **Type names** for the codegen are the aliases ``AWSDate`` ... ``AWSIPAddress`` defined
  here (``AWSDate`` is ``datetime.date``, ``AWSJSON`` is ``Any``...), not ``date`` or
  ``time`` themselves: ariadne-codegen imports the bare name, which a generated input
  field called ``date`` or ``time`` (with its ``= None`` default) would shadow.
"""

# pyright: reportUnnecessaryIsInstance=false, reportPrivateUsage=false
# (isinstance checks guard against callers that ignore the annotations; the wire text
# and nanoseconds are private to this module, shared by its functions and classes)
from __future__ import annotations

import functools
import json
import re
import sys
from _socket import AF_INET, AF_INET6, inet_pton
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta, timezone
from datetime import tzinfo as TzInfo
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
from json.scanner import make_scanner
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    ClassVar,
    Final,
    SupportsIndex,
    TypeAlias,
    TypeVar,
    cast,
)

from pydantic import PlainSerializer, PlainValidator

from .unset import UNSET

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = [
    "AWSJSON",
    "AWSURL",
    "AWSDate",
    "AWSDateField",
    "AWSDateTime",
    "AWSDateTimeField",
    "AWSEmail",
    "AWSEmailField",
    "AWSIPAddress",
    "AWSIPAddressField",
    "AWSJSONField",
    "AWSPhone",
    "AWSPhoneField",
    "AWSTime",
    "AWSTimeField",
    "AWSTimestamp",
    "AWSTimestampField",
    "AWSURLField",
    "NanoDateTime",
    "NanoTime",
    "OffsetDate",
    "parse_aws_date",
    "parse_aws_datetime",
    "parse_aws_email",
    "parse_aws_ip_address",
    "parse_aws_json",
    "parse_aws_phone",
    "parse_aws_time",
    "parse_aws_timestamp",
    "parse_aws_url",
    "serialize_aws_date",
    "serialize_aws_datetime",
    "serialize_aws_email",
    "serialize_aws_ip_address",
    "serialize_aws_json",
    "serialize_aws_json_list",
    "serialize_aws_phone",
    "serialize_aws_time",
    "serialize_aws_timestamp",
    "serialize_aws_url",
]

# Python 3.11's fromisoformat reads every form AppSync sends except a lowercase
# ``t``/``z``; 3.10's reads only what isoformat() writes.
_FULL_FROMISOFORMAT: Final = sys.version_info >= (3, 11)

_OFFSET = r"([Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d)?)"
_DATE = r"(\d{4})-(\d{2})-(\d{2})"
_TIME = r"([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.(\d{1,9}))?)?"


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled on first use: the exact parsers' patterns are needed only
    for texts their fast paths do not read, so importing this module compiles none."""
    return re.compile(pattern, re.ASCII)


_DATE_PATTERN: Final = f"{_DATE}{_OFFSET}?"
_TIME_PATTERN: Final = f"{_TIME}{_OFFSET}?"
_DATETIME_PATTERN: Final = f"{_DATE}[Tt]{_TIME}{_OFFSET}"
# Negative and 5-digit years: valid in AppSync, beyond Python's datetime.
_WIDE_YEAR_PATTERN: Final = r"[+-]\d{4,}-|\d{5,}-"

_DATE_FORMAT: Final = "YYYY-MM-DD, optionally followed by Z, ±hh:mm or ±hh:mm:ss"
_TIME_FORMAT: Final = "hh:mm[:ss[.1 to 9 digits]], optionally followed by Z, ±hh:mm or ±hh:mm:ss"
_DATETIME_FORMAT: Final = "YYYY-MM-DDThh:mm[:ss[.1 to 9 digits]] followed by Z, ±hh:mm or ±hh:mm:ss"

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=timezone.utc)
_ZERO: Final = timedelta(0)

# C-level pieces of the fast paths: json.loads's own scanner without the Python
# wrapper around it, which costs twice the scan of a small document; and (imported
# above) the C library's address parser, which reads what ipaddress reads at a quarter
# of the cost (``_socket``: the socket module's C half, without its enum and
# selectors imports). typeshed gives make_scanner's argument a type of its own: any
# JSONDecoder serves.
_scan_json: Final = make_scanner(json.JSONDecoder())  # type: ignore[arg-type]
# An address is made from its integer: the constructors' cheapest path (from the packed
# bytes they check the length and convert in Python).
_from_bytes: Final = int.from_bytes

_TZ_CACHE: dict[str, timezone] = {}
_OFFSET_TEXT_CACHE: dict[timedelta, str] = {}
_CACHE_LIMIT: Final = 512


def _show(value: object) -> str:
    """``repr`` of a value for an error message, shortened when long."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _type_name(value: object) -> str:
    cls = type(value)
    return cls.__name__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__name__}"


def _check_nanosecond(nanosecond: int) -> int:
    if not 0 <= nanosecond <= 999:
        raise ValueError(f"nanosecond must be in 0..999, not {nanosecond!r}")
    return nanosecond


def _year_error(scalar: str, text: str) -> ValueError:
    year = text[: text.index("-", 1)]
    return ValueError(
        f"invalid {scalar} {_show(text)}: year {year} is valid in AppSync but outside "
        "the years 0001 to 9999 that Python's datetime can hold"
    )


def _format_error(scalar: str, text: str, expected: str) -> ValueError:
    if _compiled(_WIDE_YEAR_PATTERN).match(text):
        return _year_error(scalar, text)
    return ValueError(f"invalid {scalar} {_show(text)}: expected {expected}")


def _offset_tzinfo(text: str) -> timezone:
    """The ``timezone`` for an offset already checked by the regexes."""
    tz = _TZ_CACHE.get(text)
    if tz is None:
        seconds = 0
        if text not in ("Z", "z"):
            seconds = int(text[1:3]) * 3600 + int(text[4:6]) * 60
            if len(text) > 6:
                seconds += int(text[7:9])
        if not seconds:
            tz = timezone.utc
        else:
            tz = timezone(timedelta(seconds=-seconds if text[0] == "-" else seconds))
        if len(_TZ_CACHE) < _CACHE_LIMIT:
            _TZ_CACHE[text] = tz
    return tz


def _offset_text(offset: timedelta, scalar: str) -> str:
    """Canonical wire text of a UTC offset: ``Z``, ``±hh:mm`` or ``±hh:mm:ss``."""
    text = _OFFSET_TEXT_CACHE.get(offset)
    if text is not None:
        return text
    if offset.microseconds:
        raise ValueError(f"{scalar} offsets are whole seconds; UTC offset {offset} has a fraction")
    if not offset:
        text = "Z"
    else:
        sign = "-" if offset < _ZERO else "+"
        hours, rest = divmod(abs(offset).seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        text = f"{sign}{hours:02d}:{minutes:02d}"
        if seconds:
            text += f":{seconds:02d}"
    if len(_OFFSET_TEXT_CACHE) < _CACHE_LIMIT:
        _OFFSET_TEXT_CACHE[offset] = text
    return text


def _microseconds(fraction: str | None) -> int:
    return int(fraction[:6].ljust(6, "0")) if fraction else 0


def _nanoseconds(fraction: str | None) -> int:
    return int(fraction[6:].ljust(3, "0")) if fraction and len(fraction) > 6 else 0


def _fraction_text(microsecond: int, nanosecond: int) -> str:
    """The canonical fraction: none, 3 digits for whole milliseconds, 6, or 9."""
    if nanosecond:
        return f".{microsecond:06d}{nanosecond:03d}"
    if not microsecond:
        return ""
    return f".{microsecond // 1000:03d}" if not microsecond % 1000 else f".{microsecond:06d}"


def _rebuild(
    cls: type[Any], args: tuple[Any, ...], kwargs: dict[str, Any], attrs: dict[str, Any]
) -> Any:
    """Unpickle or copy a value of one of the classes below."""
    value = cls(*args, **kwargs)
    for name, attr in attrs.items():
        setattr(value, name, attr)
    return value


# --------------------------------------------------------------------------- classes


class OffsetDate(date):
    """A ``date`` with the UTC offset AppSync allows on ``AWSDate`` (``2024-05-01+05:30``).

    ``OffsetDate(2024, 5, 1, tzinfo=timezone(timedelta(hours=5, minutes=30)))``; the
    offset must be fixed (``datetime.timezone``). It compares and hashes like the plain
    ``date``; :func:`serialize_aws_date` writes the offset back, exactly as parsed.
    """

    # Class-level defaults, not __slots__: date's C methods (arithmetic) make instances
    # of a subclass without calling its __new__.
    _tzinfo: TzInfo | None = None
    _wire: str | None = None  # the offset's wire text, when parsed

    def __new__(cls, *args: Any, tzinfo: TzInfo | None = None) -> Self:
        """Make the date ``(year, month, day)`` with a fixed-offset ``tzinfo``."""
        if tzinfo is not None:
            offset = tzinfo.utcoffset(None)
            if offset is None:
                raise ValueError(
                    f"OffsetDate needs a fixed UTC offset such as datetime.timezone(...), "
                    f"not {tzinfo!r}"
                )
            _offset_text(offset, "AWSDate")
        self = super().__new__(cls, *args)
        if tzinfo is not None:
            self._tzinfo = tzinfo
        return self

    @property
    def tzinfo(self) -> TzInfo | None:
        """The offset, as a ``tzinfo``."""
        return self._tzinfo

    def utcoffset(self) -> timedelta | None:
        """The offset, as a ``timedelta`` (``None`` when there is none)."""
        return None if self._tzinfo is None else self._tzinfo.utcoffset(None)

    def replace(self, *args: Any, **kwargs: Any) -> Self:
        """Like ``date.replace``, keeping the offset unless ``tzinfo=`` is given."""
        tz = kwargs.pop("tzinfo", self._tzinfo)
        plain = date.replace(self, *args, **kwargs)
        result = type(self)(plain.year, plain.month, plain.day, tzinfo=tz)
        if tz is self._tzinfo:
            result._wire = self._wire
        return result

    def __replace__(self, /, **changes: Any) -> Self:
        """``copy.replace`` (Python 3.13): the same as :meth:`replace`."""
        return self.replace(**changes)

    def __reduce_ex__(self, protocol: SupportsIndex, /) -> tuple[Any, ...]:
        args = (self.year, self.month, self.day)
        return _rebuild, (type(self), args, {"tzinfo": self._tzinfo}, {"_wire": self._wire})

    def __repr__(self) -> str:
        return f"{super().__repr__()[:-1]}, tzinfo={self._tzinfo!r})"


class _Nano:
    """What :class:`NanoTime` and :class:`NanoDateTime` share: the nanosecond digits
    and the comparisons, equality and hashing that include them."""

    # Class-level defaults, not __slots__: datetime's C methods (replace, arithmetic)
    # make instances of a subclass without calling __new__.
    _nanosecond: int = 0
    _wire: str | None = None
    _base: ClassVar[type[time] | type[datetime]]
    _microsecond_position: ClassVar[int]  # index of ``microsecond`` in positional args

    @property
    def nanosecond(self) -> int:
        """Nanoseconds past ``microsecond``, 0 to 999."""
        return self._nanosecond

    def replace(self, *args: Any, nanosecond: int | None = None, **kwargs: Any) -> Self:
        """Like the base type's ``replace``; keeps ``nanosecond`` unless it or
        ``microsecond`` is given."""
        if nanosecond is None:
            given = "microsecond" in kwargs or len(args) > self._microsecond_position
            nanosecond = 0 if given else self._nanosecond
        base: Any = self._base
        result: Self = base.replace(self, *args, **kwargs)
        if nanosecond:
            result._nanosecond = _check_nanosecond(nanosecond)
        return result

    def __replace__(self, /, **changes: Any) -> Self:
        """``copy.replace`` (Python 3.13): the same as :meth:`replace`."""
        return self.replace(**changes)

    def __repr__(self) -> str:
        base: Any = self._base
        text: str = base.__repr__(self)
        return f"{text[:-1]}, nanosecond={self._nanosecond})" if self._nanosecond else text

    def __hash__(self) -> int:
        base = self._base.__hash__(self)  # type: ignore[arg-type]
        return hash((base, self._nanosecond)) if self._nanosecond else base

    def _compare(self, other: object) -> Any:
        """-1, 0 or 1; NotImplemented for another type (the base type decides errors)."""
        base: Any = self._base
        if not isinstance(other, base):
            return NotImplemented
        if base.__eq__(self, other) is True:
            theirs = _nanosecond_of(cast("time | datetime", other))
            return (self._nanosecond > theirs) - (self._nanosecond < theirs)
        return -1 if base.__lt__(self, other) else 1

    def __eq__(self, other: object) -> bool:
        result = self._compare(other)
        return result if result is NotImplemented else result == 0

    def __ne__(self, other: object) -> bool:
        result = self._compare(other)
        return result if result is NotImplemented else result != 0

    def __lt__(self, other: Any) -> bool:
        result = self._compare(other)
        return result if result is NotImplemented else result < 0

    def __le__(self, other: Any) -> bool:
        result = self._compare(other)
        return result if result is NotImplemented else result <= 0

    def __gt__(self, other: Any) -> bool:
        result = self._compare(other)
        return result if result is NotImplemented else result > 0

    def __ge__(self, other: Any) -> bool:
        result = self._compare(other)
        return result if result is NotImplemented else result >= 0


class NanoTime(_Nano, time):
    """A ``time`` that keeps nanoseconds and the exact wire text it was parsed from.

    ``nanosecond`` holds the digits past ``microsecond`` (0 to 999). Equality, ordering
    and hashing include it. Build one as ``NanoTime(12, 0, 0, 5).replace(nanosecond=7)``
    (no ``__new__`` of its own: parsing stays on the C fast path).
    """

    _base = time
    _microsecond_position = 3

    def __reduce_ex__(self, protocol: SupportsIndex, /) -> tuple[Any, ...]:
        args = (self.hour, self.minute, self.second, self.microsecond, self.tzinfo)
        attrs = {"_nanosecond": self._nanosecond, "_wire": self._wire}
        return _rebuild, (type(self), args, {"fold": self.fold}, attrs)


class NanoDateTime(_Nano, datetime):
    """A ``datetime`` that keeps nanoseconds and the exact wire text it was parsed from.

    ``nanosecond`` holds the digits past ``microsecond`` (0 to 999). Equality, ordering
    and hashing include it; arithmetic, like ``datetime``'s, works in microseconds. Build
    one as ``NanoDateTime(2024, 5, 1, tzinfo=timezone.utc).replace(nanosecond=7)`` (no
    ``__new__`` of its own: parsing stays on the C fast path).
    """

    _base = datetime
    _microsecond_position = 6

    def astimezone(self, tz: TzInfo | None = None) -> Self:
        """Like ``datetime.astimezone``, keeping ``nanosecond``."""
        # typeshed's astimezone returns Self (mypy), pyright's reading a datetime
        result = datetime.astimezone(self, tz)
        if result is not self and self._nanosecond:
            result._nanosecond = self._nanosecond  # pyright: ignore[reportAttributeAccessIssue]
        return result  # pyright: ignore[reportReturnType]

    def __reduce_ex__(self, protocol: SupportsIndex, /) -> tuple[Any, ...]:
        args = (
            self.year,
            self.month,
            self.day,
            self.hour,
            self.minute,
            self.second,
            self.microsecond,
            self.tzinfo,
        )
        attrs = {"_nanosecond": self._nanosecond, "_wire": self._wire}
        return _rebuild, (type(self), args, {"fold": self.fold}, attrs)


def _nanosecond_of(value: time | datetime) -> int:
    return value._nanosecond if isinstance(value, (NanoTime, NanoDateTime)) else 0


# --------------------------------------------------------------------------- type names

AWSDate: TypeAlias = date
"""Python type of ``AWSDate`` values (parsed values may be :class:`OffsetDate`)."""
AWSTime: TypeAlias = time
"""Python type of ``AWSTime`` values (parsed values are :class:`NanoTime`)."""
AWSDateTime: TypeAlias = datetime
"""Python type of ``AWSDateTime`` values (parsed values are :class:`NanoDateTime`)."""
AWSTimestamp: TypeAlias = int
"""Python type of ``AWSTimestamp`` values: seconds since the epoch."""
AWSEmail: TypeAlias = str
"""Python type of ``AWSEmail`` values."""
AWSPhone: TypeAlias = str
"""Python type of ``AWSPhone`` values."""
AWSURL: TypeAlias = str
"""Python type of ``AWSURL`` values."""
AWSJSON: TypeAlias = Any
"""Python type of ``AWSJSON`` values: any decoded JSON value."""
AWSIPAddress: TypeAlias = IPv4Address | IPv6Address | IPv4Interface | IPv6Interface
"""Python type of ``AWSIPAddress`` values: an interface when there is a ``/prefix``."""


# --------------------------------------------------------------------------- parse


def _build_datetime(match: re.Match[str], text: str) -> NanoDateTime:
    """The exact path: build from the regex groups (Python 3.10, lowercase, errors)."""
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    if year == "0000":
        raise _year_error("AWSDateTime", text)
    try:
        return NanoDateTime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second or 0),
            _microseconds(fraction),
            _offset_tzinfo(offset),
        )
    except ValueError as exc:
        raise ValueError(f"invalid AWSDateTime {_show(text)}: {exc}") from None


def _build_time(match: re.Match[str], text: str) -> NanoTime:
    hour, minute, second, fraction, offset = match.groups()
    return NanoTime(
        int(hour),
        int(minute),
        int(second or 0),
        _microseconds(fraction),
        None if offset is None else _offset_tzinfo(offset),
    )


def _nano_datetime(text: str) -> NanoDateTime:
    """``datetime.fromisoformat(text)`` as a :class:`NanoDateTime` keeping ``text``.

    The plain parse, then the subclass made from the value's pickled state (what
    ``datetime(state, tzinfo)`` reads without parsing arguments): the same value as
    ``NanoDateTime.fromisoformat``, which calls the class with eight arguments, for
    less. Raises ``ValueError`` where ``fromisoformat`` does."""
    reduced: Any = datetime.fromisoformat(text).__reduce__()
    result = NanoDateTime(*reduced[1])
    result._wire = text
    return result


def _nano_time(text: str) -> NanoTime:
    """``time.fromisoformat(text)`` as a :class:`NanoTime` keeping ``text`` (see
    :func:`_nano_datetime`)."""
    reduced: Any = time.fromisoformat(text).__reduce__()
    result = NanoTime(*reduced[1])
    result._wire = text
    return result


def _fast_offset_start(text: str, size: int) -> int:
    """Where the ``Z``, ``±hh:mm`` or ``±hh:mm:ss`` that ends ``text`` begins (its minutes
    and seconds at most 59), else ``size``: the offsets of the fast paths below.

    The fast paths of :func:`parse_aws_time` and :func:`parse_aws_datetime` give Python
    3.11+'s ``fromisoformat`` only the shapes on which it reads exactly what AppSync's
    format allows: ``hh:mm``, ``hh:mm:ss`` or ``hh:mm:ss.`` and 1 to 6 digits, then one
    of these offsets (or, for a time, none), checked by the positions of ``-``, ``T``,
    ``:`` and ``.``. ``fromisoformat`` checks the rest: every other character a digit,
    the ranges (hour, minute, second, day, an offset under 24 hours); a sign or ``Z``
    inside the fraction makes it fail. The shapes leave out what it reads beyond the
    format: another date/time separator, ``hh`` or ``hhmmss`` alone, a ``,`` or an empty
    fraction, more than 6 digits (it drops the rest), an offset ``±hh``, ``±hhmm`` or
    with minutes or seconds past 59, hour 24. Those, lowercase ``t``/``z``, and any text
    ``fromisoformat`` refuses take the regexes, which also word the errors.
    """
    if text[-1] == "Z":
        return size - 1
    if size >= 9 and text[-3] == ":" and text[-2] <= "5":
        if text[-6] in "+-":
            return size - 6
        if text[-9] in "+-" and text[-6] == ":" and text[-5] <= "5":
            return size - 9
    return size


def parse_aws_date(value: str | date) -> date:
    """Parse an ``AWSDate``: ``date``, or :class:`OffsetDate` when there is an offset.

    A ``date`` passes through; a ``datetime`` or a malformed text is a ``ValueError``.
    """
    if isinstance(value, str):
        if len(value) == 10 and value[4] == "-" and value[7] == "-":
            # YYYY-MM-DD: exactly what date.fromisoformat reads in this shape
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass  # the exact path explains
        match = _compiled(_DATE_PATTERN).fullmatch(value)
        if match is None:
            raise _format_error("AWSDate", value, _DATE_FORMAT)
        year, month, day, offset = match.groups()
        if year == "0000":
            raise _year_error("AWSDate", value)
        try:
            if offset is None:
                return date.fromisoformat(value)
            result = OffsetDate(int(year), int(month), int(day), tzinfo=_offset_tzinfo(offset))
        except ValueError as exc:
            raise ValueError(f"invalid AWSDate {_show(value)}: {exc}") from None
        result._wire = offset
        return result
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    raise ValueError(f"invalid AWSDate {_show(value)}: expected a str or a datetime.date")


_Parsed = TypeVar("_Parsed", "NanoTime", "NanoDateTime")


def _parse_exact(
    value: str,
    kind: type[_Parsed],
    match: re.Match[str] | None,
    build: Callable[[re.Match[str], str], _Parsed],
    fraction_group: int,
    scalar: str,
    expected: str,
) -> _Parsed:
    """The exact path of ``parse_aws_time`` and ``parse_aws_datetime``: ``value``
    checked by ``match`` (None: a located ``ValueError``), built by ``fromisoformat``
    where it reads the text right, else by ``build``; digits past the microsecond kept
    as nanoseconds, and the wire text kept."""
    if match is None:
        raise _format_error(scalar, value, expected)
    try:
        result = kind.fromisoformat(value) if _FULL_FROMISOFORMAT else build(match, value)
    except ValueError:  # lowercase "t"/"z", or a bad day: ``build`` reads or refuses it
        result = build(match, value)
    fraction = match.group(fraction_group)
    if fraction is not None and len(fraction) > 6:
        result._nanosecond = _nanoseconds(fraction)
    result._wire = value
    return result


def parse_aws_time(value: str | time) -> time:
    """Parse an ``AWSTime`` into a :class:`NanoTime` (aware when there is an offset).

    A ``time`` passes through; a malformed text is a ``ValueError``.
    """
    if isinstance(value, str):
        size = len(value)
        if (
            _FULL_FROMISOFORMAT
            and size >= 5
            and value[2] == ":"
            and (value[0] != "2" or value[1] < "4")
            and (
                (end := _fast_offset_start(value, size)) == 5
                or (
                    end >= 8
                    and value[5] == ":"
                    and (
                        end == 8
                        or (
                            10 <= end <= 15
                            and value[8] == "."
                            and (end < size or value[9:].isdigit())  # no "+hh" offset
                        )
                    )
                )
            )
        ):  # hh:mm, hh:mm:ss or hh:mm:ss.f{1,6}; an offset or none (see _fast_offset_start)
            try:
                return _nano_time(value)
            except ValueError:
                pass  # the exact path explains
        return _parse_exact(
            value,
            NanoTime,
            _compiled(_TIME_PATTERN).fullmatch(value),
            _build_time,
            4,
            "AWSTime",
            _TIME_FORMAT,
        )
    if isinstance(value, time):
        return value
    raise ValueError(f"invalid AWSTime {_show(value)}: expected a str or a datetime.time")


def parse_aws_datetime(value: str | datetime) -> datetime:
    """Parse an ``AWSDateTime`` into an aware :class:`NanoDateTime`.

    A ``datetime`` passes through; a malformed text, a missing offset or a year outside
    0001 to 9999 is a ``ValueError``.
    """
    if isinstance(value, str):
        size = len(value)
        if (
            _FULL_FROMISOFORMAT
            and size >= 17
            and value[10] == "T"
            and value[13] == ":"
            and value[4] == "-"
            and value[7] == "-"
            and (value[11] != "2" or value[12] < "4")
            and (
                (end := _fast_offset_start(value, size)) == 16
                or (value[16] == ":" and (end == 19 or (21 <= end <= 26 and value[19] == ".")))
            )
            and end < size
        ):  # YYYY-MM-DDThh:mm[:ss[.f{1,6}]] and an offset (see _fast_offset_start)
            try:
                return _nano_datetime(value)
            except ValueError:
                pass  # the exact path explains
        return _parse_exact(
            value,
            NanoDateTime,
            _compiled(_DATETIME_PATTERN).fullmatch(value),
            _build_datetime,
            7,
            "AWSDateTime",
            _DATETIME_FORMAT,
        )
    if isinstance(value, datetime):
        return value
    raise ValueError(f"invalid AWSDateTime {_show(value)}: expected a str or a datetime")


def parse_aws_timestamp(value: int) -> int:
    """Parse an ``AWSTimestamp``: an ``int`` (seconds since the epoch), kept as it is."""
    if type(value) is int or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise ValueError(f"invalid AWSTimestamp {_show(value)}: expected an integer number of seconds")


def _parse_string(scalar: str, value: str) -> str:
    if isinstance(value, str):
        return value
    raise ValueError(f"invalid {scalar} {_show(value)}: expected a str")


def parse_aws_email(value: str) -> str:
    """Parse an ``AWSEmail``: the ``str`` as sent (models annotate it as plain ``str``)."""
    return _parse_string("AWSEmail", value)


def parse_aws_phone(value: str) -> str:
    """Parse an ``AWSPhone``: the ``str`` as sent (models annotate it as plain ``str``)."""
    return _parse_string("AWSPhone", value)


def parse_aws_url(value: str) -> str:
    """Parse an ``AWSURL``: the ``str`` as sent (models annotate it as plain ``str``)."""
    return _parse_string("AWSURL", value)


def parse_aws_json(value: Any) -> Any:
    """Parse an ``AWSJSON``: decode the JSON text; a non-``str`` is decoded already."""
    if not isinstance(value, str):
        return value
    try:
        # json.loads without its wrapper: the same scanner, one document filling the text
        result, end = _scan_json(value, 0)
        if end == len(value):
            return result
    except (StopIteration, ValueError):
        pass  # json.loads explains (or reads surrounding whitespace)
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"invalid AWSJSON {_show(value)}: {exc.msg} at position {exc.pos}"
        ) from None


def parse_aws_ip_address(value: str | AWSIPAddress) -> AWSIPAddress:
    """Parse an ``AWSIPAddress``: an address, or an interface when there is a ``/prefix``."""
    if isinstance(value, str):
        if "/" not in value:
            try:
                if ":" in value:
                    return IPv6Address(_from_bytes(inet_pton(AF_INET6, value), "big"))
                return IPv4Address(_from_bytes(inet_pton(AF_INET, value), "big"))
            except (OSError, ValueError):
                pass  # ipaddress explains, or reads a scope ("fe80::1%eth0")
        try:
            return ip_interface(value) if "/" in value else ip_address(value)
        except ValueError as exc:
            raise ValueError(f"invalid AWSIPAddress {_show(value)}: {exc}") from None
    if isinstance(value, (IPv4Address, IPv6Address)):  # interfaces are subclasses
        return value
    raise ValueError(f"invalid AWSIPAddress {_show(value)}: expected a str or an IP address")


_ADDRESS_CACHE_LIMIT: Final = 1024


class _Addresses(dict[str, "IPv4Address | IPv6Address"]):
    """Addresses (no ``/prefix``) read from their wire text, by text: in models, an
    address met before is a lookup in C (no Python frame) instead of a parse. An
    ``IPv4Address``/``IPv6Address`` is immutable (slotted, no ``__dict__``), so one
    object serves every event that repeats the text. ``__missing__`` parses the text
    (raising :func:`parse_aws_ip_address`'s ``ValueError``) and keeps the address; the
    cache is emptied when it holds ``_ADDRESS_CACHE_LIMIT`` texts."""

    __slots__ = ()

    def __missing__(self, text: str) -> AWSIPAddress:
        if type(text) is not str or "/" in text:
            return parse_aws_ip_address(text)  # an interface is not kept: it has a __dict__
        try:  # parse_aws_ip_address's fast path
            if ":" in text:
                value: IPv4Address | IPv6Address = IPv6Address(
                    _from_bytes(inet_pton(AF_INET6, text), "big")
                )
            else:
                value = IPv4Address(_from_bytes(inet_pton(AF_INET, text), "big"))
        except (OSError, ValueError):
            return parse_aws_ip_address(text)  # ipaddress explains, or reads a scope
        if len(self) >= _ADDRESS_CACHE_LIMIT:
            self.clear()
        self[text] = value
        return value


_ADDRESSES: Final = _Addresses()


# --------------------------------------------------------------------------- serialize


def _each(value: Any, one: Callable[[Any], Any]) -> Any:
    """Apply ``one`` to a value, keeping ``None``/``UNSET`` and mapping lists and tuples."""
    if value is None or value is UNSET:
        return value
    if isinstance(value, (list, tuple)):
        return [_each(item, one) for item in cast("Sequence[Any]", value)]
    return one(value)


def _wrong_type(scalar: str, expected: str, value: object) -> TypeError:
    return TypeError(f"{scalar} expects {expected}, got {_type_name(value)}: {_show(value)}")


def _date_to_wire(value: Any) -> str:
    if type(value) is date:
        return value.isoformat()
    if isinstance(value, datetime):
        raise _wrong_type("AWSDate", "a datetime.date (use value.date())", value)
    if isinstance(value, OffsetDate):
        if value._tzinfo is None:
            return date.isoformat(value)
        if value._wire is not None:
            return date.isoformat(value) + value._wire
        return date.isoformat(value) + _offset_text(value.utcoffset() or _ZERO, "AWSDate")
    if isinstance(value, date):
        return date.isoformat(value)
    raise _wrong_type("AWSDate", "a datetime.date", value)


def _time_to_wire(value: Any) -> str:
    if isinstance(value, NanoTime):
        if value._wire is not None:
            return value._wire
        nanosecond = value._nanosecond
    elif isinstance(value, time):
        nanosecond = 0
    else:
        raise _wrong_type("AWSTime", "a datetime.time", value)
    suffix = ""
    if value.tzinfo is not None:
        offset = value.utcoffset()
        if offset is None:
            raise ValueError(
                f"AWSTime needs a fixed UTC offset, but {value.tzinfo!r} gives none for a "
                "time of day; use datetime.timezone(...)"
            )
        suffix = _offset_text(offset, "AWSTime")
    fraction = _fraction_text(value.microsecond, nanosecond)
    return f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}{fraction}{suffix}"


def _datetime_to_wire(value: Any) -> str:
    if isinstance(value, NanoDateTime):
        if value._wire is not None:
            return value._wire
        nanosecond = value._nanosecond
    elif isinstance(value, datetime):
        nanosecond = 0
    else:
        raise _wrong_type("AWSDateTime", "a datetime.datetime", value)
    offset = value.utcoffset()
    if offset is None:
        raise ValueError(
            f"AWSDateTime needs a UTC offset, but {_show(value)} is naive: use an aware "
            "datetime, e.g. datetime.now(timezone.utc) or value.replace(tzinfo=timezone.utc)"
        )
    if offset.microseconds:
        _offset_text(offset, "AWSDateTime")  # raises
    if nanosecond:
        text = datetime.isoformat(value, timespec="microseconds")
        text = f"{text[:26]}{nanosecond:03d}{text[26:]}"
    elif value.microsecond % 1000:
        text = datetime.isoformat(value)
    else:  # whole milliseconds, whole seconds too: 3 digits, as AppSync writes them
        text = datetime.isoformat(value, timespec="milliseconds")
    return text if offset else text[:-6] + "Z"


def _timestamp_to_wire(value: Any) -> int:
    if type(value) is int:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise ValueError(
                f"AWSTimestamp from a naive datetime {_show(value)} is ambiguous: use an "
                "aware datetime"
            )
        delta = value - _EPOCH
        if delta.microseconds or _nanosecond_of(value):
            raise ValueError(
                f"AWSTimestamp is whole seconds, but {_show(value)} has a fraction: use "
                "value.replace(microsecond=0) to drop it"
            )
        return delta.days * 86400 + delta.seconds
    raise _wrong_type("AWSTimestamp", "an int or an aware datetime", value)


def _string_to_wire(scalar: str) -> Callable[[Any], str]:
    def one(value: Any) -> str:
        if isinstance(value, str):
            return value
        raise _wrong_type(scalar, "a str", value)

    return one


_email_to_wire: Final = _string_to_wire("AWSEmail")
_phone_to_wire: Final = _string_to_wire("AWSPhone")
_url_to_wire: Final = _string_to_wire("AWSURL")


def _json_to_wire(value: Any) -> str:
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except ValueError as exc:
        raise ValueError(f"AWSJSON cannot encode {_show(value)}: {exc}") from None
    except TypeError as exc:
        raise TypeError(f"AWSJSON cannot encode {_show(value)}: {exc}") from None


def _ip_to_wire(value: Any) -> str:
    if isinstance(value, (IPv4Address, IPv6Address, IPv4Network, IPv6Network)):
        return str(value)
    raise _wrong_type("AWSIPAddress", "an ipaddress address, interface or network", value)


def serialize_aws_date(value: Any) -> Any:
    """Serialize ``AWSDate``: a ``date`` becomes ``YYYY-MM-DD``.

    An :class:`OffsetDate` adds its offset, exactly as parsed. ``None``/``UNSET`` pass
    through; lists and tuples are mapped.
    """
    return _date_to_wire(value) if isinstance(value, date) else _each(value, _date_to_wire)


def serialize_aws_time(value: Any) -> Any:
    """Serialize ``AWSTime``: a ``time`` becomes ``hh:mm:ss[.fraction][offset]``.

    A parsed :class:`NanoTime` gives back its exact wire text. ``None``/``UNSET`` pass
    through; lists and tuples are mapped.
    """
    return _time_to_wire(value) if isinstance(value, time) else _each(value, _time_to_wire)


def serialize_aws_datetime(value: Any) -> Any:
    """Serialize ``AWSDateTime``: an aware ``datetime`` becomes ISO 8601 text (``Z`` for UTC).

    A parsed :class:`NanoDateTime` gives back its exact wire text; a naive datetime is a
    ``ValueError``. ``None``/``UNSET`` pass through; lists and tuples are mapped.
    """
    if isinstance(value, datetime):
        return _datetime_to_wire(value)
    return _each(value, _datetime_to_wire)


def serialize_aws_timestamp(value: Any) -> Any:
    """Serialize ``AWSTimestamp``: an ``int``, or an aware ``datetime`` on a whole second.

    ``None``/``UNSET`` pass through; lists and tuples are mapped.
    """
    return _each(value, _timestamp_to_wire)


def serialize_aws_email(value: Any) -> Any:
    """Serialize ``AWSEmail``: the ``str`` unchanged; ``None``/``UNSET``/lists as usual."""
    return _each(value, _email_to_wire)


def serialize_aws_phone(value: Any) -> Any:
    """Serialize ``AWSPhone``: the ``str`` unchanged; ``None``/``UNSET``/lists as usual."""
    return _each(value, _phone_to_wire)


def serialize_aws_url(value: Any) -> Any:
    """Serialize ``AWSURL``: the ``str`` unchanged; ``None``/``UNSET``/lists as usual."""
    return _each(value, _url_to_wire)


def serialize_aws_json(value: Any) -> Any:
    """Serialize one ``AWSJSON`` value into compact JSON text.

    The whole value is one document: a ``list`` becomes a JSON array. ``None`` (GraphQL
    null) and ``UNSET`` pass through. For a ``[AWSJSON]`` argument use
    :func:`serialize_aws_json_list`.
    """
    if value is None or value is UNSET:
        return value
    return _json_to_wire(value)


def serialize_aws_json_list(value: Any, depth: int = 1) -> Any:
    """Serialize a ``[AWSJSON]`` argument (``depth`` levels of GraphQL list) element-wise.

    Each element becomes its own JSON text; ``None`` elements and a ``None``/``UNSET``
    argument pass through. A non-list where a list level is expected is sent as one
    element, which GraphQL coerces into a one-item list.
    """
    if value is None or value is UNSET:
        return value
    if depth > 0 and isinstance(value, (list, tuple)):
        return [serialize_aws_json_list(item, depth - 1) for item in cast("Sequence[Any]", value)]
    return _json_to_wire(value)


def serialize_aws_ip_address(value: Any) -> Any:
    """Serialize ``AWSIPAddress``: ``str()`` of an address, interface or network.

    ``None``/``UNSET`` pass through; lists and tuples are mapped.
    """
    return _each(value, _ip_to_wire)


# --------------------------------------------------------------------------- pydantic

AWSDateField: TypeAlias = Annotated[
    AWSDate, PlainValidator(parse_aws_date), PlainSerializer(serialize_aws_date)
]
"""A pydantic field type for ``AWSDate``: parses wire text, dumps wire text."""
AWSTimeField: TypeAlias = Annotated[
    AWSTime, PlainValidator(parse_aws_time), PlainSerializer(serialize_aws_time)
]
"""A pydantic field type for ``AWSTime``: parses wire text, dumps wire text."""
AWSDateTimeField: TypeAlias = Annotated[
    AWSDateTime, PlainValidator(parse_aws_datetime), PlainSerializer(serialize_aws_datetime)
]
"""A pydantic field type for ``AWSDateTime``: parses wire text, dumps wire text."""
AWSTimestampField: TypeAlias = Annotated[
    AWSTimestamp, PlainValidator(parse_aws_timestamp), PlainSerializer(serialize_aws_timestamp)
]
"""A pydantic field type for ``AWSTimestamp``."""
AWSEmailField: TypeAlias = AWSEmail
"""A pydantic field type for ``AWSEmail``: a plain ``str``, which pydantic checks itself."""
AWSPhoneField: TypeAlias = AWSPhone
"""A pydantic field type for ``AWSPhone``: a plain ``str``, which pydantic checks itself."""
AWSURLField: TypeAlias = AWSURL
"""A pydantic field type for ``AWSURL``: a plain ``str``, which pydantic checks itself."""
AWSJSONField: TypeAlias = Annotated[
    AWSJSON, PlainValidator(parse_aws_json), PlainSerializer(serialize_aws_json)
]
"""A pydantic field type for ``AWSJSON``: decodes the JSON text, dumps JSON text."""
AWSIPAddressField: TypeAlias = Annotated[
    AWSIPAddress,
    PlainValidator(parse_aws_ip_address),
    PlainSerializer(serialize_aws_ip_address),
]
"""A pydantic field type for ``AWSIPAddress``."""


# --------------------------------------------------------------------------- native

# The wire shapes pydantic's own (Rust) parsers read into exactly the value the exact
# parsers above give, and that the serializers write back byte for byte: seconds
# written; for a time no fraction or 3 or 6 digits (not ending in "000": those are
# written shorter), for a datetime 3 digits (``.000`` included: a whole second is
# written so, as AppSync's ``$util.time.nowISO8601()`` and JavaScript's
# ``toISOString()`` write it) or 6 not ending in "000"; uppercase ``T`` and ``Z``, an
# offset ``±hh:mm`` other than ``±00:00`` (a zero offset is written ``Z``). Every
# other text takes the exact parser.
_NATIVE_NONZERO3 = r"(?:[1-9]\d\d|0[1-9]\d|00[1-9])"
_NATIVE_FRACTION = rf"(?:\.{_NATIVE_NONZERO3}|\.\d{{3}}{_NATIVE_NONZERO3})?"
_NATIVE_MILLIS = rf"\.\d{{3}}(?:{_NATIVE_NONZERO3})?"
_NATIVE_OFFSET = r"(?:Z|[+-](?:0[1-9]|1\d|2[0-3]):[0-5]\d|[+-]00:(?:0[1-9]|[1-5]\d))"
_NATIVE_HMS = r"(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d"
_NATIVE_PATTERNS: Final = {
    "AWSDate": r"^\d{4}-\d{2}-\d{2}$",
    "AWSTime": rf"^{_NATIVE_HMS}{_NATIVE_FRACTION}{_NATIVE_OFFSET}?$",
    "AWSDateTime": rf"^\d{{4}}-\d{{2}}-\d{{2}}T{_NATIVE_HMS}{_NATIVE_MILLIS}{_NATIVE_OFFSET}$",
}
# Texts on which Python 3.11+'s ``fromisoformat`` reads exactly what the exact parsers
# read (the shapes of their fast paths, see ``_fast_offset_start``): in models, those
# the native pattern leaves out (a datetime's ``:00Z``, ``-00:00``, 1 or 2 digits...) go to
# ``_nano_datetime``/``_nano_time`` with these checks made in Rust, not in Python.
_ISO_OFFSET = r"(?:Z|[+-][0-9]{2}:[0-5][0-9](?::[0-5][0-9])?)"
_ISO_TIME = r"(?:[01][0-9]|2[0-3]):[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?"
_ISO_PATTERNS: Final = {
    "AWSTime": rf"^{_ISO_TIME}{_ISO_OFFSET}?$",
    "AWSDateTime": rf"^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}T{_ISO_TIME}{_ISO_OFFSET}$",
}
# AWSJSON texts pydantic's JSON parser reads into exactly what ``json.loads`` gives:
# it refuses what json.loads refuses, and (refusing too) lone surrogates, nesting
# deeper than 200 and integers of more than 4,300 digits, which the exact parser then
# reads or refuses. Python refuses integers longer than ``sys.get_int_max_str_digits()``
# (4,300 by default, at least 640, changeable at run time); pydantic's parser does
# not ask, so only texts too short to hold a longer one are read natively.
_JSON_NATIVE_MAX_LENGTH: Final = 640
_NATIVE_ERROR: Final = "appsync_scalar_not_native"  # _response.NATIVE_SCALAR_ERROR
"""The error type of the native half of a scalar's schema: never the one to report
(the exact half, tried next, explains the value)."""
_NATIVE_MARK: Final = "appsync_native_scalar"


def _native_schema(parse: Callable[..., Any], node: dict[str, Any]) -> dict[str, Any] | None:
    """The schema standing in for ``PlainValidator(parse)`` (``node``): pydantic's own
    parser for the shapes it reads exactly, then ``parse`` for the rest, with
    ``node``'s serializer. None for a scalar without a native reading."""
    from pydantic_core import core_schema

    known = _NATIVE_KINDS.get(parse)
    if known is None:
        return None
    scalar, make = known
    native = make()
    exact = core_schema.no_info_plain_validator_function(parse)
    union = core_schema.union_schema(
        [
            (
                core_schema.custom_error_schema(
                    native,
                    _NATIVE_ERROR,
                    custom_error_message=(
                        f"not a shape pydantic reads itself; {parse.__name__} reads it: "
                        f"see the {scalar} error"
                    ),
                ),
                "native",
            ),
            (exact, scalar),
        ],
        mode="left_to_right",
    )
    schema: dict[str, Any]
    if parse is parse_aws_timestamp:  # JSON integers only: Python ints stay as they are
        schema = dict(core_schema.json_or_python_schema(union, exact))
    else:
        schema = dict(union)
    if "serialization" in node:
        schema["serialization"] = node["serialization"]
    schema["metadata"] = {**node.get("metadata", {}), _NATIVE_MARK: True}
    return schema


def _kinds() -> dict[Callable[..., Any], tuple[str, Callable[[], Any]]]:
    """Each parser's scalar name and a maker of its native half's schema (fresh for
    each field: pydantic may change a schema in place while building)."""
    from pydantic_core import core_schema

    def text(**constraints: Any) -> Any:
        return core_schema.str_schema(strict=True, **constraints)

    def then(function: Callable[[str], Any]) -> Any:
        return core_schema.no_info_plain_validator_function(function)

    def read(scalar: str, kind: Callable[[], Any], iso: Callable[[str], Any]) -> Any:
        native = core_schema.chain_schema([text(pattern=_NATIVE_PATTERNS[scalar]), kind()])
        if not _FULL_FROMISOFORMAT:
            return native
        checked = core_schema.chain_schema([text(pattern=_ISO_PATTERNS[scalar]), then(iso)])
        return core_schema.union_schema([native, checked], mode="left_to_right")

    return {
        parse_aws_date: (
            "AWSDate",
            lambda: core_schema.chain_schema(
                [text(pattern=_NATIVE_PATTERNS["AWSDate"]), core_schema.date_schema()]
            ),
        ),
        parse_aws_time: ("AWSTime", lambda: read("AWSTime", core_schema.time_schema, _nano_time)),
        parse_aws_datetime: (
            "AWSDateTime",
            lambda: read("AWSDateTime", core_schema.datetime_schema, _nano_datetime),
        ),
        parse_aws_timestamp: ("AWSTimestamp", lambda: core_schema.int_schema(strict=True)),
        parse_aws_ip_address: (
            "AWSIPAddress",
            lambda: core_schema.chain_schema([text(), then(_ADDRESSES.__getitem__)]),
        ),
        parse_aws_json: (
            "AWSJSON",
            lambda: core_schema.chain_schema(
                [text(max_length=_JSON_NATIVE_MAX_LENGTH), core_schema.json_schema()]
            ),
        ),
    }


_NATIVE_KINDS: dict[Callable[..., Any], tuple[str, Callable[[], Any]]] = {}
_NATIVE_PARSERS: Final = frozenset(
    {
        parse_aws_date,
        parse_aws_time,
        parse_aws_datetime,
        parse_aws_timestamp,
        parse_aws_json,
        parse_aws_ip_address,
    }
)
_SKIPPED_KEYS: Final = frozenset({"metadata", "serialization", "default", "ref"})


def _native_scalars(schema: Any) -> Any:  # pyright: ignore[reportUnusedFunction]
    """``schema`` (a pydantic core schema) with each ``PlainValidator`` of
    :func:`parse_aws_date`, :func:`parse_aws_time`, :func:`parse_aws_datetime`,
    :func:`parse_aws_timestamp` and :func:`parse_aws_json` replaced by pydantic's own
    parser for the values it reads without loss, falling back to the exact parser (see
    ``_NATIVE_PATTERNS``, ``_ISO_PATTERNS``, ``_JSON_NATIVE_MAX_LENGTH``), and of
    :func:`parse_aws_ip_address` by a lookup of the addresses read before
    (``_ADDRESSES``), falling back to it.

    A value read natively is a plain ``date``, ``time`` (with pydantic's ``TzInfo``)
    or ``datetime``, equal to what the exact parser gives and serialized back to the
    same text, or the decoded JSON value ``json.loads`` gives; the exact parser still
    reads every other text, and explains errors.
    Changed in place where the tree is a dict; the new tree is returned."""
    if not _NATIVE_KINDS:
        _NATIVE_KINDS.update(_kinds())
    return _rewrite(schema)


def _rewrite(node: Any) -> Any:
    kind = node.__class__  # not type(node): Any stays Any for the calls below
    if kind is dict:
        return _rewrite_dict(node)
    if kind is list:
        return _rewrite_list(node)
    return node


def _rewrite_dict(mapping: dict[str, Any]) -> dict[str, Any]:
    kind: Any = mapping.get("type")
    skipped: frozenset[str] = _SKIPPED_KEYS
    if type(kind) is not str:
        # not a schema node: fields by name (a field may be called "metadata"...)
        skipped = frozenset()
    elif kind == "function-plain":
        function: Any = mapping.get("function")
        parse: Any = None
        if type(function) is dict:
            parse = cast("dict[str, Any]", function).get("function")
        if parse in _NATIVE_PARSERS:
            replaced = _native_schema(parse, mapping)
            return mapping if replaced is None else replaced
        return mapping
    else:
        metadata: Any = mapping.get("metadata")
        if type(metadata) is dict and _NATIVE_MARK in metadata:
            return mapping  # rewritten already (a nested model's schema)
    for key, value in mapping.items():
        if key not in skipped and type(value) in (dict, list):
            new = _rewrite(value)
            if new is not value:
                mapping[key] = new
    return mapping


def _rewrite_list(items: list[Any]) -> list[Any]:
    for index, value in enumerate(items):
        if type(value) in (dict, list):
            new = _rewrite(value)
            if new is not value:
                items[index] = new
    return items
