"""Building the request: variables serialized once to the JSON bytes that are sent;
timeouts; and the operation type of a document, found without parsing it per call."""

# pyright: reportUnnecessaryIsInstance=false
# (isinstance checks here guard against callers that ignore the annotations)
from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any, Literal, cast

from pydantic_core import PydanticSerializationError, to_jsonable_python

from .errors import AppSyncConfigError
from .unset import UnsetType

__all__ = [
    "JSON_CONTENT_TYPE",
    "MAX_VARIABLE_DEPTH",
    "HttpRequest",
    "OperationType",
    "Timeout",
    "encode_body",
    "encode_value",
    "encode_variables",
    "make_request",
    "operation_type",
]

JSON_CONTENT_TYPE = "application/json; charset=UTF-8"

OperationType = Literal["query", "mutation", "subscription"]
"""The kind of a GraphQL operation, which decides what may be retried."""

_DEFAULT_TOTAL = 60.0


@dataclass(frozen=True)
class Timeout:
    """Seconds allowed to connect, to wait for each read of the response, and for the
    whole call (``total``: every attempt, retry wait and re-sign included; None for no
    overall deadline).

    The defaults (10 s connect, 30 s read, 60 s total) suit AppSync, whose resolvers
    time out at 30 s. Each attempt's connect and read waits are also cut to what is
    left of the total.
    """

    connect: float = 10.0
    read: float = 30.0
    total: float | None = _DEFAULT_TOTAL

    def __post_init__(self) -> None:
        for name in ("connect", "read", "total"):
            value = getattr(self, name)
            if value is None and name == "total":
                continue
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not 0 < value < float("inf")
            ):
                raise AppSyncConfigError(f"timeout {name} must be a positive number of seconds")

    @classmethod
    def coerce(cls, value: Timeout | float | None) -> Timeout:
        """A :class:`Timeout` from a Timeout, None (the defaults), or a number: connect
        and read waits of that many seconds, and a total of 60 s or the number when
        larger."""
        if isinstance(value, Timeout):
            return value
        if value is None:
            return cls()
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise AppSyncConfigError("timeout must be a Timeout or a number of seconds")
        seconds = float(value)
        return cls(connect=seconds, read=seconds, total=max(seconds, _DEFAULT_TOTAL))


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """One HTTP request for a transport to send.

    ``deadline`` is the :func:`time.monotonic` instant by which the whole call must be
    over (None: none); a transport cuts its connect and read waits to fit it.
    """

    method: str
    url: str
    headers: dict[str, str]
    content: bytes
    timeout: Timeout
    deadline: float | None = None


_new_request: Any = object.__new__
_request_fields: Any = tuple(
    HttpRequest.__dict__[name].__set__
    for name in ("method", "url", "headers", "content", "timeout", "deadline")
)


def make_request(
    method: str,
    url: str,
    headers: dict[str, str],
    content: bytes,
    timeout: Timeout,
    deadline: float | None = None,
) -> HttpRequest:
    """An :class:`HttpRequest`, built without the frozen dataclass's ``__init__`` (which
    sets each field through ``object.__setattr__``): the same object, on every call."""
    request: HttpRequest = _new_request(HttpRequest)
    set_method, set_url, set_headers, set_content, set_timeout, set_deadline = _request_fields
    set_method(request, method)
    set_url(request, url)
    set_headers(request, headers)
    set_content(request, content)
    set_timeout(request, timeout)
    set_deadline(request, deadline)
    return request


MAX_VARIABLE_DEPTH = 256
"""How deeply variables may nest (containers within containers): far deeper than any
GraphQL input a schema's types allow in practice, and shallow enough that encoding
never runs out of Python stack. Deeper (or self-referencing) variables raise
:class:`AppSyncConfigError`, located."""

_INF = float("inf")


