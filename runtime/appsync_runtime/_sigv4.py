"""AWS Signature Version 4 for AppSync: pure canonicalization functions and a signer.

Two ways to sign:

* :meth:`SigV4Signer.sign` signs any request: any method, query, headers.
* :meth:`SigV4Signer.prepare` fixes the URL and the static headers of a client's own
  requests once; :meth:`PreparedSigV4.sign` then costs little more than the hashing
  itself (sha256 of the body, sha256 of the canonical request, one HMAC), and less
  within one second: everything before the payload hash in the canonical request
  (the date and the session token are its only changing parts) and the string to
  sign's head are hashed once per second and credential set, then only copied.

Rules (those of every non-S3 AWS service):

* The URL is taken literally: its path and query are the exact strings on the wire.
* Canonical URI: dot segments and repeated slashes are removed, then the (already
  URI-encoded) wire path is URI-encoded once more: ``/foo%20bar`` -> ``/foo%2520bar``.
* Canonical query: each name and value is percent-decoded and re-encoded (RFC 3986
  unreserved characters kept, ``%XX`` upper case, ``+`` is a literal plus, so send
  spaces as ``%20``), then the pairs are sorted by name, then value.
* Headers: names lower-cased, values trimmed with inner whitespace runs collapsed,
  repeated headers joined with ``,`` in order. ``host`` is always signed: the ``Host``
  header when given (a private API's own host, sent to a VPC endpoint), else the URL's
  host without a default port. Hop-by-hop and tracing headers that proxies rewrite
  (:data:`UNSIGNED_HEADERS`) are never signed; ``Authorization``, ``X-Amz-Date`` and
  ``X-Amz-Security-Token`` among the given headers are replaced by the signer's own.
* The payload hash is the sha256 of the exact body bytes; a session token is signed.

The signing key (an HMAC chain over the secret, date, region and service) changes
once a day, so each signer caches a few. The clock is read once per signature;
:attr:`SigV4Signer.clock_skew` corrects a local clock that AppSync said is off.
Secrets never appear in reprs, exceptions or logs.
"""

# pyright: reportUnnecessaryIsInstance=false
# (isinstance checks here guard against callers that ignore the annotations)
from __future__ import annotations

import hashlib
import hmac
import time
from binascii import hexlify
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Final, TypeAlias, cast
from urllib.parse import quote, quote_from_bytes, unquote_to_bytes, urlsplit

from ._credentials import Credentials
from .errors import AppSyncConfigError

if TYPE_CHECKING:
    from _hashlib import HASH

__all__ = [
    "ALGORITHM",
    "EMPTY_PAYLOAD_HASH",
    "UNSIGNED_HEADERS",
    "HeadersLike",
    "PreparedSigV4",
    "SigV4Signer",
    "amz_date",
    "canonical_headers",
    "canonical_query",
    "canonical_request",
    "canonical_uri",
    "credential_scope",
    "host_from_url",
    "normalize_path",
    "signing_key",
    "string_to_sign",
]

ALGORITHM: Final = "AWS4-HMAC-SHA256"
EMPTY_PAYLOAD_HASH: Final = hashlib.sha256(b"").hexdigest()

UNSIGNED_HEADERS: Final = frozenset(
    {
        # hop-by-hop (RFC 9110 section 7.6.1) and friends: proxies add, drop or rewrite them
        "connection",
        "expect",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        # rewritten by tracing and HTTP libraries along the way
        "baggage",
        "traceparent",
        "tracestate",
        "user-agent",
        "x-amzn-trace-id",
    }
)
"""Header names that are never signed (the same set botocore leaves unsigned)."""

_OWN_HEADERS: Final = frozenset({"authorization", "x-amz-date", "x-amz-security-token"})
_DEFAULT_PORTS: Final = {"http": 80, "https": 443, "ws": 80, "wss": 443}
_KEY_CACHE_SIZE: Final = 8
_NEVER: Final = float("inf")
_EMPTY_SHA256: Final = hashlib.sha256()
"""A fresh SHA-256 state, never updated: copied to hash a body (cheaper than a new
object in the running call, and safe to share between threads as nothing writes it)."""
_hexlify: Final = hexlify

HeadersLike: TypeAlias = Mapping[str, str] | Iterable[tuple[str, str]]
"""Headers as a mapping, or as (name, value) pairs (which may repeat a name)."""


# -- pure functions -------------------------------------------------------------------


