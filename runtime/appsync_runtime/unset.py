"""``UNSET``: the marker for an argument the caller left out, free of pydantic.

Generated client modules import it from here, so importing a client does not load
pydantic's model machinery; :mod:`appsync_runtime.model` re-exports both names.
"""

from __future__ import annotations

from typing import Final

__all__ = ["UNSET", "UnsetType"]


class UnsetType:
    """Type of :data:`UNSET`, the marker for an argument the caller left out."""

    _instance: UnsetType | None = None

    def __new__(cls) -> UnsetType:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "UNSET"

    def __reduce__(self) -> str:
        return "UNSET"


UNSET: Final = UnsetType()
"""An omitted optional argument: dropped from the variables, unlike ``None``."""
