"""appsync_runtime: what generated AppSync clients import at run time.

Clients (:class:`AppSyncClient`, :class:`AsyncAppSyncClient`), auth strategies, the
error hierarchy (see :mod:`appsync_runtime.errors`), retries and timeouts
(:class:`RetryPolicy`, :class:`Timeout`), per-attempt hooks (:class:`CallHooks`; logs go
to the ``appsync_runtime`` logger) and AppSync scalars.
"""

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
    AppSyncThrottledError,
    AppSyncTimeoutError,
    AuthFailureReason,
    GraphQLErrorEntry,
)
from .iam import IAMAuth
from .model import UNSET, BaseModel, UnsetType
from .observe import AttemptRecord, CallHooks
from .realtime import AppSyncSubscriptionError, RealtimeOptions, SubscriptionGap
from .request import Timeout
from .response import GraphQLResponse
from .retry import RetryEvent, RetryPolicy
from .sigv4 import SigV4Signer

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
    "AppSyncResponseError",
    "AppSyncSubscriptionError",
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
