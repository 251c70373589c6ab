"""How the plugin rewrites the client methods ariadne-codegen writes.

Results are validated through the runtime; queries and mutations name their
operation type; subscriptions of the blocking client iterate the runtime's
``subscribe`` and every subscription closes the runtime's iterator with its own;
each method passes its auth modes (:mod:`appsync_codegen.auth_modes`); custom scalar
arguments are serialized only when present; methods and clients get docstrings.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Mapping, Set
from dataclasses import dataclass
from typing import cast

from graphql import (
    ArgumentNode,
    DocumentNode,
    ExecutableDefinitionNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    ListTypeNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    TypeInfo,
    TypeInfoVisitor,
    TypeNode,
    VariableDefinitionNode,
    VariableNode,
    Visitor,
    parse,
    print_ast,
    visit,
)

from ._paginated import PageTypes, iter_method
from ._rewrite import add_import, docstring, internal, walk
from .auth_modes import OperationAuth
from .compact import compact_document
from .errors import CodegenError
from .names import argument_reserved, assign_names
from .operations import leading_comment
from .pagination import PagePath

__all__ = [
    "RUNTIME_MODEL_MODULE",
    "MethodRewriter",
    "OperationSpec",
    "auth_summary",
    "deprecated_variables",
    "document_client_class",
    "has_deprecated_arguments",
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
        self.operations: dict[str, OperationSpec] = {}
        """Each method's :class:`~appsync_runtime.Operation`, by its module constant."""
        self.method_operations: dict[str, tuple[OperationDefinitionNode, str, str]] = {}
        """Per method: its operation, result model name and constant."""
        self.method_variables: dict[str, dict[str, str]] = {}
        """Per method: the argument each GraphQL variable is passed from."""
        self.deprecated_arguments: dict[str, dict[str, str]] = {}
        """Per method: its arguments that pass deprecated GraphQL arguments, and why."""

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
                for node in walk(value):
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
        deprecated: Mapping[str, str] | None = None,
    ) -> ast.FunctionDef | ast.AsyncFunctionDef:
        """The method as the runtime sends it: its variables, then one call of
        ``execute_operation`` (``subscribe_operation``) with the module's
        :class:`~appsync_runtime.Operation` for it and the typed ``**options``.

        Queries and mutations stay ``def`` (``async def`` on the async client);
        subscriptions become plain methods returning the runtime's generator of
        typed events (``Generator``, ``AsyncGenerator``).
        """
        kind = operation_definition.operation
        name = operation_definition.name.value if operation_definition.name else ""
        model = _result_model(method_def)
        document = _document(method_def)
        if model is None or document is None:
            raise CodegenError([internal(operation_definition, "client method")])
        constant = "_" + method_def.name.upper()
        self.operations[constant] = OperationSpec(
            name=name,
            kind=kind.value,
            document=compact_document(document),
            model=model,
            auth_modes=None if auth is None else auth.modes,
        )
        self.method_operations[method_def.name] = (operation_definition, model, constant)
        variables = _variables(method_def)
        self.method_variables[method_def.name] = _variable_arguments(variables)
        subscription = kind == OperationType.SUBSCRIPTION
        # ariadne writes subscriptions async on both clients; each client has a
        # plugin (and a rewriter) of its own
        is_async = self._async_client
        options_type = "SubscribeOptions" if subscription else "OperationOptions"
        method_def.args.kwarg = ast.arg(
            "options", annotation=ast.Constant(f"Unpack[{options_type}]")
        )
        sender = "subscribe_operation" if subscription else "execute_operation"
        call = f"self.{sender}({constant}, {'variables' if variables else 'None'}, options)"
        await_ = "await " if is_async and not subscription else ""
        body: list[ast.stmt] = [] if variables is None else [variables]
        body.append(ast.parse(f"return {await_}{call}").body[0])
        returns: ast.expr | None = method_def.returns
        if subscription:
            generator = "AsyncGenerator" if is_async else "Generator"
            rest = "None" if is_async else "None, None"
            # the model as a name: ariadne's forward references quote it and import
            # it for type checkers only
            returns = ast.parse(f"{generator}[{model}, {rest}]", mode="eval").body
        text = self._method_docstring(operation_definition, auth, is_async)
        arguments = self.method_variables[method_def.name]
        warned = {
            arguments[v]: reason for v, reason in (deprecated or {}).items() if v in arguments
        }
        if warned:
            self.deprecated_arguments[method_def.name] = warned
            notes = [f"``{name}`` is deprecated: {reason}" for name, reason in warned.items()]
            text += "\n\n" + " ".join(notes)
            body[:0] = _deprecation_warnings(method_def.args, warned)
        function_type: type[ast.FunctionDef] | type[ast.AsyncFunctionDef] = (
            ast.AsyncFunctionDef if is_async and not subscription else ast.FunctionDef
        )
        rewritten = function_type(
            name=method_def.name,
            args=method_def.args,
            body=[docstring(text), *body],
            decorator_list=method_def.decorator_list,
            returns=returns,
        )
        return ast.fix_missing_locations(ast.copy_location(rewritten, method_def))

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
                f"Sends the ``{name}`` {kind}. Options: ``auth``, ``auth_modes``, "
                "``headers``, ``timeout``, ``retry``, ``idempotent`` "
                "(:class:`~appsync_runtime.OperationOptions`)."
            )
        else:
            how = "an async generator" if is_async else "a generator, blocking between events"
            sends = (
                f"Subscribes with the ``{name}`` subscription: {how} of its events; "
                "closing it stops the subscription. Options: ``auth``, ``auth_modes``, "
                "``on_ready``, ``on_gap`` (:class:`~appsync_runtime.SubscribeOptions`)."
            )
        parts = [*lines, sends]
        if auth is not None:
            parts.append(auth_summary(auth))
        return "\n\n".join(parts)

    def finish_module(
        self,
        module: ast.Module,
        pages: Mapping[str, tuple[str, PagePath, PageTypes]],
        *,
        fragments_module: str,
    ) -> set[str] | None:
        """Add to a client module what its methods use: each method's
        :class:`~appsync_runtime.Operation` (after the class), the ``iter_*``
        methods of the operations in ``pages`` (method name: iterator name, how it
        pages, its types), and the imports. Returns the names the module then reads
        (``ast.Name`` ids), None for a module without a class."""
        class_def = next((node for node in module.body if isinstance(node, ast.ClassDef)), None)
        if class_def is None:
            return None
        origins = _import_origins(module)
        body: list[ast.stmt] = []
        used: list[str] = []
        type_imports: dict[str, set[str]] = {}
        for node in class_def.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                body += _deprecation_overloads(node, self.deprecated_arguments.get(node.name, {}))
            body.append(node)
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            entry = self.method_operations.get(node.name)
            if entry is None:
                continue
            operation, model, constant = entry
            used.append(constant)
            paging = pages.get(node.name)
            if paging is None:
                continue
            iter_name, page, types = paging
            operation_name = operation.name.value if operation.name else ""
            body.append(
                iter_method(
                    node,
                    name=iter_name,
                    operation=operation_name,
                    model=model,
                    constant=constant,
                    page=page,
                    types=types,
                    token_argument=self.method_variables[node.name][page.variable],
                )
            )
            for definition, class_name in types.imports:
                source = (
                    origins.get(model, "")
                    if definition == operation_name
                    else f".{fragments_module}"
                )
                type_imports.setdefault(source, set()).add(class_name)
        class_def.body = body
        for constant in used:
            spec = self.operations[constant]
            module.body.append(_operation_constant(constant, spec, origins.get(spec.model, "")))
        # One walk: the imports added below hold no names, so the set stays right.
        nodes = walk(module)
        names = {node.id for node in nodes if isinstance(node, ast.Name)}
        runtime = [name for name in ("AsyncPages", "Operation", "Pages") if name in names]
        if runtime:
            add_import(module, "appsync_runtime", runtime)
        _import_used(module, "collections.abc", ("AsyncGenerator", "Generator"), names)
        _import_used(module, "typing", ("overload",), names)
        _import_used(module, "typing_extensions", ("deprecated",), names)
        if "warnings" in names:
            module.body.insert(_first_import(module), ast.Import(names=[ast.alias("warnings")]))
        checking: list[tuple[str, list[str]]] = [("typing_extensions", ["Unpack"])]
        options = _subscripted(nodes, ("OperationOptions", "SubscribeOptions"))
        checking.append(("appsync_runtime", options))
        for source, classes in sorted(type_imports.items()):
            known = {name for name, origin in origins.items() if origin == source}
            checking.append((source, sorted(classes - known)))
        _type_checking_imports(module, checking)
        return names | {"TYPE_CHECKING"}  # the block's test, if it was made here


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


