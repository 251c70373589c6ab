"""Building the request: variables serialized once to the JSON bytes that are sent."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel as PydanticBaseModel
from pydantic_core import PydanticSerializationError, to_jsonable_python

from .errors import AppSyncConfigError
from .model import UnsetType

__all__ = ["JSON_CONTENT_TYPE", "HttpRequest", "Timeout", "encode_body", "encode_variables"]

JSON_CONTENT_TYPE = "application/json; charset=UTF-8"


@dataclass(frozen=True)
class Timeout:
    """Seconds allowed to connect, to wait for each read, and for the whole call
    (``total``; None for no overall deadline)."""

    connect: float = 10.0
    read: float = 30.0
    total: float | None = None

    def __post_init__(self) -> None:
        for name in ("connect", "read", "total"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, (int, float)) or value <= 0):
                raise AppSyncConfigError(f"timeout {name} must be a positive number of seconds")

    @classmethod
    def coerce(cls, value: Timeout | float | None) -> Timeout:
        """A :class:`Timeout` from a Timeout, a number (connect and read), or None."""
        if isinstance(value, Timeout):
            return value
        if value is None:
            return cls()
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise AppSyncConfigError("timeout must be a Timeout or a number of seconds")
        return cls(connect=float(value), read=float(value))


@dataclass(frozen=True)
class HttpRequest:
    """One HTTP request for a transport to send."""

    method: str
    url: str
    headers: dict[str, str]
    content: bytes
    timeout: Timeout


def _encode(value: Any) -> Any:
    if isinstance(value, PydanticBaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, Mapping):
        return {
            str(key): _encode(item)
            for key, item in value.items()
            if not isinstance(item, UnsetType)
        }
    if isinstance(value, (list, tuple)):
        return [_encode(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return to_jsonable_python(value)


def encode_variables(variables: Mapping[str, Any] | None) -> dict[str, Any]:
    """Variables as JSON-ready values: models dumped by alias, UNSET dropped."""
    if not variables:
        return {}
    try:
        return {
            key: _encode(value)
            for key, value in variables.items()
            if not isinstance(value, UnsetType)
        }
    except (PydanticSerializationError, TypeError, ValueError) as exc:
        raise AppSyncConfigError(f"variables cannot be serialized to JSON: {exc}") from None


def encode_body(
    query: str, operation_name: str | None, variables: Mapping[str, Any] | None
) -> bytes:
    """The exact bytes of a GraphQL POST body."""
    if not isinstance(query, str) or not query.strip():
        raise AppSyncConfigError("query must be a non-empty GraphQL document")
    body: dict[str, Any] = {"query": query, "variables": encode_variables(variables)}
    if operation_name is not None:
        body["operationName"] = operation_name
    try:
        text = json.dumps(body, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        return text.encode("utf-8")
    except ValueError as exc:  # NaN/Infinity, or a lone surrogate (UnicodeEncodeError)
        raise AppSyncConfigError(f"variables cannot be serialized to JSON: {exc}") from None
