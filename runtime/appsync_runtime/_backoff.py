"""Capped, jittered exponential backoff: the one formula for HTTP retries
(:meth:`~appsync_runtime._retry.RetryPolicy.wait`) and real-time reconnects."""

from __future__ import annotations

import random

__all__ = ["backoff_delay"]


def backoff_delay(
    attempt: int,
    *,
    initial: float,
    maximum: float,
    base: float = 2.0,
    jitter: float = 1.0,
    rand: random.Random | None = None,
) -> float:
    """Seconds to wait before attempt ``attempt`` (1 for the first wait).

    The step grows as ``initial * base ** (attempt - 1)``, capped at ``maximum``; the
    fraction ``jitter`` of it is random (1.0: "full jitter", anywhere in ``(0, step]``;
    0.0: exactly the step), so clients that failed together do not come back together.
    """
    if attempt < 1:
        return 0.0
    try:
        step = initial * base ** min(attempt - 1, 1100)
    except OverflowError:  # a huge step: capped, unless there is nothing to grow
        step = maximum if initial > 0 else 0.0
    ceiling = min(maximum, step)
    if not jitter:
        return ceiling
    return ceiling * (1.0 - jitter * (rand or random).random())
