"""Small pieces every rewrite of the plugin uses: docstring nodes, imports, and
diagnostics located at GraphQL nodes."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import cast

from graphql import NameNode, Node

from .errors import Diagnostic, source_location

__all__ = [
    "add_import",
    "docstring",
    "has_docstring",
    "internal",
    "located",
    "member_doc",
    "statements",
    "walk",
]


def walk(tree: ast.AST) -> list[ast.AST]:
    """``ast.walk(tree)`` as a list, the same nodes in the same order (breadth first),
    in half its time: the plugin walks every generated module, the largest several
    times."""
    found: list[ast.AST] = [tree]
    append = found.append
    index = 0
    while index < len(found):
        node = found[index]
        index += 1
        for name in node._fields:
            value = getattr(node, name, None)
            if type(value) is list:
                for item in cast("list[object]", value):
                    if isinstance(item, ast.AST):
                        append(item)
            elif isinstance(value, ast.AST):
                append(value)
    return found


def statements(tree: ast.Module) -> list[ast.stmt]:
    """Every statement of ``tree``, nested ones included (expressions hold none), in
    a fraction of the time :func:`walk` takes over every node; not in its order."""
    found: list[ast.stmt] = []
    pending: list[list[ast.stmt]] = [tree.body]
    while pending:
        for statement in pending.pop():
            found.append(statement)
            for name in _STATEMENT_LISTS:
                value = getattr(statement, name, None)
                if value:
                    if name in ("handlers", "cases"):
                        pending.extend(item.body for item in value)
                    else:
                        pending.append(value)
    return found


_STATEMENT_LISTS = ("body", "orelse", "finalbody", "handlers", "cases")
"""Fields of a statement holding statements (directly, or in handlers' and cases' bodies)."""


def located(node: Node | NameNode | None, message: str) -> Diagnostic:
    """``message`` at ``node``'s place in its GraphQL source (else ``<schema>:1:1``)."""
    file, line, column = source_location(node) or ("<schema>", 1, 1)
    return Diagnostic(file, line, column, message)


def internal(node: Node | None, what: str) -> Diagnostic:
    """The error for ariadne-codegen output the plugin cannot match, at ``node``."""
    return located(
        node,
        f"appsync-codegen cannot match ariadne-codegen's output for {what}: "
        "please report this with the schema",
    )


def add_import(module: ast.Module, source: str, names: Sequence[str]) -> None:
    """``from source import names`` in ``module``, into its import of ``source`` if any."""
    for node in module.body:
        if isinstance(node, ast.ImportFrom) and node.module == source and node.level == 0:
            present = {alias.name for alias in node.names}
            node.names.extend(ast.alias(name) for name in names if name not in present)
            return
    module.body.insert(
        0, ast.ImportFrom(module=source, names=[ast.alias(name) for name in names], level=0)
    )


def member_doc(description: str | None, deprecation_reason: str | None) -> str:
    """The docstring of a schema element: its description and deprecation."""
    parts = [description.strip()] if description else []
    if deprecation_reason:
        parts.append(f"Deprecated: {deprecation_reason}")
    return "\n\n".join(parts)


def docstring(text: str) -> ast.Expr:
    """A docstring statement holding ``text``."""
    return ast.Expr(value=ast.Constant(value=text))


def has_docstring(body: list[ast.stmt]) -> bool:
    """Whether ``body`` starts with a docstring."""
    first = body[0] if body else None
    return (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    )
