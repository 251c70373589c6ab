"""No secret past the scrub: hostile servers echo every secret of the request back,
in every encoding and every place a response can hold text, and nothing the client
produces holds any of it.

The HTTP fake quotes each secret of the request it got (API key, JWT, Lambda token,
access key id, session token, the SigV4 signature; and the secret key, which no
server could know, to prove the strategy's own secrets are scrubbed too) raw, in
part, inside base64 and base64url framings, URL-encoded, JSON-escaped, fully
escaped and doubly encoded, in messages (one straddling the 500-character cut, one
straddling the 2,048-byte body cut), every field of GraphQL error entries nested at
any depth, partial data, HTML pages, non-JSON bodies and response headers. The
real-time fake does the same in ``error`` frames (per subscription and
connection-wide), ``connection_error`` frames, events with ``errors`` and frames of
unknown types. Every auth mode, over httpx (sync) and aiohttp (async), and on both
real-time clients.

What is scanned (:mod:`tests.support.secret_scan`: 12 characters in a row of any
form of any secret): ``str``, ``repr``, ``vars`` and pickles of every error, their
bodies and entries, ``traceback.format_exception`` with causes and contexts, every
log record at DEBUG (the message, and its formatted exception), hook records and
retry events. The scan is shown to find the echoes when scrubbing is switched off.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import dataclasses
import json
import logging
import pickle
import random
import re
import traceback
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest

from appsync_runtime import (
    ApiKeyAuth,
    AppSyncClient,
    AppSyncError,
    AsyncAppSyncClient,
    AttemptRecord,
    AuthMode,
    AuthRequest,
    AuthStrategy,
    CallHooks,
    CognitoUserPoolsAuth,
    Credentials,
    IAMAuth,
    LambdaAuth,
    OIDCAuth,
    RetryPolicy,
)
from appsync_runtime import _redaction as redaction
from tests.support.fake_appsync import FakeAppSync, Received, Reply
from tests.support.fake_realtime import FAST as FAST_REALTIME
from tests.support.fake_realtime import (
    ConnectBehavior,
    FakeConnection,
    FakeRealtime,
    FakeSubscription,
)
from tests.support.secret_scan import Leak, SecretScan, echoes
from tests.support.simulator_launcher import mint_jwt

API_KEY = "da2-echoscanapikey000000000000000"
COGNITO_JWT = mint_jwt({"sub": "echo-u1", "token_use": "access", "claim": "cognito-echo-9"})
OIDC_JWT = mint_jwt({"sub": "echo-u2", "iss": "https://idp.example", "nonce": "oidc-echo-7"})
LAMBDA_TOKEN = "lambda-echo-authorizer-token-5517"
AKID = "AKIDECHOSCAN00000001"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYECHOSCANKEY"
# A session token as long as real ones (the straddling echo that leaked was ~830)
SESSION_TOKEN = "IQoJb3JpZ2luX2Vj" + base64.b64encode(random.Random(12).randbytes(610)).decode()
CONSTANTS = [API_KEY, COGNITO_JWT, OIDC_JWT, LAMBDA_TOKEN, AKID, SECRET_KEY, SESSION_TOKEN]

MODES: dict[str, Callable[[], AuthStrategy]] = {
    "api_key": lambda: ApiKeyAuth(API_KEY),
    "cognito": lambda: CognitoUserPoolsAuth(COGNITO_JWT),
    "oidc": lambda: OIDCAuth(lambda: OIDC_JWT),
    "lambda": lambda: LambdaAuth(LAMBDA_TOKEN),
    "iam": lambda: IAMAuth(Credentials(AKID, SECRET_KEY, SESSION_TOKEN), region="us-east-1"),
}
ENCODINGS = sorted(echoes("x" * 20))
SECRET_HEADERS = ("authorization", "x-api-key", "x-amz-security-token")
SIGV4 = re.compile(r"Signature=([0-9a-f]+)")
CREDENTIAL = re.compile(r"Credential=([^/,\s]+)")


def secrets_in(auth: dict[str, Any] | None, *, server: bool = False) -> list[str]:
    """The secrets a request carried: its auth header values, the signature and
    access key id of a SigV4 header (its other parts are not secret). With
    ``server``, what a hostile server quotes back: the same, plus the secret key of a
    signed request (no server could know it; quoted to prove the strategy's own
    secrets are scrubbed too)."""
    found: list[str] = []
    for name, value in (auth or {}).items():
        if name.lower() not in SECRET_HEADERS or not isinstance(value, str):
            continue
        if value.startswith("AWS4-HMAC-SHA256"):
            found += SIGV4.findall(value) + CREDENTIAL.findall(value)
            if server:
                found.append(SECRET_KEY)
        else:
            found.append(value)
    return found


def quoted(secrets: list[str], encoding: str) -> list[str]:
    """Each secret echoed in one encoding."""
    return [echoes(secret)[encoding] for secret in dict.fromkeys(secrets)]


def hostile_entry(echoed: list[str]) -> dict[str, Any]:
    """A GraphQL error entry quoting ``echoed`` in every field, nested."""
    text = " | ".join(echoed)
    return {
        "message": f"denied: {text}",
        "errorType": echoed[0],
        "errorInfo": {"echo": [text, {"deeper": [{"deepest": echoed}]}]},
        "extensions": {"code": "X", "quoted": {item: [item] for item in echoed}},
        "path": ["a", *echoed, 1],
        "locations": [{"line": 1, "column": 2, "source": text}],
        "data": {"echo": echoed},
        "other": text,
    }


def header_safe(text: str) -> str:
    return "".join(ch for ch in text if 32 <= ord(ch) < 127)[:4000]


def straddling(secret: str, before: int) -> str:
    """Filler, then ``secret`` starting ``before`` characters ahead of a cut at 500."""
    return "y" * (500 - before) + secret


KINDS = ("graphql", "straddle", "401", "403", "429", "500", "html", "not_json")


def hostile(kind: str, encoding: str) -> Callable[[Received], Reply]:
    def handle(received: Received) -> Reply:
        secrets = secrets_in(received.headers, server=True)
        echoed = quoted(secrets, encoding)
        text = " | ".join(echoed)
        headers = {
            "content-type": "application/json",
            "x-amzn-RequestId": header_safe(echoed[0]),
            "x-amzn-ErrorType": header_safe(echoed[-1]) + ":http://internal.example/",
        }
        entry = hostile_entry(echoed)
        if kind == "graphql":
            return Reply(200, {"data": {"a": echoed}, "errors": [entry, entry]}, headers)
        if kind == "straddle":
            longest = echoes(max(secrets, key=len))[encoding]
            body: dict[str, Any] = {
                "errors": [
                    {"errorType": "BadRequest", "message": straddling(longest, len(longest) // 2)}
                ]
            }
            # the body's 2,048-byte cut lands in the middle of an echo too
            starts = len(json.dumps(body)) - 1 + len(', "pad": "')
            body["pad"] = "z" * max(0, 2048 - starts - len(longest) // 2) + longest
            return Reply(400, body, headers)
        if kind == "html":
            page = f"<html><body>proxy error; you sent:<br>{text}</body></html>"
            content_type = f"text/html; x={header_safe(echoed[0])}"
            return Reply(502, page, {**headers, "content-type": content_type})
        if kind == "not_json":
            return Reply(200, f"oops {text}", {**headers, "content-type": "text/plain"})
        return Reply(int(kind), {"errors": [entry]}, headers)

    return handle


class Evidence:
    """Everything a secret could leak into."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.records: list[Any] = []
        self.errors = 0

    def hooks(self) -> CallHooks:
        return CallHooks(self.records.append, self.records.append, self.records.append)

    def add_error(self, error: BaseException) -> None:
        self.errors += 1
        self.texts += [str(error), repr(error), "".join(traceback.format_exception(error))]
        if isinstance(error, AppSyncError):
            self.texts.append(repr(vars(error)))
            self.texts.append(getattr(error, "body", b"").decode("latin-1"))
            self.texts += [repr(entry) for entry in getattr(error, "errors", ())]
            for protocol in (0, pickle.HIGHEST_PROTOCOL):
                self.texts.append(pickle.dumps(error, protocol).decode("latin-1"))
            self.texts.append(repr(vars(copy.deepcopy(error))))

    def add_logs(self, records: Iterable[logging.LogRecord]) -> None:
        for record in records:
            message = record.getMessage()
            if record.name.startswith("httpcore") and "response_headers" in message:
                # httpcore's own DEBUG dump of the response headers as received
                # (docs/reliability.md): outside what this library logs
                continue
            self.texts.append(message)
            if record.exc_info:
                self.texts.append("".join(traceback.format_exception(*record.exc_info)))

    def leaks(self, secrets: Iterable[str]) -> list[Leak]:
        for record in self.records:
            self.texts.append(repr(record))
            if isinstance(record, AttemptRecord):
                self.texts.append(repr(dict(record.headers)))
        return SecretScan(secrets).find(self.texts)


