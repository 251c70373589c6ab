"""How the plugin rewrites the client methods ariadne-codegen writes.

Results are validated through the runtime; queries and mutations name their
operation type; subscriptions of the blocking client iterate the runtime's
``subscribe`` and every subscription closes the runtime's iterator with its own;
each method passes its auth modes (:mod:`appsync_codegen.auth_modes`); custom scalar
arguments are serialized only when present; methods and clients get docstrings.
"""

from __future__ import annotations

import ast

from graphql import (
    ExecutableDefinitionNode,
    FieldNode,
    GraphQLSchema,
    ListTypeNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    OperationType,
    TypeNode,
    VariableDefinitionNode,
    parse,
    print_ast,
)

from ._rewrite import add_import, docstring, has_docstring, internal
from .auth_modes import OperationAuth
from .errors import CodegenError
from .names import argument_reserved, assign_names
from .operations import leading_comment

__all__ = [
    "RUNTIME_MODEL_MODULE",
    "MethodRewriter",
    "auth_summary",
    "document_client_class",
    "import_helpers",
    "import_validated_models",
    "runtime_unset_import",
]

RUNTIME_MODEL_MODULE = "appsync_runtime.unset"
"""Where client modules import ``UNSET`` and ``UnsetType`` from: the runtime's
pydantic-free module, so importing a client loads no model machinery (``base_model.py``
still re-exports them, with ``BaseModel``, from ``appsync_runtime.model``)."""
# Columns before the query text in a client method: ariadne-codegen indents it by 12.
_QUERY_INDENT = 12


