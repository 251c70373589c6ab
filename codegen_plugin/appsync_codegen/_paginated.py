"""The ``iter_*`` methods: a paginated operation's pages as typed iterators.

:mod:`appsync_codegen.pagination` finds where an operation's page token and items
are (as response keys); this module maps those keys to the generated models'
attribute names and item type, and writes the companion method, which returns the
runtime's ``Pages``/``AsyncPages`` over the operation's own method.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Mapping
from dataclasses import dataclass

from ._models import ResultClass
from .pagination import PagePath

__all__ = ["PageTypes", "iter_method", "page_types"]

_BUILTINS = {"str", "int", "float", "bool", "None", "Any"}


@dataclass(frozen=True)
class PageTypes:
    """A paginated operation in Python terms."""

    token: tuple[str, ...]
    """Attribute names from the result model to the next token."""
    items: tuple[str, ...]
    """Attribute names from the result model to the item list."""
    item_type: str
    """The annotation of one item (``Any`` where it cannot be named)."""
    imports: tuple[tuple[str, str], ...]
    """``(definition, class)`` pairs the annotation needs: the operation's or a
    fragment's result class."""


def page_types(
    classes: Mapping[str, Mapping[str, ResultClass]],
    operation: str,
    model: str,
    page: PagePath,
) -> PageTypes | str:
    """``page``'s paths as attributes of the operation's models, and the item type;
    or why they cannot be found."""
    token = _attributes(classes, operation, model, page.token)
    items = _attributes(classes, operation, model, page.items)
    if isinstance(token, str):
        return token
    if isinstance(items, str):
        return items
    names, annotation = items
    element = _element(annotation)
    imports: list[tuple[str, str]] = []
    text = "Any"
    if element is not None:
        rendered = _render(element, classes, operation, imports)
        if rendered is not None:
            text = rendered
    return PageTypes(token[0], names, text, tuple(dict.fromkeys(imports)))


def _find_class(
    classes: Mapping[str, Mapping[str, ResultClass]], operation: str, name: str
) -> tuple[str, ResultClass] | None:
    own = classes.get(operation, {})
    if name in own:
        return operation, own[name]
    for definition, found in classes.items():
        if name in found and found[name].fragment:
            return definition, found[name]
    return None


def _field(
    classes: Mapping[str, Mapping[str, ResultClass]],
    operation: str,
    class_name: str,
    key: str,
    seen: frozenset[str] = frozenset(),
) -> tuple[str, ast.expr] | None:
    """The Python name and annotation of ``key`` in ``class_name`` or a base of it."""
    found = _find_class(classes, operation, class_name)
    if found is None or class_name in seen:
        return None
    _, result_class = found
    if key in result_class.fields:
        return result_class.fields[key]
    for base in result_class.bases:
        inherited = _field(classes, operation, base, key, seen | {class_name})
        if inherited is not None:
            return inherited
    return None


def _attributes(
    classes: Mapping[str, Mapping[str, ResultClass]],
    operation: str,
    model: str,
    keys: tuple[str, ...],
) -> tuple[tuple[str, ...], ast.expr] | str:
    names: list[str] = []
    class_name = model
    annotation: ast.expr | None = None
    for index, key in enumerate(keys):
        field = _field(classes, operation, class_name, key)
        if field is None:
            return f"no attribute for {'.'.join(keys[: index + 1])} in the generated models"
        name, annotation = field
        names.append(name)
        if index < len(keys) - 1:
            referenced = [ref for ref in _names(annotation) if _find_class(classes, operation, ref)]
            if len(referenced) != 1:
                return f"{'.'.join(keys[: index + 1])} is not one model class"
            class_name = referenced[0]
    assert annotation is not None
    return tuple(names), annotation