def _subscripted(nodes: list[ast.AST], names: tuple[str, ...]) -> list[str]:
    """The ``names`` the module's text holds as ``[name]`` (``Unpack[name]``, in
    string annotations too), found without writing the module out."""
    texts: list[str] = []
    for node in nodes:
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Name):
            texts.append(f"[{node.slice.id}]")
        elif isinstance(node, ast.List) and len(node.elts) == 1:
            element = node.elts[0]
            if isinstance(element, ast.Name):
                texts.append(f"[{element.id}]")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "[" in node.value:
            texts.append(node.value)
    text = "\n".join(texts)
    return [name for name in names if f"[{name}]" in text]


def _import_used(
    module: ast.Module, source: str, candidates: tuple[str, ...], used: Set[str]
) -> None:
    """Add ``from source import name`` for each candidate the module uses (``used``:
    the names it reads)."""
    wanted = [name for name in candidates if name in used]
    if wanted:
        add_import(module, source, wanted)


def deprecated_variables(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
) -> dict[str, str]:
    """The variables an operation passes to deprecated arguments, with the reasons.

    Only the operation and the fragments it spreads (directly or through others)
    are read: another operation's fragment may use a variable of the same name.
    """
    found: dict[str, str] = {}
    type_info = TypeInfo(schema)

    class Arguments(Visitor):
        def enter_argument(self, node: ArgumentNode, *_: object) -> None:
            definition = type_info.get_argument()
            reason = definition.deprecation_reason if definition is not None else None
            if reason and isinstance(node.value, VariableNode):
                found.setdefault(node.value.name.value, reason)

    document = DocumentNode(definitions=(operation, *spread_fragments(operation, fragments)))
    visit(document, TypeInfoVisitor(type_info, Arguments()))
    return found


