"""appsync_runtime: what generated AppSync clients import at run time.

Clients (:class:`AppSyncClient`, :class:`AsyncAppSyncClient`), auth strategies, the
error hierarchy (see :mod:`appsync_runtime.errors`) and AppSync scalars.
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
    AuthFailureReason,
    GraphQLErrorEntry,
)
from .model import UNSET, BaseModel, UnsetType
from .request import Timeout
from .response import GraphQLResponse

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
    "AppSyncThrottledError",
    "AsyncAppSyncClient",
    "AuthFailureReason",
    "AuthMode",
    "AuthRequest",
    "AuthStrategy",
    "BaseModel",
    "CognitoUserPoolsAuth",
    "GraphQLErrorEntry",
    "GraphQLResponse",
    "LambdaAuth",
    "OIDCAuth",
    "Timeout",
    "UnsetType",
]
