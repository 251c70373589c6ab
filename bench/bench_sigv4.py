"""Microseconds per SigV4 signature of an AppSync request, ours against peers.

Run ``python bench/bench_sigv4.py [--quick]``. The request: ``POST
https://<26-char id>.appsync-api.us-east-1.amazonaws.com/graphql``, a ~300-byte JSON
body, ``accept`` and ``content-type`` headers, temporary credentials (session token).

Rows, all measured in the same run, round-robin so drift hits each alike:

* ours, prepared fast path (``SigV4Signer.prepare(...).sign``), real clock: within
  one second, a credential set's signatures share the canonical request hashed up to
  the payload hash and the HMAC state after the string to sign's head, so only the
  body and two short digests are hashed per call, less than the floor below;
* ours, prepared, first signature of a second (the same with a clock that moves
  one second per call: what the first call of each second pays);
* ours, general path (``SigV4Signer.sign``);
* botocore ``SigV4Auth.add_auth`` with static ``Credentials`` (on one reused
  ``AWSRequest``: the cheapest way to drive it) and with ``RefreshableCredentials``
  (far from expiry, so only its refresh check runs);
* gql 4 ``AppSyncIAMAuthentication.get_headers`` (builds an ``AWSRequest`` per call);
* requests-aws4auth ``AWS4Auth`` on one prepared ``requests`` request (it also adds
  and signs ``x-amz-content-sha256``);
* the floor: sha256(body) + sha256(canonical request) + one ``hmac.digest`` with the
  signing key precomputed, strings prebuilt; and the same floor with the HMAC's padded
  key states precomputed (what our key cache holds).

Each row reports the best and the median of several rounds, and ratios to ours and
to the floor (medians of the per-round ratios). Two rows show the whole path around
the prepared signer: the client's own signing step per call (describing the request,
finding its prepared signer, taking the credentials, signing, checking the headers),
and ``IAMAuth`` as an ``httpx.Auth`` on a user's own ``httpx`` requests (fresh ones,
built outside the clock), with one body, and with bodies of 16 lengths in turn (16
request shapes). A peer that is not installed is left out.
:func:`run` returns the rows for a combined benchmark command.
"""

from __future__ import annotations

import argparse
import functools
import gc
import hashlib
import hmac
import itertools
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx

from appsync_runtime._credentials import Credentials
from appsync_runtime._sigv4 import SigV4Signer, amz_date, canonical_request, signing_key

__all__ = ["Row", "format_table", "main", "run"]

API_ID = "abcdefghijklmnopqrstuvwxyz"
HOST = f"{API_ID}.appsync-api.us-east-1.amazonaws.com"
URL = f"https://{HOST}/graphql"
REGION = "us-east-1"
HEADERS = {"accept": "application/json", "content-type": "application/json; charset=UTF-8"}
BODY = (
    b'{"query":"query GetNote($id: ID!) { getNote(id: $id) { id title content owner '
    b'createdAt updatedAt tags { name color } } }","variables":{"id":"7c1e2d4a-9b3f-4e6a-'
    b'8d2c-1f0e9a8b7c6d"},"operationName":"GetNote","extensions":{"client":"appsync-typed",'
    b'"version":"0.1.0","trace":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}}'
)
ACCESS_KEY = "ASIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD" + "x" * 700 + "=="


@dataclass(frozen=True)
class Row:
    """One measured signer: microseconds per signature, and ratios of the medians."""

    name: str
    best_us: float
    median_us: float
    vs_ours: float
    vs_floor: float


@dataclass(frozen=True)
class _PerRequest:
    """A candidate that needs a fresh object per call, built outside the clock:
    ``build()`` makes one, ``sign(it)`` is what is timed."""

    build: Callable[[], object]
    sign: Callable[[Any], object]


@dataclass(frozen=True)
class _NewSecondEachCall:
    """A candidate timed with ``time.time`` standing in for a clock that moves one
    second per call (a C-level callable, as cheap as the real one), so that every
    call is the first of its second."""

    fn: Callable[[], object]


def _whole_step(creds: Credentials) -> Callable[[], object]:
    """What the client does to sign each call: describe the request, find the prepared
    signer for its headers, take the credentials, sign, check the headers."""
    from types import MappingProxyType

    from appsync_runtime import IAMAuth
    from appsync_runtime._auth import vet_auth_headers
    from appsync_runtime._flow import _auth_request, _checked

    auth = IAMAuth(creds)
    headers = MappingProxyType({"host": HOST, **HEADERS})

    class _Call:  # the fields of appsync_runtime._flow.Call the step reads
        url, host, region, body = URL, HOST, REGION, BODY

    setattr(_Call, "headers", headers)  # noqa: B010  # a class attribute, not a method
    call: Any = _Call()

    def step() -> object:
        request = _auth_request(call)
        return vet_auth_headers(auth, _checked(auth.auth_headers(request), auth))

    return step