class MethodRewriter:
    """Rewrites the client methods ariadne-codegen writes.

    What each rewrite does is listed on :class:`~appsync_codegen.plugin.AppSyncPlugin`.
    """

    def __init__(
        self,
        schema: GraphQLSchema,
        *,
        snake_case: bool,
        async_client: bool,
        line_length: int,
    ) -> None:
        self.schema = schema
        self._snake_case = snake_case
        self._async_client = async_client
        self._line_length = line_length
        self._argument_reserved = argument_reserved()
        self._argument_names: dict[int, dict[str, tuple[str, str]]] = {}

    def arguments(
        self,
        arguments: ast.arguments,
        variable_definitions: tuple[VariableDefinitionNode, ...],
    ) -> ast.arguments:
        """Give each variable an argument of its own (``createdAt`` next to ``created_at``)."""
        ordered = [d for d in variable_definitions if isinstance(d.type, NonNullTypeNode)] + [
            d for d in variable_definitions if not isinstance(d.type, NonNullTypeNode)
        ]
        graphql_names = [d.variable.name.value for d in ordered]
        assigned = assign_names(
            graphql_names, snake_case=self._snake_case, reserved=self._argument_reserved
        )
        written = arguments.args[1:]
        if len(written) != len(ordered):
            raise CodegenError([internal(ordered[0] if ordered else None, "arguments")])
        renames: dict[str, tuple[str, str]] = {}
        for arg, graphql_name in zip(written, graphql_names, strict=True):
            renames[graphql_name] = (arg.arg, assigned[graphql_name])
            arg.arg = assigned[graphql_name]
        self._argument_names[id(variable_definitions)] = renames
        return arguments

    def arguments_dict(
        self,
        dict_: ast.Dict,
        variable_definitions: tuple[VariableDefinitionNode, ...],
    ) -> ast.Dict:
        """Serialize custom scalar arguments value by value, and only real values.

        ariadne-codegen writes ``serialize(argument)``: a list argument reaches a
        serializer made for one value (``[AWSJSON]`` would go out as one JSON
        document instead of one per item), and ``None``/``UNSET`` reach it too.
        """
        renames = self._argument_names.pop(id(variable_definitions), {})
        for key, value in zip(dict_.keys, dict_.values, strict=True):
            if isinstance(key, ast.Constant) and key.value in renames:
                old, new = renames[key.value]
                for node in ast.walk(value):
                    if isinstance(node, ast.Name) and node.id == old:
                        node.id = new
        types = {d.variable.name.value: d.type for d in variable_definitions}
        values: list[ast.expr] = []
        for key, value in zip(dict_.keys, dict_.values, strict=True):
            if (
                isinstance(key, ast.Constant)
                and key.value in types
                and isinstance(value, ast.Call)
                and isinstance(value.func, ast.Name)
                and len(value.args) == 1
                and isinstance(value.args[0], ast.Name)
                and not value.keywords
            ):
                value = _serialize_expr(value.args[0], types[key.value], value.func, depth=0)
            values.append(value)
        dict_.values = values
        return dict_

    def operation_str(
        self, operation_str: str, operation_definition: ExecutableDefinitionNode
    ) -> str:
        """The query text sent to AppSync, fitting the client module's line length.

        Operation descriptions (they become docstrings) are left out, and a long
        variable list is written one variable per line, which graphql-core's
        printer never does.
        """
        limit = self._line_length - _QUERY_INDENT
        too_long = any(len(line) > limit for line in operation_str.splitlines())
        described = isinstance(operation_definition, OperationDefinitionNode) and bool(
            operation_definition.description
        )
        if not (too_long or described):
            return operation_str
        printed: list[str] = []
        for definition in parse(operation_str, no_location=True).definitions:
            if isinstance(definition, OperationDefinitionNode):
                definition.description = None
                text = print_ast(definition)
                if len(text.partition("\n")[0]) > limit and definition.variable_definitions:
                    text = _print_with_variables_wrapped(definition)
            else:
                text = print_ast(definition)
            printed.append(text)
        return "\n\n".join(printed)

    def method(
        self,
        method_def: ast.FunctionDef | ast.AsyncFunctionDef,
        operation_definition: OperationDefinitionNode,
        auth: OperationAuth | None,
    ) -> ast.FunctionDef | ast.AsyncFunctionDef:
        """Validate results through the runtime, pass ``auth``'s modes, document the method.

        A subscription on the blocking client arrives as ariadne's async generator
        and leaves as a generator over ``self.subscribe``.
        """
        method_def = _ValidateResultRewriter().visit(method_def)
        if operation_definition.operation == OperationType.SUBSCRIPTION:
            if not self._async_client and isinstance(method_def, ast.AsyncFunctionDef):
                method_def = _blocking_subscription(method_def)
            else:
                method_def = _SubscribeCall().visit(method_def)
            _close_subscription(method_def)
        else:
            _pass_operation_type(method_def, operation_definition.operation.value)
        if auth is not None:
            method_def.body.insert(_execute_index(method_def), _auth_modes_default(auth.modes))
        if not has_docstring(method_def.body):
            is_async = isinstance(method_def, ast.AsyncFunctionDef)
            text = self._method_docstring(operation_definition, auth, is_async)
            method_def.body.insert(0, docstring(text))
        return method_def

    def _method_docstring(
        self, operation: OperationDefinitionNode, auth: OperationAuth | None, is_async: bool
    ) -> str:
        kind = operation.operation.value
        name = operation.name.value if operation.name else ""
        root = self.schema.get_root_type(operation.operation)
        fields = [s for s in operation.selection_set.selections if isinstance(s, FieldNode)]
        lines: list[str] = []
        described = bool(operation.description)
        if operation.description:
            lines.append(operation.description.value.strip())
        for field in fields:
            definition = root.fields.get(field.name.value) if root else None
            if definition is None:
                continue
            if not operation.description and definition.description:
                described = True
                text = definition.description.strip()
                lines.append(text if len(fields) == 1 else f"``{field.name.value}``: {text}")
            if definition.deprecation_reason:
                lines.append(
                    f"``{field.name.value}`` is deprecated: {definition.deprecation_reason}"
                )
        comment = "" if described else leading_comment(operation)
        if comment:  # the comment above the operation, when nothing else describes it
            lines.insert(0, comment)
        if operation.operation != OperationType.SUBSCRIPTION:
            sends = (
                f"Sends the ``{name}`` {kind}; other keyword arguments (``auth``, "
                "``headers``, ``timeout``) go to ``execute``."
            )
        elif is_async:
            sends = (
                f"Subscribes with the ``{name}`` subscription and yields each event; "
                "other keyword arguments (``auth``, ``on_ready``, ``on_gap``) go to "
                "``subscribe``."
            )
        else:
            sends = (
                f"Subscribes with the ``{name}`` subscription and yields each event, "
                "blocking between events; other keyword arguments (``auth``, ``on_ready``, "
                "``on_gap``) go to ``subscribe``."
            )
        parts = [*lines, sends]
        if auth is not None:
            parts.append(auth_summary(auth))
        return "\n\n".join(parts)


