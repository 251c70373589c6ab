"""Auth strategies: the headers that authorize one AppSync request.

A strategy knows nothing of transports. Given the exact request about to be sent
(:class:`AuthRequest`), it returns the headers to add. The same call gives the header
set a real-time connect or ``start`` message needs, and every strategy is also an
:class:`httpx.Auth`, so it works on a user's own httpx client::

    httpx.Client(auth=ApiKeyAuth("da2-..."))

Tokens may be a string, or a callable (sync, or async on the async client) that is
called for every request, so a user's own refresh logic runs. AppSync wants the raw
JWT in ``Authorization``, without a ``Bearer`` prefix.
"""

from __future__ import annotations

import enum
import inspect
import re
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar, cast

import httpx

from ._response import AuthRejection, describe_rejection
from .errors import AppSyncConfigError

__all__ = [
    "ApiKeyAuth",
    "AuthMode",
    "AuthRequest",
    "AuthStrategy",
    "CognitoUserPoolsAuth",
    "LambdaAuth",
    "OIDCAuth",
    "TokenSource",
    "check_header_value",
    "mode_name",
    "select_strategy",
    "vet_auth_headers",
    "vetted",
]


class AuthMode(str, enum.Enum):
    """AppSync's authorization modes, named as in the AppSync API."""

    API_KEY = "API_KEY"
    AWS_IAM = "AWS_IAM"
    AMAZON_COGNITO_USER_POOLS = "AMAZON_COGNITO_USER_POOLS"
    OPENID_CONNECT = "OPENID_CONNECT"
    AWS_LAMBDA = "AWS_LAMBDA"

    def __str__(self) -> str:
        return self.value


TokenSource = str | Callable[[], str] | Callable[[], Awaitable[str]]
"""A token: the string itself, or a callable returning it (called per request)."""


@dataclass(frozen=True, slots=True)
class AuthRequest:
    """The request a strategy authorizes, exactly as it will be sent.

    ``url`` is the literal URL on the wire, ``host`` the ``Host`` header value (the
    API's own host, even when a private API is reached through a VPC endpoint), and
    ``region`` the API's region when the client knows it.
    """

    method: str
    url: str
    host: str
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict[str, str])
    region: str | None = None

    @classmethod
    def from_httpx(cls, request: httpx.Request) -> AuthRequest:
        """Describe an httpx request (its body must already be read)."""
        headers = request.headers
        host = ""
        for name, value in headers.raw:  # cheaper than headers.get(): no decoding
            if len(name) == 4 and name.lower() == b"host":
                host = value.decode("ascii", "replace")
                break
        return make_auth_request(
            request.method,
            str(request.url),
            host or request.url.netloc.decode("ascii"),
            request.content,
            headers,
            None,
        )


def check_header_value(value: object, what: str) -> str:
    """Return ``value`` if it is usable as a header value; raise a clear error if not.

    Usable: printable ASCII (spaces and tabs inside only), as HTTP sends it; a token
    read from a file with its trailing newline is refused, not trimmed. The message
    names ``what`` but never repeats the value, which may be a secret.
    """
    if not isinstance(value, str):
        raise AppSyncConfigError(f"{what} must be a string, not {type(value).__name__}")
    if not value.strip():
        raise AppSyncConfigError(f"{what} is empty")
    if any(ch in value for ch in "\r\n\x00"):
        raise AppSyncConfigError(f"{what} contains a line break or NUL character")
    if value != value.strip():
        raise AppSyncConfigError(f"{what} has leading or trailing whitespace")
    if not value.isascii() or not (value.isprintable() or value.replace("\t", " ").isprintable()):
        raise AppSyncConfigError(
            f"{what} holds a character that is not printable ASCII, which an HTTP header "
            "cannot carry"
        )
    return value


HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
"""What an HTTP header name may be (RFC 9110's token)."""

_F = TypeVar("_F", bound=Callable[..., Any])


def vetted(method: _F) -> _F:
    """Mark a strategy's ``auth_headers`` or ``async_auth_headers`` as returning only
    values it has checked itself (the built-in strategies), so the call flow need not
    check them again."""
    method._appsync_vetted = True  # type: ignore[attr-defined]
    return method


_VETTED: dict[type[Any], bool] = {}


_PRINTABLE: dict[type[Any], bool] = {}


def printable_headers(strategy: AuthStrategy) -> bool:
    """Whether ``strategy``'s headers are printable ASCII by construction: a built-in
    strategy whose header methods are both its own vetted ones and which says so
    (``_printable_headers``, as :class:`~appsync_runtime._iam.IAMAuth` does: it signs
    from credentials checked to be printable ASCII), so the call flow need not scan
    them for control characters on every call."""
    cls = type(strategy)
    known = _PRINTABLE.get(cls)
    if known is None:
        known = _PRINTABLE[cls] = bool(
            getattr(cls, "_printable_headers", False)
            and getattr(cls.auth_headers, "_appsync_vetted", False)
            and getattr(cls.async_auth_headers, "_appsync_vetted", False)
        )
    return known


