"""appsync_runtime: what generated AppSync clients import at run time.

Clients (:class:`AppSyncClient`, :class:`AsyncAppSyncClient`), auth strategies, the
error hierarchy (see :mod:`appsync_runtime.errors`), retries and timeouts
(:class:`RetryPolicy`, :class:`Timeout`), per-attempt hooks (:class:`CallHooks`; logs go
to the ``appsync_runtime`` logger) and AppSync scalars.

Names are imported on first use (PEP 562), so ``from appsync_runtime import
AppSyncClient`` loads neither pydantic's model machinery, nor IAM signing, nor the
real-time client. Type checkers and editors see every name through the imports below.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._realtime_types import AppSyncRealtimeHostWarning, RealtimeOptions, SubscriptionGap
    from .auth import (
        ApiKeyAuth,
        AuthMode,
        AuthRequest,
        AuthStrategy,
        CognitoUserPoolsAuth,
        LambdaAuth,
        OIDCAuth,
    )
    from .client import AppSyncClient, AsyncAppSyncClient
    from .credentials import (
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
    from .errors import (
        AppSyncAuthError,
        AppSyncConfigError,
        AppSyncError,
        AppSyncErrorPageError,
        AppSyncGraphQLError,
        AppSyncHTTPError,
        AppSyncNetworkError,
        AppSyncResponseError,
        AppSyncResponseTooLargeError,
        AppSyncSubscriptionError,
        AppSyncSubscriptionOverflowError,
        AppSyncThrottledError,
        AppSyncTimeoutError,
        AuthFailureReason,
        GraphQLErrorEntry,
    )
    from .iam import IAMAuth
    from .model import BaseModel
    from .observe import AttemptRecord, CallHooks
    from .request import Timeout
    from .response import GraphQLResponse
    from .retry import RetryEvent, RetryPolicy
    from .sigv4 import SigV4Signer
    from .unset import UNSET, UnsetType

__all__ = [
    "UNSET",
    "ApiKeyAuth",
    "AppSyncAuthError",
    "AppSyncClient",
    "AppSyncConfigError",
    "AppSyncError",
    "AppSyncErrorPageError",
    "AppSyncGraphQLError",
    "AppSyncHTTPError",
    "AppSyncNetworkError",
    "AppSyncRealtimeHostWarning",
    "AppSyncResponseError",
    "AppSyncResponseTooLargeError",
    "AppSyncSubscriptionError",
    "AppSyncSubscriptionOverflowError",
    "AppSyncThrottledError",
    "AppSyncTimeoutError",
    "AsyncAppSyncClient",
    "AttemptRecord",
    "AuthFailureReason",
    "AuthMode",
    "AuthRequest",
    "AuthStrategy",
    "BaseModel",
    "BotocoreProvider",
    "CallHooks",
    "CallableProvider",
    "CognitoUserPoolsAuth",
    "CredentialProvider",
    "Credentials",
    "DefaultProvider",
    "EnvironmentProvider",
    "GraphQLErrorEntry",
    "GraphQLResponse",
    "IAMAuth",
    "LambdaAuth",
    "OIDCAuth",
    "RealtimeOptions",
    "RefreshingCredentials",
    "RetryEvent",
    "RetryPolicy",
    "SigV4Signer",
    "StaticProvider",
    "SubscriptionGap",
    "Timeout",
    "UnsetType",
    "resolve_provider",
]

# Where each public name lives: the module is imported when the name is first used.
_MODULES: dict[str, str] = {
    **dict.fromkeys(
        (
            "ApiKeyAuth",
            "AuthMode",
            "AuthRequest",
            "AuthStrategy",
            "CognitoUserPoolsAuth",
            "LambdaAuth",
            "OIDCAuth",
        ),
        "auth",
    ),
    **dict.fromkeys(("AppSyncClient", "AsyncAppSyncClient"), "client"),
    **dict.fromkeys(
        (
            "BotocoreProvider",
            "CallableProvider",
            "CredentialProvider",
            "Credentials",
            "DefaultProvider",
            "EnvironmentProvider",
            "RefreshingCredentials",
            "StaticProvider",
            "resolve_provider",
        ),
        "credentials",
    ),
    **dict.fromkeys(
        (
            "AppSyncAuthError",
            "AppSyncConfigError",
            "AppSyncError",
            "AppSyncErrorPageError",
            "AppSyncGraphQLError",
            "AppSyncHTTPError",
            "AppSyncNetworkError",
            "AppSyncResponseError",
            "AppSyncResponseTooLargeError",
            "AppSyncSubscriptionError",
            "AppSyncSubscriptionOverflowError",
            "AppSyncThrottledError",
            "AppSyncTimeoutError",
            "AuthFailureReason",
            "GraphQLErrorEntry",
        ),
        "errors",
    ),
    "IAMAuth": "iam",
    "BaseModel": "model",
    "AttemptRecord": "observe",
    "CallHooks": "observe",
    "AppSyncRealtimeHostWarning": "_realtime_types",
    "RealtimeOptions": "_realtime_types",
    "SubscriptionGap": "_realtime_types",
    "Timeout": "request",
    "GraphQLResponse": "response",
    "RetryEvent": "retry",
    "RetryPolicy": "retry",
    "SigV4Signer": "sigv4",
    "UNSET": "unset",
    "UnsetType": "unset",
}


if not TYPE_CHECKING:  # type checkers see the imports above, and flag unknown names

    def __getattr__(name: str) -> Any:
        module = _MODULES.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{module}", __name__), name)
        globals()[name] = value  # the next lookup skips this function
        return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
