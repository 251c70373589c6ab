"""A call's deadline, as the transports apply it to their waits."""

from __future__ import annotations

import time
from typing import Any

from ._request import HttpRequest
from .errors import AppSyncTimeoutError

__all__ = ["async_deadline", "no_time_left", "past", "time_left"]


def time_left(request: HttpRequest) -> float | None:
    """Seconds left before the call's deadline; raises when none are."""
    if request.deadline is None:
        return None
    remaining = request.deadline - time.monotonic()
    if remaining <= 0:
        raise no_time_left()
    return remaining


def no_time_left() -> AppSyncTimeoutError:
    return AppSyncTimeoutError(
        "no time left before the call's deadline to send the request", sent=False
    )


def past(deadline: float | None) -> None:
    """Raise the read timeout of a body still arriving at the call's deadline."""
    if deadline is not None and time.monotonic() >= deadline:
        raise AppSyncTimeoutError("the call's deadline passed while the response was arriving")


def async_deadline(seconds: float | None) -> Any:
    """A context manager cancelling its block after ``seconds`` (None: never)."""
    import asyncio
    import contextlib

    if seconds is None:
        return contextlib.nullcontext()
    timeout = getattr(asyncio, "timeout", None)  # Python 3.11 and later
    if timeout is not None:
        return timeout(seconds)
    return _WaitFor(seconds)  # pragma: no cover - Python 3.10


class _WaitFor:  # pragma: no cover - Python 3.10 only
    """``asyncio.timeout`` for Python 3.10: cancels the current task at the deadline
    and turns that cancellation into ``TimeoutError``."""

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._handle: Any = None
        self._fired = False

    async def __aenter__(self) -> None:
        import asyncio

        task = asyncio.current_task()
        assert task is not None

        def fire() -> None:
            self._fired = True
            task.cancel()

        self._handle = asyncio.get_running_loop().call_later(self._seconds, fire)

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        import asyncio

        self._handle.cancel()
        if self._fired and exc_type is asyncio.CancelledError:
            raise TimeoutError from exc
        return False
