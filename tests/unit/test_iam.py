"""IAMAuth against a fake that verifies every signature with botocore."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any
from unittest import mock

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appsync_runtime import (
    AppSyncAuthError,
    AppSyncClient,
    AppSyncConfigError,
    AsyncAppSyncClient,
    AuthFailureReason,
    AuthRequest,
    CallableProvider,
    Credentials,
    IAMAuth,
    RefreshingCredentials,
)
from tests.support.examples import examples
from tests.support.fake_appsync import FakeAppSync
from tests.support.sigv4_check import KeyInfo, SigV4Check

AKID, SECRET, TOKEN = "AKIDFAKE0001", "fake/secret+KEY0001", "FwoGZXIvYXdzEXAMPLETOKEN0001"
STATIC = Credentials(AKID, SECRET, TOKEN)


@pytest.fixture
def check() -> SigV4Check:
    return SigV4Check(keys={AKID: KeyInfo(SECRET, TOKEN)})


@pytest.fixture
def fake(check: SigV4Check) -> Iterator[FakeAppSync]:
    with FakeAppSync() as server:
        server.handler = check.handler()
        yield server


def client(fake: FakeAppSync, auth: IAMAuth) -> AppSyncClient:
    return AppSyncClient(fake.url, auth=auth, region="us-east-1")


def run_async_calls(fake: FakeAppSync, auth: IAMAuth, count: int) -> list[object]:
    async def go() -> list[object]:
        async with AsyncAppSyncClient(fake.url, auth=auth, region="us-east-1") as c:
            return await asyncio.gather(
                *(c.execute("query { a }") for _ in range(count)), return_exceptions=True
            )

    return asyncio.run(go())


def test_good_requests_are_accepted_on_both_transports(
    fake: FakeAppSync, check: SigV4Check
) -> None:
    auth = IAMAuth(STATIC)
    with client(fake, auth) as c:
        assert c.execute("query Q($x: String) { a }", "Q", {"x": "é ✓"}).data == {"ok": True}
    results = run_async_calls(fake, auth, 3)
    assert [r.data for r in results] == [{"ok": True}] * 3  # type: ignore[attr-defined]
    assert check.accepted == 1 + 3 and check.rejected == []
    headers = fake.received[0].headers
    assert headers["x-amz-security-token"] == TOKEN
    assert "host" in headers["authorization"].split("SignedHeaders=")[1]


def test_fake_rejects_tampered_body_wrong_region_and_stale_date(
    fake: FakeAppSync, check: SigV4Check
) -> None:
    auth = IAMAuth(STATIC, region="us-east-1")
    body = b'{"query":"query { a }"}'
    host = f"127.0.0.1:{fake.port}"
    base = {"host": host, "content-type": "application/json"}

    def send(body_sent: bytes, signed: dict[str, str]) -> httpx.Response:
        return httpx.post(fake.url, content=body_sent, headers={**base, **signed})

    request = AuthRequest("POST", fake.url, host, body, base, "us-east-1")
    assert send(body, auth.auth_headers(request)).status_code == 200
    tampered = send(body + b" ", auth.auth_headers(request))
    assert tampered.status_code == 403 and "does not match" in tampered.text
    wrong = IAMAuth(STATIC, region="eu-west-1").auth_headers(request)
    assert send(body, wrong).status_code == 403
    stale = IAMAuth(STATIC, region="us-east-1")
    stale._clock_skew = -900  # signs as if 15 minutes ago
    response = send(body, stale.auth_headers(request))
    assert response.status_code == 403 and "Signature expired" in response.text
    assert check.accepted == 1 and len(check.rejected) == 3


def test_wrong_region_is_a_signature_mismatch_not_retried(fake: FakeAppSync) -> None:
    c = AppSyncClient(fake.url, auth=IAMAuth(STATIC), region="us-west-2")
    with c, pytest.raises(AppSyncAuthError) as info:
        c.execute("query { a }")
    assert info.value.reason == AuthFailureReason.SIGNATURE_MISMATCH
    assert info.value.status == 403 and len(fake.received) == 1
    assert SECRET not in str(info.value) and TOKEN not in str(info.value)


@pytest.mark.parametrize("offset", [600.0, -600.0])
def test_ten_minute_clock_skew_is_corrected_and_kept(
    fake: FakeAppSync, check: SigV4Check, offset: float
) -> None:
    check.clock_offset = offset
    auth = IAMAuth(STATIC)
    with client(fake, auth) as c:
        assert c.execute("query { a }").data == {"ok": True}
        assert len(fake.received) == 2  # rejected once, re-signed, accepted
        assert abs(auth.clock_skew - offset) < 5
        c.execute("query { a }")
        assert len(fake.received) == 3  # the offset is kept: no second rejection
    assert len(run_async_calls(fake, auth, 5)) == 5
    assert check.accepted == 2 + 5 and len(fake.received) == 3 + 5


def test_async_client_corrects_skew_too(fake: FakeAppSync, check: SigV4Check) -> None:
    check.clock_offset = 600.0
    results = run_async_calls(fake, IAMAuth(STATIC), 1)
    assert not isinstance(results[0], Exception)
    assert len(fake.received) == 2


def test_skew_that_cannot_be_learnt_is_reported(fake: FakeAppSync, check: SigV4Check) -> None:
    check.clock_offset = 600.0
    check.max_skew = -1  # every signature looks stale, whatever the client does
    with client(fake, IAMAuth(STATIC)) as c, pytest.raises(AppSyncAuthError) as info:
        c.execute("query { a }")
    assert info.value.reason == AuthFailureReason.CLOCK_SKEW
    assert len(fake.received) == 2  # one retry, never more


def test_rotated_credentials_are_refreshed_after_rejection(
    fake: FakeAppSync, check: SigV4Check
) -> None:
    generations = itertools.count(1)
    issued: list[str] = []

    def provider() -> Credentials:
        n = next(generations)
        akid = f"AKIDROT{n:05d}"
        check.keys[akid] = KeyInfo(f"secret{n}", f"token{n}")
        issued.append(akid)
        return Credentials(akid, f"secret{n}", f"token{n}")

    auth = IAMAuth(provider)
    with client(fake, auth) as c:
        c.execute("query { a }")
        check.keys[issued[0]].revoked = True  # rotated away mid-run
        c.execute("query { a }")
        c.execute("query { a }")
    assert issued == ["AKIDROT00001", "AKIDROT00002"]
    assert len(fake.received) == 4 and check.accepted == 3


def test_rejected_credentials_with_no_fresh_set_raise(fake: FakeAppSync, check: SigV4Check) -> None:
    check.keys[AKID].revoked = True
    with client(fake, IAMAuth(STATIC)) as c, pytest.raises(AppSyncAuthError) as info:
        c.execute("query { a }")
    assert info.value.reason == AuthFailureReason.EXPIRED_CREDENTIALS
    assert len(fake.received) == 2


def test_200_concurrent_calls_across_an_expiry(fake: FakeAppSync, check: SigV4Check) -> None:
    calls = 0
    lifetime = 1.5

    async def provider() -> Credentials:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)  # a slow STS call: every waiter must share it
        akid = f"AKIDCONC{calls:04d}"
        expires = time.time() + lifetime
        check.keys[akid] = KeyInfo(f"s{calls}", f"t{calls}", expires_at=expires)
        return Credentials(
            akid, f"s{calls}", f"t{calls}", datetime.fromtimestamp(expires, timezone.utc)
        )

    cache = RefreshingCredentials(CallableProvider(provider), advisory=0.6, mandatory=0.4)
    auth = IAMAuth(cache)

    async def go() -> list[object]:
        results: list[object] = []
        async with AsyncAppSyncClient(fake.url, auth=auth, region="us-east-1") as c:
            for round_ in range(3):
                if round_:
                    await asyncio.sleep(lifetime - 0.3)  # into the refresh window
                results += await asyncio.gather(
                    *(c.execute("query { a }") for _ in range(200)), return_exceptions=True
                )
        return results

    results = asyncio.run(go())
    assert [r for r in results if isinstance(r, Exception)] == []
    assert calls == 3  # exactly one provider call per refresh
    assert check.signed_with_expired == 0
    assert check.accepted == 600


def test_custom_domain_needs_region() -> None:
    auth = IAMAuth(STATIC)
    request = AuthRequest("POST", "https://api.example.com/graphql", "api.example.com", b"{}")
    with pytest.raises(AppSyncConfigError, match="region"):
        auth.auth_headers(request)
    standard = "abcdefghijklmnopqrstuvwxyz.appsync-api.ap-south-1.amazonaws.com"
    headers = auth.auth_headers(AuthRequest("POST", f"https://{standard}/graphql", standard, b""))
    assert "/ap-south-1/appsync/aws4_request" in headers["Authorization"]


def test_private_api_signs_the_api_host_not_the_vpc_endpoint() -> None:
    api_host = "abcdefghijklmnopqrstuvwxyz.appsync-api.us-east-1.amazonaws.com"
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"data": {"a": 1}})

    own = httpx.Client(transport=httpx.MockTransport(handler))
    with AppSyncClient(
        "https://vpce-0a1b2c-d3e4.appsync-api.us-east-1.vpce.amazonaws.com/graphql",
        auth=IAMAuth(STATIC),
        host=api_host,
        http_client=own,
    ) as c:
        c.execute("query { a }")
    sent = seen[0]
    assert sent.headers["host"] == api_host
    assert "host" in sent.headers["authorization"]
    check = SigV4Check(keys={AKID: KeyInfo(SECRET, TOKEN)})
    from tests.support.fake_appsync import Received

    received = Received(
        "POST", "/graphql", "", {k.lower(): v for k, v in sent.headers.items()}, sent.content
    )
    assert check(received) is None


def test_iam_auth_as_httpx_auth_and_repr(fake: FakeAppSync, check: SigV4Check) -> None:
    auth = IAMAuth(STATIC, region="us-east-1")
    with httpx.Client(auth=auth) as own:
        response = own.post(fake.url, json={"query": "{ a }"})
    assert response.status_code == 200 and check.accepted == 1
    text = repr(auth) + str(auth)
    assert SECRET not in text and TOKEN not in text


def test_expired_local_credentials_raise_before_sending(fake: FakeAppSync) -> None:
    def provider() -> Credentials:
        raise RuntimeError("sts unreachable")

    cache = RefreshingCredentials(CallableProvider(provider))
    auth = IAMAuth(cache)
    with client(fake, auth) as c, pytest.raises(AppSyncAuthError) as info:
        c.execute("query { a }")
    assert isinstance(info.value.__cause__, RuntimeError) and fake.received == []
    assert "sts unreachable" in str(info.value.__cause__)


def test_httpx_auth_recovers_from_skew_on_users_own_clients(
    fake: FakeAppSync, check: SigV4Check
) -> None:
    """As an httpx.Auth, the strategy reads the rejection and re-signs once."""
    check.clock_offset = 600.0
    auth = IAMAuth(STATIC, region="us-east-1")
    with httpx.Client(auth=auth) as own:
        response = own.post(fake.url, json={"query": "{ a }"})
    assert response.status_code == 200 and len(fake.received) == 2

    async def run() -> int:
        async with httpx.AsyncClient(auth=auth) as aown:
            return (await aown.post(fake.url, json={"query": "{ a }"})).status_code

    assert asyncio.run(run()) == 200 and len(fake.received) == 3


def test_httpx_auth_passes_a_final_rejection_through(fake: FakeAppSync, check: SigV4Check) -> None:
    check.keys[AKID].revoked = True
    with httpx.Client(auth=IAMAuth(STATIC, region="us-east-1")) as own:
        response = own.post(fake.url, json={"query": "{ a }"})
    assert response.status_code == 403 and len(fake.received) == 2


# -- users' own httpx requests: the shortcut gives what the generic path gives ---------


class _GenericIAM(IAMAuth):
    """IAMAuth made to take the generic httpx path (a subclass with its own headers)."""

    def auth_headers(self, request: AuthRequest) -> dict[str, str]:
        return super().auth_headers(request)

    async def async_auth_headers(self, request: AuthRequest) -> dict[str, str]:
        return await super().async_auth_headers(request)


_HEADER_NAMES = st.sampled_from(
    [
        *("Accept", "content-type", "X-Custom", "x-custom", "Host", "Content-Length"),
        *("Authorization", "x-amz-date", "X-Amz-Security-Token", " authorization"),
    ]
)
_HEADER_VALUES = st.text(alphabet="ab /;=+-", max_size=8) | st.binary(max_size=6).map(
    lambda raw: raw.replace(b"\r", b"").replace(b"\n", b"") + b"\xe9"  # not ASCII
)
_URLS = [
    "https://abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com/graphql",
    "https://api.example.com/graphql?x=1&a=b%20c",
]


def _sign_httpx(auth: IAMAuth, request: httpx.Request, use_async: bool) -> object:
    """The request's raw headers once ``auth`` signed it as httpx drives it, or the
    type of what it raised."""
    try:
        if use_async:

            async def first() -> httpx.Request:
                return await auth.async_auth_flow(request).__anext__()

            asyncio.run(first())
        else:
            next(auth.sync_auth_flow(request))
    except Exception as exc:
        return type(exc)
    return request.headers.raw


@settings(max_examples=examples(400), deadline=None, derandomize=True)
@given(
    headers=st.lists(st.tuples(_HEADER_NAMES, _HEADER_VALUES), max_size=4),
    region=st.sampled_from([None, "us-east-1", "eu-wést-1"]),
    token=st.booleans(),
    requests=st.lists(
        st.tuples(
            st.sampled_from(["POST", "PUT"]),
            st.sampled_from(_URLS),
            st.sampled_from([b"", b"{}", b'{"query":"{ a }"}', b"\x00\xff" * 9]),
            st.sampled_from([None, "utf-8", "iso-8859-1"]),  # what httpx decodes with
        ),
        min_size=1,
        max_size=5,
    ),
    use_async=st.booleans(),
)
def test_httpx_shortcut_gives_what_the_generic_path_gives(
    headers: list[tuple[str, str | bytes]],
    region: str | None,
    token: bool,
    requests: list[tuple[str, str, bytes, str | None]],
    use_async: bool,
) -> None:
    """Fresh requests of shapes seen before (the last one, or another) and new ones:
    other methods, URLs and body lengths, signature headers already there, headers
    that are not ASCII (decoded as the request says), a region that is not ASCII, a
    custom domain without a region: alike, headers byte for byte (or the same error)."""
    creds = Credentials(AKID, SECRET, TOKEN if token else None)
    fast, generic = IAMAuth(creds, region=region), _GenericIAM(creds, region=region)
    pairs: Any = headers  # httpx takes str and bytes values alike (its type says one)
    with mock.patch("time.time", return_value=1_767_225_599.5):
        for method, url, body, encoding in requests * 2:
            built = [httpx.Request(method, url, headers=pairs, content=body) for _ in "ab"]
            if encoding is not None:
                for request in built:
                    request.headers.encoding = encoding
            assert _sign_httpx(fast, built[0], use_async) == _sign_httpx(
                generic, built[1], use_async
            )


def test_httpx_shortcut_keeps_a_subclass_override() -> None:
    seen: list[AuthRequest] = []

    class Watched(IAMAuth):
        def auth_headers(self, request: AuthRequest) -> dict[str, str]:
            seen.append(request)
            return super().auth_headers(request)

    auth = Watched(STATIC, region="us-east-1")
    for _ in range(2):
        next(auth.sync_auth_flow(httpx.Request("POST", "https://api.example.com/graphql")))
    assert len(seen) == 2


def test_httpx_async_shortcut_awaits_credentials_that_are_due(
    fake: FakeAppSync, check: SigV4Check
) -> None:
    """On the async client the shortcut never blocks: credentials due for a refresh
    are awaited on the generic path, every time they are due."""
    loads: list[int] = []

    def provider() -> Credentials:
        loads.append(1)
        soon = datetime.fromtimestamp(time.time() + 60, timezone.utc)  # inside the window
        return Credentials(AKID, SECRET, TOKEN, expiration=soon)

    cache = RefreshingCredentials(CallableProvider(provider), retry_interval=0.0)
    auth = IAMAuth(cache, region="us-east-1")

    async def run() -> list[int]:
        async with httpx.AsyncClient(auth=auth) as own:
            return [(await own.post(fake.url, content=b"{}")).status_code for _ in range(3)]

    assert asyncio.run(run()) == [200, 200, 200]
    assert check.accepted == 3 and len(loads) == 3