def runtime_unset_import(import_: ast.ImportFrom) -> ast.ImportFrom:
    """Import ``UNSET``/``UnsetType`` from the runtime, not through ``base_model``.

    The same objects either way; importing them absolutely keeps ``UnsetType``
    a run-time name when ariadne's forward-reference plugin moves the
    package's own imports under ``TYPE_CHECKING``, which the ``isinstance``
    checks written by :meth:`MethodRewriter.arguments_dict` need.
    """
    names = {alias.name for alias in import_.names}
    if import_.level == 1 and import_.module == "base_model" and names <= {"UNSET", "UnsetType"}:
        return ast.ImportFrom(module=RUNTIME_MODEL_MODULE, names=import_.names, level=0)
    return import_


def document_client_class(class_def: ast.ClassDef) -> ast.ClassDef:
    """Give the client class a docstring."""
    is_async = any(isinstance(node, ast.AsyncFunctionDef) for node in class_def.body) or any(
        isinstance(base, ast.Name) and base.id.startswith("Async") for base in class_def.bases
    )
    if is_async:
        text = (
            "Asyncio AppSync client: one typed method per operation.\n\n"
            "Subscriptions are async iterators of their events."
        )
    else:
        text = (
            "Blocking AppSync client: one typed method per operation.\n\n"
            "Subscriptions are blocking iterators of their events."
        )
    body = [node for node in class_def.body if not isinstance(node, ast.Pass)]
    class_def.body = [docstring(text), *body]
    return class_def


def auth_summary(auth: OperationAuth) -> str:
    """The docstring paragraph naming an operation's auth modes and Cognito groups."""
    if not auth.modes:
        return (
            "Auth modes: none of the API's modes can read everything this operation "
            "selects, so calling it raises ``AppSyncConfigError`` (unless ``auth_modes=`` "
            "says otherwise)."
        )
    text = "Auth modes: " + ", ".join(f"``{mode}``" for mode in auth.modes) + "."
    for groups in auth.cognito_groups:
        names = ", ".join(f"``{group}``" for group in groups)
        which = "the group" if len(groups) == 1 else "one of the groups"
        text += f" Cognito callers must belong to {which} {names}."
    return text


class _SubscribeCall(ast.NodeTransformer):
    """``self.execute_ws(...)`` (ariadne-codegen's name) becomes ``self.subscribe(...)``,
    the runtime's name on both clients."""

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        self.generic_visit(node)
        if (
            isinstance(node.value, ast.Name)
            and node.value.id == "self"
            and node.attr == "execute_ws"
        ):
            node.attr = "subscribe"
        return node


class _BlockingSubscription(_SubscribeCall):
    """``async for data in self.execute_ws(...)`` becomes ``for data in self.subscribe(...)``."""

    def visit_AsyncFor(self, node: ast.AsyncFor) -> ast.AST:
        self.generic_visit(node)
        loop = ast.For(target=node.target, iter=node.iter, body=node.body, orelse=node.orelse)
        return ast.copy_location(loop, node)


def _blocking_subscription(method: ast.AsyncFunctionDef) -> ast.FunctionDef:
    """An async generator method over ``execute_ws`` as a generator over ``subscribe``."""
    body = [_BlockingSubscription().visit(statement) for statement in method.body]
    returns = method.returns
    if (
        isinstance(returns, ast.Subscript)
        and isinstance(returns.value, ast.Name)
        and returns.value.id == "AsyncIterator"
    ):
        returns = ast.Subscript(value=ast.Name(id="Iterator"), slice=returns.slice, ctx=ast.Load())
    blocking = ast.FunctionDef(
        name=method.name,
        args=method.args,
        body=body,
        decorator_list=method.decorator_list,
        returns=returns,
    )
    return ast.copy_location(blocking, method)


def _import_used(module: ast.Module, source: str, candidates: tuple[str, ...]) -> None:
    """Add ``from source import name`` for each candidate the module uses but lacks."""
    used = {node.id for node in ast.walk(module) if isinstance(node, ast.Name)}
    wanted = [name for name in candidates if name in used]
    if wanted:
        add_import(module, source, wanted)


