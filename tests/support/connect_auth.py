"""Reading a real-time connect's auth back, as a server would (tests and fakes only)."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["decode_connect_auth"]


def decode_connect_auth(
    url: str, protocols: tuple[str, ...] | list[str], headers: Mapping[str, str] | None = None
) -> dict[str, Any] | None:
    """The auth object a connect carries, read back as a server would (for tests and
    fakes): from a ``header-`` subprotocol, else the ``header`` query parameter."""
    for protocol in protocols:
        if protocol.startswith("header-"):
            token = protocol[len("header-") :]
            decoded = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            value = json.loads(decoded)
            return value if isinstance(value, dict) else None
    query = parse_qs(urlsplit(url).query)
    if "header" in query:
        value = json.loads(base64.b64decode(query["header"][0], validate=True))
        return value if isinstance(value, dict) else None
    return dict(headers) if headers else None
