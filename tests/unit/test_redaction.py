"""The scrubber on its own: every form of a secret, partial echoes, cuts, GraphQL
error entries, causes; checked with the independent scan of
:mod:`tests.support.secret_scan`."""

from __future__ import annotations

import base64
import json
import pickle
import random
import traceback
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appsync_runtime import AppSyncNetworkError, GraphQLErrorEntry
from appsync_runtime._redaction import (
    MAX_BODY,
    MAX_MESSAGE,
    NO_SECRETS,
    RedactedCause,
    Scrubber,
    redact,
)
from appsync_runtime._response import HttpResponse, parse_response
from appsync_runtime.errors import AppSyncGraphQLError, AppSyncHTTPError
from tests.support.examples import examples
from tests.support.secret_scan import SecretScan, echoes, forms

TOKEN = "IQoJb3JpZ2luX2Vj" + base64.b64encode(random.Random(3).randbytes(615)).decode()
SIGNATURE = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
SIGV4 = (
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE1234567890/20240101/us-east-1/appsync/"
    f"aws4_request, SignedHeaders=host;x-amz-date, Signature={SIGNATURE}"
)

# secrets as users have them: printable ASCII tokens, some with a trailing newline
# (read from a file), some with characters every encoding escapes
secret_text = st.text(
    alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=12, max_size=120
)
secrets = st.one_of(secret_text, secret_text.map(lambda s: s + "\n"))
noise = st.text(max_size=300)


def leaks(secret_values: list[str], *texts: str) -> list[str]:
    return [str(leak) for leak in SecretScan(secret_values).find(texts)]


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    secret=secrets,
    encoding=st.sampled_from(sorted(echoes("x" * 20))),
    before=noise,
    after=noise,
    limit=st.one_of(st.none(), st.integers(min_value=1, max_value=600)),
)
def test_no_form_of_a_secret_survives(
    secret: str, encoding: str, before: str, after: str, limit: int | None
) -> None:
    scrubber = Scrubber([secret])
    text = before + echoes(secret)[encoding] + after
    assert leaks([secret], scrubber.text(text, limit)) == []
    data = scrubber.data(text.encode(), limit)
    assert leaks([secret], data.decode("latin-1")) == []
    value = scrubber.value({"k": [text], text: 1})
    assert leaks([secret], *value["k"], *value) == []


@settings(max_examples=examples(200), deadline=None)
@given(secret=secret_text, start=st.integers(0, 200), size=st.integers(12, 200), before=noise)
def test_any_slice_of_twelve_or_more_is_masked(
    secret: str, start: int, size: int, before: str
) -> None:
    piece = secret[start : start + size]
    if len(piece) < 12:
        return
    out = Scrubber([secret]).text(before + piece + before)
    assert not any(piece[i : i + 12] in out for i in range(len(piece) - 11))


@settings(max_examples=examples(200), deadline=None)
@given(secret=secret_text, offset=st.integers(1, 119), limit=st.integers(20, 600))
def test_a_cut_leaves_no_recognisable_start(secret: str, offset: int, limit: int) -> None:
    """Wherever a cut lands in a secret, not even 4 of its characters stay before it:
    whether the scrubber knew the secret when cutting, or rescrubs text a
    scrubber without values cut (the real-time path)."""
    offset = min(offset, len(secret) - 1)
    text = "y" * (limit - offset) + secret + " tail"
    known = Scrubber([secret])
    for out in (known.text(text, limit), known.text(NO_SECRETS.text(text, limit))):
        head = out.removesuffix("...")
        assert not any(head.endswith(secret[:k]) for k in range(4, len(secret) + 1)), out