QUERY = "query Echo($id: ID!) { a(id: $id) }"


def run_http(
    fake: FakeAppSync,
    mode: str,
    transport: str,
    evidence: Evidence,
    kinds: Iterable[str],
    encodings: Iterable[str] = ENCODINGS,
) -> None:
    # the deprecated on_retry hook still hands out records: they are scanned too
    with pytest.warns(DeprecationWarning, match="on_retry"):
        retry = RetryPolicy(
            attempts=2, wait_initial=0.001, wait_max=0.001, on_retry=evidence.records.append
        )
    settings: dict[str, Any] = {"retry": retry, "hooks": evidence.hooks()}
    calls = [(kind, encoding) for kind in kinds for encoding in encodings]
    if transport == "sync":
        with AppSyncClient(fake.url, auth=MODES[mode](), **settings) as client:
            for kind, encoding in calls:
                fake.handler = hostile(kind, encoding)
                try:
                    client.execute(QUERY, "Echo", {"id": "1"})
                except AppSyncError as exc:
                    evidence.add_error(exc)
        return

    async def go() -> None:
        async with AsyncAppSyncClient(fake.url, auth=MODES[mode](), **settings) as client:
            for kind, encoding in calls:
                fake.handler = hostile(kind, encoding)
                try:
                    await client.execute(QUERY, "Echo", {"id": "1"})
                except AppSyncError as exc:
                    evidence.add_error(exc)

    asyncio.run(go())


