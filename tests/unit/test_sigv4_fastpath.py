"""The prepared fast path equals the general path; the key cache and the clock; and the
canonicalization rules no official vector exercises (double encoding of the wire path,
query re-encoding, own-header replacement, hosts)."""

from __future__ import annotations

import hashlib
import hmac
import itertools
from datetime import datetime, timedelta, timezone
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appsync_runtime import _sigv4 as sigv4
from appsync_runtime._credentials import Credentials
from appsync_runtime._sigv4 import (
    EMPTY_PAYLOAD_HASH,
    SigV4Signer,
    amz_date,
    canonical_headers,
    canonical_query,
    canonical_request,
    canonical_uri,
    host_from_url,
    normalize_path,
    signing_key,
)
from appsync_runtime.errors import AppSyncConfigError
from tests.support.examples import examples

URL = "https://abcdefghijklmnopqrstuvwxyz.appsync-api.us-east-1.amazonaws.com/graphql"
HEADERS = {"accept": "application/json", "content-type": "application/json; charset=UTF-8"}
BODY = b'{"query":"query GetNote($id: ID!) { getNote(id: $id) { id title } }"}'
NOW = datetime(2024, 2, 29, 23, 59, 59, tzinfo=timezone.utc)
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLETOKEN//////////wEaCXVzLWVhc3QtMSJHMEUCIQ=="
STATIC = Credentials("AKIDEXAMPLE", SECRET)
TEMPORARY = Credentials("ASIAEXAMPLE", SECRET, TOKEN)


# -- fast path == general path ---------------------------------------------------------

HEADER_SETS = [
    {},
    HEADERS,
    {**HEADERS, "host": "abcdefghijklmnopqrstuvwxyz.appsync-api.us-east-1.amazonaws.com"},
    # names that sort around x-amz-date and x-amz-security-token
    {**HEADERS, "x-amz-meta": " m ", "x-amz-security-tokenz": "t", "x-amzz": "z", "zzz": "1"},
    {"X-Amz-Content-Encoding": "a", "x-amz-e": "b", "x-amz-security-toke": "c"},
    [("x-custom", "a"), ("X-Custom", " b  c "), ("accept", "*/*")],
]


@pytest.mark.parametrize("headers", HEADER_SETS, ids=range(len(HEADER_SETS)))
@pytest.mark.parametrize("creds", [STATIC, TEMPORARY], ids=["static", "token"])
@pytest.mark.parametrize(
    "url", [URL, "https://api.example.com:8443/v1/apis/x/schema?format=SDL&includeDirectives=true"]
)
def test_prepared_equals_general(headers: object, creds: Credentials, url: str) -> None:
    signer = SigV4Signer("us-east-1")
    prepared = signer.prepare(url, headers)  # type: ignore[arg-type]
    for body in (b"", BODY, b"\x00\xff" * 300):
        general = signer.sign("POST", url, headers, body, creds, now=NOW)  # type: ignore[arg-type]
        assert prepared.sign(body, creds, NOW) == general


@settings(max_examples=examples(100), deadline=None, derandomize=True)
@given(
    names=st.lists(
        st.text(alphabet="abcxyz-", min_size=1, max_size=22).map(lambda s: "x-amz-" + s)
        | st.text(alphabet="abcxyz-", min_size=1, max_size=5),
        max_size=5,
    ),
    token=st.none() | st.text(alphabet="ab+/=", min_size=1, max_size=12),
)
def test_prepared_equals_general_any_header_order(names: list[str], token: str | None) -> None:
    headers = [(name, f" value of {name} ") for name in names]
    creds = Credentials("AKID", SECRET, token)
    signer = SigV4Signer("eu-west-1")
    assert signer.prepare(URL, headers).sign(BODY, creds, NOW) == signer.sign(
        "POST", URL, headers, BODY, creds, now=NOW
    )


