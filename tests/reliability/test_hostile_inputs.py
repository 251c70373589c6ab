"""Hostile inputs on the caller's side end in one typed, located error before anything
is sent, and never repeat a secret: header values an HTTP request cannot carry (API
keys, JWTs, Lambda tokens, what token callables return, custom strategies' headers),
AWS credentials with whitespace or non-ASCII characters from any provider, and
variables JSON cannot hold (NaN, infinities, non-string keys, cycles, absurd depth).
"""

from __future__ import annotations

import asyncio
import math
import traceback
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appsync_runtime import (
    ApiKeyAuth,
    AppSyncAuthError,
    AppSyncClient,
    AppSyncConfigError,
    AppSyncError,
    AsyncAppSyncClient,
    AuthFailureReason,
    AuthStrategy,
    CognitoUserPoolsAuth,
    Credentials,
    EnvironmentProvider,
    IAMAuth,
    LambdaAuth,
    OIDCAuth,
)
from appsync_runtime._auth import AuthMode, AuthRequest
from appsync_runtime._request import MAX_VARIABLE_DEPTH, encode_body
from tests.reliability.clients import KINDS, calls
from tests.reliability.conftest import KEY
from tests.support.examples import examples
from tests.support.fake_appsync import FakeAppSync
from tests.support.raw_http import RawConnection, RawHTTPServer, RawRequest, json_response

MARK = "sEcReT"  # every generated secret starts with it: found in a message = leaked
TOKEN_STRATEGIES = [ApiKeyAuth, CognitoUserPoolsAuth, OIDCAuth, LambdaAuth]

# A character no HTTP header value may hold: controls (tab aside), DEL, non-ASCII.
_bad_char = st.one_of(
    st.characters(min_codepoint=0, max_codepoint=31).filter(lambda c: c != "\t"),
    st.just("\x7f"),
    st.characters(min_codepoint=128, exclude_categories=("Cs",)),
)
_printable = st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=20)


@st.composite
def bad_secrets(draw: st.DrawFn) -> str:
    """A secret holding at least one character a header cannot carry, anywhere
    (a trailing newline included)."""
    body = draw(_printable)
    at = draw(st.integers(0, len(body)))
    return MARK + body[:at] + draw(_bad_char) + body[at:]


def _leaks(error: BaseException) -> bool:
    text = "".join(traceback.format_exception(error)) + repr(error) + str(error)
    return MARK in text


def _run_both(client_args: dict[str, Any], url: str) -> list[BaseException | None]:
    """One call on each client; what each raised (None: it succeeded)."""
    outcomes: list[BaseException | None] = []
    try:
        with AppSyncClient(url, **client_args) as client:
            client.execute("query Q { a }")
        outcomes.append(None)
    except Exception as exc:
        outcomes.append(exc)

    async def go() -> None:
        try:
            async with AsyncAppSyncClient(url, **client_args) as client:
                await client.execute("query Q { a }")
            outcomes.append(None)
        except Exception as exc:
            outcomes.append(exc)

    asyncio.run(go())
    return outcomes


# ------------------------------------------------------------------ tokens


@settings(max_examples=examples(300), deadline=None)
@given(secret=bad_secrets(), strategy=st.sampled_from(TOKEN_STRATEGIES))
def test_unusable_tokens_are_refused_at_construction(
    secret: str, strategy: Callable[[str], AuthStrategy]
) -> None:
    with pytest.raises(AppSyncConfigError) as info:
        strategy(secret)
    assert not _leaks(info.value)


@pytest.mark.parametrize("strategy", TOKEN_STRATEGIES)
@pytest.mark.parametrize(
    "secret", [MARK + "-key\n", MARK + "-key\r\n", MARK + "-kéy", MARK + "\u2028x", MARK + "\x7f"]
)
def test_a_token_read_from_a_file_with_its_newline_is_refused(
    strategy: Callable[[str], AuthStrategy], secret: str
) -> None:
    with pytest.raises(AppSyncConfigError) as info:
        strategy(secret)
    assert not _leaks(info.value)


@settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(secret=bad_secrets(), strategy=st.sampled_from(TOKEN_STRATEGIES))
def test_token_callables_returning_unusable_tokens_fail_typed_and_send_nothing(
    fake: FakeAppSync, secret: str, strategy: Callable[..., AuthStrategy]
) -> None:
    fake.reset_counts()
    received = len(fake.received)
    for outcome in _run_both({"auth": strategy(lambda: secret)}, fake.url):
        assert isinstance(outcome, AppSyncConfigError), outcome
        assert outcome.attempts == 1 and not _leaks(outcome)
    assert len(fake.received) == received


class _RawHeaderAuth(AuthStrategy):
    """A user's own strategy that puts any value in a header (no checks of ours)."""

    mode = AuthMode.AWS_LAMBDA

    def __init__(self, value: str) -> None:
        self.value = value

    def auth_headers(self, request: AuthRequest) -> dict[str, str]:
        return {"Authorization": self.value}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("secret", [MARK + "-tökén", MARK + "\u00ff", MARK + "\r\nX-Evil: 1"])
def test_a_custom_strategys_unusable_header_is_a_config_error(kind: str, secret: str) -> None:
    def handler(request: RawRequest, conn: RawConnection) -> None:
        conn.send(json_response({"data": {"echo": request.call_id}}))

    with RawHTTPServer(handler) as server:
        outcomes = calls(kind, server.url, ["x"], retry=None, auth=[_RawHeaderAuth(secret)])
        sent = len(server.requests)
    (error,) = outcomes
    assert isinstance(error, AppSyncConfigError), error
    assert not _leaks(error)
    assert sent == 0


# ------------------------------------------------------------------ credentials


@settings(max_examples=examples(300), deadline=None)
@given(secret=bad_secrets(), field=st.sampled_from(["key", "secret", "token"]))
def test_credentials_with_unusable_characters_are_refused(secret: str, field: str) -> None:
    values = {"key": "AKIDEXAMPLE", "secret": "wJalrXUtnFEMI/K7MDENG", "token": "FwoGZXIvYX"}
    values[field] = secret
    with pytest.raises(AppSyncConfigError) as info:
        Credentials(values["key"], values["secret"], values["token"])
    assert not _leaks(info.value)


@pytest.mark.parametrize(
    "variable", ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]
)
@pytest.mark.parametrize("bad", ["\n", "\r\nX-Evil: 1", "\u00e9", " "])
def test_credentials_from_the_environment_are_checked_on_both_clients(
    fake: FakeAppSync, variable: str, bad: str
) -> None:
    environ = {
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE" + MARK,
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI" + MARK,
        "AWS_SESSION_TOKEN": "FwoGZXIvYXdz" + MARK,
    }
    environ[variable] += bad
    received = len(fake.received)
    for outcome in _run_both(
        {"auth": IAMAuth(EnvironmentProvider(environ), region="us-east-1")}, fake.url
    ):
        assert isinstance(outcome, AppSyncAuthError), outcome
        assert outcome.reason == AuthFailureReason.NO_CREDENTIALS
        assert not _leaks(outcome)
    assert len(fake.received) == received


# ------------------------------------------------------------------ variables


def _cycle() -> dict[str, Any]:
    loop: dict[str, Any] = {"name": "a"}
    loop["next"] = {"back": [loop]}
    return loop


def _deep(levels: int) -> Any:
    value: Any = "leaf"
    for _ in range(levels):
        value = {"child": value}
    return value


BAD_VALUES: list[tuple[str, Any, str]] = [
    ("float nan", math.nan, "nan is not a JSON number"),
    ("float inf", math.inf, "inf is not a JSON number"),
    ("float -inf", -math.inf, "inf is not a JSON number"),
    ("Decimal NaN", Decimal("NaN"), "Decimal('NaN')"),
    ("Decimal sNaN", Decimal("sNaN"), "Decimal('sNaN')"),
    ("Decimal -Infinity", Decimal("-Infinity"), "Decimal('-Infinity')"),
    ("int key", {1: "a", "1": "b"}, "a key of type int"),
    ("tuple key", {("a",): 1}, "a key of type tuple"),
    ("cycle", _cycle(), "cycle"),
    ("10,000 deep", _deep(10_000), f"more than {MAX_VARIABLE_DEPTH} levels"),
]