def _close_subscription(method: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
    """Close the runtime's iterator as soon as the method's own generator ends.

    ``for data in self.subscribe(...)`` (or ``async for ... self.execute_ws(...)``)
    becomes ``events = self.subscribe(...)`` and a loop over ``events`` inside
    ``with closing(...)`` (``async with aclosing(...)``): closing the method's
    generator closes the runtime's in the same step, which sends AppSync's
    ``stop``, instead of leaving it to the interpreter to finalize the inner
    iterator some time later (at once on CPython only, and then as a task of its
    own on an event loop). The method is annotated as returning a
    ``Generator`` (``AsyncGenerator``), so typed code can call ``close()``
    (``aclose()``) on it too. The runtime annotates its iterators as ariadne-codegen's
    contract does (``Iterator``/``AsyncIterator``); they are generators, hence the
    ``cast``.
    """
    is_async = isinstance(method, ast.AsyncFunctionDef)
    for index, statement in enumerate(method.body):
        if not (
            isinstance(statement, (ast.For, ast.AsyncFor))
            and isinstance(statement.iter, ast.Call)
            and ast.unparse(statement.iter.func) in _SENDING_CALLS
        ):
            continue
        data_type = ast.parse("dict[str, Any]", mode="eval").body
        generator_type = ast.Subscript(
            value=ast.Name(id="AsyncGenerator" if is_async else "Generator"),
            slice=ast.Tuple(
                elts=[data_type, ast.Constant(None)]
                if is_async
                else [data_type, ast.Constant(None), ast.Constant(None)],
                ctx=ast.Load(),
            ),
            ctx=ast.Load(),
        )
        closer = ast.Call(
            func=ast.Name(id="aclosing" if is_async else "closing"),
            args=[
                ast.Call(
                    func=ast.Name(id="cast"),
                    args=[generator_type, ast.Name(id="events")],
                    keywords=[],
                )
            ],
            keywords=[],
        )
        loop_type = ast.AsyncFor if is_async else ast.For
        loop = loop_type(
            target=statement.target,
            iter=ast.Name(id="events"),
            body=statement.body,
            orelse=statement.orelse,
        )
        with_type = ast.AsyncWith if is_async else ast.With
        method.body[index : index + 1] = [
            ast.Assign(targets=[ast.Name(id="events", ctx=ast.Store())], value=statement.iter),
            with_type(items=[ast.withitem(context_expr=closer)], body=[loop]),
        ]
        break
    returns = method.returns
    if (
        isinstance(returns, ast.Subscript)
        and isinstance(returns.value, ast.Name)
        and returns.value.id in ("AsyncIterator", "Iterator")
    ):
        item = returns.slice
        returns.value = ast.Name(id="AsyncGenerator" if is_async else "Generator")
        returns.slice = ast.Tuple(
            elts=[item, ast.Constant(None)]
            if is_async
            else [item, ast.Constant(None), ast.Constant(None)],
            ctx=ast.Load(),
        )
    ast.fix_missing_locations(method)


def _pass_operation_type(method: ast.FunctionDef | ast.AsyncFunctionDef, kind: str) -> None:
    """``self.execute(..., operation_type="query")``: the runtime need not look for it
    in the document on every call."""
    for node in ast.walk(method):
        if (
            isinstance(node, ast.Call)
            and ast.unparse(node.func) == "self.execute"
            and not any(keyword.arg == "operation_type" for keyword in node.keywords)
        ):
            position = next(
                (i for i, keyword in enumerate(node.keywords) if keyword.arg is None),
                len(node.keywords),
            )
            node.keywords.insert(
                position, ast.keyword(arg="operation_type", value=ast.Constant(kind))
            )


def _print_with_variables_wrapped(operation: OperationDefinitionNode) -> str:
    """``operation`` printed with one variable definition per line."""
    name = operation.name.value if operation.name else ""
    variables = "".join(f"  {print_ast(v)}\n" for v in operation.variable_definitions)
    directives = "".join(f" {print_ast(d)}" for d in operation.directives)
    selection = print_ast(operation.selection_set)
    return f"{operation.operation.value} {name}(\n{variables}){directives} {selection}"


_SENDING_CALLS = {"self.execute", "self.execute_ws", "self.subscribe"}


def _execute_index(method: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Index of the statement that sends the operation (or the end of the body)."""
    for index, statement in enumerate(method.body):
        for node in ast.walk(statement):
            if isinstance(node, ast.Call) and ast.unparse(node.func) in _SENDING_CALLS:
                return index
    return len(method.body)


def _auth_modes_default(modes: tuple[str, ...]) -> ast.stmt:
    """``kwargs.setdefault("auth_modes", (...))``: the caller's ``auth_modes=`` wins."""
    call = ast.Call(
        func=ast.Attribute(value=ast.Name(id="kwargs"), attr="setdefault"),
        args=[
            ast.Constant("auth_modes"),
            ast.Tuple(elts=[ast.Constant(mode) for mode in modes], ctx=ast.Load()),
        ],
        keywords=[],
    )
    return ast.Expr(value=call)


class _ValidateResultRewriter(ast.NodeTransformer):
    """``Model.model_validate(data)`` becomes ``self.validate_result(Model, data)``."""

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "model_validate"
            and isinstance(func.value, ast.Name)
            and len(node.args) == 1
            and not node.keywords
        ):
            return ast.Call(
                func=ast.Attribute(value=ast.Name(id="self"), attr="validate_result"),
                args=[ast.Name(id=func.value.id), node.args[0]],
                keywords=[],
            )
        return node


def _validated_models(method: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Names of the models a method passes to ``self.validate_result``."""
    names: set[str] = set()
    for node in ast.walk(method):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "validate_result"
            and node.args
            and isinstance(node.args[0], ast.Name)
        ):
            names.add(node.args[0].id)
    return names


def _serialize_expr(
    value: ast.expr, type_node: TypeNode, serializer: ast.expr, depth: int
) -> ast.expr:
    """``serializer`` applied to ``value`` of GraphQL type ``type_node``, null-safe.

    At the top (``depth == 0``) an optional argument may also be ``UNSET``, which
    passes through for the runtime to drop; list items are serialized one by one.
    """
    nullable = not isinstance(type_node, NonNullTypeNode)
    inner = type_node.type if isinstance(type_node, NonNullTypeNode) else type_node
    core: ast.expr
    if isinstance(inner, ListTypeNode):
        item = "item" if depth == 0 else f"item_{depth}"
        core = ast.ListComp(
            elt=_serialize_expr(ast.Name(id=item), inner.type, serializer, depth + 1),
            generators=[
                ast.comprehension(
                    target=ast.Name(id=item, ctx=ast.Store()), iter=value, ifs=[], is_async=0
                )
            ],
        )
    else:
        core = ast.Call(func=serializer, args=[value], keywords=[])
    if not nullable:
        return core
    test: ast.expr = ast.Compare(left=value, ops=[ast.Is()], comparators=[ast.Constant(None)])
    if depth == 0:
        unset = ast.Call(
            func=ast.Name(id="isinstance"), args=[value, ast.Name(id="UnsetType")], keywords=[]
        )
        test = ast.BoolOp(op=ast.Or(), values=[test, unset])
    return ast.IfExp(test=test, body=value, orelse=core)


def import_helpers(module: ast.Module) -> None:
    """Import what the rewritten methods use (``Generator``, ``closing``, ``cast``, ...)."""
    _import_used(module, "collections.abc", ("AsyncGenerator", "Generator", "Iterator"))
    _import_used(module, "contextlib", ("aclosing", "closing"))
    _import_used(module, "typing", ("cast",))


def import_validated_models(module: ast.Module) -> None:
    """Import each result model inside the method that validates it.

    With forward references (``lazy_imports``) ariadne-codegen moves the result
    models' imports under ``TYPE_CHECKING``; it re-imports a model in the method
    only where the method calls ``Model.model_validate``, so methods calling
    ``self.validate_result(Model, ...)`` import it here.
    """
    origins = {
        alias.name: node.module
        for node in module.body
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module
        for alias in node.names
    }
    for class_def in (node for node in module.body if isinstance(node, ast.ClassDef)):
        for method in class_def.body:
            if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            position = 1 if has_docstring(method.body) else 0
            for name in sorted(_validated_models(method) & origins.keys()):
                method.body.insert(
                    position,
                    ast.ImportFrom(module=origins[name], names=[ast.alias(name)], level=1),
                )
