"""Differential tests: our signer against botocore's ``SigV4Auth``, an independent
implementation, on hypothesis-generated requests.

Generated: methods in any case, hosts with and without (default) ports, IPv6, an explicit
``Host`` (private APIs), wire paths with odd characters, percent escapes, dot segments
and repeated slashes, queries with repeated names and unicode, repeated and padded
headers (tabs, inner runs, line folds, unicode whitespace), headers that are never signed,
arbitrary bodies, credentials with and without a session token, any time.

Both signers must give the same ``Authorization`` header (and ``X-Amz-Date``, and the
token). Left out, on purpose, are the inputs where the two disagree by design, each
covered by a unit test in test_sigv4_fastpath: a query not already in canonical
encoding (botocore signs the raw wire text; we re-encode names and values as the
server does), headers that botocore gives special meaning (``Date``,
``X-Amz-Content-SHA256``), and caller-supplied ``Authorization`` / ``X-Amz-*`` headers
(we always replace them).
"""

from __future__ import annotations

import string
from datetime import datetime, timezone
from unittest import mock
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appsync_runtime._credentials import Credentials
from appsync_runtime._sigv4 import SigV4Signer
from tests.support.examples import examples

botocore_auth = pytest.importorskip("botocore.auth")
botocore_awsrequest = pytest.importorskip("botocore.awsrequest")
botocore_credentials = pytest.importorskip("botocore.credentials")

SETTINGS = settings(
    max_examples=examples(300),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_UNICODE = "éßÄ中ሴ😀\u00a0\u2003"
_PATH_CHARS = (
    string.ascii_letters + string.digits + "-._~!$&'()*+,;=:@ %" + _UNICODE + '\\"<>[]{}|^`'
)

methods = st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "post", "Get"])

hosts = st.sampled_from(
    [
        ("https", "abcdefghijklmnopqrstuvwxyz.appsync-api.us-east-1.amazonaws.com"),
        ("https", "API.Example.COM"),
        ("https", "api.example.com:443"),
        ("https", "api.example.com:8443"),
        ("http", "localhost:80"),
        ("http", "127.0.0.1:20002"),
        ("https", "user:pw@api.example.com"),
        ("https", "[::1]:8443"),
        ("https", "[fe80::1]"),
    ]
)

percent_escape = st.sampled_from(["%20", "%2F", "%25", "%2e", "%2E", "%E1%88%B4", "%7e", "%zz"])
path_segment = st.one_of(
    st.sampled_from(["", ".", "..", "graphql", "a b", "~user"]),
    st.lists(
        st.one_of(st.text(alphabet=_PATH_CHARS, min_size=1, max_size=4), percent_escape),
        max_size=4,
    ).map("".join),
)
paths = st.lists(path_segment, max_size=6).map(lambda segs: "/" + "/".join(segs)) | st.just("")

query_text = st.text(
    alphabet=st.characters(exclude_categories=["Cs"]),  # no lone surrogates
    max_size=8,
)
query_names = st.one_of(st.sampled_from(["a", "A", "b", "a-b", "Param", "x y"]), query_text)


@st.composite
def queries(draw: st.DrawFn) -> str:
    pairs = draw(st.lists(st.tuples(query_names, query_text, st.booleans()), max_size=5))
    pieces = []
    for name, value, bare in pairs:
        encoded = quote(name, safe="-_.~")
        if bare and encoded:  # a name without "=": "?flag"
            pieces.append(encoded)
        else:
            pieces.append(f"{encoded}={quote(value, safe='-_.~')}")
    return "&".join(pieces)


header_names = st.one_of(
    st.sampled_from(
        [
            "Accept",
            "accept",
            "Content-Type",
            "X-Custom",
            "x-custom",
            "X-Amz-User-Agent",
            "X-Amz-Meta",
            "x-amzz",
            "X-Api-Key",
            "zzz",
            "a",
            "User-Agent",  # never signed
            "Connection",  # never signed
            "X-Amzn-Trace-Id",  # never signed
            "Content-Encoding",
        ]
    ),
    # botocore signs a caller's Date header in place of X-Amz-Date; AppSync clients
    # always send X-Amz-Date, and so do we, so a Date header is outside the comparison.
    st.text(alphabet=string.ascii_letters + string.digits + "-", min_size=1, max_size=10).filter(
        lambda name: name.lower() != "date"
    ),
)
value_chars = string.printable.replace("\r", "").replace("\x0b", "").replace("\x0c", "") + "é中\xa0"
header_values = st.one_of(
    st.text(alphabet=value_chars, max_size=20),
    st.sampled_from(["  padded  ", "a   b\t\tc", "v1\n  v2\n     v3", "", " ", '"a   b   c"']),
)
headers = st.lists(st.tuples(header_names, header_values), max_size=8)

