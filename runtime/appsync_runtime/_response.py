"""Turning AppSync's response bytes into data, or into exactly one typed error."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from pydantic_core import from_json

from ._redaction import MAX_BODY, MAX_MESSAGE, NO_SECRETS, Scrubber, redact
from .errors import (
    AppSyncAuthError,
    AppSyncError,
    AppSyncErrorPageError,
    AppSyncGraphQLError,
    AppSyncHTTPError,
    AppSyncResponseError,
    AppSyncThrottledError,
    AuthFailureReason,
    GraphQLErrorEntry,
)

__all__ = [
    "NATIVE_SCALAR_ERROR",
    "AuthRejection",
    "GraphQLResponse",
    "HttpResponse",
    "Validated",
    "classify_auth_failure",
    "describe_rejection",
    "error_entries",
    "parse_response",
    "redact",
    "reported_problems",
    "validate_json",
]

_MAX_ENTRIES = 1000  # GraphQL error entries kept; a hostile body may hold millions


@dataclass(frozen=True)
class AuthRejection:
    """What a 401 or 403 said, for a strategy deciding whether a retry can help."""

    status: int
    error_type: str | None
    message: str
    headers: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """What a transport hands back: status, headers (case-insensitive) and raw body."""

    status: int
    headers: Mapping[str, str]
    content: bytes


@dataclass(frozen=True, slots=True)
class GraphQLResponse:
    """A successful GraphQL response: ``data`` is never None here."""

    data: dict[str, Any]
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict[str, str], repr=False)
    request_id: str | None = None
    extensions: Mapping[str, Any] | None = None


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        value = headers.get(name.lower())
    return value


def _error_type_header(headers: Mapping[str, str]) -> str | None:
    # "UnauthorizedException:http://internal.amazon.com/coral/..." -> the name only
    value = _header(headers, "x-amzn-ErrorType")
    return value.split(":", 1)[0].strip() or None if value else None


class _NonFinite(ValueError):
    """A body holding ``NaN`` or ``Infinity``: not JSON, and never sent by AppSync."""


def _no_constant(name: str) -> Any:
    raise _NonFinite(f"{name} is not a JSON number")


_DECODER = json.JSONDecoder(parse_constant=_no_constant)


def _from_json_options() -> dict[str, Any]:
    """pydantic-core 2.18 (pydantic 2.7) and later cache only the keys on request."""
    options: dict[str, Any] = {"cache_strings": "keys", "allow_inf_nan": False}
    try:
        from_json(b"{}", **options)
    except TypeError:  # pragma: no cover - older pydantic-core
        return {"allow_inf_nan": False}
    return options


_FROM_JSON_OPTIONS = _from_json_options()


def _decode(content: bytes) -> Any:
    """JSON-decode a body; raises ValueError (or RecursionError) on anything that is
    not JSON, ``NaN`` and ``Infinity`` included (:class:`_NonFinite`).

    pydantic-core's parser takes the common case (UTF-8 JSON, what AppSync sends) at
    about two thirds of the cost of :mod:`json`, with the same values. Whatever it
    refuses (a BOM, UTF-16/32, lone surrogate escapes, nesting deeper than 200, not
    JSON at all) goes to :mod:`json`, which decides: the result, or the error."""
    try:
        return from_json(content, **_FROM_JSON_OPTIONS)
    except (ValueError, TypeError):
        pass
    if content[:3] == b"\xef\xbb\xbf" or b"\x00" in content[:4]:
        return json.loads(content, parse_constant=_no_constant)
    return _DECODER.decode(content.decode("utf-8"))


def loads(text: str | bytes) -> Any:
    """``json.loads(text)``: the same values and errors, through pydantic-core's
    faster parser whenever it accepts the text (see :func:`_decode`)."""
    try:
        return from_json(text, **_FROM_JSON_OPTIONS)
    except (ValueError, TypeError):  # TypeError: a str holding a lone surrogate
        return json.loads(text)


def _text(value: Any) -> str:
    """Server text as it came (cut only where scrubbed: see :mod:`.redaction`)."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, default=str)
    except (ValueError, TypeError, RecursionError):  # too deep, or a circular oddity
        return f"(a JSON {type(value).__name__})"


def _items(value: object) -> list[Any] | None:
    """``value`` if it is a list (of JSON values), else None."""
    items: list[Any] | None = value if isinstance(value, list) else None  # pyright: ignore[reportUnknownVariableType]
    return items