def has_deprecated_arguments(schema: GraphQLSchema) -> bool:
    """Whether any argument of a field or directive of ``schema`` is deprecated."""
    for named in schema.type_map.values():
        if isinstance(named, (GraphQLObjectType, GraphQLInterfaceType)):
            for field in named.fields.values():
                if any(argument.deprecation_reason for argument in field.args.values()):
                    return True
    return any(
        argument.deprecation_reason
        for directive in schema.directives
        for argument in directive.args.values()
    )


def spread_fragments(
    definition: ExecutableDefinitionNode, fragments: Mapping[str, FragmentDefinitionNode]
) -> list[FragmentDefinitionNode]:
    """The fragments ``definition`` spreads, directly or through other fragments, in
    the order first met (unknown names are skipped: validation reports them)."""
    found: dict[str, FragmentDefinitionNode] = {}
    pending: list[SelectionSetNode] = [definition.selection_set]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                fragment = fragments.get(selection.name.value)
                if fragment is not None and selection.name.value not in found:
                    found[selection.name.value] = fragment
                    pending.append(fragment.selection_set)
            elif isinstance(selection, (FieldNode, InlineFragmentNode)):
                if selection.selection_set is not None:
                    pending.append(selection.selection_set)
    return list(found.values())


def _deprecation_warnings(arguments: ast.arguments, warned: Mapping[str, str]) -> list[ast.stmt]:
    """``if not isinstance(arg, UnsetType): warnings.warn(...)`` for each deprecated
    argument with a default (a required one makes the whole method deprecated)."""
    optional = _optional_arguments(arguments)
    statements: list[ast.stmt] = []
    for name, reason in warned.items():
        if name not in optional:
            continue
        message = ast.Constant(f"{name} is deprecated: {reason}")
        statements += ast.parse(
            f"if not isinstance({name}, UnsetType):\n"
            f"    warnings.warn({ast.unparse(message)}, DeprecationWarning, stacklevel=2)"
        ).body
    return statements


