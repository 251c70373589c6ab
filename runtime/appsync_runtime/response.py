"""Turning AppSync's response bytes into data, or into exactly one typed error."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic_core import from_json

from .auth import AuthRejection
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
    "GraphQLResponse",
    "HttpResponse",
    "Validated",
    "classify_auth_failure",
    "describe_rejection",
    "parse_response",
    "redact",
    "validate_json",
]

_MAX_MESSAGE = 500
_MAX_ENTRIES = 1000  # GraphQL error entries kept; a hostile body may hold millions


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
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    request_id: str | None = None
    extensions: Mapping[str, Any] | None = None


_SECRET_PATTERNS = (
    # The canonical string AppSync quotes on a signature mismatch includes the
    # session token and every signed header: drop everything from there on.
    (re.compile(r"(?is)(The Canonical String for this request should have been).*"), r"\1 ..."),
    (re.compile(r"(?i)(x-amz-security-token[\"']?\s*[:=]\s*)[^\s,;\"']+"), r"\1***"),
    (re.compile(r"(?i)(Signature=)[0-9a-f]+"), r"\1***"),
    (re.compile(r"(?i)(Credential=)[^\s,/]+"), r"\1***"),
    (re.compile(r"eyJ[\w-]*\.[\w-]*\.[\w-]*"), "<jwt>"),
    (re.compile(r"\bda2-[a-z0-9]{20,}\b"), "da2-***"),
)


def redact(text: str) -> str:
    """Remove anything secret-looking from server text before it reaches a message."""
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    if len(text) > _MAX_MESSAGE:
        text = text[:_MAX_MESSAGE] + "..."
    return text


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
try:  # pydantic-core 2.18 (pydantic 2.7) and later cache only the keys on request
    _FROM_JSON_OPTIONS: dict[str, Any] = {"cache_strings": "keys", "allow_inf_nan": False}
    from_json(b"{}", **_FROM_JSON_OPTIONS)
except TypeError:  # pragma: no cover - older pydantic-core
    _FROM_JSON_OPTIONS = {"allow_inf_nan": False}


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
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, default=str)[:_MAX_MESSAGE]
    except (ValueError, TypeError, RecursionError):  # too deep, or a circular oddity
        return f"(a JSON {type(value).__name__})"


def _entry(raw: Any) -> GraphQLErrorEntry:
    if not isinstance(raw, Mapping):
        return GraphQLErrorEntry(message=redact(_text(raw)))
    error_type = raw.get("errorType")
    path = raw.get("path")
    locations = raw.get("locations")
    extensions = raw.get("extensions")
    return GraphQLErrorEntry(
        message=redact(_text(raw.get("message", "(no message)"))),
        error_type=error_type if isinstance(error_type, str) else None,
        error_info=raw.get("errorInfo"),
        path=tuple(p for p in path if isinstance(p, (str, int)))
        if isinstance(path, list)
        else None,
        locations=tuple(loc for loc in locations if isinstance(loc, Mapping))
        if isinstance(locations, list)
        else None,
        data=raw.get("data"),
        extensions=extensions if isinstance(extensions, Mapping) else None,
    )


def _entries(raw: Any) -> list[GraphQLErrorEntry]:
    """AppSync sends a list; a lone object (seen in real-time frames) counts as one.
    Only the first ``_MAX_ENTRIES`` are kept."""
    if isinstance(raw, list):
        return [_entry(item) for item in raw[:_MAX_ENTRIES]]
    if raw is None or raw == {}:
        return []
    return [_entry(raw)]


def _describe_body(content: bytes, headers: Mapping[str, str]) -> str:
    kind = _header(headers, "content-type") or "no content type"
    if not content:
        return f"an empty body ({kind})"
    return f"{len(content)} bytes of {kind.split(';', 1)[0]}"


def classify_auth_failure(status: int, error_type: str | None, message: str) -> str:
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


def _server_message(payload: Any) -> tuple[str | None, str | None]:
    """(errorType, message) from an error body of any of AppSync's shapes."""
    if isinstance(payload, Mapping):
        errors = _entries(payload.get("errors"))
        if errors:
            return errors[0].error_type, errors[0].message
        message = payload.get("message") or payload.get("Message")
        error_type = payload.get("errorType") or payload.get("__type")
        return (
            error_type if isinstance(error_type, str) else None,
            redact(_text(message)) if message is not None else None,
        )
    return None, None