def _entry(raw: Any, scrubber: Scrubber) -> GraphQLErrorEntry:
    """One entry, every field scrubbed (the message scrubbed, then cut)."""
    if not isinstance(raw, Mapping):
        return GraphQLErrorEntry(message=scrubber.text(_text(raw), MAX_MESSAGE))
    fields = cast("Mapping[str, Any]", raw)
    error_type = fields.get("errorType")
    path = _items(fields.get("path"))
    locations = _items(fields.get("locations"))
    extensions = fields.get("extensions")
    value = scrubber.value
    return GraphQLErrorEntry(
        message=scrubber.text(_text(fields.get("message", "(no message)")), MAX_MESSAGE),
        error_type=scrubber.text(error_type, 200) if isinstance(error_type, str) else None,
        error_info=value(fields.get("errorInfo")),
        path=tuple(value(p) for p in path if isinstance(p, (str, int)))
        if path is not None
        else None,
        locations=tuple(value(loc) for loc in locations if isinstance(loc, Mapping))
        if locations is not None
        else None,
        data=value(fields.get("data")),
        extensions=value(extensions) if isinstance(extensions, Mapping) else None,
    )


def _entries(raw: Any, scrubber: Scrubber = NO_SECRETS) -> list[GraphQLErrorEntry]:
    """AppSync sends a list; a lone object (seen in real-time frames) counts as one.
    Only the first ``_MAX_ENTRIES`` are kept."""
    items = _items(raw)
    if items is not None:
        return [_entry(item, scrubber) for item in items[:_MAX_ENTRIES]]
    if raw is None or raw == {}:
        return []
    return [_entry(raw, scrubber)]


def error_entries(raw: Any) -> list[GraphQLErrorEntry]:
    """GraphQL ``errors`` as entries, as :func:`parse_response` reads them: a list, or a
    lone object (as in some real-time frames); only the first ones are kept."""
    return _entries(raw)


def _describe_body(content: bytes, headers: Mapping[str, str], scrubber: Scrubber) -> str:
    kind = scrubber.text(_header(headers, "content-type") or "no content type", 100)
    if not content:
        return f"an empty body ({kind})"
    return f"{len(content)} bytes of {kind.split(';', 1)[0]}"


def classify_auth_failure(status: int, error_type: str | None, message: str) -> AuthFailureReason:
    """Which :class:`AuthFailureReason` a 401/403 means.

    AppSync sends ``InvalidSignatureException`` for several distinct causes, so the
    message text has to be consulted here (and only here).
    """
    lowered = message.lower()
    if status == 401:
        return AuthFailureReason.UNAUTHORIZED
    if "signature expired" in lowered or "not yet current" in lowered:
        return AuthFailureReason.CLOCK_SKEW
    if (
        error_type in ("UnrecognizedClientException", "ExpiredTokenException")
        or "security token included in the request is" in lowered
        or "token has expired" in lowered
    ):
        return AuthFailureReason.EXPIRED_CREDENTIALS
    if "signature we calculated does not match" in lowered:
        return AuthFailureReason.SIGNATURE_MISMATCH
    if "is not authorized to perform" in lowered or error_type == "AccessDeniedException":
        return AuthFailureReason.ACCESS_DENIED
    return AuthFailureReason.FORBIDDEN


_LIKELY_CAUSE = {
    AuthFailureReason.UNAUTHORIZED: "the API key or token is missing, wrong, expired, or of "
    "an auth mode this API or field does not allow",
    AuthFailureReason.SIGNATURE_MISMATCH: "wrong secret key, wrong region, or the request "
    "changed after signing (a proxy rewriting it)",
    AuthFailureReason.CLOCK_SKEW: "this machine's clock is off by more than AppSync allows",
    AuthFailureReason.EXPIRED_CREDENTIALS: "the session token expired or does not belong "
    "to the access key",
    AuthFailureReason.ACCESS_DENIED: "the IAM identity lacks appsync:GraphQL permission on "
    "this API or field",
    AuthFailureReason.FORBIDDEN: "the caller is not allowed to make this call",
}


def _server_message(payload: Any, scrubber: Scrubber) -> tuple[str | None, str | None]:
    """(errorType, message) from an error body of any of AppSync's shapes, scrubbed."""
    if isinstance(payload, Mapping):
        fields = cast("Mapping[str, Any]", payload)
        errors = _entries(fields.get("errors"), scrubber)
        if errors:
            return errors[0].error_type, errors[0].message
        message = fields.get("message") or fields.get("Message")
        error_type = fields.get("errorType") or fields.get("__type")
        return (
            scrubber.text(error_type, 200) if isinstance(error_type, str) else None,
            scrubber.text(_text(message), MAX_MESSAGE) if message is not None else None,
        )
    return None, None