def _optional_arguments(arguments: ast.arguments) -> set[str]:
    positional = arguments.args
    with_default = positional[len(positional) - len(arguments.defaults) :]
    keyword = [
        arg
        for arg, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
        if default is not None
    ]
    return {arg.arg for arg in (*with_default, *keyword)}


def _deprecation_overloads(
    method: ast.FunctionDef | ast.AsyncFunctionDef, warned: Mapping[str, str]
) -> list[ast.stmt]:
    """What goes before ``method`` so type checkers and editors see its deprecated
    arguments: an overload without them and a ``@deprecated`` one with them. A method
    whose deprecated argument is required is deprecated itself (no overloads)."""
    if not warned:
        return []
    notes = "; ".join(f"{name} is deprecated: {reason}" for name, reason in warned.items())
    if not set(warned) <= _optional_arguments(method.args):
        method.decorator_list.append(
            ast.Call(func=ast.Name("deprecated"), args=[ast.Constant(notes)], keywords=[])
        )
        return []
    plain = copy.deepcopy(method)
    positional = plain.args.args
    first = next(i for i, arg in enumerate(positional) if arg.arg in warned)
    defaults = dict(
        zip(
            [arg.arg for arg in positional[len(positional) - len(plain.args.defaults) :]],
            plain.args.defaults,
            strict=True,
        )
    )
    kept = [arg for arg in positional[first:] if arg.arg not in warned]
    plain.args.args = positional[:first]
    plain.args.defaults = [defaults[arg.arg] for arg in plain.args.args if arg.arg in defaults]
    kwonly = [(arg, defaults.get(arg.arg)) for arg in kept]
    kwonly += list(zip(plain.args.kwonlyargs, plain.args.kw_defaults, strict=True))
    plain.args.kwonlyargs = [arg for arg, _ in kwonly if arg.arg not in warned]
    plain.args.kw_defaults = [default for arg, default in kwonly if arg.arg not in warned]
    with_them = copy.deepcopy(method)
    overloads: list[ast.stmt] = []
    marker = ast.Call(func=ast.Name("deprecated"), args=[ast.Constant(notes)], keywords=[])
    variants: list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, list[ast.expr]]] = [
        (plain, [ast.Name("overload")]),
        (with_them, [ast.Name("overload"), marker]),
    ]
    for variant, decorators in variants:
        variant.decorator_list = decorators
        variant.body = [ast.Expr(ast.Constant(...))]
        overloads.append(ast.fix_missing_locations(variant))
    return overloads


def _first_import(module: ast.Module) -> int:
    return next(
        (i for i, node in enumerate(module.body) if isinstance(node, (ast.Import, ast.ImportFrom))),
        0,
    )


@dataclass(frozen=True)
class OperationSpec:
    """What a client module's :class:`~appsync_runtime.Operation` constant holds."""

    name: str
    kind: str
    document: str
    model: str
    auth_modes: tuple[str, ...] | None


def _result_model(method: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """The model ariadne's method validates its result with (``Model.model_validate``)."""
    for node in walk(method):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "model_validate"
            and isinstance(node.func.value, ast.Name)
        ):
            return node.func.value.id
    return None


def _document(method: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """The operation text of ariadne's ``query = gql(...)`` (its argument is one
    constant, or a list of constants, one per line)."""
    for node in method.body:
        if not (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "query" for t in node.targets)
            and isinstance(node.value, ast.Call)
            and len(node.value.args) == 1
        ):
            continue
        argument: object = node.value.args[0]
        parts = argument if isinstance(argument, list) else [argument]
        texts = [
            part.value
            for part in cast("list[object]", parts)
            if isinstance(part, ast.Constant) and isinstance(part.value, str)
        ]
        if len(texts) == len(parts):
            return "".join(texts)
    return None