def amz_date(now: datetime) -> str:
    """``YYYYMMDDTHHMMSSZ`` in UTC; a naive ``now`` is taken as UTC."""
    if now.tzinfo is not None:
        now = now.astimezone(timezone.utc)
    return now.strftime("%Y%m%dT%H%M%SZ")


def normalize_path(path: str) -> str:
    """Remove ``.`` and ``..`` segments and empty segments (repeated slashes).

    The result starts with ``/``; it ends with ``/`` when ``path`` did and something
    remains (``/a/b/`` -> ``/a/b/``, ``/a/..`` -> ``/``, ``//a//`` -> ``/a/``).
    """
    if path.startswith("/") and "//" not in path and "/." not in path:
        return path  # nothing to remove: the common case
    kept: list[str] = []
    for segment in path.split("/"):
        if segment == ".." and kept:
            kept.pop()
        elif segment not in ("", ".", ".."):
            kept.append(segment)
    if not kept:
        return "/"
    trailing = "/" if path.endswith("/") else ""
    return "/" + "/".join(kept) + trailing


def canonical_uri(path: str) -> str:
    """The canonical URI of a wire path: normalized, then URI-encoded once more.

    ``/`` and RFC 3986 unreserved characters stay; everything else, ``%`` included,
    is percent-encoded as UTF-8: ``/foo%20bar`` -> ``/foo%2520bar``.
    """
    return quote(normalize_path(path), safe="/~")


def _encode_query_part(text: str) -> str:
    if "%" in text:
        return quote_from_bytes(unquote_to_bytes(text), safe="-_.~")
    return quote(text, safe="-_.~")


def canonical_query(query: str) -> str:
    """The canonical query string of a wire query (without the ``?``).

    Each name and value is decoded and re-encoded; pairs are sorted by encoded name,
    then value (duplicate names are kept); a name without ``=`` gets an empty value;
    empty pieces (``a=1&&b=2``) are ignored.
    """
    if not query:
        return ""
    pairs: list[tuple[str, str]] = []
    for piece in query.split("&"):
        if piece:
            name, _, value = piece.partition("=")
            pairs.append((_encode_query_part(name), _encode_query_part(value)))
    pairs.sort()
    return "&".join([f"{name}={value}" for name, value in pairs])


def host_from_url(url: str) -> str:
    """The ``host`` header a client sends for ``url``: lower case, no user info, and
    the port only when it is not the scheme's default."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"  # IPv6 literal
    port = parts.port
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme):
        host = f"{host}:{port}"
    return host


def _iter_headers(headers: HeadersLike) -> Iterable[tuple[str, str]]:
    multi_items = getattr(headers, "multi_items", None)  # httpx.Headers keeps repeats here
    if multi_items is not None:
        return multi_items()  # type: ignore[no-any-return]
    if isinstance(headers, Mapping):
        return cast("Mapping[str, str]", headers).items()
    return headers


def _is_own(name: str) -> bool:
    return name.strip().lower() in _OWN_HEADERS


def _collect(headers: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Group signable headers by lower-cased name, values trimmed, order kept."""
    grouped: dict[str, list[str]] = {}
    for name, value in headers:
        key = name.strip().lower()
        if key in UNSIGNED_HEADERS:
            continue
        trimmed = " ".join(value.split())
        values = grouped.get(key)
        if values is None:
            grouped[key] = [trimmed]
        else:
            values.append(trimmed)
    return grouped


def canonical_headers(headers: HeadersLike) -> tuple[str, str]:
    """``(canonical header block, signed header names)`` for exactly these headers.

    The block has one ``name:value\\n`` line per name, sorted; the names are joined
    with ``;``. :data:`UNSIGNED_HEADERS` are left out; nothing is added.
    """
    grouped = _collect(_iter_headers(headers))
    names = sorted(grouped)
    block = "".join([f"{name}:{','.join(grouped[name])}\n" for name in names])
    return block, ";".join(names)


def _canonicalize(
    method: str, url: str, headers: HeadersLike, payload_hash: str
) -> tuple[str, str]:
    parts = urlsplit(url)
    grouped = _collect(_iter_headers(headers))
    if "host" not in grouped:
        grouped["host"] = [host_from_url(url)]
    names = sorted(grouped)
    block = "".join([f"{name}:{','.join(grouped[name])}\n" for name in names])
    signed = ";".join(names)
    request = "\n".join(
        (
            method.upper(),
            canonical_uri(parts.path),
            canonical_query(parts.query),
            block,
            signed,
            payload_hash,
        )
    )
    return request, signed


