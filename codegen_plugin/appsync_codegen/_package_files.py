"""How the plugin rewrites the files ariadne-codegen copies into every package.

``base_model.py`` re-exports the runtime's model pieces (with the generation options
on a subclass), the default base clients become the runtime's, and the lazy
``__init__`` is annotated.
"""

from __future__ import annotations

import ast
import warnings

from ariadne_codegen.utils import format_code

from .base_clients import ASYNC_BASE_CLIENT_PATH, SYNC_BASE_CLIENT_PATH

__all__ = ["annotate_lazy_init", "package_file"]

# ConfigDict keywords of ariadne-codegen's stock base model: the runtime's base
# model sets them already. Anything else was added for a generation option.
_STOCK_MODEL_CONFIG = {
    "populate_by_name",
    "validate_assignment",
    "arbitrary_types_allowed",
    "protected_namespaces",
}
# ariadne-codegen's default base clients, replaced by the runtime's in plain mode.
_DEFAULT_BASE_CLIENTS = {
    "BaseClient": SYNC_BASE_CLIENT_PATH,
    "AsyncBaseClient": ASYNC_BASE_CLIENT_PATH,
}


def package_file(copied_code: str) -> str:
    """Re-export the runtime's model pieces; use the runtime's base clients."""
    header, code = _split_header(copied_code)
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return copied_code
    classes = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    if "appsync_runtime" in code:
        return copied_code
    if {"BaseModel", "UnsetType"} <= classes:
        if "Upload" in classes:
            warnings.warn(
                "multipart_uploads is on: base_model.py keeps its own UNSET, which "
                "appsync_runtime does not recognise; set multipart_uploads = false",
                stacklevel=2,
            )
            return copied_code
        return header + _base_model_code(tree)
    for name, path in _DEFAULT_BASE_CLIENTS.items():
        if name in classes and "httpx" in code:
            return header + path.read_text(encoding="utf-8")
    return copied_code


def annotate_lazy_init(module: ast.Module) -> ast.Module:
    """Annotate the lazy ``__init__``'s ``__getattr__`` and ``__dir__``."""
    for node in module.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        if node.name == "__getattr__" and node.returns is None:
            for arg in node.args.args:
                arg.annotation = ast.Name(id="str")
            node.returns = ast.Name(id="object")
        elif node.name == "__dir__" and node.returns is None:
            node.returns = ast.Subscript(
                value=ast.Name(id="list"), slice=ast.Name(id="str"), ctx=ast.Load()
            )
    return module


def _base_model_code(tree: ast.Module) -> str:
    """``base_model.py`` re-exporting the runtime's pieces, plus this package's options.

    ``tree`` is ariadne-codegen's base model after it applied the generation
    options (``defer_build``, ``alias_generator``, ``extra``) to its ``ConfigDict``:
    those options, and the imports they need, move onto a subclass of the
    runtime's ``BaseModel``. Without options the runtime's class is re-exported.
    """
    options: list[ast.keyword] = []
    option_imports: list[ast.stmt] = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "pydantic.alias_generators":
            option_imports.append(node)
        if isinstance(node, ast.ClassDef) and node.name == "BaseModel":
            for statement in node.body:
                if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call):
                    options.extend(
                        keyword
                        for keyword in statement.value.keywords
                        if keyword.arg not in _STOCK_MODEL_CONFIG
                    )
    if not options:
        return _BASE_MODEL_REEXPORT
    module = ast.parse(_BASE_MODEL_WITH_OPTIONS)
    for node in module.body:
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call):
                    statement.value.keywords = options
    first_import = next(i for i, node in enumerate(module.body) if isinstance(node, ast.ImportFrom))
    module.body[first_import:first_import] = option_imports
    # Formatted here too: plain ariadne-codegen writes copied files as they are.
    return format_code(ast.unparse(ast.fix_missing_locations(module)), remove_unused_imports=False)


_BASE_MODEL_REEXPORT = '''\
"""The appsync_runtime's model base, ``UNSET`` and ``UnsetType``."""

from appsync_runtime.model import UNSET, BaseModel, UnsetType

__all__ = ["UNSET", "BaseModel", "UnsetType"]
'''


# Filled in by `_base_model_code`: the `ConfigDict` receives the package's options.
_BASE_MODEL_WITH_OPTIONS = '''\
"""The appsync_runtime's model base with this package's options, ``UNSET`` and ``UnsetType``."""

from pydantic import ConfigDict

from appsync_runtime.model import UNSET, UnsetType
from appsync_runtime.model import BaseModel as RuntimeBaseModel

__all__ = ["UNSET", "BaseModel", "UnsetType"]


class BaseModel(RuntimeBaseModel):
    """Base of this package's models: the runtime's, with the generation options."""

    model_config = ConfigDict()
'''


def _split_header(code: str) -> tuple[str, str]:
    """The leading comment block of ``code`` (with its blank lines) and the rest."""
    lines = code.splitlines(keepends=True)
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return "".join(lines[:index]), "".join(lines[index:])
    return code, ""