def test_prepared_switches_between_credential_sets() -> None:
    signer = SigV4Signer("us-east-1")
    prepared = signer.prepare(URL, HEADERS)
    other = Credentials("AKIDOTHER", "another-secret", "another-token")
    for creds in [STATIC, TEMPORARY, other, STATIC, other, TEMPORARY]:
        assert prepared.sign(BODY, creds, NOW) == signer.sign(
            "POST", URL, HEADERS, BODY, creds, now=NOW
        )


_SETS = [STATIC, TEMPORARY, Credentials("AKIDOTHER", "another-secret", "another-token")]


@settings(max_examples=examples(200), deadline=None, derandomize=True)
@given(
    steps=st.lists(
        st.tuples(
            # seconds after NOW (one second before a day's end): fractions, the same
            # second again, the next second, the next day, back in time
            st.sampled_from([0.0, 0.25, 0.999999, 1.0, 1.5, 86_400.0, -3.0])
            | st.floats(min_value=-5.0, max_value=90_000.0),
            st.integers(min_value=0, max_value=len(_SETS)),  # the last: an equal copy
            st.sampled_from([0.0, 0.5, 3600.0, -900.25]),  # the signer's clock skew
            st.binary(max_size=80),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_prepared_reuses_a_second_only_for_that_second_and_credential_set(
    steps: list[tuple[float, int, float, bytes]],
) -> None:
    """Signatures made within one second with one credential set share the canonical
    request's and the HMAC's first states: whatever the order of times, sets (an equal
    copy is another set), skews and bodies, each equals the general path at that time."""
    signer = SigV4Signer("us-east-1")
    prepared = signer.prepare(URL, HEADERS)
    for offset, which, skew, body in steps:
        creds = _SETS[which] if which < len(_SETS) else Credentials("ASIAEXAMPLE", SECRET, TOKEN)
        signer.clock_skew = skew
        clock = NOW.timestamp() + offset
        with mock.patch("time.time", return_value=clock):
            got = prepared.sign(body, creds)
        at = datetime.fromtimestamp(int(clock + skew), timezone.utc)  # as the signer reads it
        assert got == signer.sign("POST", URL, HEADERS, body, creds, now=at)


def test_a_second_is_not_reused_in_the_next_one() -> None:
    signer = SigV4Signer("us-east-1")
    prepared = signer.prepare(URL, HEADERS)
    start = NOW.timestamp()
    for clock in (start + 0.999999, start + 1.0, start + 0.5):
        with mock.patch("time.time", return_value=clock):
            got = prepared.sign(BODY, TEMPORARY)
        at = datetime.fromtimestamp(clock, timezone.utc)
        assert got == signer.sign("POST", URL, HEADERS, BODY, TEMPORARY, now=at)
        assert got["X-Amz-Date"] == amz_date(at)


def test_result_headers() -> None:
    signer = SigV4Signer("us-east-1")
    plain = signer.sign("POST", URL, HEADERS, BODY, STATIC, now=NOW)
    assert set(plain) == {"Authorization", "X-Amz-Date"}
    assert plain["X-Amz-Date"] == "20240229T235959Z"
    assert plain["Authorization"].startswith(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240229/us-east-1/appsync/aws4_request, "
        "SignedHeaders=accept;content-type;host;x-amz-date, Signature="
    )
    with_token = signer.sign("POST", URL, HEADERS, BODY, TEMPORARY, now=NOW)
    assert with_token["X-Amz-Security-Token"] == TOKEN
    assert (
        "SignedHeaders=accept;content-type;host;x-amz-date;x-amz-security-token,"
        in (with_token["Authorization"])
    )


def test_prepared_exposes_signed_headers() -> None:
    prepared = SigV4Signer("us-east-1").prepare(URL, HEADERS)
    assert prepared.signed_headers == "accept;content-type;host;x-amz-date"
    assert prepared.signed_headers_with_token == (
        "accept;content-type;host;x-amz-date;x-amz-security-token"
    )
    assert prepared.method == "POST"
    assert prepared.url == URL


# -- signing key cache -----------------------------------------------------------------


def test_key_cache_hits_within_a_day_and_misses_across_dates_and_secrets() -> None:
    signer = SigV4Signer("us-east-1")
    prepared = signer.prepare(URL, HEADERS)
    other_secret = Credentials("AKIDEXAMPLE", "a-different-secret")
    with mock.patch.object(sigv4, "signing_key", wraps=signing_key) as derive:
        prepared.sign(BODY, STATIC, NOW)
        prepared.sign(BODY, TEMPORARY, NOW - timedelta(hours=23))  # same secret, same day
        signer.sign("POST", URL, HEADERS, BODY, STATIC, now=NOW)  # general path shares it
        assert derive.call_count == 1
        prepared.sign(BODY, STATIC, NOW + timedelta(seconds=1))  # next UTC day
        assert derive.call_count == 2
        prepared.sign(BODY, other_secret, NOW)  # another secret, first day
        assert derive.call_count == 3
        prepared.sign(BODY, STATIC, NOW)  # first key still cached
        prepared.sign(BODY, other_secret, NOW + timedelta(seconds=1))
        assert derive.call_count == 4
        assert [c.args[1] for c in derive.call_args_list] == [
            "20240229",
            "20240301",
            "20240229",
            "20240301",
        ]


def test_key_cache_is_bounded() -> None:
    signer = SigV4Signer("us-east-1")
    prepared = signer.prepare(URL)
    for day in range(50):
        prepared.sign(BODY, STATIC, NOW + timedelta(days=day))
    assert len(signer._keys) <= 8
    # the newest keys are the ones kept
    assert (SECRET, amz_date(NOW + timedelta(days=49))[:8]) in signer._keys


def test_cached_keys_match_a_fresh_derivation() -> None:
    signer = SigV4Signer("us-east-1")
    for creds, day in itertools.product([STATIC, Credentials("A", "s")], range(3)):
        when = NOW + timedelta(days=day)
        first = signer.sign("POST", URL, HEADERS, BODY, creds, now=when)
        fresh = SigV4Signer("us-east-1").sign("POST", URL, HEADERS, BODY, creds, now=when)
        assert first == fresh


def test_signing_key_matches_the_aws_documentation_example() -> None:
    # "Examples of how to derive a signing key for Signature Version 4" (AWS docs).
    key = signing_key(SECRET, "20120215", "us-east-1", "iam")
    assert key.hex() == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"


@pytest.mark.parametrize("key", [b"", b"k", b"k" * 32, b"k" * 64, b"k" * 65, bytes(range(200))])
def test_pre_padded_hmac_is_hmac_sha256(key: bytes) -> None:
    for message in (b"", b"abc", b"x" * 1000):
        expected = hmac.new(key, message, hashlib.sha256).hexdigest()
        assert sigv4._KeyedHmac(key).hexdigest(message) == expected


# -- clock -----------------------------------------------------------------------------


def test_clock_read_once_per_signature() -> None:
    signer = SigV4Signer("us-east-1")
    prepared = signer.prepare(URL, HEADERS)
    with mock.patch("time.time", return_value=NOW.timestamp()) as clock:
        fast = prepared.sign(BODY, TEMPORARY)
        assert clock.call_count == 1
        general = signer.sign("POST", URL, HEADERS, BODY, TEMPORARY)
        assert clock.call_count == 2
    assert fast == general == signer.sign("POST", URL, HEADERS, BODY, TEMPORARY, now=NOW)


def test_clock_skew_is_added() -> None:
    signer = SigV4Signer("us-east-1")
    signer.clock_skew = 3600.0
    with mock.patch("time.time", return_value=NOW.timestamp()):
        skewed = signer.prepare(URL).sign(BODY, STATIC)
    assert skewed["X-Amz-Date"] == "20240301T005959Z"


def test_now_naive_is_utc_and_aware_is_converted() -> None:
    signer = SigV4Signer("us-east-1")
    naive = signer.sign("GET", URL, {}, b"", STATIC, now=NOW.replace(tzinfo=None))
    plus_two = NOW.astimezone(timezone(timedelta(hours=2)))
    aware = signer.sign("GET", URL, {}, b"", STATIC, now=plus_two)
    assert naive == aware
    assert aware["X-Amz-Date"] == "20240229T235959Z"


# -- canonicalization rules the vectors miss -----------------------------------------


@pytest.mark.parametrize(
    ("wire_path", "expected"),
    [
        ("/foo%20bar", "/foo%2520bar"),  # the non-S3 double encoding
        ("/graphql", "/graphql"),
        ("", "/"),
        ("/a%2Fb", "/a%252Fb"),
        ("/%E1%88%B4", "/%25E1%2588%25B4"),
        ("/ሴ", "/%E1%88%B4"),
        ("/a b/c+d", "/a%20b/c%2Bd"),
        ("/-._~", "/-._~"),
        ("/$&'()*,;=:@!", "/%24%26%27%28%29%2A%2C%3B%3D%3A%40%21"),
        ("/a/./b/../c", "/a/c"),
        ("//a//b//", "/a/b/"),
        ("/a/..", "/"),
        ("/../..", "/"),
        ("/a/.", "/a"),
        ("/%2e%2e/a", "/%252e%252e/a"),  # escaped dots are not dot segments
    ],
)
def test_canonical_uri(wire_path: str, expected: str) -> None:
    assert canonical_uri(wire_path) == expected


def test_normalize_path_keeps_plain_paths() -> None:
    assert normalize_path("/graphql") == "/graphql"
    assert normalize_path("/graphql/connect") == "/graphql/connect"
    assert normalize_path("/a/b/") == "/a/b/"
    assert normalize_path("/.well-known/x") == "/.well-known/x"


@pytest.mark.parametrize(
    ("wire_query", "expected"),
    [
        ("", ""),
        ("b=2&a=1", "a=1&b=2"),
        ("a=2&a=1&a=10", "a=1&a=10&a=2"),
        ("a-b=1&a=2", "a=2&a-b=1"),  # by name, then value: not by the joined string
        ("%7e=%7E", "~=~"),  # unreserved characters are decoded
        ("%e1%88%b4=x", "%E1%88%B4=x"),  # escapes upper-cased
        ("ሴ=bar", "%E1%88%B4=bar"),  # raw UTF-8 encoded
        ("a=b c", "a=b%20c"),
        ("a=b+c", "a=b%2Bc"),  # "+" is a plus, not a space
        ("a=b=c", "a=b%3Dc"),
        ("flag&a=1", "a=1&flag="),
        ("a=1&&b=2&", "a=1&b=2"),
        ("a=%zz", "a=%25zz"),  # a stray percent is a percent
        ("format=SDL&includeDirectives=true", "format=SDL&includeDirectives=true"),
    ],
)
def test_canonical_query(wire_query: str, expected: str) -> None:
    assert canonical_query(wire_query) == expected


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://API.Example.com/graphql", "api.example.com"),
        ("https://api.example.com:443/graphql", "api.example.com"),
        ("http://api.example.com:80/", "api.example.com"),
        ("https://api.example.com:80/", "api.example.com:80"),
        ("http://127.0.0.1:20002/graphql", "127.0.0.1:20002"),
        ("https://user:secret@api.example.com/", "api.example.com"),
        ("https://[::1]:8443/graphql", "[::1]:8443"),
        ("https://[::1]/graphql", "[::1]"),
        (
            "wss://x.appsync-realtime-api.us-east-1.amazonaws.com:443/graphql",
            ("x.appsync-realtime-api.us-east-1.amazonaws.com"),
        ),
    ],
)
def test_host_from_url(url: str, host: str) -> None:
    assert host_from_url(url) == host


def test_explicit_host_header_is_signed_instead_of_the_url_host() -> None:
    api_host = "abcdefghijklmnopqrstuvwxyz.appsync-api.us-east-1.amazonaws.com"
    vpce = "https://vpce-0123-abcd.appsync-api.us-east-1.vpce.amazonaws.com/graphql"
    creq = canonical_request("POST", vpce, {"Host": api_host}, EMPTY_PAYLOAD_HASH)
    assert f"\nhost:{api_host}\n" in creq
    assert "vpce" not in creq
    signer = SigV4Signer("us-east-1")
    assert signer.sign("POST", vpce, {"Host": api_host}, b"", STATIC, now=NOW) == signer.sign(
        "POST", URL, {}, b"", STATIC, now=NOW
    )


def test_canonical_headers_rules() -> None:
    block, names = canonical_headers(
        [
            ("X-B", "  two   words  "),
            ("x-a", "1"),
            ("X-A", "2"),
            ("x-fold", "v1\n  v2\n\tv3"),
            ("User-Agent", "never signed"),
            ("Transfer-Encoding", "chunked"),
        ]
    )
    assert block == "x-a:1,2\nx-b:two words\nx-fold:v1 v2 v3\n"
    assert names == "x-a;x-b;x-fold"


def test_callers_own_auth_headers_are_replaced() -> None:
    signer = SigV4Signer("us-east-1")
    clean = signer.sign("POST", URL, HEADERS, BODY, STATIC, now=NOW)
    polluted = {
        **HEADERS,
        "Authorization": "eyJraWQiOi-a-jwt",
        "X-Amz-Date": "19990101T000000Z",
        "x-amz-security-token": "stale",
    }
    assert signer.sign("POST", URL, polluted, BODY, STATIC, now=NOW) == clean
    assert signer.prepare(URL, polluted).sign(BODY, STATIC, NOW) == clean


def test_httpx_headers_keep_repeated_names() -> None:
    httpx = pytest.importorskip("httpx")
    headers = httpx.Headers([("x-rep", "a"), ("x-rep", "b")])
    signer = SigV4Signer("us-east-1")
    pairs = signer.sign("GET", URL, [("x-rep", "a"), ("x-rep", "b")], b"", STATIC, now=NOW)
    assert signer.sign("GET", URL, headers, b"", STATIC, now=NOW) == pairs
    joined = signer.sign("GET", URL, {"x-rep": "a, b"}, b"", STATIC, now=NOW)
    assert joined != pairs  # "a,b" is signed, not httpx's merged "a, b"


@pytest.mark.parametrize("token", ["  tokQZ  en ", "tokQZ\ten", "tokQZen\n"])
def test_token_with_whitespace_is_refused_before_signing(token: str) -> None:
    # session tokens are base64: whitespace in one is a mistake (a newline read from
    # a file), refused without repeating the token
    with pytest.raises(AppSyncConfigError, match="session_token") as info:
        Credentials("AKID", SECRET, token)
    assert "tokQZ" not in str(info.value)


# -- hygiene ---------------------------------------------------------------------------


def test_reprs_hold_no_secrets() -> None:
    signer = SigV4Signer("us-east-1")
    prepared = signer.prepare(URL, HEADERS)
    prepared.sign(BODY, TEMPORARY, NOW)
    for text in (repr(signer), repr(prepared), str(signer)):
        assert SECRET not in text
        assert TOKEN not in text


@pytest.mark.parametrize(
    ("region", "service"), [("", "appsync"), ("us-east-1", ""), ("a/b", "appsync"), (None, "x")]
)
def test_bad_region_or_service(region: object, service: object) -> None:
    with pytest.raises(AppSyncConfigError):
        SigV4Signer(region, service)  # type: ignore[arg-type]
