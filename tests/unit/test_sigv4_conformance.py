"""The official AWS SigV4 test vectors, header mode, against our signer.

The suites are carried in ``tests/data/sigv4-testsuite/`` (``aws-c-auth-v4/`` and
``botocore-aws4_testsuite/``, with their licence and PROVENANCE.md), so every clone runs
them; ``SIGV4_TESTSUITE_DIR`` points the test at another copy of the same layout.
Every case is checked three ways: the canonical request, the string to sign and the
``Authorization`` header (from both the general and the prepared signer).

Feeding the vectors' paths. A request line in the vectors holds the path *unencoded*
(``GET /example space/``, ``GET /ሴ``) and the expected canonical URI is that path
URI-encoded once (``/example%20space/``, ``/%E1%88%B4``). Our signer takes the URL as
the exact wire string and, as every non-S3 service requires, URI-encodes its path once
more; for an unencoded path that "once more" is exactly the vectors' single encoding.
So each vector's path goes into the URL verbatim, and the expected canonical URIs match
as written. (The double encoding of an already-encoded wire path, ``/foo%20bar`` ->
``/foo%2520bar``, is not exercised by any vector: test_sigv4_fastpath covers it, and
test_sigv4_differential checks it against botocore.) Queries need no such care: names
and values are decoded and re-encoded, so raw (``?ሴ=bar``) and encoded
(``?%E1%88%B4=Value1``) vector queries both canonicalize as expected.

Cases outside AppSync's rules are reported as skipped, with the reason: no path
normalization (``normalize: false``), a session token added after signing
(``omit_session_token``, or a botocore case whose token is in the signed request but not
in the canonical one), and S3-style body signing (``sign_body``).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest

from appsync_runtime._credentials import Credentials
from appsync_runtime._sigv4 import (
    SigV4Signer,
    amz_date,
    canonical_request,
    credential_scope,
    string_to_sign,
)

BUNDLED = Path(__file__).resolve().parents[1] / "data" / "sigv4-testsuite"
SUITE = Path(os.environ.get("SIGV4_TESTSUITE_DIR") or BUNDLED)
# A missing suite is a broken checkout or a wrong override: fail, never skip.
if not (SUITE / "aws-c-auth-v4").is_dir() or not (SUITE / "botocore-aws4_testsuite").is_dir():
    raise RuntimeError(
        f"{SUITE} does not hold aws-c-auth-v4/ and botocore-aws4_testsuite/ "
        "(SIGV4_TESTSUITE_DIR overrides tests/data/sigv4-testsuite)"
    )

BOTOCORE_KEY = "AKIDEXAMPLE"
BOTOCORE_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
BOTOCORE_TIME = datetime(2015, 8, 30, 12, 36, 0, tzinfo=timezone.utc)


@dataclass
class Vector:
    name: str
    method: str
    url: str
    headers: list[tuple[str, str]]
    body: bytes
    credentials: Credentials
    region: str
    service: str
    now: datetime
    canonical_request: str
    string_to_sign: str
    authorization: str
    skip: str | None = None


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8").replace("\r\n", "\n")


def _parse_request(raw: str) -> tuple[str, str, list[tuple[str, str]], bytes]:
    """Split a raw HTTP request into method, URL, header pairs (in order) and body."""
    head, _, body = raw.partition("\n\n")
    lines = head.split("\n")
    method, _, rest = lines[0].partition(" ")
    target = rest.rsplit(" ", 1)[0]  # the path may hold spaces: drop " HTTP/1.1" only
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and headers:  # continuation of a multiline value
            name, value = headers[-1]
            headers[-1] = (name, f"{value}\n{line}")
        elif line:
            name, _, value = line.partition(":")
            headers.append((name, value))
    host = next(value.strip() for name, value in headers if name.lower() == "host")
    return method, f"https://{host}{target}", headers, body.encode("utf-8")


def _authorization_line(signed_request: str) -> str:
    for line in signed_request.split("\n"):
        if line.lower().startswith("authorization:"):
            return line.partition(":")[2].strip()
    raise AssertionError("no Authorization line in the signed request")


def _aws_c_vectors() -> list[Vector]:
    vectors: list[Vector] = []
    root = SUITE / "aws-c-auth-v4"
    for case in sorted(p for p in root.iterdir() if (p / "context.json").is_file()):
        context = json.loads(_text(case / "context.json"))
        method, url, headers, body = _parse_request(_text(case / "request.txt"))
        creds = context["credentials"]
        skip = None
        if not context.get("normalize", True):
            skip = "assumes no path normalization (S3 rules); AppSync normalizes paths"
        elif context.get("omit_session_token", False):
            skip = "adds the session token after signing; AppSync needs the token signed"
        elif context.get("sign_body", False):
            skip = "signs the body S3-style (x-amz-content-sha256); AppSync does not"
        vectors.append(
            Vector(
                name=f"aws-c/{case.name}",
                method=method,
                url=url,
                headers=headers,
                body=body,
                credentials=Credentials(
                    creds["access_key_id"], creds["secret_access_key"], creds.get("token")
                ),
                region=context["region"],
                service=context["service"],
                now=datetime.fromisoformat(context["timestamp"].replace("Z", "+00:00")),
                canonical_request=_text(case / "header-canonical-request.txt"),
                string_to_sign=_text(case / "header-string-to-sign.txt"),
                authorization=_authorization_line(_text(case / "header-signed-request.txt")),
                skip=skip,
            )
        )
    return vectors


def _botocore_vectors() -> list[Vector]:
    vectors: list[Vector] = []
    root = SUITE / "botocore-aws4_testsuite"
    for req in sorted(root.rglob("*.req")):
        case, stem = req.parent, req.stem
        creq = _text(case / f"{stem}.creq")
        sreq = _text(case / f"{stem}.sreq")
        token = None
        for line in creq.split("\n"):
            if line.startswith("x-amz-security-token:"):
                token = line.partition(":")[2]
        skip = None
        if token is None and "x-amz-security-token:" in sreq.lower():
            skip = "adds the session token after signing; AppSync needs the token signed"
        method, url, headers, body = _parse_request(_text(req))
        vectors.append(
            Vector(
                name=f"botocore/{case.relative_to(root).as_posix()}",
                method=method,
                url=url,
                headers=headers,
                body=body,
                credentials=Credentials(BOTOCORE_KEY, BOTOCORE_SECRET, token),
                region="us-east-1",
                service="service",
                now=BOTOCORE_TIME,
                canonical_request=creq,
                string_to_sign=_text(case / f"{stem}.sts"),
                # .authz, not .sreq: get-vanilla-with-session-token's .sreq is wrong.
                authorization=_text(case / f"{stem}.authz").strip(),
                skip=skip,
            )
        )
    return vectors


VECTORS = _aws_c_vectors() + _botocore_vectors()


def test_both_suites_found() -> None:
    assert sum(v.name.startswith("aws-c/") for v in VECTORS) == 38
    assert sum(v.name.startswith("botocore/") for v in VECTORS) == 34


@pytest.mark.parametrize("vector", VECTORS, ids=[v.name for v in VECTORS])
def test_vector(vector: Vector) -> None:
    if vector.skip:
        pytest.skip(vector.skip)
    stamp = amz_date(vector.now)
    creds = vector.credentials
    # What gets signed: the request's headers, its own X-Amz-Date / X-Amz-Security-Token
    # lines (botocore's .req files carry some) replaced by the signer's.
    signed = [
        pair
        for pair in vector.headers
        if pair[0].lower() not in ("x-amz-date", "x-amz-security-token")
    ]
    signed.append(("X-Amz-Date", stamp))
    if creds.session_token:
        signed.append(("X-Amz-Security-Token", creds.session_token))
    payload = hashlib.sha256(vector.body).hexdigest()

    creq = canonical_request(vector.method, vector.url, signed, payload)
    assert creq == vector.canonical_request

    scope = credential_scope(stamp[:8], vector.region, vector.service)
    assert string_to_sign(stamp, scope, creq) == vector.string_to_sign

    signer = SigV4Signer(vector.region, vector.service)
    headers = signer.sign(
        vector.method, vector.url, vector.headers, vector.body, creds, now=vector.now
    )
    assert headers["Authorization"] == vector.authorization
    assert headers["X-Amz-Date"] == stamp
    assert headers.get("X-Amz-Security-Token") == creds.session_token

    prepared = signer.prepare(vector.url, vector.headers, method=vector.method)
    assert prepared.sign(vector.body, creds, vector.now) == headers


def test_the_carried_vectors_keep_their_licence_and_provenance() -> None:
    for suite in ("aws-c-auth-v4", "botocore-aws4_testsuite"):
        licence = (BUNDLED / suite / "LICENSE").read_text(encoding="utf-8")
        assert "Apache License" in licence and "Version 2.0, January 2004" in licence
        assert "Amazon.com" in (BUNDLED / suite / "NOTICE").read_text(encoding="utf-8")
    provenance = (BUNDLED / "PROVENANCE.md").read_text(encoding="utf-8")
    for origin in ("https://github.com/boto/botocore", "https://github.com/awslabs/aws-c-auth"):
        assert origin in provenance