secrets = st.text(alphabet=string.ascii_letters + string.digits + "+/=", min_size=1, max_size=40)
tokens = st.none() | st.text(alphabet=string.ascii_letters + string.digits + "+/=", min_size=1)
times = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31))
bodies = st.binary(max_size=2048)


def _botocore_sign(
    method: str,
    url: str,
    header_pairs: list[tuple[str, str]],
    body: bytes,
    creds: Credentials,
    when: datetime,
    region: str,
    service: str,
) -> dict[str, str]:
    request = botocore_awsrequest.AWSRequest(method=method, url=url, data=body)
    for name, value in header_pairs:
        request.headers[name] = value  # HTTPHeaders appends: repeats are kept in order
    signer = botocore_auth.SigV4Auth(
        botocore_credentials.Credentials(
            creds.access_key_id, creds.secret_access_key, creds.session_token
        ),
        service,
        region,
    )
    with mock.patch.object(botocore_auth, "get_current_datetime", return_value=when):
        signer.add_auth(request)
    result = {
        "Authorization": request.headers["Authorization"],
        "X-Amz-Date": request.headers["X-Amz-Date"],
    }
    if creds.session_token:
        result["X-Amz-Security-Token"] = request.headers["X-Amz-Security-Token"]
    return result


@SETTINGS
@given(
    method=methods,
    host=hosts,
    path=paths,
    query=queries(),
    header_pairs=headers,
    explicit_host=st.sampled_from(
        [None, "abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com", " Padded.Host "]
    ),
    body=bodies,
    access_key=st.text(alphabet=string.ascii_uppercase + string.digits, min_size=4, max_size=20),
    secret=secrets,
    token=tokens,
    when=times,
    region=st.sampled_from(["us-east-1", "eu-west-1", "cn-north-1"]),
    service=st.sampled_from(["appsync", "service"]),
)
def test_same_signature_as_botocore(
    method: str,
    host: tuple[str, str],
    path: str,
    query: str,
    header_pairs: list[tuple[str, str]],
    explicit_host: str | None,
    body: bytes,
    access_key: str,
    secret: str,
    token: str | None,
    when: datetime,
    region: str,
    service: str,
) -> None:
    scheme, netloc = host
    url = f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "")
    pairs = list(header_pairs)
    if explicit_host is not None:
        pairs.insert(0, ("Host", explicit_host))
    creds = Credentials(access_key, secret, token)

    expected = _botocore_sign(method, url, pairs, body, creds, when, region, service)

    signer = SigV4Signer(region, service)
    ours = signer.sign(method, url, pairs, body, creds, now=when.replace(tzinfo=timezone.utc))
    assert ours == expected
    prepared = signer.prepare(url, pairs, method=method)
    assert prepared.sign(body, creds, when) == expected


@SETTINGS
@given(
    body=bodies,
    token=tokens,
    when=times,
    extra=st.lists(st.tuples(header_names, header_values), max_size=3),
)
def test_appsync_request_same_as_botocore(
    body: bytes, token: str | None, when: datetime, extra: list[tuple[str, str]]
) -> None:
    """The client's own request shape, through the prepared fast path."""
    url = "https://abcdefghijklmnopqrstuvwxyz.appsync-api.us-east-1.amazonaws.com/graphql"
    pairs = [
        ("accept", "application/json"),
        ("content-type", "application/json; charset=UTF-8"),
        *extra,
    ]
    creds = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token)
    expected = _botocore_sign("POST", url, pairs, body, creds, when, "us-east-1", "appsync")
    prepared = SigV4Signer("us-east-1").prepare(url, pairs)
    assert prepared.sign(body, creds, when) == expected
