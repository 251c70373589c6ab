"""AWS credentials for IAM (SigV4) requests: the value, where it comes from, and its cache.

Three layers:

* :class:`Credentials`: one immutable set (access key id, secret, optional session
  token and expiration). Its ``repr`` never shows the secret or the token.
* Providers (:class:`CredentialProvider`): where a set comes from. ``load()`` for sync
  callers and ``aload()`` for async ones; they differ only in how the I/O is done.

  - :class:`StaticProvider`: a set you already hold.
  - :class:`EnvironmentProvider`: ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``,
    ``AWS_SESSION_TOKEN`` and ``AWS_CREDENTIAL_EXPIRATION`` (ISO 8601).
  - :class:`CallableProvider`: any sync or async callable returning :class:`Credentials`.
  - :class:`BotocoreProvider`: a botocore or boto3 session, or a botocore credentials
    object (``RefreshableCredentials`` included). botocore is imported only here.
  - :class:`DefaultProvider`: what :func:`resolve_provider` gives when the user names
    nothing: the environment variables, then botocore's whole chain (profiles, SSO,
    container and instance roles) when botocore is installed.

* :class:`RefreshingCredentials`: the cache every client puts in front of its provider.
  It refreshes ahead of expiry (an *advisory* window, 15 minutes by default, where a
  failed refresh keeps the old set and logs a warning, and a *mandatory* window,
  10 minutes, where callers wait for the refresh), lets exactly one refresh run at a
  time across threads and asyncio tasks, and raises :class:`AppSyncAuthError` with the
  provider's exception as ``__cause__`` once the set it holds has expired and no new one
  can be had. :meth:`RefreshingCredentials.force_refresh` serves a client whose request
  was rejected for an expired or invalid token.

Assuming a role (STS) is left to boto3, which already does it well. Either hand the
client a session whose profile assumes the role::

    # ~/.aws/config
    # [profile app]
    # role_arn = arn:aws:iam::123456789012:role/AppSyncCaller
    # source_profile = default
    import boto3
    provider = BotocoreProvider(boto3.Session(profile_name="app"))

or build botocore's ``RefreshableCredentials`` around your own STS call::

    import boto3
    from botocore.credentials import RefreshableCredentials

    sts = boto3.client("sts")

    def assume() -> dict[str, str]:
        c = sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="appsync")["Credentials"]
        return {
            "access_key": c["AccessKeyId"],
            "secret_key": c["SecretAccessKey"],
            "token": c["SessionToken"],
            "expiry_time": c["Expiration"].isoformat(),
        }

    provider = BotocoreProvider(
        RefreshableCredentials.create_from_metadata(assume(), assume, "sts-assume-role")
    )

A plain callable works too: ``CallableProvider(lambda: Credentials(...))``.
"""

# pyright: reportUnnecessaryIsInstance=false
# (isinstance checks here guard against callers that ignore the annotations)
from __future__ import annotations

import inspect
import logging
import os
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, cast, runtime_checkable

from .errors import AppSyncAuthError, AppSyncConfigError, AuthFailureReason

if TYPE_CHECKING:
    import asyncio

__all__ = [
    "BotocoreProvider",
    "CallableProvider",
    "CredentialProvider",
    "CredentialSource",
    "Credentials",
    "DefaultProvider",
    "EnvironmentProvider",
    "RefreshingCredentials",
    "StaticProvider",
    "resolve_provider",
]

logger = logging.getLogger(__name__)

_INSTALL_HINT = 'pip install "appsync-typed[boto]"'


def _mask(access_key_id: str) -> str:
    """``AKIAIOSFODNN7EXAMPLE`` -> ``AKIA...MPLE``; short ids are masked entirely."""
    if len(access_key_id) <= 8:
        return "***"
    return f"{access_key_id[:4]}...{access_key_id[-4:]}"


def _check_credential(value: str, name: str) -> None:
    """AWS key ids, secrets and session tokens are printable ASCII without spaces
    (they travel in headers and the signature); anything else, such as a trailing
    newline read from a file, is refused. The value is never repeated."""
    if not (value.isascii() and value.isprintable()) or " " in value:
        raise AppSyncConfigError(
            f"Credentials.{name} holds whitespace, a line break or a character that is "
            "not printable ASCII (a newline read from a file?)"
        )