def canonical_request(method: str, url: str, headers: HeadersLike, payload_hash: str) -> str:
    """The canonical request for signing exactly ``headers`` (include ``x-amz-date``
    and any ``x-amz-security-token``; ``host`` is added from ``url`` when missing).

    ``payload_hash`` is the lower-case hex sha256 of the body.
    """
    return _canonicalize(method, url, headers, payload_hash)[0]


def credential_scope(date: str, region: str, service: str) -> str:
    """``YYYYMMDD/region/service/aws4_request``."""
    return f"{date}/{region}/{service}/aws4_request"


def string_to_sign(amz_datetime: str, scope: str, canonical: str) -> str:
    """The string to sign for a canonical request made at ``amz_datetime``."""
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return f"{ALGORITHM}\n{amz_datetime}\n{scope}\n{digest}"


def signing_key(secret_access_key: str, date: str, region: str, service: str) -> bytes:
    """The derived key: HMAC-SHA256 chain over date, region, service, ``aws4_request``."""
    key = ("AWS4" + secret_access_key).encode("utf-8")
    for part in (date, region, service, "aws4_request"):
        key = hmac.digest(key, part.encode("utf-8"), "sha256")
    return key


class _KeyedHmac:
    """HMAC-SHA256 (RFC 2104) under one fixed key, with the padded key states hashed once.

    A signature then costs two sha256 state copies and three short updates, about a
    third of ``hmac.digest`` on OpenSSL 3 (which sets the key up anew on every call).
    """

    __slots__ = ("inner", "outer")

    def __init__(self, key: bytes) -> None:
        if len(key) > 64:
            key = hashlib.sha256(key).digest()
        block = key.ljust(64, b"\0")
        self.inner: HASH = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        """sha256 after the inner padded key block (never updated: copied)."""
        self.outer: HASH = hashlib.sha256(bytes(b ^ 0x5C for b in block))
        """sha256 after the outer padded key block (never updated: copied)."""

    def hexdigest(self, message: bytes) -> str:
        inner = self.inner.copy()
        inner.update(message)
        outer = self.outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()


# -- the signer -------------------------------------------------------------------------


