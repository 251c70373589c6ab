"""Capped, jittered exponential backoff: the one formula for HTTP retries
(:meth:`~appsync_runtime._retry.RetryPolicy.wait`) and real-time reconnects."""

from __future__ import annotations

import math
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
    steps = attempt - 1
    try:
        step = initial * float(base) ** steps  # float power: no huge integers
    except OverflowError:  # base ** steps is past float range; the product may not be
        step = _huge_step(initial, float(base), steps, maximum)
    ceiling = min(maximum, step)
    if not jitter:
        return ceiling
    return ceiling * (1.0 - jitter * (rand or random).random())


def _huge_step(initial: float, base: float, steps: int, maximum: float) -> float:
    """``initial * base ** steps`` when the power alone overflows: worked out from
    logarithms, since a tiny ``initial`` can bring it back under ``maximum``."""
    if initial <= 0:
        return 0.0
    log_step = math.log(initial) + steps * math.log(base)
    if maximum <= 0 or log_step >= math.log(maximum):
        return maximum
    return math.exp(log_step)