@dataclass(frozen=True, slots=True, repr=False)
class Credentials:
    """One set of AWS credentials. Immutable; ``repr`` hides the secret and the token.

    ``expiration`` is timezone-aware (a naive value is taken as UTC); None means the
    set does not expire (long-term keys).
    """

    access_key_id: str
    secret_access_key: str
    session_token: str | None = None
    expiration: datetime | None = None

    def __post_init__(self) -> None:
        for name in ("access_key_id", "secret_access_key"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise AppSyncConfigError(f"Credentials.{name} must be a non-empty string")
            _check_credential(value, name)
        token = self.session_token
        if token is not None and not isinstance(token, str):
            raise AppSyncConfigError("Credentials.session_token must be a string or None")
        if token == "":
            object.__setattr__(self, "session_token", None)
        elif token is not None:
            _check_credential(token, "session_token")
        exp = self.expiration
        if exp is not None:
            if not isinstance(exp, datetime):
                raise AppSyncConfigError("Credentials.expiration must be a datetime or None")
            if exp.tzinfo is None:
                object.__setattr__(self, "expiration", exp.replace(tzinfo=timezone.utc))

    def __repr__(self) -> str:
        parts = [f"access_key_id={_mask(self.access_key_id)!r}", "secret_access_key='***'"]
        if self.session_token is not None:
            parts.append("session_token='***'")
        if self.expiration is not None:
            parts.append(f"expiration={self.expiration.isoformat()!r}")
        return f"Credentials({', '.join(parts)})"

    __str__ = __repr__

    def expires_within(self, seconds: float, now: float | None = None) -> bool:
        """Whether the set expires at most ``seconds`` after ``now`` (epoch seconds)."""
        if self.expiration is None:
            return False
        current = time.time() if now is None else now
        return self.expiration.timestamp() - current <= seconds

    @property
    def expired(self) -> bool:
        """Whether the set has expired by the local clock."""
        return self.expires_within(0.0)


@runtime_checkable
class CredentialProvider(Protocol):
    """Where credentials come from. ``load`` may block; ``aload`` must not block the loop."""

    def load(self) -> Credentials:
        """Return a fresh set (sync callers)."""
        ...

    async def aload(self) -> Credentials:
        """Return a fresh set (async callers)."""
        ...


class StaticProvider:
    """Always the same set: long-term keys, or a test's fixed credentials."""

    __slots__ = ("_credentials",)

    def __init__(self, credentials: Credentials) -> None:
        if not isinstance(credentials, Credentials):
            raise AppSyncConfigError(
                f"StaticProvider needs Credentials, not {type(credentials).__name__}"
            )
        self._credentials = credentials

    def __repr__(self) -> str:
        return f"StaticProvider({self._credentials!r})"

    def load(self) -> Credentials:
        """Return the set."""
        return self._credentials

    async def aload(self) -> Credentials:
        """Return the set."""
        return self._credentials


def _parse_expiration(text: str) -> datetime:
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)


class EnvironmentProvider:
    """The standard AWS environment variables, read at every load (so a refresh sees
    values changed since).

    ``AWS_ACCESS_KEY_ID`` and ``AWS_SECRET_ACCESS_KEY`` are required; ``AWS_SESSION_TOKEN``
    (or the older ``AWS_SECURITY_TOKEN``) and ``AWS_CREDENTIAL_EXPIRATION`` (ISO 8601) are
    optional.
    """

    __slots__ = ("_environ",)

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = environ

    def __repr__(self) -> str:
        return "EnvironmentProvider()"

    @property
    def _env(self) -> Mapping[str, str]:
        return os.environ if self._environ is None else self._environ

    def available(self) -> bool:
        """Whether the access key id and secret are both set."""
        env = self._env
        return bool(env.get("AWS_ACCESS_KEY_ID")) and bool(env.get("AWS_SECRET_ACCESS_KEY"))

    def load(self) -> Credentials:
        """Read the variables; raise :class:`AppSyncAuthError` when they are not set."""
        env = self._env
        key = env.get("AWS_ACCESS_KEY_ID", "")
        secret = env.get("AWS_SECRET_ACCESS_KEY", "")
        if not key or not secret:
            raise AppSyncAuthError(
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must both be set",
                reason=AuthFailureReason.NO_CREDENTIALS,
            )
        token = env.get("AWS_SESSION_TOKEN") or env.get("AWS_SECURITY_TOKEN") or None
        expiration = None
        raw_expiration = env.get("AWS_CREDENTIAL_EXPIRATION")
        if raw_expiration:
            try:
                expiration = _parse_expiration(raw_expiration)
            except ValueError as exc:
                raise AppSyncAuthError(
                    "AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 date and time",
                    reason=AuthFailureReason.NO_CREDENTIALS,
                ) from exc
        return Credentials(key, secret, token, expiration)

    async def aload(self) -> Credentials:
        """Read the variables (no I/O: same as :meth:`load`)."""
        return self.load()