def _variables(method: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.stmt | None:
    """ariadne's ``variables: dict[str, object] = {...}``."""
    for node in method.body:
        target: ast.expr | None = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        if isinstance(target, ast.Name) and target.id == "variables":
            return node
    return None


def _variable_arguments(statement: ast.stmt | None) -> dict[str, str]:
    """Which argument each GraphQL variable of a ``variables`` dict is passed from."""
    value = getattr(statement, "value", None)
    found: dict[str, str] = {}
    if isinstance(value, ast.Dict):
        for key, item in zip(value.keys, value.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                name = next((n.id for n in walk(item) if isinstance(n, ast.Name)), None)
                if name is not None:
                    found[key.value] = name
    return found


def _import_origins(module: ast.Module) -> dict[str, str]:
    """Where each name a module imports relatively comes from (``.list_notes``),
    under ``if TYPE_CHECKING:`` too."""
    statements: list[ast.stmt] = []
    for node in module.body:
        statements.append(node)
        if isinstance(node, ast.If):
            statements += node.body
    return {
        alias.asname or alias.name: "." * node.level + (node.module or "")
        for node in statements
        if isinstance(node, ast.ImportFrom) and node.level
        for alias in node.names
    }


def _operation_constant(constant: str, spec: OperationSpec, module: str) -> ast.stmt:
    """``_GET_NOTE: "Operation[GetNote]" = Operation("GetNote", "query", "...", ...)``."""
    keywords = [
        ast.keyword("result", ast.Constant(f"{module}:{spec.model}")),
        ast.keyword("package", ast.Name("__package__")),
    ]
    if spec.auth_modes is not None:
        keywords.append(
            ast.keyword(
                "auth_modes",
                ast.Tuple(elts=[ast.Constant(mode) for mode in spec.auth_modes], ctx=ast.Load()),
            )
        )
    value = ast.Call(
        func=ast.Name("Operation"),
        args=[ast.Constant(spec.name), ast.Constant(spec.kind), ast.Constant(spec.document)],
        keywords=keywords,
    )
    statement = ast.AnnAssign(
        target=ast.Name(constant, ctx=ast.Store()),
        annotation=ast.Constant(f"Operation[{spec.model}]"),
        value=value,
        simple=1,
    )
    return ast.fix_missing_locations(statement)


def _type_checking_imports(module: ast.Module, imports: list[tuple[str, list[str]]]) -> None:
    """Add ``from source import names`` under the module's ``if TYPE_CHECKING:``
    (made, with its ``typing`` import, if missing)."""
    wanted = [(source, names) for source, names in imports if names]
    if not wanted:
        return
    block = next(
        (
            node
            for node in module.body
            if isinstance(node, ast.If)
            and isinstance(node.test, ast.Name)
            and node.test.id == "TYPE_CHECKING"
        ),
        None,
    )
    if block is None:
        add_import(module, "typing", ["TYPE_CHECKING"])
        block = ast.If(test=ast.Name("TYPE_CHECKING"), body=[], orelse=[])
        position = max(
            (
                i + 1
                for i, node in enumerate(module.body)
                if isinstance(node, ast.ImportFrom | ast.Import)
            ),
            default=0,
        )
        module.body.insert(position, block)
    for source, names in wanted:
        level = len(source) - len(source.lstrip("."))
        block.body.append(
            ast.ImportFrom(
                module=source.lstrip(".") or None,
                names=[ast.alias(name) for name in names],
                level=level,
            )
        )
    # The new nodes only: the rest of a large module needs no walk.
    ast.fix_missing_locations(block)
    for node in module.body:
        if isinstance(node, ast.ImportFrom) and not hasattr(node, "lineno"):
            ast.fix_missing_locations(node)


def _print_with_variables_wrapped(operation: OperationDefinitionNode) -> str:
    """``operation`` printed with one variable definition per line."""
    name = operation.name.value if operation.name else ""
    variables = "".join(f"  {print_ast(v)}\n" for v in operation.variable_definitions)
    directives = "".join(f" {print_ast(d)}" for d in operation.directives)
    selection = print_ast(operation.selection_set)
    return f"{operation.operation.value} {name}(\n{variables}){directives} {selection}"


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
