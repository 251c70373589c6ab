"""``AWS_IAM``: the SigV4 strategy, with refreshable credentials and self-correction.

:class:`IAMAuth` signs the exact bytes sent, on either transport and for real-time
connects and ``start`` messages alike. Credentials come from whatever the user gives
(see :func:`~appsync_runtime._credentials.resolve_provider`): static keys, environment
variables, a callable, a botocore/boto3 session, or by default the environment then
botocore's chain. They are cached and refreshed ahead of expiry.

Two rejections are recovered from, once per call:

- clock skew ("Signature expired" / "not yet current"): the offset is learnt from the
  response's ``Date`` header (or the server time quoted in the message) and kept for
  every later request and the real-time connection;
- an expired or invalid security token: the credentials are refreshed.
"""

from __future__ import annotations

import re
import threading
import time
from datetime import datetime, timezone
from types import MappingProxyType

import httpx

from ._auth import AuthMode, AuthRequest, AuthStrategy, vetted
from ._credentials import Credentials, CredentialSource, RefreshingCredentials, resolve_provider
from ._endpoints import region_from_host
from ._response import AuthRejection, classify_auth_failure
from ._sigv4 import PreparedSigV4, SigV4Signer
from .errors import AppSyncConfigError, AuthFailureReason

__all__ = ["IAMAuth"]

_PREPARED_CACHE_SIZE = 32
_QUOTED_SERVER_TIME = re.compile(r"\((\d{8}T\d{6}Z)\s*[-+]")
_MIN_SKEW_CHANGE = 1.0
_OWN_RAW = frozenset({b"authorization", b"x-amz-date", b"x-amz-security-token"})
"""Headers a SigV4 signature sets (the signer leaves them out of what it signs)."""


def _httpx_known() -> bool:
    """Whether httpx keeps headers and URLs as the shortcut for users' own requests
    reads them (as httpx 0.27 to 0.29 do): ``Headers._list`` of (name, lower-cased
    name, value) byte triples, and ``URL._uri_reference`` a tuple of the URL's parts
    (what its text is made of). Otherwise every request takes the generic path."""
    try:
        url = httpx.URL("https://example.com/graphql")
        reference = url._uri_reference  # pyright: ignore[reportPrivateUsage]
        entries: object = httpx.Headers({"A": "b"})._list  # pyright: ignore[reportPrivateUsage]
        hash(reference)  # a key of the shapes' dict
    except (AttributeError, TypeError):
        return False
    return entries == [(b"A", b"a", b"b")] and str(reference) == str(url)


_HTTPX_KNOWN = _httpx_known()


def _server_clock_offset(rejection: AuthRejection) -> float | None:
    """Seconds the server's clock is ahead of ours, from ``Date`` or the message."""
    server: datetime | None = None
    date_header = rejection.headers.get("date") or rejection.headers.get("Date")
    if date_header:
        from email.utils import parsedate_to_datetime

        try:
            server = parsedate_to_datetime(date_header)
        except (TypeError, ValueError):
            server = None
    if server is None:
        # "Signature expired: 20240101T000000Z is now earlier than 20240101T000500Z
        #  (20240101T001000Z - 5 min.)": the time in brackets is the server's now.
        match = _QUOTED_SERVER_TIME.search(rejection.message)
        if match:
            server = datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(
                tzinfo=timezone.utc
            )
    if server is None:
        return None
    if server.tzinfo is None:
        server = server.replace(tzinfo=timezone.utc)
    return server.timestamp() - time.time()


