"""appsync_runtime: what generated AppSync clients import at run time.

Clients (:class:`AppSyncClient`, :class:`AsyncAppSyncClient`), auth strategies, the
error hierarchy (see :mod:`appsync_runtime.errors`), retries and timeouts
(:class:`RetryPolicy`, :class:`Timeout`), per-attempt hooks (:class:`CallHooks`; logs go
to the ``appsync_runtime`` logger) and AppSync scalars.

The public surface is this package's ``__all__`` plus the modules generated code and
tests import by name: :mod:`~appsync_runtime.errors`, :mod:`~appsync_runtime.scalars`,
:mod:`~appsync_runtime.model`, :mod:`~appsync_runtime.unset` and
:mod:`~appsync_runtime.testing`. Modules whose name starts with ``_`` are not API.

Names are imported on first use (PEP 562), so ``from appsync_runtime import
AppSyncClient`` loads neither pydantic's model machinery, nor IAM signing, nor the
real-time client.

``__version__`` is the distribution's version (``appsync-typed``): this line is where
the build reads it from, so it costs nothing at import.
"""

# ruff: noqa: I001  (the re-exports below are grouped by module, one import each)
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:  # what checkers and editors see; test_public_surface checks it matches
    from ._auth import (
        ApiKeyAuth as ApiKeyAuth,
        AuthMode as AuthMode,
        AuthRequest as AuthRequest,
        AuthStrategy as AuthStrategy,
        CognitoUserPoolsAuth as CognitoUserPoolsAuth,
        LambdaAuth as LambdaAuth,
        OIDCAuth as OIDCAuth,
    )
    from ._client import (
        AppSyncClient as AppSyncClient,
        AsyncAppSyncClient as AsyncAppSyncClient,
        AuthArg as AuthArg,
    )
    from ._options import (
        AuthOptions as AuthOptions,
        CallOptions as CallOptions,
        OperationOptions as OperationOptions,
        SubscribeOptions as SubscribeOptions,
    )
    from ._operation import (
        Operation as Operation,
        OperationKind as OperationKind,
    )
    from ._pages import (
        AsyncPages as AsyncPages,
        Pages as Pages,
    )
    from ._events import (
        FailedEvent as FailedEvent,
        PublishedEvent as PublishedEvent,
        PublishResult as PublishResult,
    )
    from ._events_client import (
        AsyncEventsClient as AsyncEventsClient,
        EventsClient as EventsClient,
        PublishVia as PublishVia,
    )
    from ._credentials import (
        BotocoreProvider as BotocoreProvider,
        CallableProvider as CallableProvider,
        CredentialProvider as CredentialProvider,
        Credentials as Credentials,
        CredentialSource as CredentialSource,
        DefaultProvider as DefaultProvider,
        EnvironmentProvider as EnvironmentProvider,
        RefreshingCredentials as RefreshingCredentials,
        StaticProvider as StaticProvider,
        resolve_provider as resolve_provider,
    )
    from ._iam import (
        IAMAuth as IAMAuth,
    )
    from ._observe import (
        AttemptRecord as AttemptRecord,
        CallHooks as CallHooks,
    )
    from ._request import (
        Timeout as Timeout,
    )
    from ._response import (
        AuthRejection as AuthRejection,
        GraphQLResponse as GraphQLResponse,
    )
    from ._retry import (
        RetryEvent as RetryEvent,
        RetryPolicy as RetryPolicy,
    )
    from ._sigv4 import (
        SigV4Signer as SigV4Signer,
    )
    from .errors import (
        AppSyncAuthError as AppSyncAuthError,
        AppSyncConfigError as AppSyncConfigError,
        AppSyncError as AppSyncError,
        AppSyncErrorPageError as AppSyncErrorPageError,
        AppSyncGraphQLError as AppSyncGraphQLError,
        AppSyncHTTPError as AppSyncHTTPError,
        AppSyncNetworkError as AppSyncNetworkError,
        AppSyncPartialPublishError as AppSyncPartialPublishError,
        AppSyncResponseError as AppSyncResponseError,
        AppSyncResponseTooLargeError as AppSyncResponseTooLargeError,
        AppSyncSubscriptionError as AppSyncSubscriptionError,
        AppSyncSubscriptionOverflowError as AppSyncSubscriptionOverflowError,
        AppSyncThrottledError as AppSyncThrottledError,
        AppSyncTimeoutError as AppSyncTimeoutError,
        AuthFailureReason as AuthFailureReason,
        GraphQLErrorEntry as GraphQLErrorEntry,
    )
    from .model import (
        BaseModel as BaseModel,
    )
    from ._realtime_types import (
        AppSyncRealtimeHostWarning as AppSyncRealtimeHostWarning,
        ConnectionState as ConnectionState,
        ConnectionStateCallback as ConnectionStateCallback,
        ConnectionStateChange as ConnectionStateChange,
        GapCallback as GapCallback,
        ReadyCallback as ReadyCallback,
        RealtimeOptions as RealtimeOptions,
        SubscriptionGap as SubscriptionGap,
    )
    from .unset import (
        UNSET as UNSET,
        UnsetType as UnsetType,
    )

