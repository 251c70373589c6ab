"""What a real-time connect or subscription carries for auth, and how it travels.

A strategy authorizes an :class:`~appsync_runtime._auth.AuthRequest` standing for the
connect (:func:`connect_auth_request`) or one ``start`` (:func:`start_auth_request`);
:func:`authorization_payload` turns its headers into the JSON auth object the server
reads, and :func:`connect_target` puts the connect's object where the chosen
:data:`~._realtime_types.ConnectForm` says: a ``header-`` subprotocol, the legacy query
string, or upgrade headers. All pure.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import quote, urlsplit, urlunsplit

from ._auth import AuthMode, AuthRequest
from ._endpoints import is_loopback_host, url_without_query
from ._realtime_types import ConnectForm

__all__ = [
    "CONNECT_HEADERS",
    "SUBPROTOCOL",
    "ConnectTarget",
    "authorization_payload",
    "connect_auth_request",
    "connect_target",
    "resolve_connect_form",
    "start_auth_request",
]

SUBPROTOCOL: Final = "graphql-ws"
"""The WebSocket subprotocol of GraphQL subscriptions (the default one offered)."""

CONNECT_HEADERS: Final[Mapping[str, str]] = {
    "accept": "application/json, text/javascript",
    "content-encoding": "amz-1.0",
    "content-type": "application/json; charset=UTF-8",
}
"""The headers AWS clients sign for a real-time connect and for each ``start``."""


def connect_auth_request(url: str, host: str, region: str | None) -> AuthRequest:
    """What a strategy authorizes for a connect: ``POST <graphql url>/connect`` with
    body ``{}`` and :data:`CONNECT_HEADERS` (what AWS clients sign)."""
    return AuthRequest(
        method="POST",
        url=url_without_query(url).rstrip("/") + "/connect",  # no query, no fragment
        host=host,
        body=b"{}",
        headers=CONNECT_HEADERS,
        region=region,
    )


def start_auth_request(url: str, host: str, region: str | None, body: bytes) -> AuthRequest:
    """What a strategy authorizes for a ``start``: ``POST <graphql url>`` whose body is
    exactly ``body``, the bytes whose text the ``start`` frame carries."""
    return AuthRequest(
        method="POST",
        url=url,
        host=host,
        body=body,
        headers=CONNECT_HEADERS,
        region=region,
    )


def authorization_payload(
    request: AuthRequest, mode: AuthMode | str | None, headers: Mapping[str, str]
) -> dict[str, str]:
    """The JSON auth object for a connect or a ``start``: ``host`` plus the strategy's
    headers. A SigV4 signature also covers the request's own headers, so for IAM
    those travel too (AppSync rebuilds the signed request from this object)."""
    signed = mode == AuthMode.AWS_IAM or str(headers.get("Authorization", "")).startswith(
        "AWS4-HMAC-SHA256"
    )
    payload: dict[str, str] = dict(request.headers) if signed else {}
    payload["host"] = request.host
    payload.update(headers)
    return payload


@dataclass(frozen=True)
class ConnectTarget:
    """Where and how to open the WebSocket: ``url`` (already percent-encoded),
    ``protocols`` to offer and extra upgrade ``headers``. The URL and the protocols
    may hold secrets: never log them."""

    url: str
    protocols: tuple[str, ...]
    headers: Mapping[str, str]

    def __repr__(self) -> str:
        return (
            f"ConnectTarget(url={url_without_query(self.url)!r}, protocols=<{len(self.protocols)}>)"
        )


def _b64(payload: Mapping[str, str]) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode("utf-8")


def resolve_connect_form(
    form: ConnectForm, realtime_url: str, query_form: bool = True
) -> ConnectForm:
    """``auto`` made concrete: ``query`` for loopback hosts (the Amplify simulator
    reads only that form) when the protocol knows that form (``query_form``),
    ``subprotocol`` everywhere else."""
    if form != "auto":
        return form
    hostname = urlsplit(realtime_url).hostname or ""
    return "query" if query_form and is_loopback_host(hostname) else "subprotocol"


def connect_target(
    realtime_url: str,
    auth: Mapping[str, str],
    form: ConnectForm = "auto",
    subprotocol: str | None = None,
    query_form: bool = True,
) -> ConnectTarget:
    """The connect request carrying ``auth`` (see :data:`ConnectForm`), offering
    ``subprotocol`` (``graphql-ws`` unless told); ``query_form`` as in
    :func:`resolve_connect_form`."""
    form = resolve_connect_form(form, realtime_url, query_form)
    subprotocol = SUBPROTOCOL if subprotocol is None else subprotocol
    raw = _b64(auth)
    if form == "subprotocol":
        token = base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
        return ConnectTarget(realtime_url, (subprotocol, "header-" + token), {})
    if form == "query":
        header = quote(base64.b64encode(raw).decode("ascii"), safe="")
        parts = urlsplit(realtime_url)
        query = f"header={header}&payload=e30%3D"
        if parts.query:
            query = f"{parts.query}&{query}"
        url = urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
        return ConnectTarget(url, (subprotocol,), {})
    if form == "headers":
        return ConnectTarget(realtime_url, (subprotocol,), dict(auth))
    raise ValueError(f"unknown connect form {form!r}")