def _httpx_auth(creds: Credentials, lengths: int = 1) -> _PerRequest:
    """``IAMAuth`` on a user's own ``httpx`` request: its auth flow's first step (the
    request signed, headers set) on a fresh request each time, as httpx drives it.
    ``lengths`` > 1: bodies of that many lengths in turn (a ``content-length`` header
    of its own each, so as many request shapes), as a user's varied calls make."""
    from appsync_runtime import IAMAuth

    auth = IAMAuth(creds)
    client = httpx.Client()
    bodies = [BODY + b" " * n for n in range(lengths)]
    turn = iter(range(1 << 62))

    def build() -> object:
        body = bodies[next(turn) % lengths]
        return client.build_request("POST", URL, content=body, headers=HEADERS)

    def sign(request: Any) -> object:
        return next(auth.sync_auth_flow(request))

    return _PerRequest(build, sign)


def _candidates() -> tuple[
    dict[str, Callable[[], object] | _PerRequest | _NewSecondEachCall], list[str]
]:
    """The functions to time (each signs once per call), and notes on skipped peers."""
    notes: list[str] = []
    creds = Credentials(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN)
    signer = SigV4Signer(REGION)
    prepared = signer.prepare(URL, HEADERS)
    fns: dict[str, Callable[[], object] | _PerRequest | _NewSecondEachCall] = {
        "ours: prepared fast path": lambda: prepared.sign(BODY, creds),
        "ours: client's whole signing step": _whole_step(creds),
        "ours: IAMAuth as httpx.Auth (own httpx code)": _httpx_auth(creds),
        "ours: IAMAuth as httpx.Auth, 16 body lengths": _httpx_auth(creds, 16),
        "ours: prepared, first signature of a second": _NewSecondEachCall(
            lambda: prepared.sign(BODY, creds)
        ),
        "ours: general sign()": lambda: signer.sign("POST", URL, HEADERS, BODY, creds),
    }

    try:
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials as BotoCredentials
        from botocore.credentials import RefreshableCredentials
    except ImportError:
        notes.append("botocore not installed: its rows are left out")
    else:
        static = SigV4Auth(
            BotoCredentials(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN), "appsync", REGION
        )
        expiry = (datetime.now(timezone.utc) + timedelta(hours=6)).isoformat()
        metadata = {
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
            "token": SESSION_TOKEN,
            "expiry_time": expiry,
        }
        refreshable = SigV4Auth(
            RefreshableCredentials.create_from_metadata(metadata, lambda: metadata, "bench"),
            "appsync",
            REGION,
        )
        request_a = AWSRequest(method="POST", url=URL, headers=dict(HEADERS), data=BODY)
        request_b = AWSRequest(method="POST", url=URL, headers=dict(HEADERS), data=BODY)
        fns["botocore SigV4Auth, Credentials"] = lambda: static.add_auth(request_a)
        fns["botocore SigV4Auth, RefreshableCredentials"] = lambda: refreshable.add_auth(request_b)

        try:
            import botocore.session
            from gql.transport.appsync_auth import AppSyncIAMAuthentication
        except ImportError:
            notes.append("gql not installed: its row is left out")
        else:
            gql_auth = AppSyncIAMAuthentication(
                host=HOST,
                region_name=REGION,
                credentials=BotoCredentials(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN),
                session=botocore.session.get_session(),
            )
            body_text = BODY.decode()
            fns["gql AppSyncIAMAuthentication.get_headers"] = lambda: gql_auth.get_headers(
                body_text, dict(HEADERS)
            )

    try:
        import requests
        from requests_aws4auth import AWS4Auth
    except ImportError:
        notes.append("requests-aws4auth not installed: its row is left out")
    else:
        aws4auth = AWS4Auth(ACCESS_KEY, SECRET_KEY, REGION, "appsync", session_token=SESSION_TOKEN)
        prepared_request = requests.Request("POST", URL, headers=HEADERS, data=BODY).prepare()
        fns["requests-aws4auth AWS4Auth"] = lambda: aws4auth(prepared_request)

    # The floor: hashing only, every string prebuilt, the signing key precomputed.
    stamp = amz_date(datetime.now(timezone.utc))
    headers = [*HEADERS.items(), ("x-amz-date", stamp), ("x-amz-security-token", SESSION_TOKEN)]
    creq = canonical_request("POST", URL, headers, hashlib.sha256(BODY).hexdigest()).encode()
    scope = f"{stamp[:8]}/{REGION}/appsync/aws4_request"
    sts = f"AWS4-HMAC-SHA256\n{stamp}\n{scope}\n{hashlib.sha256(creq).hexdigest()}".encode()
    key = signing_key(SECRET_KEY, stamp[:8], REGION, "appsync")
    sha256, digest = hashlib.sha256, hmac.digest

    def floor() -> object:
        sha256(BODY).hexdigest()
        sha256(creq).hexdigest()
        return digest(key, sts, "sha256").hex()

    block = key.ljust(64, b"\0")
    inner = sha256(bytes(b ^ 0x36 for b in block))
    outer = sha256(bytes(b ^ 0x5C for b in block))

    def floor_padded() -> object:
        sha256(BODY).hexdigest()
        sha256(creq).hexdigest()
        i = inner.copy()
        i.update(sts)
        o = outer.copy()
        o.update(i.digest())
        return o.hexdigest()

    fns["floor: 2 x sha256 + hmac.digest"] = floor
    fns["floor: 2 x sha256 + pre-padded HMAC"] = floor_padded
    return fns, notes