def sent_secrets(fake: FakeAppSync) -> list[str]:
    return [secret for received in fake.received for secret in secrets_in(received.headers)]


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.DEBUG)  # the root logger: httpx, httpcore, aiohttp, ours
    yield caplog


@pytest.mark.parametrize("transport", ["sync", "async"])
@pytest.mark.parametrize("mode", sorted(MODES))
def test_http_echoes_never_leak(
    fake: FakeAppSync, debug_logs: pytest.LogCaptureFixture, mode: str, transport: str
) -> None:
    evidence = Evidence()
    run_http(fake, mode, transport, evidence, KINDS)
    evidence.add_logs(debug_logs.records)
    assert evidence.errors == len(KINDS) * len(ENCODINGS)
    sent = sent_secrets(fake)
    assert sent, "no request carried a secret"
    assert any("retry 1 of 1" in r.getMessage() for r in debug_logs.records)
    leaks = evidence.leaks([*CONSTANTS, *sent])
    assert leaks == [], "\n".join(map(str, leaks[:20]))


def _unchanged(*args: Any) -> str:
    text: str = args[-1]
    return text


def switch_scrubbing_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(redaction.Scrubber, "_mask", _unchanged)
    monkeypatch.setattr(redaction.Scrubber, "_edge", _unchanged)
    monkeypatch.setattr(redaction, "_patterns", _unchanged)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_http_scan_finds_every_encoding_when_scrubbing_is_off(
    fake: FakeAppSync,
    debug_logs: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    encoding: str,
) -> None:
    switch_scrubbing_off(monkeypatch)
    evidence = Evidence()
    run_http(fake, "iam", "sync", evidence, ["graphql", "401", "html"], [encoding])
    evidence.add_logs(debug_logs.records)
    leaks = evidence.leaks([*CONSTANTS, *sent_secrets(fake)])
    signatures = {s for r in fake.received for s in SIGV4.findall(r.headers["authorization"])}
    assert {leak.secret for leak in leaks} >= {SESSION_TOKEN, SECRET_KEY, AKID, *signatures}