class _BadVariable(Exception):
    """Why a variable cannot be sent; ``path`` and ``containers`` fill in (innermost
    first) as the error unwinds, so the common case pays for no bookkeeping."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.path: list[str | int] = []
        self.containers: list[int] = []

    def within(self, key: str | int, container: object) -> _BadVariable:
        self.path.append(key)
        self.containers.append(id(container))
        return self


def _non_finite(value: object) -> _BadVariable:
    return _BadVariable(f"{value!r} is not a JSON number (JSON has no NaN or Infinity)")


def _key(key: object) -> str:
    if isinstance(key, str):  # an str subclass (a str Enum): its text, as json would
        return str.__str__(key)
    raise _BadVariable(f"a key of type {type(key).__name__}: object keys must be strings")


def _encode_mapping(value: Mapping[Any, Any], depth: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    count = 0
    for key, item in value.items():
        if isinstance(item, UnsetType):
            continue
        count += 1
        if type(key) is not str:
            key = _key(key)
        try:
            out[key] = _encode(item, depth)
        except _BadVariable as bad:
            raise bad.within(key, value) from None
    if len(out) != count:  # two keys with the same text: one value would be lost
        raise _BadVariable("two keys spell the same name: one value would be lost")
    return out


def _encode(value: Any, depth: int = 0) -> Any:
    kind: type[Any] = type(value)  # pyright: ignore[reportUnknownVariableType]
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is float:
        if -_INF < value < _INF:
            return value
        raise _non_finite(value)
    depth += 1
    if depth > MAX_VARIABLE_DEPTH:
        raise _BadVariable(f"nested more than {MAX_VARIABLE_DEPTH} levels deep")
    if kind is dict:
        return _encode_mapping(value, depth)
    plain_dump = _PLAIN_DUMP.get(kind)
    if plain_dump is None:
        plain_dump = _plain_dump(kind)
    if plain_dump:  # model_dump's own serializer call, without its wrapper
        return value.__pydantic_serializer__.to_python(
            value, mode="json", by_alias=True, exclude_unset=True, warnings=True
        )
    # A pydantic model can only exist once pydantic.main is imported: no import here.
    pydantic_main = sys.modules.get("pydantic.main")
    if pydantic_main is not None and isinstance(value, pydantic_main.BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, Mapping):
        return _encode_mapping(cast("Mapping[Any, Any]", value), depth)  # type: ignore[redundant-cast]
    if isinstance(value, (list, tuple)):
        sequence = cast("Sequence[Any]", value)
        out: list[Any] = []
        for index, item in enumerate(sequence):
            try:
                out.append(_encode(item, depth))
            except _BadVariable as bad:
                raise bad.within(index, sequence) from None
        return out
    if isinstance(value, float):  # a float subclass
        if -_INF < value < _INF:
            return value
        raise _non_finite(value)
    if isinstance(value, (str, int, bool)):
        return value
    decimal = sys.modules.get("decimal")  # loaded by whoever made a Decimal
    if decimal is not None and isinstance(value, decimal.Decimal) and not value.is_finite():
        raise _non_finite(value)
    return to_jsonable_python(value)


_PLAIN_DUMP: dict[type[Any], bool] = {}
"""Per type met in variables: whether it is a pydantic model whose ``model_dump`` is
pydantic's own (its serializer is then called directly)."""


def _plain_dump(kind: type[Any]) -> bool:
    pydantic_main = sys.modules.get("pydantic.main")
    plain = (
        pydantic_main is not None
        and issubclass(kind, pydantic_main.BaseModel)
        and getattr(kind, "model_dump", None) is pydantic_main.BaseModel.model_dump
    )
    if len(_PLAIN_DUMP) >= 1024:
        _PLAIN_DUMP.clear()
    _PLAIN_DUMP[kind] = plain
    return plain


def _where(bad: _BadVariable, top: str) -> str:
    """``variables.input.items[3]`` for a path (outermost first)."""
    parts = [top]
    path = list(reversed(bad.path))
    if len(path) > 12:  # a path hundreds of levels deep: its ends tell enough
        path = [*path[:6], "...", *path[-4:]]
    for part in path:
        parts.append(f"[{part}]" if isinstance(part, int) else f".{part}")
    return "".join(parts)


def _located(bad: _BadVariable) -> AppSyncConfigError:
    reason = bad.reason
    if len(set(bad.containers)) < len(bad.containers):
        reason = "it contains itself (a cycle)"
    return AppSyncConfigError(f"variables cannot be sent: {_where(bad, 'variables')}: {reason}")