def _time_round(fn: Callable[[], object] | _PerRequest | _NewSecondEachCall, n: int) -> float:
    """Nanoseconds per call over ``n`` calls."""
    if isinstance(fn, _NewSecondEachCall):
        real = time.time
        time.time = functools.partial(next, itertools.count(int(real()) + 1))  # type: ignore[assignment]
        try:
            return _time_round(fn.fn, n)
        finally:
            time.time = real
    if isinstance(fn, _PerRequest):
        items = [fn.build() for _ in range(n)]
        sign = fn.sign
        start = time.perf_counter_ns()
        for item in items:
            sign(item)
        return (time.perf_counter_ns() - start) / n
    start = time.perf_counter_ns()
    for _ in range(n):
        fn()
    return (time.perf_counter_ns() - start) / n


def run(quick: bool = False) -> list[Row]:
    """Time every candidate; return one row each (ours first, floors last)."""
    fns, notes = _candidates()
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    rounds = 5 if quick else 15
    budget_ns = 20_000_000 if quick else 60_000_000  # per candidate per round
    per_request_cap = 2_000 if quick else 5_000  # fresh requests built per round
    counts = {}
    for name, fn in fns.items():  # warm up, and size each round to the budget
        per_call = _time_round(fn, 200)
        counts[name] = max(50, int(budget_ns / max(per_call, 1.0)))
        if isinstance(fn, _PerRequest):
            counts[name] = min(counts[name], per_request_cap)
    samples: dict[str, list[float]] = {name: [] for name in fns}
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(rounds):
            for name, fn in fns.items():
                samples[name].append(_time_round(fn, counts[name]))
    finally:
        if gc_was_enabled:
            gc.enable()
    medians = {name: statistics.median(values) for name, values in samples.items()}

    def ratio(name: str, to: str) -> float:
        """The median of the per-round ratios: a burst of load on the shared machine
        slows one round of both alike."""
        pairs = zip(samples[name], samples[to], strict=True)
        return statistics.median(a / b for a, b in pairs)

    return [
        Row(
            name=name,
            best_us=min(samples[name]) / 1000,
            median_us=medians[name] / 1000,
            vs_ours=ratio(name, "ours: prepared fast path"),
            vs_floor=ratio(name, "floor: 2 x sha256 + hmac.digest"),
        )
        for name in fns
    ]


def format_table(rows: list[Row]) -> str:
    """The rows as a fixed-width text table."""
    width = max(len(row.name) for row in rows)
    lines = [
        f"{'signer':<{width}}  {'best us':>8}  {'median us':>9}  {'x ours':>7}  {'x floor':>7}",
        "-" * (width + 40),
    ]
    lines += [
        f"{row.name:<{width}}  {row.best_us:8.2f}  {row.median_us:9.2f}  "
        f"{row.vs_ours:7.2f}  {row.vs_floor:7.2f}"
        for row in rows
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer, shorter rounds")
    args = parser.parse_args(argv)
    print(
        f"SigV4 per signature: POST {URL}, {len(BODY)}-byte body, session token; "
        f"python {sys.version.split()[0]}"
    )
    print(format_table(run(quick=args.quick)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