def make_auth_request(
    method: str,
    url: str,
    host: str,
    body: bytes,
    headers: Mapping[str, str],
    region: str | None,
) -> AuthRequest:
    """An :class:`AuthRequest`, built without the frozen dataclass's ``__init__`` (which
    sets each field through ``object.__setattr__``): half the cost, on every call."""
    request: AuthRequest = _new_object(AuthRequest)
    _set_method(request, method)
    _set_url(request, url)
    _set_host(request, host)
    _set_body(request, body)
    _set_headers(request, headers)
    _set_region(request, region)
    return request


_new_object: Any = object.__new__
_set_method, _set_url, _set_host, _set_body, _set_headers, _set_region = (
    AuthRequest.__dict__[name].__set__
    for name in ("method", "url", "host", "body", "headers", "region")
)


def vet_auth_headers(strategy: AuthStrategy, headers: object) -> Mapping[str, str]:
    """``headers`` as a strategy returned them, checked like any header (valid names,
    printable ASCII values) unless both of its header methods are the built-in,
    already checking ones. A user's own strategy (or one overriding a built-in
    method) is checked on every call; the message never repeats a value."""
    cls = type(strategy)
    trusted = _VETTED.get(cls)
    if trusted is None:
        trusted = _VETTED[cls] = getattr(cls.auth_headers, "_appsync_vetted", False) and getattr(
            cls.async_auth_headers, "_appsync_vetted", False
        )
    if not trusted:
        if not isinstance(headers, Mapping):
            raise AppSyncConfigError(
                f"{cls.__name__} returned {type(headers).__name__}, not a mapping of headers"
            )
        pairs: list[tuple[object, object]] = list(cast("Mapping[object, object]", headers).items())
        for name, value in pairs:
            if not isinstance(name, str) or not HEADER_NAME.match(name):
                raise AppSyncConfigError(f"{cls.__name__} returned an invalid header name")
            check_header_value(value, f"header {name!r} from {cls.__name__}")
    return cast("Mapping[str, str]", headers)


def mode_name(strategy: object) -> str:
    """The auth mode a strategy sends, for logs and traces; a strategy of the user's
    own without ``mode`` is named by its class."""
    mode = getattr(strategy, "mode", None)
    return mode.value if isinstance(mode, AuthMode) else type(strategy).__name__


class AuthStrategy(httpx.Auth):
    """Base class of auth strategies.

    Subclasses implement :meth:`auth_headers` (and :meth:`async_auth_headers` where
    they do I/O); :meth:`should_retry` lets a strategy recover from a rejection, e.g.
    by refreshing credentials or correcting its clock.
    """

    mode: ClassVar[AuthMode]
    requires_request_body = True
    requires_response_body = True

    def auth_headers(self, request: AuthRequest) -> dict[str, str]:
        """The headers that authorize ``request``."""
        raise NotImplementedError

    @vetted  # what auth_headers returns: vetted or not by its own mark
    async def async_auth_headers(self, request: AuthRequest) -> dict[str, str]:
        """The headers that authorize ``request``, for async callers."""
        return self.auth_headers(request)

    def should_retry(self, rejection: AuthRejection) -> bool:
        """Whether re-authorizing and sending once more may succeed after ``rejection``."""
        return False

    def secret_values(self) -> tuple[str, ...]:
        """Secrets this strategy holds, scrubbed (with the values of the headers it
        returns) from errors and logs even when no header was made. None here."""
        return ()

    def _sign_httpx(self, request: httpx.Request, blocking: bool) -> bool:
        """Authorize a user's own httpx request (body read) in place by a shortcut of
        the strategy's own, giving what the generic path gives; False when it has none
        for this request (or would have to wait for I/O and ``blocking`` is False)."""
        return False

    # httpx integration: one attempt, plus one retry when the strategy can recover.
    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        request.read()
        if not self._sign_httpx(request, True):
            set_headers_on(request, self.auth_headers(AuthRequest.from_httpx(request)))
        response = yield request
        if response.status_code in (401, 403):
            response.read()
            if self.should_retry(_rejection(response)):
                set_headers_on(request, self.auth_headers(AuthRequest.from_httpx(request)))
                yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        await request.aread()
        if not self._sign_httpx(request, False):
            set_headers_on(request, await self.async_auth_headers(AuthRequest.from_httpx(request)))
        response = yield request
        if response.status_code in (401, 403):
            await response.aread()
            if self.should_retry(_rejection(response)):
                set_headers_on(
                    request, await self.async_auth_headers(AuthRequest.from_httpx(request))
                )
                yield request


