"""Credentials, providers and the refresh cache."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Any
from unittest import mock

import pytest

from appsync_runtime import _credentials as credentials_module
from appsync_runtime._credentials import (
    BotocoreProvider,
    CallableProvider,
    CredentialProvider,
    Credentials,
    DefaultProvider,
    EnvironmentProvider,
    RefreshingCredentials,
    StaticProvider,
    resolve_provider,
)
from appsync_runtime.errors import AppSyncAuthError, AppSyncConfigError, AuthFailureReason

KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE-session-token-value"
T0 = 1_700_000_000.0  # the fake clock's start


def at(seconds: float) -> datetime:
    return datetime.fromtimestamp(T0 + seconds, timezone.utc)


def creds(n: int = 0, *, expires_in: float | None = 3600.0) -> Credentials:
    return Credentials(
        f"{KEY}{n}", f"{SECRET}{n}", f"{TOKEN}{n}", None if expires_in is None else at(expires_in)
    )


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now

    def advance_to(self, seconds: float) -> None:
        self.now = T0 + seconds


class Provider:
    """A scripted provider: returns (or raises) the next item; counts the calls."""

    def __init__(self, *results: object, delay: float = 0.0) -> None:
        self.results = list(results)
        self.calls = 0
        self.delay = delay
        self._lock = threading.Lock()

    def _next(self) -> Credentials:
        with self._lock:
            self.calls += 1
            result = self.results.pop(0) if len(self.results) > 1 else self.results[0]
        if isinstance(result, BaseException):
            raise result
        return result  # type: ignore[return-value]

    def load(self) -> Credentials:
        if self.delay:
            time.sleep(self.delay)
        return self._next()

    async def aload(self) -> Credentials:
        if self.delay:
            await asyncio.sleep(self.delay)
        return self._next()


def cache(provider: Provider, clock: Clock, **kwargs: Any) -> RefreshingCredentials:
    return RefreshingCredentials(provider, clock=clock, **kwargs)


# -- Credentials -----------------------------------------------------------------------


def test_repr_hides_secret_and_token() -> None:
    c = Credentials(KEY, SECRET, TOKEN, datetime(2030, 1, 1, tzinfo=timezone.utc))
    for text in (repr(c), str(c), f"{c}", repr([c])):
        assert SECRET not in text
        assert TOKEN not in text
        assert KEY not in text  # partially masked
        assert "AKIA...MPLE" in text
        assert "2030-01-01T00:00:00+00:00" in text


def test_credentials_are_immutable_and_slotted() -> None:
    c = Credentials(KEY, SECRET)
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.secret_access_key = "x"  # type: ignore[misc]
    assert not hasattr(c, "__dict__")
    assert c == Credentials(KEY, SECRET)
    assert hash(c) == hash(Credentials(KEY, SECRET))


def test_credentials_validation_never_echoes_values() -> None:
    with pytest.raises(AppSyncConfigError) as info:
        Credentials("", SECRET)
    assert SECRET not in str(info.value)
    with pytest.raises(AppSyncConfigError):
        Credentials(KEY, "")
    with pytest.raises(AppSyncConfigError):
        Credentials(KEY, SECRET, expiration="tomorrow")  # type: ignore[arg-type]
    assert Credentials(KEY, SECRET, "").session_token is None


def test_naive_expiration_is_utc() -> None:
    c = Credentials(KEY, SECRET, expiration=datetime(2030, 1, 1))
    assert c.expiration == datetime(2030, 1, 1, tzinfo=timezone.utc)
    assert not c.expired
    assert Credentials(KEY, SECRET, expiration=datetime(2000, 1, 1)).expired
    assert not Credentials(KEY, SECRET).expires_within(1e12)


# -- providers -------------------------------------------------------------------------


def test_static_provider() -> None:
    c = creds()
    provider = StaticProvider(c)
    assert provider.load() is c
    assert asyncio.run(provider.aload()) is c
    assert SECRET not in repr(provider)
    with pytest.raises(AppSyncConfigError):
        StaticProvider({"key": KEY})  # type: ignore[arg-type]


def test_environment_provider() -> None:
    env = {
        "AWS_ACCESS_KEY_ID": KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_SESSION_TOKEN": TOKEN,
        "AWS_CREDENTIAL_EXPIRATION": "2030-01-02T03:04:05Z",
    }
    loaded = EnvironmentProvider(env).load()
    assert loaded == Credentials(
        KEY, SECRET, TOKEN, datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    )
    assert asyncio.run(EnvironmentProvider(env).aload()) == loaded
    only_keys = EnvironmentProvider({"AWS_ACCESS_KEY_ID": KEY, "AWS_SECRET_ACCESS_KEY": SECRET})
    assert only_keys.load() == Credentials(KEY, SECRET)
    legacy = {
        "AWS_ACCESS_KEY_ID": KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_SECURITY_TOKEN": TOKEN,
    }
    assert EnvironmentProvider(legacy).load().session_token == TOKEN


def test_environment_provider_reads_os_environ_at_each_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_SECURITY_TOKEN", raising=False)
    monkeypatch.delenv("AWS_CREDENTIAL_EXPIRATION", raising=False)
    provider = EnvironmentProvider()
    assert provider.load() == Credentials(KEY, SECRET)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "rotated")
    assert provider.load().secret_access_key == "rotated"


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"AWS_ACCESS_KEY_ID": KEY},
        {"AWS_SECRET_ACCESS_KEY": SECRET},
        {
            "AWS_ACCESS_KEY_ID": KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET,
            "AWS_CREDENTIAL_EXPIRATION": "soon",
        },
    ],
)
def test_environment_provider_errors(env: dict[str, str]) -> None:
    with pytest.raises(AppSyncAuthError) as info:
        EnvironmentProvider(env).load()
    assert info.value.reason == AuthFailureReason.NO_CREDENTIALS
    assert SECRET not in str(info.value)


def test_callable_provider_sync() -> None:
    c = creds()
    provider = CallableProvider(lambda: c)
    assert provider.load() is c
    caller = threading.get_ident()
    seen: list[int] = []

    def blocking() -> Credentials:
        seen.append(threading.get_ident())
        return c

    assert asyncio.run(CallableProvider(blocking).aload()) is c
    assert seen and seen[0] != caller  # ran in a worker thread, off the event loop


def test_callable_provider_async() -> None:
    c = creds()

    async def fetch() -> Credentials:
        await asyncio.sleep(0)
        return c

    class AsyncCallable:
        async def __call__(self) -> Credentials:
            return c

    assert asyncio.run(CallableProvider(fetch).aload()) is c
    assert asyncio.run(CallableProvider(AsyncCallable()).aload()) is c
    with pytest.raises(AppSyncConfigError, match="async"):
        CallableProvider(fetch).load()
    with pytest.raises(AppSyncConfigError):
        CallableProvider("not callable")  # type: ignore[arg-type]


class FrozenOnly:
    """A botocore-like credentials object that only allows frozen snapshots."""

    def __init__(self, *sets: tuple[str, str, str | None]) -> None:
        self.sets = list(sets)
        self.frozen_calls = 0

    def get_frozen_credentials(self) -> Any:
        from botocore.credentials import ReadOnlyCredentials

        self.frozen_calls += 1
        return ReadOnlyCredentials(*self.sets.pop(0))

    @property
    def access_key(self) -> str:
        raise AssertionError("read the key outside a frozen snapshot")

    secret_key = token = access_key


def test_botocore_provider_takes_one_frozen_snapshot_per_load() -> None:
    source = FrozenOnly(("AK1", "SK1", "TK1"), ("AK2", "SK2", None))
    provider = BotocoreProvider(source)
    assert provider.load() == Credentials("AK1", "SK1", "TK1")
    assert provider.load() == Credentials("AK2", "SK2")
    assert source.frozen_calls == 2


def test_botocore_provider_with_refreshable_credentials() -> None:
    botocore_credentials = pytest.importorskip("botocore.credentials")
    expiry = datetime.now(timezone.utc) + timedelta(hours=1)
    refreshes = 0

    def refresh() -> dict[str, str]:
        nonlocal refreshes
        refreshes += 1
        return {
            "access_key": f"AK{refreshes}",
            "secret_key": SECRET,
            "token": TOKEN,
            "expiry_time": (expiry + timedelta(hours=refreshes)).isoformat(),
        }

    refreshable = botocore_credentials.RefreshableCredentials.create_from_metadata(
        {
            "access_key": "AK0",
            "secret_key": SECRET,
            "token": TOKEN,
            "expiry_time": expiry.isoformat(),
        },
        refresh,
        "test",
    )
    loaded = BotocoreProvider(refreshable).load()
    assert loaded.access_key_id == "AK0"
    assert loaded.session_token == TOKEN
    assert loaded.expiration is not None
    assert abs((loaded.expiration - expiry).total_seconds()) < 1
    assert asyncio.run(BotocoreProvider(refreshable).aload()) == loaded


def test_botocore_provider_with_sessions(monkeypatch: pytest.MonkeyPatch) -> None:
    boto3 = pytest.importorskip("boto3")
    botocore_session = pytest.importorskip("botocore.session")
    session = boto3.Session(
        aws_access_key_id=KEY, aws_secret_access_key=SECRET, aws_session_token=TOKEN
    )
    assert BotocoreProvider(session).load() == Credentials(KEY, SECRET, TOKEN)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_SECURITY_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    assert BotocoreProvider(botocore_session.Session()).load() == Credentials(KEY, SECRET)


def test_botocore_provider_session_without_credentials() -> None:
    class EmptySession:
        def get_credentials(self) -> None:
            return None

    with pytest.raises(AppSyncAuthError) as info:
        BotocoreProvider(EmptySession()).load()
    assert info.value.reason == AuthFailureReason.NO_CREDENTIALS
    with pytest.raises(AppSyncConfigError):
        BotocoreProvider(object()).load()


def test_default_provider_prefers_environment() -> None:
    env = {"AWS_ACCESS_KEY_ID": KEY, "AWS_SECRET_ACCESS_KEY": SECRET}
    provider = DefaultProvider(env)
    with mock.patch.object(credentials_module, "_botocore_available") as probe:
        assert provider.load() == Credentials(KEY, SECRET)
    probe.assert_not_called()


def test_default_provider_falls_back_to_botocore_chain() -> None:
    pytest.importorskip("botocore.session")
    session = mock.Mock(spec=["get_credentials"])
    session.get_credentials.return_value = FrozenOnly((KEY, SECRET, TOKEN))
    with mock.patch("botocore.session.get_session", return_value=session):
        assert DefaultProvider({}).load() == Credentials(KEY, SECRET, TOKEN)


def test_default_provider_without_botocore_says_what_to_do() -> None:
    with (
        mock.patch.object(credentials_module, "_botocore_available", return_value=False),
        pytest.raises(AppSyncAuthError) as info,
    ):
        DefaultProvider({}).load()
    message = str(info.value)
    assert "AWS_ACCESS_KEY_ID" in message
    assert 'pip install "appsync-typed[boto]"' in message
    assert info.value.reason == AuthFailureReason.NO_CREDENTIALS


def test_botocore_is_imported_only_when_used() -> None:
    code = (
        "import sys\n"
        "from appsync_runtime._credentials import *\n"
        "from appsync_runtime._sigv4 import SigV4Signer\n"
        "c = Credentials('AKID', 'secret')\n"
        "RefreshingCredentials(resolve_provider(c)).get()\n"
        "env = {'AWS_ACCESS_KEY_ID': 'AKID', 'AWS_SECRET_ACCESS_KEY': 's'}\n"
        "RefreshingCredentials(DefaultProvider(env)).get()\n"
        "SigV4Signer('us-east-1').prepare('https://x/graphql').sign(b'{}', c)\n"
        "assert 'botocore' not in sys.modules, 'botocore was imported'\n"
        "assert 'boto3' not in sys.modules, 'boto3 was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_resolve_provider() -> None:
    c = creds()
    assert isinstance(resolve_provider(None), DefaultProvider)
    assert resolve_provider(c).load() is c
    static = StaticProvider(c)
    assert resolve_provider(static) is static
    assert isinstance(resolve_provider(lambda: c), CallableProvider)
    assert isinstance(resolve_provider(FrozenOnly()), BotocoreProvider)
    assert isinstance(resolve_provider(mock.Mock(spec=["get_credentials"])), BotocoreProvider)
    with pytest.raises(AppSyncConfigError):
        resolve_provider(42)
    for provider in (static, EnvironmentProvider(), CallableProvider(lambda: c), DefaultProvider()):
        assert isinstance(provider, CredentialProvider)


# -- refresh cache ---------------------------------------------------------------------


def test_loads_once_when_nothing_expires() -> None:
    provider = Provider(creds(expires_in=None))
    clock = Clock()
    cached = cache(provider, clock)
    for day in range(10):
        clock.advance_to(day * 86400)
        assert cached.get() == creds(expires_in=None)
    assert provider.calls == 1


def test_refreshes_ahead_of_expiry() -> None:
    provider = Provider(creds(1), creds(2, expires_in=7200))
    clock = Clock()
    cached = cache(provider, clock)
    assert cached.get() == creds(1)
    clock.advance_to(3600 - 15 * 60 - 1)  # just before the advisory window
    assert cached.get() == creds(1)
    assert provider.calls == 1
    clock.advance_to(3600 - 15 * 60)  # advisory window opens
    assert cached.get() == creds(2, expires_in=7200)
    assert provider.calls == 2
    assert cached.get() == creds(2, expires_in=7200)
    assert provider.calls == 2


def test_failed_advisory_refresh_keeps_old_credentials_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    provider = Provider(creds(1), RuntimeError("sts is down"), creds(2, expires_in=7200))
    clock = Clock()
    cached = cache(provider, clock, retry_interval=30)
    cached.get()
    clock.advance_to(3600 - 14 * 60)
    with caplog.at_level(logging.WARNING, logger="appsync_runtime._credentials"):
        assert cached.get() == creds(1)
    assert provider.calls == 2
    assert "sts is down" in caplog.text
    assert "keeping the current ones" in caplog.text
    clock.advance_to(3600 - 14 * 60 + 10)  # within retry_interval: no new attempt
    assert cached.get() == creds(1)
    assert provider.calls == 2
    clock.advance_to(3600 - 14 * 60 + 31)
    assert cached.get() == creds(2, expires_in=7200)
    assert provider.calls == 3


def test_failed_mandatory_refresh_keeps_still_valid_credentials(
    caplog: pytest.LogCaptureFixture,
) -> None:
    provider = Provider(creds(1), RuntimeError("throttled"))
    clock = Clock()
    cached = cache(provider, clock)
    cached.get()
    clock.advance_to(3600 - 60)  # one minute left
    with caplog.at_level(logging.WARNING):
        assert cached.get() == creds(1)
    assert "throttled" in caplog.text


def test_expired_credentials_and_failing_provider_raise_with_cause() -> None:
    failure = RuntimeError("sts is down")
    provider = Provider(creds(1), failure)
    clock = Clock()
    cached = cache(provider, clock)
    cached.get()
    clock.advance_to(3600)
    with pytest.raises(AppSyncAuthError) as info:
        cached.get()
    assert info.value.__cause__ is failure
    assert info.value.reason == AuthFailureReason.EXPIRED_CREDENTIALS
    assert info.value.status is None
    assert "expired" in str(info.value)


def test_first_load_failure_raises_with_cause() -> None:
    failure = OSError("no route to IMDS")
    cached = cache(Provider(failure), Clock())
    with pytest.raises(AppSyncAuthError) as info:
        cached.get()
    assert info.value.__cause__ is failure
    assert info.value.reason == AuthFailureReason.NO_CREDENTIALS


def test_providers_own_auth_error_passes_through_on_first_load() -> None:
    cached = RefreshingCredentials(EnvironmentProvider({}))
    with pytest.raises(AppSyncAuthError, match="AWS_ACCESS_KEY_ID"):
        cached.get()


@pytest.mark.parametrize(
    "garbage",
    [None, {"access_key_id": KEY, "secret_access_key": SECRET}, (KEY, SECRET), "AKID:SECRET"],
    ids=["none", "dict", "tuple", "str"],
)
def test_garbage_from_provider_is_one_typed_error(garbage: object) -> None:
    cached = cache(Provider(garbage), Clock())
    with pytest.raises(AppSyncAuthError) as info:
        cached.get()
    assert type(garbage).__name__ in str(info.value)
    assert SECRET not in str(info.value)
    assert isinstance(info.value.__cause__, TypeError)


def test_empty_key_from_callable_is_one_typed_error() -> None:
    cached = RefreshingCredentials(CallableProvider(lambda: Credentials("", SECRET)))
    with pytest.raises(AppSyncAuthError) as info:
        cached.get()
    assert isinstance(info.value.__cause__, AppSyncConfigError)
    assert SECRET not in str(info.value)


def test_already_expired_credentials_from_provider_are_refused() -> None:
    cached = cache(Provider(creds(1, expires_in=-1)), Clock())
    with pytest.raises(AppSyncAuthError, match="expired"):
        cached.get()


def test_short_lived_credentials_are_not_refetched_on_every_call() -> None:
    provider = Provider(creds(1, expires_in=300))  # inside the mandatory window already
    clock = Clock()
    cached = cache(provider, clock, retry_interval=30)
    for _ in range(100):
        assert cached.get() == creds(1, expires_in=300)
    assert provider.calls == 1
    clock.advance_to(31)
    cached.get()
    assert provider.calls == 2


def test_force_refresh() -> None:
    provider = Provider(creds(1), creds(2), creds(3))
    cached = cache(provider, Clock())
    first = cached.get()
    assert cached.force_refresh() == creds(2)
    assert provider.calls == 2
    # a caller holding the set rejected earlier does not trigger another refresh
    assert cached.force_refresh(rejected=first) == creds(2)
    assert provider.calls == 2
    assert cached.force_refresh(rejected=creds(2)) == creds(3)
    assert provider.calls == 3


def test_force_refresh_failure_raises() -> None:
    failure = RuntimeError("denied")
    cached = cache(Provider(creds(1), failure), Clock())
    cached.get()
    with pytest.raises(AppSyncAuthError) as info:
        cached.force_refresh()
    assert info.value.__cause__ is failure
    assert info.value.reason == AuthFailureReason.EXPIRED_CREDENTIALS


def test_bad_windows() -> None:
    with pytest.raises(AppSyncConfigError):
        RefreshingCredentials(StaticProvider(creds()), advisory=60, mandatory=120)
    with pytest.raises(AppSyncConfigError):
        RefreshingCredentials(object())  # type: ignore[arg-type]


def test_cache_is_itself_a_provider() -> None:
    cached = RefreshingCredentials(StaticProvider(creds(expires_in=None)))
    assert isinstance(cached, CredentialProvider)
    assert cached.load() == creds(expires_in=None)
    assert cached.current == creds(expires_in=None)
    assert resolve_provider(cached) is cached


# -- single flight ---------------------------------------------------------------------


def _run_threads(n: int, target: Any) -> list[object]:
    barrier = threading.Barrier(n)
    results: list[object] = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = target()
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_single_flight_first_load_under_50_threads() -> None:
    provider = Provider(creds(1), delay=0.05)
    cached = cache(provider, Clock())
    results = _run_threads(50, cached.get)
    assert provider.calls == 1
    assert all(r == creds(1) for r in results)


def test_single_flight_across_expiry_under_50_threads() -> None:
    provider = Provider(creds(1), creds(2, expires_in=7200), delay=0.05)
    clock = Clock()
    cached = cache(provider, clock)
    provider.delay = 0
    cached.get()
    provider.delay = 0.05
    clock.advance_to(3600 + 1)  # expired: every thread must wait for the one refresh
    results = _run_threads(50, cached.get)
    assert provider.calls == 2
    assert all(r == creds(2, expires_in=7200) for r in results)


def test_advisory_window_threads_do_not_wait() -> None:
    provider = Provider(creds(1), creds(2, expires_in=7200))
    clock = Clock()
    cached = cache(provider, clock)
    cached.get()
    clock.advance_to(3600 - 14 * 60)
    provider.delay = 0.2
    results = _run_threads(50, cached.get)
    assert provider.calls == 2
    assert set(results) <= {creds(1), creds(2, expires_in=7200)}
    assert creds(1) in results  # others went on with the old set meanwhile


def test_expired_and_failing_under_threads_raise_for_everyone() -> None:
    failure = RuntimeError("down")
    provider = Provider(creds(1), failure)
    clock = Clock()
    cached = cache(provider, clock)
    cached.get()
    clock.advance_to(4000)
    results = _run_threads(20, cached.get)
    assert all(isinstance(r, AppSyncAuthError) and r.__cause__ is failure for r in results)


async def test_single_flight_first_load_under_200_tasks() -> None:
    provider = Provider(creds(1), delay=0.02)
    cached = cache(provider, Clock())
    results = await asyncio.gather(*(cached.aget() for _ in range(200)))
    assert provider.calls == 1
    assert all(r == creds(1) for r in results)


async def test_single_flight_across_expiry_under_200_tasks() -> None:
    provider = Provider(creds(1), creds(2, expires_in=7200), delay=0.02)
    clock = Clock()
    cached = cache(provider, clock)
    await cached.aget()
    clock.advance_to(3600 + 1)
    results = await asyncio.gather(*(cached.aget() for _ in range(200)))
    assert provider.calls == 2  # the first load, then exactly one refresh
    assert all(r == creds(2, expires_in=7200) for r in results)


async def test_advisory_window_tasks_do_not_wait() -> None:
    provider = Provider(creds(1), creds(2, expires_in=7200))
    clock = Clock()
    cached = cache(provider, clock)
    await cached.aget()
    clock.advance_to(3600 - 14 * 60)
    provider.delay = 0.05
    results = await asyncio.gather(*(cached.aget() for _ in range(200)))
    assert provider.calls == 2
    assert results[0] == creds(2, expires_in=7200)  # the refresher waited for its refresh
    assert results.count(creds(1)) == 199  # the others used the old set


async def test_expired_and_failing_under_200_tasks_raise_once() -> None:
    failure = RuntimeError("sts is down")
    provider = Provider(creds(1), failure, delay=0.01)
    clock = Clock()
    cached = cache(provider, clock)
    await cached.aget()
    clock.advance_to(3600)
    results = await asyncio.gather(*(cached.aget() for _ in range(200)), return_exceptions=True)
    assert provider.calls == 2
    assert all(isinstance(r, AppSyncAuthError) and r.__cause__ is failure for r in results)


async def test_async_force_refresh_single_flight() -> None:
    provider = Provider(creds(1), creds(2), creds(3), delay=0.01)
    cached = cache(provider, Clock())
    rejected = await cached.aget()
    results = await asyncio.gather(*(cached.aforce_refresh(rejected) for _ in range(50)))
    assert provider.calls == 2
    assert all(r == creds(2) for r in results)


async def test_async_force_refresh_does_not_settle_for_a_kept_set() -> None:
    # A forced refresh joins an advisory refresh that fails (keeping the rejected set),
    # then runs its own.
    provider = Provider(creds(1), RuntimeError("blip"), creds(2), delay=0.02)
    clock = Clock()
    cached = cache(provider, clock)
    first = await cached.aget()
    clock.advance_to(3600 - 14 * 60)
    advisory = asyncio.ensure_future(cached.aget())
    await asyncio.sleep(0)
    forced = await cached.aforce_refresh(first)
    assert await advisory == creds(1)
    assert forced == creds(2)
    assert provider.calls == 3


async def test_cancelled_waiter_does_not_cancel_the_refresh() -> None:
    provider = Provider(creds(1), delay=0.05)
    cached = cache(provider, Clock())
    first = asyncio.ensure_future(cached.aget())
    second = asyncio.ensure_future(cached.aget())
    await asyncio.sleep(0.01)
    first.cancel()
    assert await second == creds(1)
    assert provider.calls == 1


async def test_async_callable_provider_behind_the_cache() -> None:
    calls = 0

    async def fetch() -> Credentials:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        return creds(1)

    cached = RefreshingCredentials(CallableProvider(fetch), clock=Clock())
    results = await asyncio.gather(*(cached.aget() for _ in range(200)))
    assert calls == 1
    assert set(results) == {creds(1)}


def test_cache_works_from_several_event_loops() -> None:
    provider = Provider(creds(1), creds(2, expires_in=7200))
    clock = Clock()
    cached = cache(provider, clock)
    assert asyncio.run(cached.aget()) == creds(1)
    clock.advance_to(3600)
    assert asyncio.run(cached.aget()) == creds(2, expires_in=7200)
    assert cached.get() == creds(2, expires_in=7200)


# -- secrets stay secret ---------------------------------------------------------------


def test_secrets_never_logged_or_in_errors(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    secret_set = Credentials(KEY, SECRET, TOKEN, at(3600))
    provider = Provider(secret_set, RuntimeError("refresh failed"), {"secret": SECRET})
    clock = Clock()
    cached = cache(provider, clock, retry_interval=1)
    messages = [repr(cached.get()), repr(cached)]
    clock.advance_to(3600 - 14 * 60)
    messages.append(repr(cached.get()))  # failed refresh, warning logged
    clock.advance_to(3600 + 5)
    with pytest.raises(AppSyncAuthError) as info:
        cached.get()  # garbage while expired
    messages += [str(info.value), repr(info.value), str(info.value.__cause__)]
    with pytest.raises(AppSyncAuthError) as info:
        RefreshingCredentials(EnvironmentProvider({"AWS_SECRET_ACCESS_KEY": SECRET})).get()
    messages.append(str(info.value))
    assert caplog.records, "expected a warning"
    for text in [caplog.text, *messages]:
        assert SECRET not in text
        assert TOKEN not in text