class SigV4Signer:
    """Signs requests for one region and service (``appsync`` by default).

    Thread-safe. Holds a small cache of signing keys per (secret, date); the cache
    lives and dies with the signer.
    """

    __slots__ = (
        "_keys",
        "_last_key",
        "_scope_suffix",
        "_stamp",
        "clock_skew",
        "region",
        "service",
    )

    def __init__(self, region: str, service: str = "appsync") -> None:
        for what, value in (("region", region), ("service", service)):
            if not isinstance(value, str) or not value or "/" in value or value != value.strip():
                raise AppSyncConfigError(f"SigV4 {what} must be a non-empty name, got {value!r}")
        self.region: str = region
        self.service: str = service
        self.clock_skew: float = 0.0
        """Seconds added to the local clock (set it from a server's ``Date`` after a
        "Signature expired" rejection)."""
        self._scope_suffix = f"/{region}/{service}/aws4_request"
        self._keys: dict[tuple[str, str], _KeyedHmac] = {}
        self._stamp: tuple[int, str] = (-1, "")
        # The key used last, checked by identity before the dict: (secret, date, key).
        self._last_key: tuple[str | None, str, _KeyedHmac] = (None, "", _KeyedHmac(b""))

    def __repr__(self) -> str:
        return f"SigV4Signer(region={self.region!r}, service={self.service!r})"

    def _now(self, now: datetime | None) -> str:
        """The request time as ``YYYYMMDDTHHMMSSZ`` (clock read once; cached per second)."""
        if now is not None:
            return amz_date(now)
        return self._stamp_at(int(time.time() + self.clock_skew))

    def _stamp_at(self, second: int) -> str:
        """``YYYYMMDDTHHMMSSZ`` of an epoch second (the last one cached)."""
        stamp = self._stamp
        if stamp[0] != second:
            stamp = (second, time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(second)))
            self._stamp = stamp
        return stamp[1]

    def _key(self, secret: str, date: str) -> _KeyedHmac:
        cache_key = (secret, date)
        key = self._keys.get(cache_key)
        if key is None:
            key = _KeyedHmac(signing_key(secret, date, self.region, self.service))
            keys = self._keys
            if len(keys) >= _KEY_CACHE_SIZE:
                for old in list(keys)[: len(keys) - _KEY_CACHE_SIZE + 1]:
                    keys.pop(old, None)
            keys[cache_key] = key
        self._last_key = (secret, date, key)
        return key

    def sign(
        self,
        method: str,
        url: str,
        headers: HeadersLike,
        body: bytes,
        credentials: Credentials,
        *,
        now: datetime | None = None,
    ) -> dict[str, str]:
        """Sign one request; return the headers to add to it.

        ``Authorization`` and ``X-Amz-Date``, plus ``X-Amz-Security-Token`` (signed)
        when the credentials carry a token. ``url`` is the literal URL on the wire;
        ``body`` the exact bytes sent. Pass headers as (name, value) pairs (or an
        ``httpx.Headers``) to keep repeated names.
        """
        stamp = self._now(now)
        token = credentials.session_token
        to_sign = [pair for pair in _iter_headers(headers) if not _is_own(pair[0])]
        to_sign.append(("x-amz-date", stamp))
        if token:
            to_sign.append(("x-amz-security-token", token))
        canonical, signed = _canonicalize(method, url, to_sign, hashlib.sha256(body).hexdigest())
        date = stamp[:8]
        scope = date + self._scope_suffix
        signature = self._key(credentials.secret_access_key, date).hexdigest(
            string_to_sign(stamp, scope, canonical).encode("utf-8")
        )
        result = {
            "Authorization": f"{ALGORITHM} Credential={credentials.access_key_id}/{scope}, "
            f"SignedHeaders={signed}, Signature={signature}",
            "X-Amz-Date": stamp,
        }
        if token:
            result["X-Amz-Security-Token"] = token
        return result

    def prepare(
        self, url: str, headers: HeadersLike = (), *, method: str = "POST"
    ) -> PreparedSigV4:
        """Precompute what is constant for requests to ``url`` with these ``headers``.

        Use it for a client's own requests (same URL and static headers every time).
        """
        return PreparedSigV4(self, method, url, headers)


class _Window:
    """What one credential set's signatures share within one second of one prepared
    shape: the canonical request hashed up to its payload hash, the HMAC's inner state
    after the string to sign's fixed head, and the ``Authorization`` value up to the
    signature. Built once, then only copied: safe to share between threads."""

    __slots__ = (
        "canonical",
        "credentials",
        "end",
        "head",
        "inner",
        "outer",
        "stamp",
        "start",
        "token",
    )

    def __init__(
        self,
        credentials: Credentials | None,
        start: float,
        stamp: str,
        canonical: HASH,
        inner: HASH,
        outer: HASH,
        head: str,
    ) -> None:
        self.credentials = credentials
        """The set signing (by identity); None matches no call."""
        self.start = start
        """The window's first instant (epoch seconds, skew included) ..."""
        self.end = start + 1.0
        """... and the first instant after it."""
        self.stamp = stamp
        self.token = None if credentials is None else credentials.session_token
        self.canonical = canonical
        self.inner = inner
        self.outer = outer
        self.head = head