def _quoted(node: ast.AST) -> str | None:
    """The text of a forward reference: a string constant, or a name ariadne-codegen
    wrote with its quotes (``Name(id='"Model"')``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name) and len(node.id) > 1 and node.id[0] == node.id[-1] in "\"'":
        return node.id[1:-1]
    return None


def _names(annotation: ast.expr) -> list[str]:
    """Names an annotation refers to, inside quoted forward references too."""
    found: list[str] = []
    for node in ast.walk(annotation):
        text = _quoted(node)
        if text is not None:
            try:
                found += _names(ast.parse(text, mode="eval").body)
            except SyntaxError:
                continue
        elif isinstance(node, ast.Name):
            found.append(node.id)
    return found


def _unquote(annotation: ast.expr) -> ast.expr:
    text = _quoted(annotation)
    if text is not None:
        try:
            return _unquote(ast.parse(text, mode="eval").body)
        except SyntaxError:
            return annotation
    return annotation


def _element(annotation: ast.expr) -> ast.expr | None:
    """The item annotation of a list annotation (``list[X] | None`` gives ``X``)."""
    node = _unquote(annotation)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        sides = [
            side
            for side in (node.left, node.right)
            if not (isinstance(side, ast.Constant) and side.value is None)
        ]
        if len(sides) != 1:
            return None
        node = _unquote(sides[0])
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        if node.value.id == "Optional":
            return _element(node.slice)
        if node.value.id in ("list", "List"):
            return node.slice
    return None


def _render(
    node: ast.expr,
    classes: Mapping[str, Mapping[str, ResultClass]],
    operation: str,
    imports: list[tuple[str, str]],
) -> str | None:
    """``node`` written with ``|`` for optional and union types; None where it holds
    something else (a literal, an annotated scalar)."""
    node = _unquote(node)
    if isinstance(node, ast.Constant) and node.value is None:
        return "None"
    if isinstance(node, ast.Name):
        if node.id in _BUILTINS:
            return node.id
        found = _find_class(classes, operation, node.id)
        if found is None:
            return None
        imports.append((found[0], node.id))
        return node.id
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left = _render(node.left, classes, operation, imports)
        right = _render(node.right, classes, operation, imports)
        return None if left is None or right is None else f"{left} | {right}"
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        name = node.value.id
        arguments = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if name == "Optional":
            inner = _render(arguments[0], classes, operation, imports)
            return None if inner is None else f"{inner} | None"
        if name == "Union":
            parts = [_render(argument, classes, operation, imports) for argument in arguments]
            return None if None in parts else " | ".join(p for p in parts if p is not None)
        if name == "Annotated":
            return _render(arguments[0], classes, operation, imports)
        if name in ("list", "List"):
            inner = _render(arguments[0], classes, operation, imports)
            return None if inner is None else f"list[{inner}]"
    return None


def iter_method(
    method: ast.FunctionDef | ast.AsyncFunctionDef,
    *,
    name: str,
    operation: str,
    model: str,
    constant: str,
    page: PagePath,
    types: PageTypes,
    token_argument: str,
) -> ast.FunctionDef:
    """The ``iter_*`` companion of ``method``: the same arguments and options, plus
    ``max_pages`` and ``max_items``, returning ``Pages`` (``AsyncPages`` for an async
    method) whose pages send the operation with the token replaced.

    ``method`` is the rewritten method: its statements before the final ``return``
    (deprecation warnings, ``variables = {...}``) are the iterator's too.
    """
    is_async = isinstance(method, ast.AsyncFunctionDef)
    pages = "AsyncPages" if is_async else "Pages"
    arguments = copy.deepcopy(method.args)
    taken = {arg.arg for arg in (*arguments.args, *arguments.kwonlyargs)}
    lambda_name = "token"
    while lambda_name in taken:
        lambda_name += "_"
    for limit in ("max_pages", "max_items"):
        arguments.kwonlyargs.append(
            ast.arg(limit, annotation=ast.parse("int | None", mode="eval").body)
        )
        arguments.kw_defaults.append(ast.Constant(None))
    prelude = [copy.deepcopy(statement) for statement in method.body[1:-1]]
    page_variables = ast.Dict(
        keys=[None, ast.Constant(page.variable)],
        values=[ast.Name("variables"), ast.Name(lambda_name)],
    )
    fetch = ast.Lambda(
        args=ast.arguments(
            posonlyargs=[], args=[ast.arg(lambda_name)], kwonlyargs=[], kw_defaults=[], defaults=[]
        ),
        body=ast.Call(
            func=ast.Attribute(value=ast.Name("self"), attr="execute_operation"),
            args=[ast.Name(constant), page_variables, ast.Name("options")],
            keywords=[],
        ),
    )
    call = ast.Call(
        func=ast.Name(pages),
        args=[fetch, ast.Name(token_argument)],
        keywords=[
            ast.keyword("token", _strings(types.token)),
            ast.keyword("items", _strings(types.items)),
            ast.keyword("max_pages", ast.Name("max_pages")),
            ast.keyword("max_items", ast.Name("max_items")),
            ast.keyword("operation", ast.Constant(operation)),
            ast.keyword("options", ast.Name("options")),
        ],
    )
    token_path = ".".join(page.convention.token)
    doc = (
        f"The pages of :meth:`{method.name}`, fetched as a loop reaches them: "
        f"``{token_path}`` is passed back as ``{token_argument}`` until it is null "
        f"(or ``max_pages`` pages, ``max_items`` items); ``.items()`` iterates the "
        f"items instead. Each page is a ``{model}``; "
        f"``{'async ' if is_async else ''}for`` over it."
    )
    function = ast.FunctionDef(
        name=name,
        args=arguments,
        body=[ast.Expr(ast.Constant(doc)), *prelude, ast.Return(call)],
        decorator_list=[],
        returns=ast.Constant(f"{pages}[{model}, {types.item_type}]"),
    )
    return ast.fix_missing_locations(ast.copy_location(function, method))


def _strings(values: tuple[str, ...]) -> ast.Tuple:
    return ast.Tuple(elts=[ast.Constant(value) for value in values], ctx=ast.Load())