CredentialsFactory: TypeAlias = Callable[[], Credentials] | Callable[[], Awaitable[Credentials]]
"""A callable returning :class:`Credentials`, sync or async."""


class CallableProvider:
    """A user's sync or async callable returning :class:`Credentials`.

    From async callers a sync callable runs in a worker thread (it may do blocking I/O
    such as an STS call); an async callable cannot serve sync callers.
    """

    __slots__ = ("_factory",)

    def __init__(self, factory: CredentialsFactory) -> None:
        if not callable(factory):
            raise AppSyncConfigError(
                f"CallableProvider needs a callable, not {type(factory).__name__}"
            )
        self._factory = factory

    def __repr__(self) -> str:
        name = getattr(self._factory, "__qualname__", type(self._factory).__name__)
        return f"CallableProvider({name})"

    def load(self) -> Credentials:
        """Call the factory; an async factory is an error here."""
        result = self._factory()
        if inspect.isawaitable(result):
            if inspect.iscoroutine(result):
                result.close()
            raise AppSyncConfigError(
                "the credentials callable is async: use it with the async client"
            )
        return result

    async def aload(self) -> Credentials:
        """Await an async factory, or run a sync one in a worker thread."""
        factory = self._factory
        if inspect.iscoroutinefunction(factory) or inspect.iscoroutinefunction(
            type(factory).__call__  # an object whose __call__ is async
        ):
            return await cast(Callable[[], Awaitable[Credentials]], factory)()
        import asyncio  # here, not at import time: sync users never need it

        result: object = await asyncio.to_thread(factory)
        if inspect.isawaitable(result):
            result = await result
        return cast(Credentials, result)  # pyright: ignore[reportUnnecessaryCast]