def _find_non_finite(value: Any) -> _BadVariable | None:
    """Where a NaN or infinity sits in an encoded tree (for the error message)."""
    if isinstance(value, float) and not -_INF < value < _INF:
        return _non_finite(value)
    items: list[tuple[str | int, Any]] = []
    if isinstance(value, dict):
        items = list(cast("dict[str, Any]", value).items())
    elif isinstance(value, list):
        items = list(enumerate(cast("list[Any]", value)))  # type: ignore[redundant-cast]
    container = cast(object, value)
    for key, item in items:
        found = _find_non_finite(item)
        if found is not None:
            return found.within(key, container)
    return None


def _is_mapping(value: object) -> bool:
    return isinstance(value, Mapping)


def encode_variables(variables: Mapping[str, Any] | None) -> dict[str, Any]:
    """Variables as JSON-ready values: models dumped by alias, UNSET dropped.

    Refused with a located :class:`AppSyncConfigError`: keys that are not strings (or
    two that spell the same name), NaN and infinities (float or Decimal), nesting
    deeper than :data:`MAX_VARIABLE_DEPTH` (cycles included), and values that have no
    JSON form."""
    if not variables:
        return {}
    kind: type[Any] = type(variables)
    if kind is not dict and not _is_mapping(variables):
        raise AppSyncConfigError(
            f"variables must be a mapping of names to values, not {type(variables).__name__}"
        )
    try:
        return _encode_mapping(variables, 0)
    except _BadVariable as bad:
        raise _located(bad) from None
    except RecursionError:  # a caller's stack already nearly exhausted
        raise AppSyncConfigError(
            "variables cannot be sent: they nest too deeply for the Python stack"
        ) from None
    except (PydanticSerializationError, TypeError, ValueError) as exc:
        raise AppSyncConfigError(f"variables cannot be serialized to JSON: {exc}") from None


_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def encode_value(value: Any, where: str) -> str:
    """One value as compact JSON text (``/`` unescaped, non-ASCII raw: what
    JavaScript's ``JSON.stringify`` writes), converted as variables are (models
    dumped by alias, dates as ISO text). Refused with an :class:`AppSyncConfigError`
    located at ``where`` (e.g. ``events[3].price``): what :func:`encode_variables`
    refuses, and text that is no valid Unicode (a lone surrogate)."""
    try:
        encoded = _encode(value)
        text = _ENCODER.encode(encoded)
        text.encode("utf-8")  # a lone surrogate cannot be sent
        return text
    except _BadVariable as bad:
        reason = bad.reason
        if len(set(bad.containers)) < len(bad.containers):
            reason = "it contains itself (a cycle)"
        raise AppSyncConfigError(
            f"{where} cannot be sent: {_where(bad, where)}: {reason}"
        ) from None
    except RecursionError:
        raise AppSyncConfigError(f"{where} cannot be sent: it nests too deeply") from None
    except UnicodeError:
        raise AppSyncConfigError(
            f"{where} cannot be sent: it holds text that is not valid Unicode (a lone surrogate)"
        ) from None
    except (PydanticSerializationError, TypeError, ValueError) as exc:
        reason = f"{type(exc).__name__}: {exc}"
    try:  # NaN or an infinity inside a model's dump: say where
        found = _find_non_finite(_encode(value))
    except Exception:
        found = None
    if found is not None:
        raise AppSyncConfigError(f"{where} cannot be sent: {_where(found, where)}: {found.reason}")
    raise AppSyncConfigError(f"{where} cannot be serialized to JSON: {reason}")


def _no_default(value: object) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# The C encoder behind _ENCODER, built once instead of once per call (check_circular
# off: what it encodes is the fresh tree encode_variables built, never circular).
_c_make_encoder: Any = getattr(json.encoder, "c_make_encoder", None)
_C_ENCODE: Any = (
    _c_make_encoder(None, _no_default, encode_basestring, None, ":", ",", False, False, False)
    if _c_make_encoder is not None
    else None
)


def _dumps(value: Any) -> str:
    if _C_ENCODE is not None and type(value) is dict:
        return "".join(_C_ENCODE(value, 0))
    return _ENCODER.encode(value)


