"""Base pieces that generated models and client methods build on.

Generated packages import these names instead of carrying their own copies, so the
runtime can recognise an omitted argument (``UNSET``) wherever it appears.
"""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel as PydanticBaseModel
from pydantic import ConfigDict

__all__ = ["UNSET", "BaseModel", "UnsetType"]


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


class BaseModel(PydanticBaseModel):
    """Base class of every generated model."""

    model_config = ConfigDict(
        populate_by_name=True,
        validate_assignment=True,
        arbitrary_types_allowed=True,
        protected_namespaces=(),
    )