def _to_utc(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value
    return None


class BotocoreProvider:
    """botocore's credentials: a botocore or boto3 session, or a botocore credentials
    object (static, ``RefreshableCredentials``, ``DeferredRefreshableCredentials``).

    Each load takes one ``get_frozen_credentials()`` snapshot, so the key, secret and
    token always come from the same set even while botocore refreshes. The expiry of
    refreshable credentials is read from botocore (``_expiry_time``, best effort); when
    it cannot be read, the set is re-read every ``recheck_interval`` seconds so botocore's
    own refresh is noticed.
    """

    __slots__ = ("_lock", "_recheck", "_resolved", "_source")

    def __init__(self, source: Any, *, recheck_interval: float = 300.0) -> None:
        if source is None:
            raise AppSyncConfigError("BotocoreProvider needs a session or credentials object")
        self._source = source
        self._recheck = recheck_interval
        self._resolved: Any = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"BotocoreProvider({type(self._source).__name__})"

    def _botocore_credentials(self) -> Any:
        resolved = self._resolved
        if resolved is not None:
            return resolved
        with self._lock:
            if self._resolved is None:
                source = self._source
                if hasattr(source, "get_frozen_credentials"):
                    resolved = source
                elif hasattr(source, "get_credentials"):
                    # botocore.session.Session and boto3.Session: runs the chain (may do I/O).
                    resolved = source.get_credentials()
                    if resolved is None:
                        raise AppSyncAuthError(
                            "botocore found no AWS credentials: set AWS_ACCESS_KEY_ID and "
                            "AWS_SECRET_ACCESS_KEY, configure a profile (AWS_PROFILE, "
                            "~/.aws/config), or run where an IAM role is available",
                            reason=AuthFailureReason.NO_CREDENTIALS,
                        )
                else:
                    raise AppSyncConfigError(
                        "BotocoreProvider needs a botocore/boto3 session or a botocore "
                        f"credentials object, not {type(source).__name__}"
                    )
                self._resolved = resolved
            return self._resolved

    def load(self) -> Credentials:
        """Take one frozen snapshot (botocore may refresh, blocking, while doing so)."""
        creds = self._botocore_credentials()
        frozen = creds.get_frozen_credentials()
        expiration = _to_utc(getattr(creds, "_expiry_time", None))
        if expiration is None and hasattr(creds, "refresh_needed"):
            # Refreshable, expiry unknown: re-read after a while to see botocore's refresh.
            expiration = datetime.now(timezone.utc) + timedelta(
                seconds=self._recheck + RefreshingCredentials.DEFAULT_ADVISORY
            )
        return Credentials(frozen.access_key, frozen.secret_key, frozen.token or None, expiration)

    async def aload(self) -> Credentials:
        """As :meth:`load`, in a worker thread (botocore's refresh is blocking I/O)."""
        import asyncio  # here, not at import time: sync users never need it

        return await asyncio.to_thread(self.load)


def _botocore_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("botocore") is not None


class DefaultProvider:
    """The chain used when the user names no credentials.

    On first load: the environment variables if set; otherwise botocore's full chain
    (``botocore.session.get_session().get_credentials()``) when botocore is installed;
    otherwise one error saying what to set or install. The source found first is kept.
    """

    __slots__ = ("_environ", "_lock", "_provider")

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = environ
        self._provider: CredentialProvider | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"DefaultProvider({self._provider!r})"

    def _resolve(self) -> CredentialProvider:
        provider = self._provider
        if provider is not None:
            return provider
        with self._lock:
            if self._provider is None:
                env = EnvironmentProvider(self._environ)
                if env.available():
                    self._provider = env
                elif _botocore_available():
                    import botocore.session  # pyright: ignore[reportMissingTypeStubs]

                    session: Any = botocore.session.get_session()  # pyright: ignore[reportUnknownMemberType]
                    self._provider = BotocoreProvider(session)
                else:
                    raise AppSyncAuthError(
                        "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
                        "(and AWS_SESSION_TOKEN for temporary credentials), pass credentials "
                        "to the client, or install botocore for profiles, SSO and IAM roles: "
                        + _INSTALL_HINT,
                        reason=AuthFailureReason.NO_CREDENTIALS,
                    )
            return self._provider

    def load(self) -> Credentials:
        """Load from the first source found."""
        return self._resolve().load()

    async def aload(self) -> Credentials:
        """Load from the first source found (botocore's chain runs in a worker thread)."""
        provider = self._provider
        if provider is None:
            import asyncio  # here, not at import time: sync users never need it

            provider = await asyncio.to_thread(self._resolve)
        return await provider.aload()


CredentialSource: TypeAlias = Credentials | CredentialProvider | CredentialsFactory | object | None
"""Anything :func:`resolve_provider` accepts: a set, a provider, a callable, or a
botocore/boto3 session or botocore credentials object (``object`` here); None for the
default chain."""


def resolve_provider(source: CredentialSource = None) -> CredentialProvider:
    """Turn what a user passed into a provider.

    None -> :class:`DefaultProvider`; :class:`Credentials` -> :class:`StaticProvider`;
    a provider -> itself; a botocore/boto3 session or botocore credentials object ->
    :class:`BotocoreProvider`; any other callable -> :class:`CallableProvider`.
    """
    if source is None:
        return DefaultProvider()
    if isinstance(source, Credentials):
        return StaticProvider(source)
    if callable(getattr(source, "load", None)) and callable(getattr(source, "aload", None)):
        return cast(CredentialProvider, source)
    if hasattr(source, "get_frozen_credentials") or hasattr(source, "get_credentials"):
        return BotocoreProvider(source)
    if callable(source):
        return CallableProvider(cast(CredentialsFactory, source))
    raise AppSyncConfigError(
        "credentials must be Credentials, a provider, a callable, or a botocore/boto3 "
        f"session, not {type(source).__name__}"
    )


_NEVER = float("inf")


class RefreshingCredentials:
    """A refresh cache in front of a provider; what a client asks for credentials.

    ``get()`` / ``await aget()`` return the cached set while it is fresh (a float
    comparison). Within ``advisory`` seconds of expiry one caller refreshes while the
    others keep using the old set; within ``mandatory`` seconds (or once expired) every
    caller waits for that one refresh. A failed refresh keeps a still-valid set (logging
    a warning, and trying again after ``retry_interval`` seconds); once the set has
    expired, the failure is raised as :class:`AppSyncAuthError` (``__cause__`` is the
    provider's exception). A set without an expiration is loaded once.

    One refresh runs at a time: a ``threading.Lock`` for threads, one shared task per
    event loop for coroutines. A thread and a coroutine refreshing at the same moment may
    both call the provider; that is all.
    """

    DEFAULT_ADVISORY = 15 * 60.0
    DEFAULT_MANDATORY = 10 * 60.0

    __slots__ = (
        "_advisory",
        "_check_at",
        "_clock",
        "_creds",
        "_generation",
        "_inflight",
        "_lock",
        "_mandatory",
        "_provider",
        "_retry_interval",
        "_state_lock",
    )

    def __init__(
        self,
        provider: CredentialProvider,
        *,
        advisory: float = DEFAULT_ADVISORY,
        mandatory: float = DEFAULT_MANDATORY,
        retry_interval: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not (callable(getattr(provider, "load", None)) and hasattr(provider, "aload")):
            raise AppSyncConfigError(
                f"RefreshingCredentials needs a CredentialProvider, not {type(provider).__name__}"
            )
        if not 0 <= mandatory <= advisory:
            raise AppSyncConfigError("need 0 <= mandatory <= advisory refresh windows")
        self._provider = provider
        self._advisory = advisory
        self._mandatory = mandatory
        self._retry_interval = retry_interval
        self._clock = clock
        self._creds: Credentials | None = None
        self._check_at = -_NEVER  # the fast path returns the cached set while now < this
        self._generation = 0  # bumped on every successful refresh
        self._lock = threading.Lock()  # one sync refresh at a time (held while loading)
        self._state_lock = threading.Lock()  # short: guards the fields _finish updates
        self._inflight: asyncio.Task[Credentials] | None = None

    def __repr__(self) -> str:
        return f"RefreshingCredentials({self._provider!r}, current={self._creds!r})"

    @property
    def provider(self) -> CredentialProvider:
        """The provider behind the cache."""
        return self._provider

    @property
    def current(self) -> Credentials | None:
        """The cached set, without any refresh (None before the first load)."""
        return self._creds

    # -- the shared logic: no I/O below this line until the sync/async drivers --------

    def _wants_refresh(self, now: float, force: bool, generation: int) -> bool:
        """Whether this caller must call the provider (re-checked once it may)."""
        if force:
            return self._generation == generation  # nobody refreshed since the caller looked
        return self._creds is None or now >= self._check_at

    def _must_wait(self, now: float) -> bool:
        """Whether a caller has to wait for a refresh (vs. use the cached set)."""
        creds = self._creds
        if creds is None or creds.expiration is None:
            return creds is None
        return now >= creds.expiration.timestamp() - self._mandatory

    def _accept(self, result: object, now: float) -> Credentials:
        """Check a provider's result and store it; raise TypeError/ValueError if unusable."""
        if not isinstance(result, Credentials):
            raise TypeError(
                f"the credential provider returned {type(result).__name__}, not Credentials"
            )
        exp = result.expiration
        if exp is not None and exp.timestamp() <= now:
            raise ValueError("the credential provider returned credentials that have expired")
        self._creds = result
        self._generation += 1
        if exp is None:
            self._check_at = _NEVER
        else:
            advisory_at = exp.timestamp() - self._advisory
            if advisory_at <= now:
                # Short-lived set: do not ask again before retry_interval (but by expiry).
                advisory_at = min(now + self._retry_interval, exp.timestamp())
            self._check_at = advisory_at
        return result

    def _fail(self, exc: BaseException, now: float, force: bool) -> Credentials:
        """A refresh failed: keep a still-valid set (warning) or raise AppSyncAuthError."""
        creds = self._creds
        what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        if force or creds is None or creds.expires_within(0.0, now):
            if isinstance(exc, AppSyncAuthError) and creds is None and not force:
                raise exc
            if creds is None:
                message = f"could not load AWS credentials ({what})"
                reason = AuthFailureReason.NO_CREDENTIALS
            elif force:
                message = f"could not refresh the rejected AWS credentials ({what})"
                reason = AuthFailureReason.EXPIRED_CREDENTIALS
            else:
                message = f"AWS credentials expired and could not be refreshed ({what})"
                reason = AuthFailureReason.EXPIRED_CREDENTIALS
            raise AppSyncAuthError(message, reason=reason) from exc
        expires_at = _NEVER if creds.expiration is None else creds.expiration.timestamp()
        logger.warning(
            "refreshing AWS credentials failed (%s); keeping the current ones, "
            "which expire in %.0f s",
            what,
            expires_at - now,
        )
        # No new attempt for retry_interval seconds, nor past expiry.
        self._check_at = min(now + self._retry_interval, expires_at)
        return creds

    def _finish(self, outcome: object, exc: BaseException | None, force: bool) -> Credentials:
        """Store a provider's result or handle its failure (the only state change)."""
        with self._state_lock:
            now = self._clock()
            if exc is None:
                try:
                    return self._accept(outcome, now)
                except (TypeError, ValueError) as bad:
                    exc = bad
            return self._fail(exc, now, force)

    # -- sync driver --------------------------------------------------------------------

    def get(self) -> Credentials:
        """The current credentials, refreshed first when due (may block in a refresh)."""
        creds = self._creds
        if creds is not None and self._clock() < self._check_at:
            return creds
        return self._refresh(force=False, generation=self._generation)

    def force_refresh(self, rejected: Credentials | None = None) -> Credentials:
        """Load a new set now, e.g. after AppSync rejected the token.

        Pass the ``rejected`` set: when another caller has already replaced it, that
        newer set is returned without calling the provider again.
        """
        creds = self._creds
        if rejected is not None and creds is not None and creds != rejected:
            return creds
        return self._refresh(force=True, generation=self._generation)

    def _refresh(self, *, force: bool, generation: int) -> Credentials:
        blocking = force or self._must_wait(self._clock())
        if not self._lock.acquire(blocking=blocking):
            # Advisory window and someone else is refreshing: the current set is fine.
            creds = self._creds
            assert creds is not None
            return creds
        try:
            if not self._wants_refresh(self._clock(), force, generation):
                creds = self._creds
                assert creds is not None
                return creds
            try:
                result: object = self._provider.load()
            except Exception as exc:
                return self._finish(None, exc, force)
            return self._finish(result, None, force)
        finally:
            self._lock.release()

    def load(self) -> Credentials:
        """Same as :meth:`get`, so the cache is itself a provider."""
        return self.get()

    # -- async driver -------------------------------------------------------------------

    def fresh(self) -> Credentials | None:
        """The cached set while no refresh is due, else None (never blocks)."""
        creds = self._creds
        if creds is not None and self._clock() < self._check_at:
            return creds
        return None

    async def aget(self) -> Credentials:
        """The current credentials, refreshed first when due, for async callers."""
        creds = self._creds
        if creds is not None and self._clock() < self._check_at:
            return creds
        return await self._arefresh(force=False, generation=self._generation)

    async def aforce_refresh(self, rejected: Credentials | None = None) -> Credentials:
        """Async :meth:`force_refresh`."""
        creds = self._creds
        if rejected is not None and creds is not None and creds != rejected:
            return creds
        return await self._arefresh(force=True, generation=self._generation)

    async def aload(self) -> Credentials:
        """Same as :meth:`aget`."""
        return await self.aget()

    async def _arefresh(self, *, force: bool, generation: int) -> Credentials:
        import asyncio  # here, not at import time: sync users never need it

        loop = asyncio.get_running_loop()
        while True:
            task = self._inflight
            if task is not None and (task.done() or task.get_loop() is not loop):
                task = None
            if task is None:
                if not self._wants_refresh(self._clock(), force, generation):
                    creds = self._creds
                    assert creds is not None
                    return creds
                task = loop.create_task(self._arun(force))
                task.add_done_callback(_consume_exception)
                self._inflight = task
                # shield: a cancelled caller must not cancel the refresh others wait for.
                return await asyncio.shield(task)
            if not force and not self._must_wait(self._clock()):
                # Advisory window and a refresh is under way: the current set is fine.
                creds = self._creds
                assert creds is not None
                return creds
            result = await asyncio.shield(task)
            if not force or self._generation != generation:
                return result
            # A forced refresh joined one that kept the rejected set: go round once more.

    async def _arun(self, force: bool) -> Credentials:
        import asyncio  # here, not at import time: sync users never need it

        try:
            try:
                result: object = await self._provider.aload()
            except Exception as exc:
                return self._finish(None, exc, force)
            return self._finish(result, None, force)
        finally:
            if self._inflight is asyncio.current_task():
                self._inflight = None


def _consume_exception(task: asyncio.Task[Credentials]) -> None:
    # Mark the exception as retrieved: advisory callers may not await the task.
    if not task.cancelled():
        task.exception()