# Per (query, operation name): the body's bytes before and after the variables.
_BODY_PARTS: dict[tuple[str, str | None], tuple[bytes, bytes]] = {}
_BODY_PARTS_SIZE = 1024


def _body_parts(query: str, operation_name: str | None) -> tuple[bytes, bytes]:
    head = '{"query":' + _ENCODER.encode(query) + ',"variables":'
    tail = "}"
    if operation_name is not None:
        tail = ',"operationName":' + _ENCODER.encode(operation_name) + "}"
    parts = (head.encode("utf-8"), tail.encode("utf-8"))
    if len(_BODY_PARTS) >= _BODY_PARTS_SIZE:
        _BODY_PARTS.clear()
    _BODY_PARTS[query, operation_name] = parts
    return parts


def _quick_variables(variables: Mapping[Any, Any]) -> bytes | None:
    """The JSON bytes :func:`encode_variables` and ``_dumps`` would send for
    ``variables``, written in one pass when every value is ``UNSET`` (left out), a
    string, an integer, a boolean, None, a finite float, or a pydantic model whose
    ``model_dump`` is pydantic's own (serialized by its serializer straight to JSON
    bytes); None for anything else, and whenever this path cannot be sure to send
    what the general path sends: the caller then takes that path, which encodes or
    refuses as it always has.

    A model's JSON holding ``null``, ``NaN`` or ``Infinity`` anywhere (even inside a
    string) goes the general way: pydantic writes a NaN or an infinity as ``null``
    (or as the bare constants, by a model's configuration), where the general path
    refuses it. Floats inside a model are written by pydantic (shortest round-trip
    form, the same number; ``1e16`` where Python writes ``1e+16``)."""
    pieces: list[bytes] = []
    for key, value in variables.items():
        kind: type[Any] = type(value)  # pyright: ignore[reportUnknownVariableType]
        if kind is UnsetType:
            continue
        if type(key) is not str:
            return None
        if kind is str:
            text = _encode_text(value)
        elif kind is int:
            text = int.__repr__(value)
        elif kind is bool:
            text = "true" if value else "false"
        elif value is None:
            text = "null"
        elif kind is float:
            if not -_INF < value < _INF:
                return None
            text = float.__repr__(value)
        else:
            plain_dump = _PLAIN_DUMP.get(kind)
            if plain_dump is None:
                plain_dump = _plain_dump(kind)
            if not plain_dump:
                return None
            try:
                dumped: bytes = value.__pydantic_serializer__.to_json(
                    value, by_alias=True, exclude_unset=True, warnings=True
                )
            except Exception:  # the general path says what is wrong
                return None
            if b"null" in dumped or b"NaN" in dumped or b"Infinity" in dumped:
                return None
            name = _KEY_JSON.get(key)
            if name is None:
                name = _key_json(key)
                if name is None:
                    return None
            pieces.append(name + dumped)
            continue
        name = _KEY_JSON.get(key)
        if name is None:
            name = _key_json(key)
            if name is None:
                return None
        try:
            pieces.append(name + text.encode())
        except UnicodeError:  # a lone surrogate: refused by the general path
            return None
    return b"{" + b",".join(pieces) + b"}"


_KEY_JSON: dict[str, bytes] = {}
"""Per variable name met: its JSON text and the colon, as bytes."""


def _key_json(key: str) -> bytes | None:
    try:
        name: bytes = (_encode_text(key) + ":").encode()
    except UnicodeError:
        return None
    if len(_KEY_JSON) >= 1024:
        _KEY_JSON.clear()
    _KEY_JSON[key] = name
    return name


_encode_text: Any = getattr(json.encoder, "c_encode_basestring", None) or encode_basestring


