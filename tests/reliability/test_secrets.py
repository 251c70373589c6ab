"""Secrets stay secret: calls in every auth mode fail in every way with DEBUG logging
on everywhere, and no key, token, JWT, secret key or signed header shows up in logs,
reprs, messages, error bodies, hook records or formatted tracebacks."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import traceback
from collections.abc import Callable
from typing import Any

import pytest

from appsync_runtime import (
    ApiKeyAuth,
    AppSyncClient,
    AppSyncError,
    AsyncAppSyncClient,
    AttemptRecord,
    AuthStrategy,
    CallHooks,
    CognitoUserPoolsAuth,
    Credentials,
    IAMAuth,
    LambdaAuth,
    OIDCAuth,
    RetryEvent,
    RetryPolicy,
    Timeout,
)
from tests.support.fake_appsync import FakeAppSync, Received, Reply
from tests.support.ports import dead_url
from tests.support.secret_scan import SecretScan
from tests.support.simulator_launcher import mint_jwt

API_KEY = "da2-secretsscanapikey0000000000"
COGNITO_JWT = mint_jwt({"sub": "u1", "token_use": "access", "secret-claim": "cognito-claim-x9"})
OIDC_JWT = mint_jwt({"sub": "u2", "iss": "https://idp.example", "nonce": "oidc-nonce-x7"})
LAMBDA_TOKEN = "lambda-opaque-authorizer-token-551"
AKID = "AKIDSECRETSSCAN00001"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETSCAN"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjSESSIONTOKENsecretsscan//////////wEaCXVzLWVhc3QtMSJH"
SECRETS = [API_KEY, COGNITO_JWT, OIDC_JWT, LAMBDA_TOKEN, AKID, SECRET_KEY, SESSION_TOKEN]
# the JWTs' payload segments alone are secret too
SECRETS += [jwt.split(".")[1] for jwt in (COGNITO_JWT, OIDC_JWT)]

STRATEGIES: dict[str, Callable[[], AuthStrategy]] = {
    "api_key": lambda: ApiKeyAuth(API_KEY),
    "cognito": lambda: CognitoUserPoolsAuth(COGNITO_JWT),
    "oidc": lambda: OIDCAuth(OIDC_JWT),
    "lambda": lambda: LambdaAuth(LAMBDA_TOKEN),
    "iam": lambda: IAMAuth(Credentials(AKID, SECRET_KEY, SESSION_TOKEN), region="us-east-1"),
    "cognito_callable": lambda: CognitoUserPoolsAuth(lambda: COGNITO_JWT),
}


def echo_everything(status: int, error_type: str | None = None) -> Callable[[Received], Reply]:
    """A server that quotes every header it got back (as a canonical string would)."""

    def handle(received: Received) -> Reply:
        quoted = "\n".join(f"{name}:{value}" for name, value in received.headers.items())
        message = (
            "The request signature we calculated does not match the signature you provided. "
            f"The Canonical String for this request should have been\n'POST\n/graphql\n\n{quoted}'"
            if status == 403
            else f"bad credentials: {quoted}"
        )
        headers = {"content-type": "application/json"}
        if error_type:
            headers["x-amzn-ErrorType"] = f"{error_type}:http://internal.amazon.com/"
        return Reply(status, {"errors": [{"errorType": error_type, "message": message}]}, headers)

    return handle


def graphql_echo(received: Received) -> Reply:
    quoted = " ".join(received.headers.values())
    return Reply(
        200,
        {"data": None, "errors": [{"errorType": "Custom", "message": f"you sent {quoted}"}]},
        {"content-type": "application/json"},
    )


def html_echo(received: Received) -> Reply:
    quoted = "<br>".join(f"{k}: {v}" for k, v in received.headers.items())
    return Reply(
        500,
        f"<html><body>proxy error; request was:<br>{quoted}</body></html>",
        {"content-type": "text/html"},
    )


def expired_token(received: Received) -> Reply:
    return Reply(
        403,
        {
            "errors": [
                {
                    "errorType": "UnrecognizedClientException",
                    "message": f"The security token included in the request is invalid: "
                    f"{received.headers.get('x-amz-security-token')}",
                }
            ]
        },
        {"content-type": "application/json", "x-amzn-ErrorType": "UnrecognizedClientException"},
    )


FAILURES: dict[str, dict[str, Any]] = {
    "ok": {"handler": None},
    "401": {"handler": echo_everything(401, "UnauthorizedException")},
    "403_canonical": {"handler": echo_everything(403, "InvalidSignatureException")},
    "403_token": {"handler": expired_token},
    "500_html": {"handler": html_echo},
    "graphql_echo": {"handler": graphql_echo},
    "timeout": {
        "handler": lambda r: Reply(200, {"data": {}}, {}, delay=0.4),
        "timeout": Timeout(read=0.1, total=1),
    },
    "network": {"url": "dead"},
}


class Evidence:
    """Everything a secret could leak into."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.records: list[Any] = []

    def hooks(self) -> CallHooks:
        return CallHooks(
            on_request=self.records.append,
            on_response=self.records.append,
            on_error=self.records.append,
        )

    def add_error(self, error: BaseException) -> None:
        self.texts += [str(error), repr(error), "".join(traceback.format_exception(error))]
        if isinstance(error, AppSyncError):
            self.texts.append(repr(vars(error)))
            body = getattr(error, "body", b"")
            self.texts.append(body.decode("utf-8", "replace"))
            for entry in getattr(error, "errors", ()):
                self.texts.append(repr(entry))

    def scan(self, extra_secrets: list[str]) -> list[str]:
        """Secrets found whole, or any 12 characters of one in any encoding."""
        for record in self.records:
            self.texts.append(repr(record))
            if isinstance(record, AttemptRecord):
                self.texts.append(repr(dict(record.headers)))
        blob = "\n".join(self.texts)
        leaks = [s for s in SECRETS + extra_secrets if s and s in blob]
        signatures = re.findall(r"Signature=([0-9a-f]{64})", blob)
        parts: list[str] = []
        for secret in SECRETS + extra_secrets:
            if secret.startswith("AWS4-HMAC-SHA256"):  # only these parts are secret
                parts += re.findall(r"Signature=([0-9a-f]+)", secret)
                parts += re.findall(r"Credential=([^/]+)/", secret)
            else:
                parts.append(secret)
        partial = [str(leak) for leak in SecretScan(parts).find(self.texts)]
        return leaks + signatures + partial


