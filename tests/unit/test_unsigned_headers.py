"""The headers that tracing and proxies add or rewrite are never signed: a signature
does not change with them, whatever their values, on both signing paths."""

from __future__ import annotations

from datetime import datetime, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from appsync_runtime import Credentials, SigV4Signer

URL = "https://abcdefghijklmnopqrstuvwxyz.appsync-api.us-east-1.amazonaws.com/graphql"
BASE = [
    ("host", "abcdefghijklmnopqrstuvwxyz.appsync-api.us-east-1.amazonaws.com"),
    ("content-type", "application/json; charset=UTF-8"),
    ("x-amz-user-agent", "appsync-typed/1.0 python/3.11"),
]
CREDS = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token")
WHEN = datetime(2026, 12, 6, 7, 30, tzinfo=timezone.utc)
UNSIGNED = ("traceparent", "tracestate", "baggage", "X-Amzn-Trace-Id", "User-Agent")

values = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=80
).filter(lambda v: v.strip() != "")


@settings(max_examples=150, deadline=None)
@given(
    added=st.lists(st.tuples(st.sampled_from(UNSIGNED), values), min_size=1, max_size=5),
    body=st.binary(max_size=64),
)
def test_trace_and_user_agent_headers_never_change_the_signature(
    added: list[tuple[str, str]], body: bytes
) -> None:
    signer = SigV4Signer("us-east-1")
    plain = signer.sign("POST", URL, BASE, body, CREDS, now=WHEN)
    with_added = signer.sign("POST", URL, [*BASE, *added], body, CREDS, now=WHEN)
    assert with_added == plain
    prepared = signer.prepare(URL, [*BASE, *added]).sign(body, CREDS, WHEN)
    assert prepared == plain
    signed = plain["Authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")
    assert signed == [
        "content-type",
        "host",
        "x-amz-date",
        "x-amz-security-token",
        "x-amz-user-agent",
    ]


def test_a_signed_header_does_change_it() -> None:
    """The property above can fail: a header that is signed changes the signature."""
    signer = SigV4Signer("us-east-1")
    plain = signer.sign("POST", URL, BASE, b"{}", CREDS, now=WHEN)
    other = [*BASE[:2], ("x-amz-user-agent", "rewritten/1.0")]
    assert signer.sign("POST", URL, other, b"{}", CREDS, now=WHEN) != plain