def describe_rejection(
    status: int, headers: Mapping[str, str], content: bytes, scrubber: Scrubber = NO_SECRETS
) -> AuthRejection:
    """Summarize a 401/403 for :meth:`AuthStrategy.should_retry` (its text scrubbed
    of secret-looking text and of ``scrubber``'s secrets)."""
    try:
        payload = _decode(content)
    except (ValueError, RecursionError):
        payload = None
    error_type, message = _server_message(payload, scrubber)
    if error_type is None:
        error_type = _error_type_header(headers)
        if error_type is not None:
            error_type = scrubber.text(error_type, 200)
    return AuthRejection(
        status=status,
        error_type=error_type,
        message=message or "",
        headers=headers,
    )


def _retry_after(headers: Mapping[str, str]) -> float | None:
    """``Retry-After`` in seconds (delta-seconds or an HTTP date); None if absent or bad."""
    value = _header(headers, "Retry-After")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        from datetime import datetime, timezone
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value)
            if when.tzinfo is None:  # "-0000": UTC by RFC 5322
                when = when.replace(tzinfo=timezone.utc)
            seconds = (when - datetime.now(timezone.utc)).total_seconds()
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


def _http_error(
    response: HttpResponse, request_id: str | None, operation_name: str | None, scrubber: Scrubber
) -> AppSyncHTTPError:
    status, headers, content = response.status, response.headers, response.content
    try:
        payload = _decode(content)
        parsed = True
    except (ValueError, RecursionError):
        payload, parsed = None, False
    error_type, message = _server_message(payload, scrubber)
    if error_type is None:
        error_type = _error_type_header(headers)
        if error_type is not None:
            error_type = scrubber.text(error_type, 200)
    detail = message or _describe_body(content, headers, scrubber)
    common: dict[str, Any] = {
        "status": status,
        "error_type": error_type,
        "body": scrubber.data(content, MAX_BODY),
        "request_id": request_id,
        "operation_name": operation_name,
    }
    label = f"HTTP {status}" + (f" {error_type}" if error_type else "")
    if status in (401, 403):
        reason = classify_auth_failure(status, error_type, message or "")
        return AppSyncAuthError(
            f"{label}: {detail}; likely cause: {_LIKELY_CAUSE[reason]}", reason=reason, **common
        )
    if status == 429:
        return AppSyncThrottledError(
            f"{label}: {detail}", retry_after=_retry_after(headers), **common
        )
    if status >= 500:
        common["retry_after"] = _retry_after(headers)
    if not parsed:
        return AppSyncErrorPageError(f"{label}: {detail}", **common)
    return AppSyncHTTPError(f"{label}: {detail}", **common)


def parse_response(
    response: HttpResponse, operation_name: str | None = None, scrubber: Scrubber | None = None
) -> GraphQLResponse:
    """Data from a response, or the one :class:`AppSyncError` that describes it.

    Whatever the bytes, nothing but an :class:`AppSyncError` is raised. Its server
    text (message, kept body, GraphQL error entries, request id) is scrubbed of
    secret-looking text and of ``scrubber``'s secrets (the call's own) before it is
    cut; so is the partial ``data`` of an :class:`AppSyncGraphQLError`, of the
    secrets only."""
    scrubber = NO_SECRETS if scrubber is None else scrubber
    try:
        return _parse(response, operation_name, scrubber)
    except AppSyncError:
        raise
    except Exception as exc:  # a body hostile in a way not foreseen above
        raise AppSyncResponseError(
            f"could not interpret the response ({type(exc).__name__})",
            status=response.status,
            body=scrubber.data(response.content, MAX_BODY),
            operation_name=operation_name,
        ) from None


def _unusable(
    response: HttpResponse,
    request_id: str | None,
    operation_name: str | None,
    scrubber: Scrubber,
    message: str,
) -> AppSyncResponseError:
    return AppSyncResponseError(
        message,
        status=response.status,
        body=scrubber.data(response.content, MAX_BODY),
        request_id=scrubber.text(request_id, 200) if request_id is not None else None,
        operation_name=operation_name,
    )


