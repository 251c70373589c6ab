"""One GraphQL operation of a generated client, as its methods send it.

A generated client module holds an :class:`Operation` per operation: its name,
kind, the document text (compacted at generation), the auth modes that can run it
and where its result model lives. The model's module is imported on the first
call, once, so importing a client builds no model.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Generic, Literal, TypeVar, cast

from .errors import AppSyncConfigError

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = ["Operation", "OperationKind"]

M = TypeVar("M", bound="BaseModel")
OperationKind = Literal["query", "mutation", "subscription"]
_KINDS = ("query", "mutation", "subscription")


class Operation(Generic[M]):
    """A named operation and its result model ``M`` (what a generated method sends).

    ``result`` is ``"module:Class"``; a relative module (``".list_notes:ListNotes"``)
    is found in ``package``. ``auth_modes`` None means not analysed: any strategy.
    """

    __slots__ = ("_model", "_package", "_result", "auth_modes", "document", "kind", "name")

    def __init__(
        self,
        name: str,
        kind: OperationKind,
        document: str,
        *,
        result: str,
        package: str | None = None,
        auth_modes: tuple[str, ...] | None = None,
    ) -> None:
        if kind not in _KINDS:
            raise AppSyncConfigError(f"operation {name!r}: kind must be one of {_KINDS}")
        if result.count(":") != 1:
            raise AppSyncConfigError(f"operation {name!r}: result must be 'module:Class'")
        self.name: str = name
        """The operation's name in its document."""
        self.kind: OperationKind = kind
        """``query``, ``mutation`` or ``subscription``."""
        self.document: str = document
        """The text sent to AppSync."""
        self.auth_modes: tuple[str, ...] | None = auth_modes
        """The modes that can run it; None: not analysed."""
        self._result = result
        self._package = package
        self._model: type[M] | None = None

    @property
    def model(self) -> type[M]:
        """The result model class (its module imported on first use)."""
        model = self._model
        if model is None:
            model = self._model = self._import()
        return model

    def _import(self) -> type[M]:
        from pydantic import BaseModel

        module_name, _, class_name = self._result.partition(":")
        if module_name.startswith(".") and not self._package:
            raise AppSyncConfigError(
                f"operation {self.name!r}: the relative module {module_name!r} needs a package"
            )
        module = importlib.import_module(module_name, self._package)
        model = getattr(module, class_name, None)
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            raise AppSyncConfigError(
                f"operation {self.name!r}: {self._result!r} is not a pydantic model"
            )
        return cast("type[M]", model)

    def __repr__(self) -> str:
        return f"Operation({self.name!r}, {self.kind!r}, result={self._result!r})"