def test_http_scan_finds_straddles_of_the_old_cut_then_replace(
    fake: FakeAppSync, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reported leak: text cut first, then only whole values replaced, keeps the
    part of a secret before the cut. The scan sees it."""
    original = redaction.Scrubber.text

    def cut_first(self: redaction.Scrubber, text: str, limit: int | None = None, **kw: Any) -> str:
        if limit is not None and len(text) > limit:
            text = text[:limit]
        return original(self, text, None, **kw)

    def whole_values_only(self: redaction.Scrubber, text: str) -> str:
        self._prepare()  # pyright: ignore[reportPrivateUsage]
        for value in self._values:  # pyright: ignore[reportPrivateUsage]
            text = text.replace(value, "***")
        return text

    monkeypatch.setattr(redaction.Scrubber, "text", cut_first)
    monkeypatch.setattr(redaction.Scrubber, "_mask", whole_values_only)
    evidence = Evidence()
    run_http(fake, "iam", "sync", evidence, ["straddle"], ["raw"])
    assert [leak.secret for leak in evidence.leaks([SESSION_TOKEN])] == [SESSION_TOKEN]


class FileToken(AuthStrategy):
    """A token read from a file, trailing newline and all (a strategy of the user's
    own: the built-in ones refuse such a token)."""

    mode = AuthMode.AWS_LAMBDA

    def auth_headers(self, request: AuthRequest) -> dict[str, str]:
        return {"Authorization": LAMBDA_TOKEN + "\n"}


NEWLINE_STRATEGIES: dict[str, Callable[[], AuthStrategy]] = {
    "token": FileToken,
    "iam": lambda: IAMAuth(Credentials(AKID, SECRET_KEY, SESSION_TOKEN + "\n"), region="us-east-1"),
}


@pytest.mark.parametrize("transport", ["sync", "async"])
@pytest.mark.parametrize("strategy", sorted(NEWLINE_STRATEGIES))
def test_header_values_with_a_newline_never_leak(
    fake: FakeAppSync, debug_logs: pytest.LogCaptureFixture, strategy: str, transport: str
) -> None:
    """HTTP clients refuse such a header with errors and DEBUG lines quoting it: it is
    refused before anything is sent, with an error naming the header, not its value."""
    evidence = Evidence()
    with pytest.raises(AppSyncError) as info:
        settings: dict[str, Any] = {
            "auth": NEWLINE_STRATEGIES[strategy](),
            "retry": RetryPolicy(attempts=2, wait_initial=0.001, wait_max=0.001),
            "hooks": evidence.hooks(),
        }
        if transport == "sync":
            with AppSyncClient(fake.url, **settings) as client:
                client.execute(QUERY, "Echo", {"id": "1"})
        else:

            async def go() -> None:
                async with AsyncAppSyncClient(fake.url, **settings) as client:
                    await client.execute(QUERY, "Echo", {"id": "1"})

            asyncio.run(go())
    evidence.add_error(info.value)
    evidence.add_logs(debug_logs.records)
    assert fake.received == []
    leaks = evidence.leaks(CONSTANTS)
    assert leaks == [], "\n".join(map(str, leaks[:20]))


class CustomHeader(AuthStrategy):
    """A strategy of the user's own, sending its token in a header of its own name."""

    mode = AuthMode.AWS_LAMBDA

    def auth_headers(self, request: AuthRequest) -> dict[str, str]:
        return {"x-my-token": LAMBDA_TOKEN, "X-Amz-Date": "20240101T000000Z"}


def test_hook_records_mask_a_custom_strategys_headers(fake: FakeAppSync) -> None:
    seen: list[AttemptRecord] = []

    def echo(received: Received) -> Reply:
        message = f"bad token {received.headers['x-my-token']}"
        return Reply(401, {"errors": [{"errorType": "Unauthorized", "message": message}]})

    fake.handler = echo
    client = AppSyncClient(fake.url, auth=CustomHeader(), hooks=CallHooks(on_error=seen.append))
    with client, pytest.raises(AppSyncError) as info:
        client.execute(QUERY, "Echo", {"id": "1"})
    headers = dict(seen[0].headers)
    assert headers["x-my-token"] == "***"
    assert headers["X-Amz-Date"] == "20240101T000000Z"  # not secret: left readable
    assert fake.received[0].headers["x-my-token"] == LAMBDA_TOKEN
    assert str(info.value).startswith("HTTP 401 Unauthorized: bad token ***")
    assert LAMBDA_TOKEN[:12] not in repr(seen)


# --------------------------------------------------------------------------- real time

FAST = dataclasses.replace(FAST_REALTIME, connect_attempts=2)
SUBSCRIPTION = "subscription OnEcho { onEcho { id } }"
RT_KINDS = ("start_error", "connection_wide", "data_errors", "connection_error", "auth_error")


def realtime_echo(secrets: list[str], encoding: str) -> list[dict[str, Any]]:
    echoed = quoted(secrets, encoding)
    entry = hostile_entry(echoed)
    return [entry, {**entry, "errorCode": 401}]


async def one_realtime_case(
    rt: FakeRealtime, mode: str, transport: str, kind: str, encoding: str, evidence: Evidence
) -> None:
    """Subscribe, make the fake echo the secrets one way, collect the error."""
    rt.start_errors = None
    rt.connection_errors = None
    rt.connect_script.clear()
    if kind == "start_error":

        def refuse(sub: FakeSubscription) -> list[dict[str, Any]]:
            return realtime_echo(secrets_in(sub.authorization, server=True), encoding)

        rt.start_errors = refuse
    elif kind in ("connection_error", "auth_error"):

        def refuse_connect(conn: FakeConnection) -> list[dict[str, Any]]:
            errors = realtime_echo(secrets_in(conn.auth, server=True), encoding)
            if kind == "connection_error":  # not an auth failure: no errorCode 401
                errors = [{k: v for k, v in e.items() if k != "errorCode"} for e in errors]
                for error in errors:
                    error["errorType"] = "UnsupportedOperation " + error["errorType"]
            return errors

        rt.connection_errors = refuse_connect
        behavior: ConnectBehavior = (
            "connection_error" if kind == "connection_error" else "connection_error_auth"
        )
        rt.connect_script.extend((behavior, behavior, behavior))

    def after_ready() -> None:
        # a frame of an unknown type quoting the secrets goes to the DEBUG log
        text = " ".join(quoted(secrets_in(rt.connections[-1].auth, server=True), encoding))
        rt.send_raw(json.dumps({"type": text[:2000], "payload": text}))
        if kind == "connection_wide":
            auth = rt.connections[-1].auth
            rt.connection_wide_error(realtime_echo(secrets_in(auth, server=True), encoding))
        elif kind == "data_errors":
            [sub] = rt.active_subscriptions
            secrets = secrets_in(sub.authorization, server=True)
            payload = {"data": {"onEcho": quoted(secrets, encoding)}}
            errors = realtime_echo(secrets, encoding)
            rt.publish_payload({**payload, "errors": errors})

    settings: dict[str, Any] = {"realtime": FAST, "region": "us-east-1"}
    try:
        if transport == "async":
            async with AsyncAppSyncClient(rt.url, auth=MODES[mode](), **settings) as client:
                async for _ in client.subscribe(SUBSCRIPTION, "OnEcho", on_ready=after_ready):
                    pass
        else:

            def consume() -> None:
                with AppSyncClient(rt.url, auth=MODES[mode](), **settings) as client:
                    for _ in client.subscribe(SUBSCRIPTION, "OnEcho", on_ready=after_ready):
                        pass

            await asyncio.to_thread(consume)
    except Exception as exc:
        evidence.add_error(exc)
    else:
        raise AssertionError(f"{kind}: the subscription ended without an error")


@pytest.mark.parametrize("transport", ["sync", "async"])
@pytest.mark.parametrize("mode", sorted(MODES))
def test_realtime_echoes_never_leak(
    debug_logs: pytest.LogCaptureFixture, mode: str, transport: str
) -> None:
    evidence = Evidence()
    with FakeRealtime(
        api_keys=[API_KEY], tokens=[COGNITO_JWT, OIDC_JWT, LAMBDA_TOKEN], ka_interval=None
    ) as rt:

        async def go() -> None:
            for kind in RT_KINDS:
                for encoding in ENCODINGS:
                    await one_realtime_case(rt, mode, transport, kind, encoding, evidence)

        asyncio.run(go())
        auths = [conn.auth for conn in rt.connections]
        auths += [
            sub.authorization for conn in rt.connections for sub in conn.subscriptions.values()
        ]
        auths += [start["payload"]["extensions"]["authorization"] for start in rt.all_starts()]
        violations = rt.violations
    assert violations == []
    evidence.add_logs(debug_logs.records)
    assert evidence.errors == len(RT_KINDS) * len(ENCODINGS)
    sent = [secret for auth in auths for secret in secrets_in(auth)]
    assert sent
    leaks = evidence.leaks([*CONSTANTS, *sent])
    assert leaks == [], "\n".join(map(str, leaks[:20]))


@pytest.mark.parametrize("kind", RT_KINDS)
def test_realtime_scan_finds_echoes_when_scrubbing_is_off(
    debug_logs: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    switch_scrubbing_off(monkeypatch)
    evidence = Evidence()
    with FakeRealtime(api_keys=[API_KEY], ka_interval=None) as rt:
        asyncio.run(one_realtime_case(rt, "iam", "async", kind, "raw", evidence))
    evidence.add_logs(debug_logs.records)
    leaks = evidence.leaks([*CONSTANTS])
    assert {leak.secret for leak in leaks} >= {SESSION_TOKEN, SECRET_KEY, AKID}
