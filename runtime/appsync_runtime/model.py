"""Base pieces that generated models and client methods build on.

Generated packages import these names instead of carrying their own copies, so the
runtime can recognise an omitted argument (``UNSET``) wherever it appears. ``UNSET``
and ``UnsetType`` live in the pydantic-free :mod:`appsync_runtime.unset` (import them
from there where pydantic's model machinery is not otherwise needed yet).
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel as PydanticBaseModel
from pydantic import ConfigDict, GetCoreSchemaHandler
from pydantic_core import CoreSchema

from .scalars import _native_scalars  # pyright: ignore[reportPrivateUsage]
from .unset import UNSET, UnsetType

__all__ = ["UNSET", "BaseModel", "UnsetType"]


class BaseModel(PydanticBaseModel):
    """Base class of every generated model.

    Floats are finite (``allow_inf_nan=False``): GraphQL's ``Float`` has no NaN or
    infinity, AppSync never sends them, and a number too large for a float (``1e999``)
    is refused instead of becoming ``inf``.

    AppSync dates, times, datetimes, timestamps and AWSJSON texts are read by
    pydantic's own parsers where those give exactly the value (and the wire text back)
    that the exact parsers of :mod:`appsync_runtime.scalars` give, and by those parsers
    otherwise."""

    model_config: ClassVar[ConfigDict] = ConfigDict(
        populate_by_name=True,
        validate_assignment=True,
        arbitrary_types_allowed=True,
        protected_namespaces=(),
        allow_inf_nan=False,
        defer_build=True,  # this class only: taken out of the config below
    )

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler, /
    ) -> CoreSchema:
        """The model's schema, its AppSync scalars read natively where that loses
        nothing (see :func:`appsync_runtime.scalars._native_scalars`)."""
        schema: CoreSchema = _native_scalars(handler(source))
        return schema


# This base is never validated itself: building its (empty) schema at import would
# cost a few milliseconds of every program's first typed call. Its subclasses build
# as they always did (generated packages defer theirs in their own configuration).
BaseModel.model_config.pop("defer_build", None)
