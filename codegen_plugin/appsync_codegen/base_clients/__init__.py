"""The base clients copied into every generated package.

ariadne-codegen copies a base client's file into the package and requires the
class to be defined there, so each file holds a one-line subclass of the
installed runtime's client: the package stays small and follows the runtime.
"""

from pathlib import Path

__all__ = [
    "ASYNC_BASE_CLIENT_NAME",
    "ASYNC_BASE_CLIENT_PATH",
    "SYNC_BASE_CLIENT_NAME",
    "SYNC_BASE_CLIENT_PATH",
]

SYNC_BASE_CLIENT_PATH = Path(__file__).with_name("base_client.py")
"""File of the synchronous client's base class, copied as ``base_client.py``."""
SYNC_BASE_CLIENT_NAME = "BaseClient"

ASYNC_BASE_CLIENT_PATH = Path(__file__).with_name("async_base_client.py")
"""File of the asynchronous client's base class, copied as ``async_base_client.py``."""
ASYNC_BASE_CLIENT_NAME = "AsyncBaseClient"
