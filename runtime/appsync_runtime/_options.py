"""Per-call options: keyword arguments a type checker and an editor understand.

Every call takes its options as keyword arguments typed by one of the
``TypedDict`` s below (``**options: Unpack[OperationOptions]``, PEP 692): a
misspelt option is a type error, and editors complete the names. At run time an
unknown option raises :class:`~appsync_runtime.errors.AppSyncConfigError` naming
the valid ones.

=====================  ==========================================================
``auth``               strategies for this call instead of the client's
``auth_modes``         the modes the operation allows (generated methods know them)
``headers``            headers added to this call's request
``timeout``            this call's :class:`~appsync_runtime.Timeout` (a number: seconds)
``retry``              this call's :class:`~appsync_runtime.RetryPolicy`; None: no retry
``idempotent``         True lets a mutation be retried like a query
``operation_type``     ``"query"``/``"mutation"``/``"subscription"`` (``execute`` only)
``on_ready``           subscriptions: called once AppSync acknowledged the subscription
``on_gap``             subscriptions: called after each reconnect (events were lost)
=====================  ==========================================================
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, TypedDict

from .errors import AppSyncConfigError

if TYPE_CHECKING:
    from ._auth import AuthMode, AuthStrategy
    from ._realtime_types import SubscriptionGap
    from ._request import Timeout
    from ._retry import RetryPolicy

__all__ = [
    "AUTH_OPTIONS",
    "CALL_OPTIONS",
    "OPERATION_OPTIONS",
    "SUBSCRIBE_OPTIONS",
    "AuthOptions",
    "CallOptions",
    "OperationOptions",
    "SubscribeOptions",
    "check_options",
]


class AuthOptions(TypedDict, total=False):
    """How one call or subscription is authorized (keyword arguments, all optional)."""

    auth: AuthStrategy | Sequence[AuthStrategy] | None
    """Strategies for this call instead of the client's."""
    auth_modes: Sequence[AuthMode | str] | None
    """The modes the operation allows (generated methods pass them); None: any."""


class OperationOptions(AuthOptions, total=False):
    """The options of a generated query or mutation method (keyword arguments, all
    optional): ``auth``, ``auth_modes``, ``headers``, ``timeout``, ``retry``,
    ``idempotent``."""

    headers: Mapping[str, str] | None
    """Headers added to this call's request."""
    timeout: Timeout | float | None
    """This call's :class:`Timeout` (a number: the total seconds)."""
    retry: RetryPolicy | None
    """This call's retry policy instead of the client's; None: no retry."""
    idempotent: bool
    """True lets a mutation be retried like a query."""


class CallOptions(OperationOptions, total=False):
    """The options of ``execute`` and ``execute_validated`` on both clients: those
    of :class:`OperationOptions` and ``operation_type``."""

    operation_type: str | None
    """``"query"``, ``"mutation"`` or ``"subscription"``: saves finding it in the text."""


class SubscribeOptions(AuthOptions, total=False):
    """The options of a subscription, generated or ``subscribe``: ``auth``,
    ``auth_modes``, ``on_ready``, ``on_gap``."""

    on_ready: Callable[[], object] | None
    """Called once AppSync acknowledged the subscription (awaited if it returns an
    awaitable, on the async client)."""
    on_gap: Callable[[SubscriptionGap], object] | None
    """Called with each :class:`SubscriptionGap` after a reconnect: events were lost."""


AUTH_OPTIONS: frozenset[str] = AuthOptions.__optional_keys__
OPERATION_OPTIONS: frozenset[str] = OperationOptions.__optional_keys__
CALL_OPTIONS: frozenset[str] = CallOptions.__optional_keys__
SUBSCRIBE_OPTIONS: frozenset[str] = SubscribeOptions.__optional_keys__


def check_options(options: Mapping[str, object], allowed: frozenset[str], where: str) -> None:
    """Raise :class:`AppSyncConfigError` when ``options`` holds a name not in
    ``allowed``, naming the closest valid one and all of them."""
    if allowed.issuperset(options):
        return
    import difflib  # only to explain a mistake: not imported by every program

    unknown = sorted(str(name) for name in set(options) - allowed)
    hints = [
        f"{name!r} (did you mean {close[0]!r}?)" if close else repr(name)
        for name in unknown
        for close in [difflib.get_close_matches(name, allowed, n=1)]
    ]
    which = "option" if len(unknown) == 1 else "options"
    raise AppSyncConfigError(
        f"{where}: unknown {which} {', '.join(hints)}; the options are "
        + ", ".join(sorted(allowed))
    )