class PreparedSigV4:
    """A request shape whose canonical parts are computed once (see :meth:`SigV4Signer.prepare`).

    Its :meth:`sign` gives exactly what :meth:`SigV4Signer.sign` gives for the same
    method, URL, headers, body, credentials and time. Within one second, signatures
    with the same credentials share everything but the body's own hashing (the
    canonical request up to the payload hash, the string to sign up to its digest).
    """

    __slots__ = (
        "_date_head",
        "_head_state",
        "_tail_plain",
        "_tail_token",
        "_token",
        "_token_head",
        "_window",
        "method",
        "signed_headers",
        "signed_headers_with_token",
        "signer",
        "url",
    )

    def __init__(self, signer: SigV4Signer, method: str, url: str, headers: HeadersLike) -> None:
        self.signer: SigV4Signer = signer
        """The signer this shape belongs to (its region, service, clock and keys)."""
        self._token: tuple[str | None, str] = (None, "")
        self.method: str = method.upper()
        self.url: str = url
        parts = urlsplit(url)
        static = [pair for pair in _iter_headers(headers) if not _is_own(pair[0])]
        grouped = _collect(static)
        if "host" not in grouped:
            grouped["host"] = [host_from_url(url)]
        lines = {name: f"{name}:{','.join(values)}\n" for name, values in grouped.items()}
        names = sorted(lines)

        def block(low: str, high: str | None) -> str:
            return "".join(lines[n] for n in names if n > low and (high is None or n < high))

        head = f"{self.method}\n{canonical_uri(parts.path)}\n{canonical_query(parts.query)}\n"
        # canonical request = head + lines < x-amz-date + "x-amz-date:" + <date> + "\n"
        #   [+ lines between + "x-amz-security-token:" + <token> + "\n"]
        #   + remaining lines + "\n" + signed names + "\n" + <payload hash>
        self._date_head = head + block("", "x-amz-date") + "x-amz-date:"
        self._head_state = hashlib.sha256(self._date_head.encode())
        self.signed_headers: str = ";".join(sorted([*names, "x-amz-date"]))
        self.signed_headers_with_token: str = ";".join(
            sorted([*names, "x-amz-date", "x-amz-security-token"])
        )
        self._tail_plain = f"\n{block('x-amz-date', None)}\n{self.signed_headers}\n"
        self._token_head = f"\n{block('x-amz-date', 'x-amz-security-token')}x-amz-security-token:"
        self._tail_token = (
            f"\n{block('x-amz-security-token', None)}\n{self.signed_headers_with_token}\n"
        )
        # no credentials yet: a window that no call matches
        empty = self._head_state
        self._window = _Window(None, _NEVER, "", empty, empty, empty, "")

    def __repr__(self) -> str:
        return f"PreparedSigV4({self.method} {self.url}, signed={self.signed_headers!r})"

    def _open(self, credentials: Credentials, stamp: str, start: float) -> _Window:
        """The shared state of ``credentials``' signatures made at ``stamp`` (the
        window's ``start``: its epoch second, or never for a caller's own time)."""
        signer = self.signer
        token = credentials.session_token
        if token:
            seen = self._token
            if seen[0] is not token:  # trim once per token (AWS tokens have no whitespace)
                seen = (token, " ".join(token.split()))
                self._token = seen
            text = f"{stamp}{self._token_head}{seen[1]}{self._tail_token}"
            signed = self.signed_headers_with_token
        else:
            text = f"{stamp}{self._tail_plain}"
            signed = self.signed_headers
        canonical = self._head_state.copy()
        canonical.update(text.encode())
        date = stamp[:8]
        scope = date + signer._scope_suffix  # pyright: ignore[reportPrivateUsage]  # same module
        secret = credentials.secret_access_key
        # the usual case: same secret, same day as last time
        last = signer._last_key  # pyright: ignore[reportPrivateUsage]
        key = (
            last[2] if last[0] is secret and last[1] == date else signer._key(secret, date)  # pyright: ignore[reportPrivateUsage]
        )
        inner = key.inner.copy()
        inner.update(f"{ALGORITHM}\n{stamp}\n{scope}\n".encode())
        head = (
            f"{ALGORITHM} Credential={credentials.access_key_id}/{scope}, "
            f"SignedHeaders={signed}, Signature="
        )
        return _Window(credentials, start, stamp, canonical, inner, key.outer, head)

    def sign(
        self, body: bytes, credentials: Credentials, now: datetime | None = None
    ) -> dict[str, str]:
        """Sign ``body`` sent to the prepared URL; return the headers to add."""
        if now is None:
            signer = self.signer
            clock = time.time() + signer.clock_skew
            window = self._window
            if window.credentials is not credentials or not window.start <= clock < window.end:
                second = int(clock)  # the clock read once: the window and stamp agree
                stamp = signer._stamp_at(second)  # pyright: ignore[reportPrivateUsage]
                window = self._window = self._open(credentials, stamp, float(second))
        else:
            window = self._open(credentials, amz_date(now), _NEVER)
        canonical = window.canonical.copy()
        payload = _EMPTY_SHA256.copy()
        payload.update(body)
        canonical.update(_hexlify(payload.digest()))
        inner = window.inner.copy()
        inner.update(_hexlify(canonical.digest()))
        outer = window.outer.copy()
        outer.update(inner.digest())
        token = window.token
        if token:
            return {
                "Authorization": window.head + outer.hexdigest(),
                "X-Amz-Date": window.stamp,
                "X-Amz-Security-Token": token,
            }
        return {"Authorization": window.head + outer.hexdigest(), "X-Amz-Date": window.stamp}
