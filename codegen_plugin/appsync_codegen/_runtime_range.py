"""Which appsync-typed runtime versions a generated package runs on.

Semantic versioning, as CHANGELOG.md states it: generated code may use anything the
runtime of its generator's minor version offers, and only a new major version (a new
minor one while the major is 0) removes or changes runtime API that generated code
uses. The generated ``__init__`` checks the range on import; the manifest records it.
"""

from __future__ import annotations

from . import __version__

__all__ = ["runtime_range", "runtime_spec"]


def runtime_range(generator: str = __version__) -> tuple[tuple[int, int], tuple[int, int]]:
    """The runtime versions, as ``(major, minor)`` bounds ``[low, high)``, that code
    written by ``generator`` runs on (semantic versioning, as CHANGELOG.md states it).

    Generated code may use anything the runtime of its own minor version offers, and
    only a major version (a minor one while the major is 0) removes or changes runtime
    API: ``1.4.2`` needs ``>=1.4,<2.0``; ``0.3.1`` needs ``>=0.3,<0.4``.
    """
    parts = generator.split(".")
    if len(parts) < 2 or not (parts[0].isdigit() and parts[1].isdigit()):
        raise ValueError(f"appsync-typed version {generator!r} is not MAJOR.MINOR.PATCH")
    major, minor = int(parts[0]), int(parts[1])
    high = (0, minor + 1) if major == 0 else (major + 1, 0)
    return (major, minor), high


def runtime_spec(generator: str = __version__) -> str:
    """:func:`runtime_range` as a requirement specifier: ``">=0.1,<0.2"``."""
    (low_major, low_minor), (high_major, high_minor) = runtime_range(generator)
    return f">={low_major}.{low_minor},<{high_major}.{high_minor}"