def encode_body(
    query: str, operation_name: str | None, variables: Mapping[str, Any] | None
) -> bytes:
    """The exact bytes of a GraphQL POST body: ``{"query":...,"variables":...,
    "operationName":...}``. The parts around the variables are encoded once per
    (query, operation name); only the variables are serialized per call."""
    if not isinstance(query, str):
        raise AppSyncConfigError("query must be a non-empty GraphQL document")
    parts = _BODY_PARTS.get((query, operation_name))
    if parts is None and not query.strip():
        raise AppSyncConfigError("query must be a non-empty GraphQL document")
    given: object = type(variables)
    if given is dict and variables is not None:  # a generated method's: one pass
        quick = _quick_variables(variables)
        if quick is not None:
            if parts is None:
                parts = _body_parts(query, operation_name)
            return b"".join((parts[0], quick, parts[1]))
    encoded = encode_variables(variables)
    try:
        text = _dumps(encoded)
        if parts is None:
            parts = _body_parts(query, operation_name)
        return b"".join((parts[0], text.encode("utf-8"), parts[1]))
    except ValueError as exc:  # NaN/Infinity (from a model), or a lone surrogate
        bad = _find_non_finite(encoded)
        if bad is not None:
            raise _located(bad) from None
        raise AppSyncConfigError(f"variables cannot be serialized to JSON: {exc}") from None
    except RecursionError:
        raise AppSyncConfigError(
            "variables cannot be sent: they nest too deeply for the Python stack"
        ) from None


# ---------------------------------------------------------------- operation type

_OPERATION_KEYWORDS = frozenset(("query", "mutation", "subscription"))
# GraphQL's lexical grammar, reduced to what finding definitions needs: ignored
# tokens (whitespace, commas, BOM, comments), strings (braces inside them do not
# count), names, and any other single character.
_LEX = re.compile(
    r"[\s,\ufeff]+"  # ignored: whitespace, commas, byte order mark
    r"|#[^\n\r]*"  # a comment
    r'|"""(?:\\"""|(?!""")[\s\S])*"""'  # a block string
    r'|"(?:\\.|[^"\\\n\r])*"'  # a string
    r"|([_A-Za-z][_0-9A-Za-z]*)"  # group 1: a name
    r"|([{}()\[\]])"  # group 2: a bracket
    r"|[\s\S]"  # anything else, one character at a time
)
_TYPE_CACHE: dict[tuple[str, str | None], OperationType] = {}
_TYPE_CACHE_SIZE = 1024


def _scan_operation_type(document: str, operation_name: str | None) -> OperationType:
    """The type of the operation ``operation_name`` selects (the first operation when
    None), found by lexing top-level definitions only. Anything unclear counts as a
    mutation, the type that is never re-sent once it may have reached the server."""
    depth = 0
    at_definition = True  # the next top-level token starts a definition
    keyword: str | None = None  # the current definition's keyword, until its name
    for match in _LEX.finditer(document):
        name, bracket = match.group(1), match.group(2)
        if bracket is not None:
            if depth == 0 and at_definition and bracket == "{":  # "{ ... }": a query
                if operation_name is None:
                    return "query"
                at_definition = False
            if keyword is not None and depth == 0:
                # "query {" / "query(": an anonymous operation
                if operation_name is None:
                    return keyword  # type: ignore[return-value]
                keyword = None
            if bracket in "{([":
                depth += 1
            else:
                depth -= 1
                if depth == 0 and bracket == "}":
                    at_definition = True
                elif depth < 0:
                    break
            continue
        if depth != 0 or name is None:
            continue
        if at_definition:
            at_definition = False
            keyword = name if name in _OPERATION_KEYWORDS else None
        elif keyword is not None:
            if operation_name is None or name == operation_name:
                return keyword  # type: ignore[return-value]
            keyword = None
    return "mutation"


def operation_type(document: str, operation_name: str | None = None) -> OperationType:
    """``"query"``, ``"mutation"`` or ``"subscription"``: the type of the operation
    ``operation_name`` selects in ``document`` (comments, ``{`` shorthand, fragments
    first and several operations are all understood). Cached per document, so a call
    pays a dictionary lookup; a document it cannot read counts as a mutation."""
    key = (document, operation_name)
    kind = _TYPE_CACHE.get(key)
    if kind is None:
        kind = _scan_operation_type(document, operation_name)
        if len(_TYPE_CACHE) >= _TYPE_CACHE_SIZE:
            _TYPE_CACHE.clear()
        _TYPE_CACHE[key] = kind
    return kind