def set_headers_on(request: httpx.Request, headers: Mapping[str, str]) -> None:
    """``request.headers.update(headers)``: the same result, cheaper.

    Printable ASCII names and values (what a signature is made of) are appended to
    the header list in one pass when none of their names is there yet (a request's
    first signature); anything else goes through ``update`` itself."""
    target = request.headers
    # httpx's own list of (raw name, lower-cased name, value) triples
    entries: Any = getattr(target, "_list", None)
    if type(entries) is list and type(target) is httpx.Headers:
        added: list[tuple[bytes, bytes, bytes]] = []
        for name, value in headers.items():
            if not (
                type(name) is str
                and type(value) is str
                and name.isascii()
                and value.isascii()
                and name.isprintable()
            ):
                break
            raw = name.encode("ascii")
            added.append((raw, raw.lower(), value.encode("ascii")))
        else:
            names = {entry[1] for entry in added}
            known = cast("list[tuple[bytes, bytes, bytes]]", entries)
            if not any(entry[1] in names for entry in known):
                known.extend(added)
                return
    target.update(headers)  # httpx's own conversion, and its error for what it cannot send


def _rejection(response: httpx.Response) -> AuthRejection:
    return describe_rejection(response.status_code, response.headers, response.content)


class _TokenAuth(AuthStrategy):
    """A strategy that sends one header holding a token."""

    _header: ClassVar[str] = "Authorization"
    _what: ClassVar[str] = "token"

    def __init__(self, token: TokenSource) -> None:
        if callable(token):
            self._token: TokenSource = token
        else:
            self._token = check_header_value(token, self._what)

    def __repr__(self) -> str:
        source = "callable" if callable(self._token) else "***"
        return f"{type(self).__name__}({self._what}={source})"

    def secret_values(self) -> tuple[str, ...]:
        """The token, when it is a value (a callable's tokens are in its headers)."""
        token = self._token
        return () if callable(token) else (token,)

    @vetted
    def auth_headers(self, request: AuthRequest) -> dict[str, str]:
        token = self._token
        if callable(token):
            value = token()
            if inspect.isawaitable(value):
                if inspect.iscoroutine(value):
                    value.close()
                raise AppSyncConfigError(
                    f"the {self._what} callable of {type(self).__name__} is async: "
                    "use it with the async client"
                )
            token = check_header_value(value, f"{self._what} returned by the callable")
        return {self._header: token}

    @vetted
    async def async_auth_headers(self, request: AuthRequest) -> dict[str, str]:
        token = self._token
        if callable(token):
            value = token()
            if inspect.isawaitable(value):
                value = await value
            token = check_header_value(value, f"{self._what} returned by the callable")
        return {self._header: token}


class ApiKeyAuth(_TokenAuth):
    """``API_KEY``: sends ``x-api-key``."""

    mode = AuthMode.API_KEY
    _header = "x-api-key"
    _what = "api_key"


class CognitoUserPoolsAuth(_TokenAuth):
    """``AMAZON_COGNITO_USER_POOLS``: sends a Cognito JWT (Amplify sends the access
    token) in ``Authorization``."""

    mode = AuthMode.AMAZON_COGNITO_USER_POOLS


class OIDCAuth(_TokenAuth):
    """``OPENID_CONNECT``: sends the provider's JWT in ``Authorization``."""

    mode = AuthMode.OPENID_CONNECT


class LambdaAuth(_TokenAuth):
    """``AWS_LAMBDA``: sends an opaque token for the API's Lambda authorizer."""

    mode = AuthMode.AWS_LAMBDA


_ALLOWED: dict[tuple[AuthMode | str, ...], frozenset[AuthMode]] = {}


def _allowed(modes: Sequence[AuthMode | str]) -> frozenset[AuthMode]:
    """The modes as :class:`AuthMode` members; cached for tuples (what generated code
    passes), whose conversion then costs one lookup per call."""
    if type(modes) is not tuple:
        return frozenset(AuthMode(mode) for mode in modes)
    key = cast("tuple[AuthMode | str, ...]", modes)
    try:
        allowed = _ALLOWED.get(key)
    except TypeError:  # an unhashable member: AuthMode() below says what is wrong
        return frozenset(AuthMode(mode) for mode in key)
    if allowed is None:
        allowed = frozenset(AuthMode(mode) for mode in key)
        if len(_ALLOWED) >= 256:
            _ALLOWED.clear()
        _ALLOWED[key] = allowed
    return allowed


def select_strategy(
    strategies: Sequence[AuthStrategy],
    allowed_modes: Sequence[AuthMode | str] | None,
    operation_name: str | None,
) -> AuthStrategy:
    """Pick the first configured strategy whose mode the operation allows.

    ``allowed_modes`` of None means the operation did not say: the first strategy wins.
    """
    if not strategies:
        raise AppSyncConfigError(
            "no auth strategy configured: pass auth=ApiKeyAuth(...), IAMAuth(), ... "
            "to the client or to the call"
        )
    if allowed_modes is None:
        return strategies[0]
    allowed = _allowed(allowed_modes)
    for strategy in strategies:
        if strategy.mode in allowed:
            return strategy
    configured = ", ".join(s.mode.value for s in strategies)
    needed = ", ".join(sorted(m.value for m in allowed)) or "none"
    raise AppSyncConfigError(
        f"operation {operation_name or '<anonymous>'} allows auth modes [{needed}] "
        f"but the client has [{configured}]",
        operation_name=operation_name,
    )