_names = st.text(st.characters(min_codepoint=97, max_codepoint=122), min_size=1, max_size=6)


@st.composite
def planted(draw: st.DrawFn) -> tuple[dict[str, Any], str, str]:
    """Variables with one bad value planted at a generated path; the path as the
    error must name it, and the reason."""
    _, bad, reason = draw(st.sampled_from(BAD_VALUES))
    steps = draw(st.lists(st.one_of(_names, st.integers(0, 3)), max_size=5))
    value, where = bad, ""
    for step in reversed(steps):
        if isinstance(step, int):
            siblings = draw(st.lists(st.integers(), min_size=step, max_size=step))
            value = [*siblings, value]
            where = f"[{step}]" + where
        else:
            value = {step: value, "ok": draw(st.integers())} if step != "ok" else {step: value}
            where = f".{step}" + where
    top = draw(_names)
    return (
        {top: value, "other": "fine"} if top != "other" else {top: value},
        (f"variables.{top}{where}"),
        reason,
    )


@settings(max_examples=examples(300), deadline=None)
@given(case=planted())
def test_bad_variables_are_refused_naming_where(case: tuple[dict[str, Any], str, str]) -> None:
    variables, where, reason = case
    with pytest.raises(AppSyncConfigError) as info:
        encode_body("mutation M { m }", "M", variables)
    message = str(info.value)
    assert reason in message
    if "cycle" not in reason and "levels" not in reason:
        assert f"{where}:" in message, message
    else:
        assert message.startswith(f"variables cannot be sent: {where}"), message


@pytest.mark.parametrize(("name", "bad", "reason"), BAD_VALUES, ids=[b[0] for b in BAD_VALUES])
def test_bad_variables_send_nothing_on_both_clients(
    fake: FakeAppSync, name: str, bad: Any, reason: str
) -> None:
    received = len(fake.received)
    errors: list[AppSyncError] = []
    with AppSyncClient(fake.url, auth=ApiKeyAuth(KEY)) as client:
        with pytest.raises(AppSyncConfigError) as info:
            client.execute("mutation M($i: In) { m(i: $i) }", "M", {"i": bad})
        errors.append(info.value)

    async def go() -> None:
        async with AsyncAppSyncClient(fake.url, auth=ApiKeyAuth(KEY)) as client:
            with pytest.raises(AppSyncConfigError) as info:
                await client.execute("mutation M($i: In) { m(i: $i) }", "M", {"i": bad})
            errors.append(info.value)

    asyncio.run(go())
    assert all(reason in str(error) and "variables.i" in str(error) for error in errors)
    assert len(fake.received) == received


def test_the_depth_limit_is_exact() -> None:
    # MAX_VARIABLE_DEPTH containers nested inside the variables are fine; one more is not
    encode_body("q", None, {"v": _deep(MAX_VARIABLE_DEPTH)})
    with pytest.raises(AppSyncConfigError, match="levels deep"):
        encode_body("q", None, {"v": _deep(MAX_VARIABLE_DEPTH + 1)})


def test_a_model_holding_nan_is_refused_where_it_sits() -> None:
    from appsync_runtime import BaseModel

    class Point(BaseModel):
        x: float

    bad = Point.model_construct(x=math.nan)  # skips validation, which would refuse it
    with pytest.raises(AppSyncConfigError, match=r"variables\.p\[1\]\.x: nan is not"):
        encode_body("q", None, {"p": [Point(x=1.0), bad]})


@pytest.mark.parametrize("variables", [["a"], "text", 5])
def test_variables_must_be_a_mapping(variables: Any) -> None:
    with pytest.raises(AppSyncConfigError, match="mapping"):
        encode_body("q", None, variables)