class IAMAuth(AuthStrategy):
    """``AWS_IAM`` strategy: SigV4 with service ``appsync``.

    ``credentials``: a :class:`Credentials`, a provider, a sync or async callable
    returning Credentials, a botocore/boto3 session or credentials object, or None for
    the default chain (environment variables, then botocore's chain when installed).
    ``region``: needed only for custom domains; standard AppSync hosts carry it.
    """

    mode = AuthMode.AWS_IAM
    _printable_headers = True  # signed from Credentials checked to be printable ASCII

    def __init__(
        self,
        credentials: CredentialSource = None,
        *,
        region: str | None = None,
        service: str = "appsync",
    ) -> None:
        self.credentials: RefreshingCredentials = (
            credentials
            if isinstance(credentials, RefreshingCredentials)
            else RefreshingCredentials(resolve_provider(credentials))
        )
        if region is not None:
            SigV4Signer(region, service)  # validates the names
        self._region = region
        self._service = service
        self._skew = 0.0
        self._signers: dict[str, SigV4Signer] = {}
        self._prepared: dict[tuple[str, str, str, tuple[tuple[str, str], ...]], PreparedSigV4] = {}
        self._prepared_raw: dict[
            tuple[str, str, str, tuple[tuple[bytes, bytes], ...]], PreparedSigV4
        ] = {}
        # the last read-only header mapping prepared for: (headers, method, url, host, ...)
        self._last_prepared: tuple[object, str, str, str, PreparedSigV4] | None = None
        # users' own httpx requests by shape: (method, URL parts, *header triples)
        self._httpx_shapes: dict[tuple[object, ...], PreparedSigV4] = {}
        # the last of them: (method, URL parts, header triples, prepared)
        self._httpx_last: (
            tuple[str, object, list[tuple[bytes, bytes, bytes]], PreparedSigV4] | None
        ) = None
        cls = type(self)
        # a subclass overriding how headers are made keeps the generic httpx path
        self._own_headers = (
            cls.auth_headers is IAMAuth.auth_headers
            and cls.async_auth_headers is IAMAuth.async_auth_headers
        )
        self._rejected: Credentials | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        region = f", region={self._region!r}" if self._region else ""
        return f"IAMAuth(credentials={self.credentials!r}{region})"

    @property
    def clock_skew(self) -> float:
        """Seconds added to the local clock, learnt from the server after a rejection."""
        return self._skew

    @property
    def _clock_skew(self) -> float:
        return self._skew

    @_clock_skew.setter
    def _clock_skew(self, offset: float) -> None:
        """Set the offset on every signer at once (signers made later start with it)."""
        with self._lock:
            self._skew = offset
            for signer in self._signers.values():
                signer.clock_skew = offset

    def _signer(self, request: AuthRequest) -> SigV4Signer:
        region = self._region or request.region or region_from_host(request.host)
        if region is None:
            raise AppSyncConfigError(
                f"IAM signing needs the API's region, and host {request.host!r} is a custom "
                "domain: pass region='us-east-1' (for example) to IAMAuth or to the client"
            )
        signer = self._signers.get(region)
        if signer is None:
            with self._lock:
                signer = self._signers.get(region)
                if signer is None:
                    signer = SigV4Signer(region, self._service)
                    signer.clock_skew = self._skew
                    self._signers[region] = signer
        return signer

    def _prepare(self, request: AuthRequest) -> PreparedSigV4:
        source = request.headers
        last = self._last_prepared
        if (
            last is not None
            and last[0] is source
            and last[1] == request.method
            and last[2] == request.url
            and last[3] == request.host
        ):
            # the client's own read-only headers again: what was prepared for them
            return last[4]
        if isinstance(source, httpx.Headers):
            return self._prepare_httpx(request, source)
        headers: tuple[tuple[str, str], ...] = tuple(source.items())
        if not any(name.lower() == "host" for name, _ in headers):
            headers = (("host", request.host), *headers)
        key = (request.method, request.url, request.host, headers)
        prepared = self._prepared.get(key)
        if prepared is None:
            prepared = self._signer(request).prepare(request.url, headers, method=request.method)
            with self._lock:
                if len(self._prepared) >= _PREPARED_CACHE_SIZE:
                    self._prepared.clear()
                self._prepared[key] = prepared
        if isinstance(source, MappingProxyType):
            self._last_prepared = (source, request.method, request.url, request.host, prepared)
        return prepared

    def _prepare_httpx(self, request: AuthRequest, source: httpx.Headers) -> PreparedSigV4:
        """:meth:`_prepare` for a user's own httpx request: the shape is found by the
        raw header bytes (no decoding), leaving out the headers a signature sets (a
        request signed again, after a rejection, has the same shape)."""
        raw = tuple(pair for pair in source.raw if pair[0].strip().lower() not in _OWN_RAW)
        key = (request.method, request.url, request.host, raw)
        prepared = self._prepared_raw.get(key)
        if prepared is None:
            encoding = source.encoding  # how httpx itself decodes them
            headers = tuple((name.decode(encoding), value.decode(encoding)) for name, value in raw)
            if not any(name.lower() == "host" for name, _ in headers):
                headers = (("host", request.host), *headers)
            prepared = self._signer(request).prepare(request.url, headers, method=request.method)
            with self._lock:
                if len(self._prepared_raw) >= _PREPARED_CACHE_SIZE:
                    self._prepared_raw.clear()
                self._prepared_raw[key] = prepared
        return prepared

    def _take_rejected(self) -> Credentials | None:
        if self._rejected is None:  # the usual case, decided without the lock
            return None
        with self._lock:
            rejected, self._rejected = self._rejected, None
        return rejected

    @vetted  # signed from checked Credentials: ASCII throughout
    def auth_headers(self, request: AuthRequest) -> dict[str, str]:
        """SigV4 headers for ``request``: Authorization, X-Amz-Date, and the token."""
        prepared = self._prepare(request)
        if self._rejected is None:  # the usual case, decided without the lock
            return prepared.sign(request.body, self.credentials.get())
        rejected = self._take_rejected()
        if rejected is not None:
            credentials = self.credentials.force_refresh(rejected=rejected)
        else:
            credentials = self.credentials.get()
        return prepared.sign(request.body, credentials)

    @vetted
    async def async_auth_headers(self, request: AuthRequest) -> dict[str, str]:
        """SigV4 headers for ``request``, loading credentials without blocking the loop."""
        prepared = self._prepare(request)
        # the usual case decided without the lock (or a call of _take_rejected)
        rejected = None if self._rejected is None else self._take_rejected()
        if rejected is not None:
            credentials = await self.credentials.aforce_refresh(rejected=rejected)
        else:
            credentials = self.credentials.fresh() or await self.credentials.aget()
        return prepared.sign(request.body, credentials)

    def _sign_httpx(self, request: httpx.Request, blocking: bool) -> bool:
        """Sign a user's own httpx request (body read) in place, as the generic path
        would (same prepared shape, credentials and headers), without describing it as
        an :class:`AuthRequest` when its shape was seen before. False (nothing done)
        when the credentials need a refresh that would block (``blocking`` False) or
        follow a rejection, when a subclass makes its own headers, or for a shape the
        generic path is left to judge (see :meth:`_httpx_shape`)."""
        if not self._own_headers or self._rejected is not None or not _HTTPX_KNOWN:
            return False
        headers = request.headers
        if type(headers) is not httpx.Headers:
            return False
        entries = headers._list  # pyright: ignore[reportPrivateUsage]  # see _HTTPX_KNOWN
        reference: object = request.url._uri_reference  # pyright: ignore[reportPrivateUsage]
        method = request.method
        last = self._httpx_last
        if (
            last is not None
            and entries == last[2]  # the cheapest test first: a list compare in C
            and reference == last[1]
            and method == last[0]
        ):
            prepared = last[3]
        else:
            found = self._httpx_shape(request, method, reference, entries)
            if found is None:
                return False
            prepared = found
        if blocking:
            credentials = self.credentials.get()
        else:
            fresh = self.credentials.fresh()
            if fresh is None:
                return False  # a refresh is due: the generic path awaits it
            credentials = fresh
        signed = prepared.sign(request.content, credentials)
        # what update() does on a request with none of them (ASCII: see _httpx_shape)
        entries.append((b"Authorization", b"authorization", signed["Authorization"].encode()))
        entries.append((b"X-Amz-Date", b"x-amz-date", signed["X-Amz-Date"].encode()))
        token = signed.get("X-Amz-Security-Token")
        if token is not None:
            entries.append((b"X-Amz-Security-Token", b"x-amz-security-token", token.encode()))
        return True

    def _httpx_shape(
        self,
        request: httpx.Request,
        method: str,
        reference: object,
        entries: list[tuple[bytes, bytes, bytes]],
    ) -> PreparedSigV4 | None:
        """The prepared shape of a user's own httpx request, remembered (by method,
        URL parts and raw header triples) when the shortcut gives exactly what the
        generic path gives: no signature header on it yet (the generic path replaces
        them), ASCII header bytes (read alike in any encoding httpx may decode them
        with) and an ASCII region and service (the signature's headers are then ASCII:
        credentials are). None otherwise: the generic path signs it."""
        key = (method, reference, *entries)
        prepared = self._httpx_shapes.get(key)
        if prepared is None:
            if any(entry[1].strip() in _OWN_RAW for entry in entries) or not all(
                name.isascii() and value.isascii() for name, _, value in entries
            ):
                return None
            prepared = self._prepare(AuthRequest.from_httpx(request))
            signer = prepared.signer
            if not (signer.region.isascii() and signer.service.isascii()):
                return None
            with self._lock:
                if len(self._httpx_shapes) >= _PREPARED_CACHE_SIZE:
                    self._httpx_shapes.clear()
                self._httpx_shapes[key] = prepared
        self._httpx_last = (method, reference, list(entries), prepared)
        return prepared

    def secret_values(self) -> tuple[str, ...]:
        """The current credentials: access key id, secret key and session token."""
        current = self.credentials.current
        if current is None:
            return ()
        values = (current.access_key_id, current.secret_access_key, current.session_token)
        return tuple(value for value in values if value)

    def should_retry(self, rejection: AuthRejection) -> bool:
        """Recover from clock skew (learn the offset) or a rejected token (refresh)."""
        reason = classify_auth_failure(rejection.status, rejection.error_type, rejection.message)
        if reason == AuthFailureReason.CLOCK_SKEW:
            offset = _server_clock_offset(rejection)
            if offset is None or abs(offset - self._clock_skew) < _MIN_SKEW_CHANGE:
                return False
            self._clock_skew = offset
            return True
        if reason == AuthFailureReason.EXPIRED_CREDENTIALS:
            current = self.credentials.current
            if current is None:
                return False
            with self._lock:
                self._rejected = current
            return True
        return False
