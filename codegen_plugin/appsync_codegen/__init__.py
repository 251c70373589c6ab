"""appsync_codegen: the ``appsync-codegen`` command and its ariadne-codegen plugin.

``appsync-codegen generate`` writes a typed AppSync client package (a sync and an
async client sharing pydantic models) from a schema and ``.graphql`` operations;
:func:`appsync_codegen.generate.generate` does the same from Python. :class:`AppSyncPlugin` is the
ariadne-codegen plugin doing the AST work, usable from plain ``ariadne-codegen``
too. Importing this package is cheap: ariadne-codegen loads on first use.
``__version__`` is the distribution's (``appsync-typed``), the runtime's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from appsync_runtime import __version__ as __version__

from .errors import CodegenError, Diagnostic
from .prelude import PRELUDE_PATH

if TYPE_CHECKING:
    from .plugin import AppSyncPlugin

__all__ = ["PRELUDE_PATH", "AppSyncPlugin", "CodegenError", "Diagnostic"]


def __getattr__(name: str) -> object:
    """Import ``AppSyncPlugin`` (and with it ariadne-codegen) on first use."""
    if name != "AppSyncPlugin":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from .plugin import AppSyncPlugin

    globals()[name] = AppSyncPlugin
    return AppSyncPlugin