def call(kind: str, url: str, strategy: AuthStrategy, evidence: Evidence, **kw: Any) -> None:
    # the deprecated on_retry hook still hands out records: they are scanned too
    with pytest.warns(DeprecationWarning, match="on_retry"):
        retry = RetryPolicy(
            attempts=2, wait_initial=0.001, wait_max=0.001, on_retry=evidence.records.append
        )
    client_kw = {"auth": strategy, "retry": retry, "hooks": evidence.hooks(), **kw}
    if kind == "sync":
        with AppSyncClient(url, **client_kw) as client:
            evidence.texts.append(repr(client))
            try:
                client.execute("query Secret($id: ID!) { a(id: $id) }", "Secret", {"id": "1"})
            except AppSyncError as exc:
                evidence.add_error(exc)
        return

    async def go() -> None:
        async with AsyncAppSyncClient(url, **client_kw) as client:
            evidence.texts.append(repr(client))
            try:
                await client.execute("query Secret($id: ID!) { a(id: $id) }", "Secret", {"id": "1"})
            except AppSyncError as exc:
                evidence.add_error(exc)

    asyncio.run(go())


@pytest.mark.parametrize("failure", sorted(FAILURES))
@pytest.mark.parametrize("mode", sorted(STRATEGIES))
def test_no_secret_anywhere(
    fake: FakeAppSync, caplog: pytest.LogCaptureFixture, mode: str, failure: str
) -> None:
    caplog.set_level(logging.DEBUG)  # the root logger: httpx, httpcore, aiohttp, ours
    setup = FAILURES[failure]
    fake.handler = setup.get("handler")
    url = dead_url() if setup.get("url") == "dead" else fake.url
    evidence = Evidence()
    for kind in ("sync", "async"):
        strategy = STRATEGIES[mode]()
        evidence.texts += [repr(strategy), str(strategy)]
        kw = {"timeout": setup["timeout"]} if "timeout" in setup else {}
        call(kind, url, strategy, evidence, **kw)
    evidence.texts.append(caplog.text)
    for record in caplog.records:
        evidence.texts.append(record.getMessage())
        if record.exc_info:
            evidence.texts.append("".join(traceback.format_exception(*record.exc_info)))
    # whole header values as actually sent (a signed Authorization header included)
    sent = [
        value
        for received in fake.received
        for name, value in received.headers.items()
        if name in ("authorization", "x-api-key", "x-amz-security-token")
    ]
    assert evidence.scan(sent) == []
    if failure != "network":
        assert fake.received, "the fake saw no request"
    if failure == "ok":
        assert any("got HTTP 200" in r.getMessage() for r in caplog.records)


def test_hooks_get_masked_headers(fake: FakeAppSync) -> None:
    seen: list[AttemptRecord] = []
    with AppSyncClient(
        fake.url,
        auth=ApiKeyAuth(API_KEY),
        hooks=CallHooks(on_request=seen.append),
        headers={"x-trace": "t-1"},
    ) as client:
        client.execute("query { a }")
    headers = dict(seen[0].headers)
    assert headers["x-api-key"] == "***" and headers["x-trace"] == "t-1"
    assert "content-type" in headers


def test_retry_events_carry_no_secret(fake: FakeAppSync) -> None:
    events: list[RetryEvent] = []
    fake.handler = echo_everything(500)
    with pytest.warns(DeprecationWarning, match="on_retry"):
        policy = RetryPolicy(wait_initial=0.001, wait_max=0.001, on_retry=events.append)
    client = AppSyncClient(fake.url, auth=LambdaAuth(LAMBDA_TOKEN), retry=policy)
    with client, pytest.raises(AppSyncError) as info:
        client.execute("query { a }")
    assert len(events) == 2
    text = repr(events) + str(info.value) + json.dumps(str(info.value.__dict__))
    assert LAMBDA_TOKEN not in text
