"""Independent SigV4 verification for the fake server, recomputed with botocore.

It answers like AppSync: 403 with ``x-amzn-ErrorType`` and the message AppSync uses
for each kind of failure, so the client's recovery and error mapping are exercised
against the real wording.
"""

from __future__ import annotations

import calendar
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials

from tests.support.fake_appsync import Received, Reply

_AUTH = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=(?P<akid>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/"
    r"(?P<service>[^/]+)/aws4_request, SignedHeaders=(?P<signed>[^,]+), "
    r"Signature=(?P<signature>[0-9a-f]{64})$"
)


@dataclass
class KeyInfo:
    """One access key the fake accepts."""

    secret: str
    token: str | None = None
    expires_at: float | None = None  # epoch seconds; None: never
    revoked: bool = False


@dataclass
class SigV4Check:
    """Verifies every request's signature; counts what it saw."""

    keys: dict[str, KeyInfo]
    region: str = "us-east-1"
    service: str = "appsync"
    clock_offset: float = 0.0  # the server's clock minus the real one
    max_skew: float = 300.0
    accepted: int = 0
    rejected: list[str] = field(default_factory=list)
    signed_with_expired: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def server_now(self) -> float:
        return time.time() + self.clock_offset

    def _deny(self, error_type: str, message: str) -> Reply:
        with self._lock:
            self.rejected.append(error_type + ": " + message)
        return Reply(
            403,
            {"errors": [{"errorType": error_type, "message": message}]},
            {
                "x-amzn-ErrorType": f"{error_type}:http://internal.amazon.com/coral/",
                "Date": formatdate(self.server_now(), usegmt=True),
                "content-type": "application/json",
            },
        )

    def expected_signature(self, received: Received, info: KeyInfo, akid: str) -> str:
        match = _AUTH.match(received.headers.get("authorization", ""))
        assert match is not None
        signed = match.group("signed").split(";")
        host = received.headers["host"]
        url = f"https://{host}{received.path}"
        if received.query_string:
            url += "?" + received.query_string
        request = AWSRequest(
            method=received.method,
            url=url,
            headers={name: received.headers[name] for name in signed if name in received.headers},
            data=received.body,
        )
        request.context["timestamp"] = received.headers["x-amz-date"]
        signer = SigV4Auth(
            BotoCredentials(akid, info.secret, info.token), self.service, match.group("region")
        )
        canonical = signer.canonical_request(request)
        return signer.signature(signer.string_to_sign(request, canonical), request)

    def __call__(self, received: Received) -> Reply | None:
        """None when the request is properly signed; else the 403 AppSync would send."""
        match = _AUTH.match(received.headers.get("authorization", ""))
        if match is None:
            return Reply(
                401,
                {"errors": [{"errorType": "UnauthorizedException", "message": "Missing auth"}]},
            )
        akid = match.group("akid")
        info = self.keys.get(akid)
        token = received.headers.get("x-amz-security-token")
        if info is None or info.revoked or token != info.token:
            return self._deny(
                "UnrecognizedClientException",
                "The security token included in the request is invalid.",
            )
        now = self.server_now()
        if info.expires_at is not None and time.time() >= info.expires_at:
            with self._lock:
                self.signed_with_expired += 1
            return self._deny(
                "ExpiredTokenException", "The security token included in the request is expired"
            )
        stamp = received.headers.get("x-amz-date", "")
        try:
            signed_at = calendar.timegm(time.strptime(stamp, "%Y%m%dT%H%M%SZ"))
        except ValueError:
            return self._deny("IncompleteSignatureException", "X-Amz-Date is missing or bad")
        server_stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
        if signed_at < now - self.max_skew:
            earliest = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now - self.max_skew))
            return self._deny(
                "InvalidSignatureException",
                f"Signature expired: {stamp} is now earlier than {earliest} "
                f"({server_stamp} - 5 min.)",
            )
        if signed_at > now + self.max_skew:
            latest = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now + self.max_skew))
            return self._deny(
                "InvalidSignatureException",
                f"Signature not yet current: {stamp} is still later than {latest} "
                f"({server_stamp} + 5 min.)",
            )
        if match.group("region") != self.region or match.group("service") != self.service:
            return self._deny(
                "InvalidSignatureException",
                f"Credential should be scoped to a valid region, not '{match.group('region')}'. "
                "The request signature we calculated does not match the signature you provided.",
            )
        if "host" not in match.group("signed").split(";"):
            return self._deny("InvalidSignatureException", "'Host' must be a signed header")
        if self.expected_signature(received, info, akid) != match.group("signature"):
            return self._deny(
                "InvalidSignatureException",
                "The request signature we calculated does not match the signature you "
                "provided. Check your AWS Secret Access Key and signing method.",
            )
        with self._lock:
            self.accepted += 1
        return None

    def handler(self, ok: Reply | None = None) -> Callable[[Received], Reply]:
        """A FakeAppSync handler: verify, then answer ``ok`` (a tiny success by default)."""
        success = ok or Reply(200, {"data": {"ok": True}}, {"content-type": "application/json"})

        def handle(received: Received) -> Reply:
            return self(received) or success

        return handle
