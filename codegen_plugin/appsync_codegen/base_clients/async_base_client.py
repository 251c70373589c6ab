"""Base of the asyncio client: the runtime's ``AsyncAppSyncClient``."""

from appsync_runtime import AsyncAppSyncClient

__all__ = ["AsyncBaseClient"]


class AsyncBaseClient(AsyncAppSyncClient):
    """The runtime's asyncio client; the subclass adds a method per operation."""