@settings(max_examples=examples(20), deadline=None)
@given(secret=secret_text, seed=st.integers(0, 2**32 - 1))
def test_long_texts_with_echoes_far_apart(secret: str, seed: int) -> None:
    """Long texts (searched by the set of their grams, escapes decoded only around
    them) hide nothing either: every encoding, at random places in up to 200 KB."""
    rng = random.Random(seed)
    pieces = [rng.choice('abc %\\{}"') * rng.randint(0, 16_000) for _ in range(12)]
    for echoed in echoes(secret).values():
        pieces.insert(rng.randint(0, len(pieces)), echoed)
    text = "".join(pieces)
    scrubber = Scrubber([secret])
    assert leaks([secret], scrubber.text(text)) == []
    assert leaks([secret], *scrubber.value({"data": [text]}, patterns=False)["data"]) == []


def test_the_reported_straddle_in_a_400_body() -> None:
    """An 830-character token echoed across the 500-character message cut and the
    2,048-byte body cut: nothing of it survives anywhere (276 characters did)."""
    message = "x" * 350 + TOKEN
    body = json.dumps({"errors": [{"message": message}], "pad": "z" * 1000 + TOKEN}).encode()
    with pytest.raises(AppSyncHTTPError) as info:
        parse_response(HttpResponse(400, {}, body), "Op", Scrubber([TOKEN]))
    error = info.value
    texts = [str(error), repr(error), error.body.decode("latin-1"), repr(vars(error))]
    texts.append("".join(traceback.format_exception(error)))
    texts.append(pickle.dumps(error).decode("latin-1"))
    assert leaks([TOKEN], *texts) == []
    assert len(error.body) <= MAX_BODY
    assert str(error).startswith("HTTP 400: " + "x" * 350 + "***")


def test_every_field_of_every_entry_is_scrubbed() -> None:
    def echo(depth: int) -> Any:
        value: Any = f"quoted {TOKEN} and {SIGNATURE}"
        for _ in range(depth):
            value = {f"key {TOKEN[:40]}": [value, {"more": value}]}
        return value

    entry = {
        "message": echo(0),
        "errorType": f"Denied{TOKEN}",
        "errorInfo": echo(5),
        "extensions": echo(12),
        "path": ["a", TOKEN, 3],
        "locations": [{"line": 1, "column": 2, "hint": echo(3)}],
        "data": echo(2),
        "unknownField": echo(1),
    }
    body = json.dumps({"data": {"partial": echo(2)}, "errors": [entry] * 3}).encode()
    with pytest.raises(AppSyncGraphQLError) as info:
        parse_response(
            HttpResponse(200, {"x-amzn-RequestId": TOKEN}, body), None, Scrubber([TOKEN, SIGV4])
        )
    error = info.value
    assert len(error.errors) == 3 and error.errors[0].path == ("a", "***", 3)
    texts = [repr(error.errors), repr(error.data), str(error), repr(vars(error))]
    assert leaks([TOKEN, SIGNATURE, "AKIDEXAMPLE1234567890"], *texts) == []
    assert "unknownField" not in repr(error.errors)  # fields AppSync does not send are dropped


def test_sigv4_header_parts_and_whole() -> None:
    scrubber = Scrubber([SIGV4])
    for text in (SIGV4, SIGNATURE, f"sig={SIGNATURE[5:30]}", "id AKIDEXAMPLE1234567890 here"):
        out = scrubber.text(text)
        assert leaks([SIGNATURE, "AKIDEXAMPLE1234567890"], out) == [], out
    # what is not secret in the header is left readable when quoted on its own
    assert scrubber.text("SignedHeaders=host;x-amz-date") == "SignedHeaders=host;x-amz-date"


def test_trailing_newline_variants() -> None:
    token = "lambda-token-from-a-file-0123456789"
    scrubber = Scrubber([token + "\n"])
    for text in (token, token + "\n", json.dumps(token + "\n"), f"b'{token}\\n'", "%0A" + token):
        assert token[:12] not in scrubber.text(f"bad header {text}"), text


def test_fully_escaped_and_double_encoded_echoes() -> None:
    scrubber = Scrubber([TOKEN])
    escaped = "".join(f"\\u{ord(ch):04X}" for ch in TOKEN[:50])
    double = json.dumps(json.dumps(TOKEN))
    quoted_b64 = base64.b64encode(b'{"Authorization":"' + TOKEN.encode() + b'"}').decode()
    for text in (escaped, double, quoted_b64.replace("+", "%2B").replace("/", "%2F")):
        assert leaks([TOKEN], scrubber.text(text)) == [], text[:80]