def describe_rejection(status: int, headers: Mapping[str, str], content: bytes) -> AuthRejection:
    """Summarize a 401/403 for :meth:`AuthStrategy.should_retry`."""
    try:
        payload = _decode(content)
    except (ValueError, RecursionError):
        payload = None
    error_type, message = _server_message(payload)
    return AuthRejection(
        status=status,
        error_type=error_type or _error_type_header(headers),
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
    response: HttpResponse, request_id: str | None, operation_name: str | None
) -> AppSyncHTTPError:
    status, headers, content = response.status, response.headers, response.content
    try:
        payload = _decode(content)
        parsed = True
    except (ValueError, RecursionError):
        payload, parsed = None, False
    error_type, message = _server_message(payload)
    error_type = error_type or _error_type_header(headers)
    detail = message or _describe_body(content, headers)
    common: dict[str, Any] = {
        "status": status,
        "error_type": error_type,
        "body": content[:2048],
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


def parse_response(response: HttpResponse, operation_name: str | None = None) -> GraphQLResponse:
    """Data from a response, or the one :class:`AppSyncError` that describes it.

    Whatever the bytes, nothing but an :class:`AppSyncError` is raised."""
    try:
        return _parse(response, operation_name)
    except AppSyncError:
        raise
    except Exception as exc:  # a body hostile in a way not foreseen above
        raise AppSyncResponseError(
            f"could not interpret the response ({type(exc).__name__})",
            status=response.status,
            body=response.content,
            operation_name=operation_name,
        ) from None


def _parse(response: HttpResponse, operation_name: str | None) -> GraphQLResponse:
    request_id = _header(response.headers, "x-amzn-RequestId")
    if not 200 <= response.status < 300:
        raise _http_error(response, request_id, operation_name)
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
        raise AppSyncResponseError(
            "expected a JSON GraphQL response, got "
            + _describe_body(response.content, response.headers),
            status=response.status,
            body=response.content,
            request_id=request_id,
            operation_name=operation_name,
        ) from None
    if not isinstance(payload, dict):
        raise AppSyncResponseError(
            f"expected a JSON object, got a JSON {type(payload).__name__}",
            status=response.status,
            body=response.content,
            request_id=request_id,
            operation_name=operation_name,
        )
    data = payload.get("data")
    if data is not None and not isinstance(data, dict):
        raise AppSyncResponseError(
            f"'data' must be an object or null, got a JSON {type(data).__name__}",
            status=response.status,
            body=response.content,
            request_id=request_id,
            operation_name=operation_name,
        )
    raw_errors = payload.get("errors")
    errors = _entries(raw_errors)
    if errors:
        raise AppSyncGraphQLError(
            errors,
            total=len(raw_errors) if isinstance(raw_errors, list) else None,
            data=data,
            status=response.status,
            request_id=request_id,
            operation_name=operation_name,
        )
    if data is None:
        raise AppSyncResponseError(
            "the response has neither 'data' nor 'errors'",
            status=response.status,
            body=response.content,
            request_id=request_id,
            operation_name=operation_name,
        )
    extensions = payload.get("extensions")
    return GraphQLResponse(
        data=data,
        status=response.status,
        headers=response.headers,
        request_id=request_id,
        extensions=extensions if isinstance(extensions, Mapping) else None,
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
    try:
        parsed = envelope.model_validate_json(content)
    except Exception:  # not JSON, not this shape, or a validator that raised
        return None
    errors = parsed.errors
    if errors is None or errors == [] or errors == {}:
        return Validated(parsed.data)
    return None