# Every public name and the module it lives in: the one list ``__all__`` and the lazy
# lookup below derive from (the imports above repeat it for type checkers).
_EXPORTS: dict[str, str] = {
    "ApiKeyAuth": "_auth",
    "AuthMode": "_auth",
    "AuthRequest": "_auth",
    "AuthStrategy": "_auth",
    "CognitoUserPoolsAuth": "_auth",
    "LambdaAuth": "_auth",
    "OIDCAuth": "_auth",
    "AppSyncClient": "_client",
    "AsyncAppSyncClient": "_client",
    "AuthArg": "_client",
    "AuthOptions": "_options",
    "CallOptions": "_options",
    "OperationOptions": "_options",
    "SubscribeOptions": "_options",
    "Operation": "_operation",
    "OperationKind": "_operation",
    "AsyncPages": "_pages",
    "Pages": "_pages",
    "FailedEvent": "_events",
    "PublishedEvent": "_events",
    "PublishResult": "_events",
    "AsyncEventsClient": "_events_client",
    "EventsClient": "_events_client",
    "PublishVia": "_events_client",
    "BotocoreProvider": "_credentials",
    "CallableProvider": "_credentials",
    "CredentialProvider": "_credentials",
    "Credentials": "_credentials",
    "CredentialSource": "_credentials",
    "DefaultProvider": "_credentials",
    "EnvironmentProvider": "_credentials",
    "RefreshingCredentials": "_credentials",
    "resolve_provider": "_credentials",
    "StaticProvider": "_credentials",
    "AppSyncAuthError": "errors",
    "AppSyncConfigError": "errors",
    "AppSyncError": "errors",
    "AppSyncErrorPageError": "errors",
    "AppSyncGraphQLError": "errors",
    "AppSyncHTTPError": "errors",
    "AppSyncNetworkError": "errors",
    "AppSyncPartialPublishError": "errors",
    "AppSyncResponseError": "errors",
    "AppSyncResponseTooLargeError": "errors",
    "AppSyncThrottledError": "errors",
    "AppSyncTimeoutError": "errors",
    "AuthFailureReason": "errors",
    "GraphQLErrorEntry": "errors",
    "IAMAuth": "_iam",
    "BaseModel": "model",
    "AttemptRecord": "_observe",
    "CallHooks": "_observe",
    "AppSyncSubscriptionError": "errors",
    "AppSyncSubscriptionOverflowError": "errors",
    "AppSyncRealtimeHostWarning": "_realtime_types",
    "ConnectionState": "_realtime_types",
    "ConnectionStateCallback": "_realtime_types",
    "ConnectionStateChange": "_realtime_types",
    "GapCallback": "_realtime_types",
    "ReadyCallback": "_realtime_types",
    "RealtimeOptions": "_realtime_types",
    "SubscriptionGap": "_realtime_types",
    "Timeout": "_request",
    "AuthRejection": "_response",
    "GraphQLResponse": "_response",
    "RetryEvent": "_retry",
    "RetryPolicy": "_retry",
    "SigV4Signer": "_sigv4",
    "UNSET": "unset",
    "UnsetType": "unset",
}

__all__ = list(_EXPORTS)  # pyright: ignore[reportUnsupportedDunderAll]  # the imports above


if not TYPE_CHECKING:  # type checkers see the imports above, and flag unknown names

    def __getattr__(name: str) -> Any:
        module = _EXPORTS.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{module}", __name__), name)
        globals()[name] = value  # the next lookup skips this function
        return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