def test_no_values_means_patterns_only() -> None:
    assert not NO_SECRETS
    assert NO_SECRETS.text("plain words, nothing secret here") == "plain words, nothing secret here"
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
    out = redact(
        f"{jwt} da2-abcdefghijklmnopqrstuvwxyz Signature=0123abcd Credential=AKIDX/2024 "
        "x-amz-security-token: SECRET authorization: Bearer opaque-one x-api-key=KEYKEY"
    )
    for secret in (jwt, "abcdefghijklmnopqrstuvwxyz", "0123abcd", "AKIDX", "SECRET", "opaque-one"):
        assert secret not in out
    assert "KEYKEY" not in out
    assert redact("a" * 2000).endswith("...") and len(redact("a" * 2000)) == MAX_MESSAGE + 3
    # the JWT pattern does not eat the ellipsis of a cut
    assert redact("eyJabc...") == "eyJabc..."


def test_causes_holding_a_secret_are_replaced_and_others_kept() -> None:
    token = "cause-token-0123456789abcdef"

    def raise_chain() -> AppSyncNetworkError:
        try:
            try:
                raise KeyError("innocent")
            except KeyError:
                raise ValueError(f"Illegal header value b'{token}\\n'") from None
        except ValueError as exc:
            error = AppSyncNetworkError(f"LocalProtocolError: {exc}")
            error.__cause__ = exc
            return error

    error = raise_chain()
    assert isinstance(error.__cause__, ValueError)
    Scrubber([token]).error(error)
    assert token not in str(error)
    cause = error.__cause__
    assert isinstance(cause, RedactedCause)
    assert str(cause).startswith("ValueError: Illegal header value")
    assert cause.__traceback__ is not None  # where it happened is kept
    assert token[:12] not in "".join(traceback.format_exception(error))
    assert isinstance(cause.__context__, KeyError)  # clean links stay as they were
    assert cause.__suppress_context__
    clean = raise_chain()
    Scrubber(["unrelated-secret-value"]).error(clean)
    assert isinstance(clean.__cause__, ValueError)


def test_entries_scrubbed_twice_stay_the_same() -> None:
    scrubber = Scrubber([TOKEN])
    entry = GraphQLErrorEntry(message="m " + TOKEN, extensions={"a": TOKEN}, path=("p", TOKEN))
    once = scrubber.entry(entry, MAX_MESSAGE)
    assert scrubber.entry(once) == once


def test_lengths_and_forms_of_the_scan_itself() -> None:
    """The scan's own forms cover what the fakes echo (a sanity check of the test tool)."""
    value = "abc/def+ghi=jkl mno"
    assert {"raw", "b64-0", "b64url-2", "quote", "json_slash"} <= set(forms(value))
    for echoed in echoes(value + "xyz0123456789").values():
        assert SecretScan([value + "xyz0123456789"]).find([echoed])


def test_a_result_that_does_not_fit_never_quotes_a_secret() -> None:
    """A validator's message quotes the value it refused: server text, scrubbed."""
    from pydantic import field_validator

    from appsync_runtime import AppSyncClient, AppSyncResponseError, BaseModel, LambdaAuth
    from tests.support.fake_appsync import FakeAppSync, Reply

    token = "lambda-token-for-validation-0123456789"

    class Result(BaseModel):
        name: str

        @field_validator("name")
        @classmethod
        def plain(cls, value: str) -> str:
            raise ValueError(f"unexpected name {value!r}")

    with FakeAppSync() as fake:
        fake.default = Reply(200, {"data": {"name": f"echo {token}"}}, {})
        client = AppSyncClient(fake.url, auth=LambdaAuth(token))
        with client, pytest.raises(AppSyncResponseError) as info:
            client.execute_validated(Result, "query { name }")
    assert "unexpected name" in str(info.value)
    assert leaks([token], str(info.value), repr(info.value)) == []