def _parse(
    response: HttpResponse, operation_name: str | None, scrubber: Scrubber
) -> GraphQLResponse:
    request_id = _header(response.headers, "x-amzn-RequestId")
    where = (response, request_id, operation_name, scrubber)
    if not 200 <= response.status < 300:
        clean_id = scrubber.text(request_id, 200) if request_id is not None else None
        raise _http_error(response, clean_id, operation_name, scrubber)
    try:
        payload = _decode(response.content)
    except _NonFinite as exc:
        raise AppSyncResponseError(
            f"the response is not JSON: {exc} (JSON has no NaN or Infinity)",
            status=response.status,
            body=response.content,
            request_id=request_id,
            operation_name=operation_name,
        ) from None
    except (ValueError, RecursionError):
        raise _unusable(
            *where,
            "expected a JSON GraphQL response, got "
            + _describe_body(response.content, response.headers, scrubber),
        ) from None
    if not isinstance(payload, dict):
        raise _unusable(*where, f"expected a JSON object, got a JSON {type(payload).__name__}")
    payload = cast("dict[str, Any]", payload)
    data: Any = payload.get("data")
    if data is not None and not isinstance(data, dict):
        raise _unusable(
            *where,
            f"'data' must be an object or null, got a JSON {type(data).__name__}",
        )
    raw_errors: Any = payload.get("errors")
    errors = _entries(raw_errors, scrubber)
    if errors:
        partial: dict[str, Any] | None = data  # pyright: ignore[reportUnknownVariableType]
        listed = _items(raw_errors)
        raise AppSyncGraphQLError(
            errors,
            total=len(listed) if listed is not None else None,
            data=scrubber.value(partial, patterns=False) if scrubber else partial,
            status=response.status,
            request_id=scrubber.text(request_id, 200) if request_id is not None else None,
            operation_name=operation_name,
        )
    if data is None:
        raise _unusable(*where, "the response has neither 'data' nor 'errors'")
    extensions: Any = payload.get("extensions")
    result: dict[str, Any] = data  # pyright: ignore[reportUnknownVariableType]
    return GraphQLResponse(
        data=result,
        status=response.status,
        headers=response.headers,
        request_id=request_id,
        extensions=cast("Mapping[str, Any]", extensions)
        if isinstance(extensions, Mapping)
        else None,
    )


# ---------------------------------------------------------------- typed fast path


class Validated:
    """A response's ``data`` already validated as the call's result model."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


_NO_FAST_PATH: Any = object()
_ENVELOPES: dict[type[Any], Any] = {}  # model -> pydantic model of {"data": model, ...}


def _envelope(model: type[Any]) -> Any:
    """A pydantic model of the GraphQL envelope around ``model`` (built once per
    model), or ``_NO_FAST_PATH`` when none can be built for it."""
    envelope = _ENVELOPES.get(model)
    if envelope is None:
        from pydantic import create_model

        try:
            envelope = create_model(
                f"{model.__name__}Envelope", data=(model, ...), errors=(Any, None)
            )
            envelope.model_rebuild()
        except Exception:  # a model pydantic cannot build a validator for
            envelope = _NO_FAST_PATH
        _ENVELOPES[model] = envelope
    return envelope


def validate_json(model: type[Any], content: bytes) -> Validated | None:
    """``data`` of a 2xx response body validated as ``model`` in one pass over the
    bytes (pydantic's JSON mode: no intermediate dicts), when the body is a plain
    success: a JSON object whose ``data`` fits ``model`` and whose ``errors`` is
    absent, null or empty. Anything else gives None, and the caller takes the
    ordinary path (:func:`parse_response`, then ``model.model_validate``), whose
    result or error is then exactly what it would have been (pydantic's parser takes
    ``NaN`` and ``Infinity`` anywhere, even where ``model`` ignores them: a body
    holding those bytes, even inside a string, goes the ordinary way)."""
    envelope = _envelope(model)
    if envelope is _NO_FAST_PATH or b"NaN" in content or b"Infinity" in content:
        return None
    try:  # the model's own validator: model_validate_json without its Python wrapper
        parsed = envelope.__pydantic_validator__.validate_json(content)
    except Exception:  # not JSON, not this shape, or a validator that raised
        return None
    errors = parsed.errors
    if errors is None or errors == [] or errors == {}:
        return Validated(parsed.data)
    return None


NATIVE_SCALAR_ERROR = "appsync_scalar_not_native"
"""The pydantic error type of the native half of an AppSync scalar's schema (see
``appsync_runtime.scalars._native_scalars``): it always comes with the exact
parser's own error for the same value, which is the one to report."""


def reported_problems(exc: Any) -> list[Any]:
    """The errors of a pydantic ``ValidationError`` worth reporting: those of the
    exact scalar parsers, not their native halves' pointers to them."""
    problems = exc.errors(include_url=False, include_input=False)
    return [problem for problem in problems if problem["type"] != NATIVE_SCALAR_ERROR]
