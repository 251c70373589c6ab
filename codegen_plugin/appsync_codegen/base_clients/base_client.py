"""Base of the blocking client: the runtime's ``AppSyncClient``."""

from appsync_runtime import AppSyncClient

__all__ = ["BaseClient"]


class BaseClient(AppSyncClient):
    """The runtime's blocking client; the subclass adds a method per operation."""
